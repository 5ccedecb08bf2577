/// DNS messages for seed corpora, byte by byte (RFC 1035 §4.1), with nothing checked: seeds
/// include malformed messages on purpose. Only the two DNS targets' seeds use it.
public struct DNSMessageBytes {
    public var id: UInt16 = 0x4D52
    /// Flags word as sent: RD by default.
    public var flags: UInt16 = 0x0100
    /// Counts as sent; nil means the number of entries given.
    public var qdCount: UInt16? = nil
    public var arCount: UInt16? = nil
    public var question: [UInt8]
    public var qtype: UInt16
    public var qclass: UInt16 = 1
    public var answer: [[UInt8]] = []
    public var authority: [[UInt8]] = []
    public var additional: [[UInt8]] = []

    public init(_ name: String, _ qtype: UInt16, class qclass: UInt16 = 1) {
        question = Self.name(name)
        self.qtype = qtype
        self.qclass = qclass
    }

    /// Uncompressed wire form of a dotted name ("" or "." is the root).
    public static func name(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func u32(_ value: UInt32) -> [UInt8] { u16(UInt16(value >> 16)) + u16(UInt16(value & 0xFFFF)) }

    /// A resource record: owner (wire form, possibly a compression pointer), type, class, TTL, RDATA.
    public static func record(owner: [UInt8], type: UInt16, class rrClass: UInt16 = 1, ttl: UInt32 = 0, rdata: [UInt8]) -> [UInt8] {
        owner + u16(type) + u16(rrClass) + u32(ttl) + u16(UInt16(rdata.count)) + rdata
    }

    /// An OPT record (RFC 6891 §6.1.2): payload size, version, DO bit, options (code, body).
    public static func opt(payload: UInt16 = 1232, version: UInt8 = 0, dnssecOK: Bool = false, options: [(UInt16, [UInt8])] = []) -> [UInt8] {
        let rdata = options.flatMap { u16($0.0) + u16(UInt16($0.1.count)) + $0.1 }
        return record(owner: [0], type: 41, class: payload, ttl: UInt32(version) << 16 | (dnssecOK ? 0x8000 : 0), rdata: rdata)
    }

    /// The Client Subnet option (RFC 7871 §6): family, source and scope prefix, address bytes.
    public static func clientSubnet(family: UInt16, source: UInt8, scope: UInt8 = 0, address: [UInt8]) -> (UInt16, [UInt8]) {
        (8, u16(family) + [source, scope] + address)
    }

    public static let nsid: (UInt16, [UInt8]) = (3, [])

    public var bytes: [UInt8] {
        var out = Self.u16(id) + Self.u16(flags) + Self.u16(qdCount ?? 1) + Self.u16(UInt16(answer.count))
        out += Self.u16(UInt16(authority.count)) + Self.u16(arCount ?? UInt16(additional.count))
        out += question + Self.u16(qtype) + Self.u16(qclass)
        for record in answer + authority + additional { out += record }
        return out
    }
}
