import DNSWire

/// The query a drill sends: one question, EDNS(0) with a 1232-byte payload, and an EDNS Client
/// Subnet option (RFC 7871) so the DNS tier steers it as a client of `subnet`. RD is clear: it
/// asks an authoritative server.
enum ProbeQuery {
    static func encode(id: UInt16, name: DNSName, type: RRType, subnet: NetworkPrefix) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
        u16(id)
        u16(0)  // flags: a standard query, RD clear
        u16(1)  // QDCOUNT
        u16(0)
        u16(0)
        u16(1)  // ARCOUNT: the OPT record
        bytes += name.wire
        u16(type.rawValue)
        u16(RRClass.in.rawValue)
        // OPT: root owner, type 41, class = UDP payload size, TTL = extended rcode/version/flags.
        let addressBytes = networkBytes(subnet.address).prefix((subnet.length + 7) / 8)
        bytes.append(0)
        u16(41)
        u16(1232)
        bytes += [0, 0, 0, 0]
        u16(UInt16(4 + 4 + addressBytes.count))
        u16(8)  // option code: EDNS Client Subnet
        u16(UInt16(4 + addressBytes.count))
        u16(subnet.address.family == .ipv4 ? 1 : 2)
        bytes.append(UInt8(subnet.length))
        bytes.append(0)  // scope prefix length: 0 in queries
        bytes += addressBytes
        return bytes
    }

    /// The address in network byte order (4 or 16 bytes).
    static func networkBytes(_ address: NetworkAddress) -> [UInt8] {
        let count = address.family == .ipv4 ? 4 : 16
        return (0..<count).map { i in UInt8(truncatingIfNeeded: i < 8 ? address.high >> (56 - 8 * i) : address.low >> (56 - 8 * (i - 8))) }
    }
}
