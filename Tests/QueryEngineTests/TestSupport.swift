import Foundation
import Testing
import DNSWire
import ZoneStore
@testable import QueryEngine

// MARK: - Query builder

/// EDNS settings for a test query's OPT record.
struct TestEDNS: Sendable {
    var udpSize: UInt16 = 1232
    var version: UInt8 = 0
    var dnssecOK = false
    var nsid = false
    /// Client Subnet option: family, source prefix length, address bytes as sent.
    var ecs: (family: UInt16, source: UInt8, address: [UInt8])? = nil
    /// Extra raw options (code, body) appended after NSID/ECS.
    var extraOptions: [(code: UInt16, body: [UInt8])] = []
}

/// Builds a query message byte by byte (RFC 1035 §4.1). No validation: anything goes on the wire.
struct TestQuery: Sendable {
    var name: String
    var type: RRType
    var qclass: RRClass = .in
    var id: UInt16 = 0x4D52
    var rd = true
    var cd = false
    var qr = false
    var opcode: UInt8 = 0
    var edns: TestEDNS? = nil
    /// Overrides QDCOUNT (the packet still carries one question).
    var qdCount: UInt16? = nil

    init(_ name: String, _ type: RRType, class qclass: RRClass = .in, id: UInt16 = 0x4D52, rd: Bool = true, edns: TestEDNS? = nil) {
        self.name = name
        self.type = type
        self.qclass = qclass
        self.id = id
        self.rd = rd
        self.edns = edns
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        func u16(_ v: UInt16) { out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF)) }
        func u32(_ v: UInt32) { u16(UInt16(v >> 16)); u16(UInt16(v & 0xFFFF)) }
        var flags: UInt16 = UInt16(opcode & 0xF) << 11
        if qr { flags |= 0x8000 }
        if rd { flags |= 0x0100 }
        if cd { flags |= 0x0010 }
        u16(id); u16(flags); u16(qdCount ?? 1); u16(0); u16(0); u16(edns == nil ? 0 : 1)
        out.append(contentsOf: wireName(name))
        u16(type.rawValue); u16(qclass.rawValue)
        if let edns {
            var rdata: [UInt8] = []
            func opt(_ code: UInt16, _ body: [UInt8]) {
                rdata += [UInt8(code >> 8), UInt8(code & 0xFF), UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
            }
            if edns.nsid { opt(EDNS.nsidOptionCode, []) }
            if let ecs = edns.ecs {
                opt(ClientSubnet.optionCode, [UInt8(ecs.family >> 8), UInt8(ecs.family & 0xFF), ecs.source, 0] + ecs.address)
            }
            for extra in edns.extraOptions { opt(extra.code, extra.body) }
            out.append(0)
            u16(RRType.opt.rawValue); u16(edns.udpSize)
            u32(UInt32(edns.version) << 16 | (edns.dnssecOK ? 0x8000 : 0))
            u16(UInt16(rdata.count)); out += rdata
        }
        return out
    }
}

/// Uncompressed wire form of a dotted name, case kept exactly ("." or "" is the root).
func wireName(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    for label in text.split(separator: ".") {
        out.append(UInt8(label.utf8.count))
        out.append(contentsOf: label.utf8)
    }
    out.append(0)
    return out
}

// MARK: - Response decoder

struct DecodeError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

struct DecodedQuestion: Equatable, CustomStringConvertible {
    var name: String
    var type: RRType
    var qclass: RRClass
    var description: String { "\(name) \(qclass) \(type)" }
}

struct DecodedOption: Equatable {
    var code: UInt16
    var data: [UInt8]
}

struct DecodedOPT: Equatable {
    var payloadSize: UInt16
    var extendedRcode: UInt8
    var version: UInt8
    var dnssecOK: Bool
    var options: [DecodedOption]

    func option(_ code: UInt16) -> DecodedOption? { options.first { $0.code == code } }
}

struct DecodedRecord: Equatable, CustomStringConvertible {
    /// Owner in presentation form, case as on the wire (after decompression).
    var name: String
    var type: RRType
    var rrClass: RRClass
    var ttl: UInt32
    /// RDATA with any compressed names expanded (uncompressed wire form).
    var rdata: [UInt8]
    /// RDATA in presentation form.
    var rdataText: String

    /// `owner TTL CLASS TYPE rdata`, like a zone file line (CoreDNS test.RR strings).
    var description: String { "\(name) \(ttl) \(rrClass) \(type) \(rdataText)" }
    /// The same with every name lowercased (for comparisons where compression may borrow the
    /// question's case, which RFC 4343 allows).
    var canonical: String { description.lowercased() }
}

struct DecodedMessage {
    var id: UInt16
    var flags: UInt16
    var question: [DecodedQuestion]
    var answer: [DecodedRecord]
    var authority: [DecodedRecord]
    /// Additional records without the OPT record.
    var additional: [DecodedRecord]
    var opt: DecodedOPT?
    var optCount: Int
    var size: Int

    var qr: Bool { flags & 0x8000 != 0 }
    var opcode: UInt8 { UInt8((flags >> 11) & 0xF) }
    var aa: Bool { flags & 0x0400 != 0 }
    var tc: Bool { flags & 0x0200 != 0 }
    var rd: Bool { flags & 0x0100 != 0 }
    var ra: Bool { flags & 0x0080 != 0 }
    var ad: Bool { flags & 0x0020 != 0 }
    var cd: Bool { flags & 0x0010 != 0 }
    var z: Bool { flags & 0x0040 != 0 }
    /// Full RCODE: header low four bits plus the OPT extended bits (RFC 6891 §6.1.3).
    var rcode: ResponseCode { ResponseCode(UInt16(opt?.extendedRcode ?? 0) << 4 | (flags & 0xF)) }

    static func decode(_ bytes: [UInt8]) throws -> DecodedMessage {
        var r = Reader(bytes: bytes)
        guard bytes.count >= 12 else { throw DecodeError("message shorter than a header: \(bytes.count) bytes") }
        let id = try r.u16(), flags = try r.u16()
        let qd = try r.u16(), an = try r.u16(), ns = try r.u16(), ar = try r.u16()
        var question: [DecodedQuestion] = []
        for _ in 0..<qd {
            let name = try r.name()
            question.append(DecodedQuestion(name: name, type: RRType(try r.u16()), qclass: RRClass(try r.u16())))
        }
        var answer: [DecodedRecord] = [], authority: [DecodedRecord] = [], additional: [DecodedRecord] = []
        var opt: DecodedOPT?
        var optCount = 0
        for i in 0..<(Int(an) + Int(ns) + Int(ar)) {
            let ownerStart = r.p
            let name = try r.name()
            let type = RRType(try r.u16())
            let classField = try r.u16()
            let ttl = try r.u32()
            let length = Int(try r.u16())
            let start = r.p
            guard start + length <= bytes.count else { throw DecodeError("RDATA of \(name) \(type) runs past the end") }
            if type == .opt {
                guard i >= Int(an) + Int(ns) else { throw DecodeError("OPT outside the additional section") }
                guard r.p - 10 - ownerStart == 1, name == "." else { throw DecodeError("OPT owner is not the root") }
                optCount += 1
                var options: [DecodedOption] = []
                var p = start
                while p < start + length {
                    guard p + 4 <= start + length else { throw DecodeError("EDNS option header truncated") }
                    let code = UInt16(bytes[p]) << 8 | UInt16(bytes[p + 1])
                    let len = Int(UInt16(bytes[p + 2]) << 8 | UInt16(bytes[p + 3]))
                    guard p + 4 + len <= start + length else { throw DecodeError("EDNS option overruns OPT") }
                    options.append(DecodedOption(code: code, data: Array(bytes[(p + 4)..<(p + 4 + len)])))
                    p += 4 + len
                }
                opt = DecodedOPT(
                    payloadSize: classField, extendedRcode: UInt8(ttl >> 24), version: UInt8((ttl >> 16) & 0xFF),
                    dnssecOK: ttl & 0x8000 != 0, options: options
                )
                r.p = start + length
                continue
            }
            let (rdata, text) = try r.rdata(type: type, length: length)
            guard r.p == start + length else { throw DecodeError("RDATA of \(name) \(type) has \(start + length - r.p) bytes left over") }
            let record = DecodedRecord(name: name, type: type, rrClass: RRClass(classField), ttl: ttl, rdata: rdata, rdataText: text)
            if i < Int(an) { answer.append(record) } else if i < Int(an) + Int(ns) { authority.append(record) } else { additional.append(record) }
        }
        guard r.p == bytes.count else { throw DecodeError("\(bytes.count - r.p) bytes after the last record") }
        return DecodedMessage(
            id: id, flags: flags, question: question, answer: answer, authority: authority,
            additional: additional, opt: opt, optCount: optCount, size: bytes.count
        )
    }
}

/// Bounds-checked big-endian reader with name decompression.
struct Reader {
    let bytes: [UInt8]
    var p = 0

    mutating func u8() throws -> UInt8 {
        guard p < bytes.count else { throw DecodeError("read past the end at \(p)") }
        defer { p += 1 }
        return bytes[p]
    }
    mutating func u16() throws -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }
    mutating func u32() throws -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }

    /// A possibly compressed name at `p` as uncompressed wire bytes; `p` moves past it.
    /// Pointers must point backwards (so no loops).
    mutating func wireName() throws -> [UInt8] {
        var out: [UInt8] = []
        var q = p
        var end: Int?
        var lowest = p
        while true {
            guard q < bytes.count else { throw DecodeError("name runs past the end at \(q)") }
            let len = Int(bytes[q])
            if len == 0 {
                out.append(0)
                p = end ?? q + 1
                guard out.count <= 255 else { throw DecodeError("name longer than 255 bytes") }
                return out
            }
            switch len & 0xC0 {
            case 0:
                guard q + 1 + len <= bytes.count else { throw DecodeError("label runs past the end at \(q)") }
                out += bytes[q...(q + len)]
                q += 1 + len
            case 0xC0:
                guard q + 1 < bytes.count else { throw DecodeError("pointer truncated at \(q)") }
                let target = (len & 0x3F) << 8 | Int(bytes[q + 1])
                guard target < lowest, target >= 12 else { throw DecodeError("pointer at \(q) to \(target) does not point backwards") }
                if end == nil { end = q + 2 }
                lowest = target
                q = target
            default:
                throw DecodeError("bad label type at \(q)")
            }
        }
    }

    mutating func name() throws -> String { DNSName(uncheckedWire: try wireName()).description }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard p + n <= bytes.count else { throw DecodeError("read of \(n) bytes past the end at \(p)") }
        defer { p += n }
        return Array(bytes[p..<(p + n)])
    }

    /// Decodes RDATA for the types the tests look at; others are shown in RFC 3597 form.
    mutating func rdata(type: RRType, length: Int) throws -> ([UInt8], String) {
        let end = p + length
        func nameField(_ raw: inout [UInt8]) throws -> String {
            let wire = try wireName()
            raw += wire
            return DNSName(uncheckedWire: wire).description
        }
        var raw: [UInt8] = []
        switch type {
        case .a where length == 4:
            let b = try bytes(4)
            return (b, b.map(String.init).joined(separator: "."))
        case .aaaa where length == 16:
            let b = try bytes(16)
            var addr = in6_addr()
            withUnsafeMutableBytes(of: &addr) { for i in 0..<16 { $0[i] = b[i] } }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            _ = inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
            return (b, String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        case .ns, .cname, .ptr:
            let text = try nameField(&raw)
            return (raw, text)
        case .mx:
            let pref = try u16()
            raw += [UInt8(pref >> 8), UInt8(pref & 0xFF)]
            let text = try nameField(&raw)
            return (raw, "\(pref) \(text)")
        case .srv:
            let priority = try u16(), weight = try u16(), port = try u16()
            raw += [UInt8(priority >> 8), UInt8(priority & 0xFF), UInt8(weight >> 8), UInt8(weight & 0xFF), UInt8(port >> 8), UInt8(port & 0xFF)]
            let text = try nameField(&raw)
            return (raw, "\(priority) \(weight) \(port) \(text)")
        case .soa:
            let mname = try nameField(&raw)
            let rname = try nameField(&raw)
            let tail = try bytes(20)
            raw += tail
            var numbers: [UInt32] = []
            for i in 0..<5 { numbers.append(tail[(4 * i)..<(4 * i + 4)].reduce(0) { $0 << 8 | UInt32($1) }) }
            return (raw, "\(mname) \(rname) " + numbers.map(String.init).joined(separator: " "))
        case .txt:
            raw = try bytes(length)
            var strings: [String] = []
            var i = 0
            while i < raw.count {
                let n = Int(raw[i])
                guard i + 1 + n <= raw.count else { throw DecodeError("TXT string overruns RDATA") }
                strings.append("\"" + String(decoding: raw[(i + 1)..<(i + 1 + n)], as: UTF8.self) + "\"")
                i += 1 + n
            }
            return (raw, strings.joined(separator: " "))
        default:
            raw = try bytes(length)
            _ = end
            return (raw, "\\# \(length)" + (raw.isEmpty ? "" : " " + raw.map { String(format: "%02X", $0) }.joined()))
        }
    }
}

// MARK: - Running queries

/// The result of one `QueryProcessor.respond` call.
struct Exchange {
    var outcome: QueryOutcome
    /// Decoded response (nil for `.drop` and `.transfer`).
    var message: DecodedMessage?
    var raw: [UInt8]

    /// The decoded response; records an issue when there is none.
    func response(sourceLocation: SourceLocation = #_sourceLocation) throws -> DecodedMessage {
        try #require(message, "expected a response, got \(outcome)", sourceLocation: sourceLocation)
    }
}

let udpClient = ClientContext(address: NetworkAddress("192.0.2.200"), transport: .udp)
let tcpClient = ClientContext(address: NetworkAddress("192.0.2.200"), transport: .tcp)

/// Runs a raw packet through the query processor with a 64 KiB buffer.
func exchange(_ packet: [UInt8], snapshot: ServingSnapshot, client: ClientContext = udpClient) throws -> Exchange {
    var buffer = [UInt8](repeating: 0xEE, count: 65_535)
    let outcome = packet.withUnsafeBytes { query in
        buffer.withUnsafeMutableBytes { out in
            QueryProcessor.respond(to: query, from: client, snapshot: snapshot, into: out)
        }
    }
    guard case .respond(let length, let rcode, _) = outcome else {
        return Exchange(outcome: outcome, message: nil, raw: [])
    }
    let raw = Array(buffer[0..<length])
    let message = try DecodedMessage.decode(raw)
    #expect(message.rcode == rcode, "outcome rcode \(rcode) differs from the rcode on the wire \(message.rcode)")
    return Exchange(outcome: outcome, message: message, raw: raw)
}

func exchange(_ query: TestQuery, snapshot: ServingSnapshot, client: ClientContext = udpClient) throws -> Exchange {
    try exchange(query.bytes, snapshot: snapshot, client: client)
}

/// Drives a zone transfer to the end, returning every message decoded (and their sizes).
func runTransfer(_ transfer: ZoneTransfer, snapshot: ServingSnapshot, maxMessages: Int = 1000) throws -> [DecodedMessage] {
    var transfer = transfer
    var buffer = [UInt8](repeating: 0, count: 65_535)
    var messages: [DecodedMessage] = []
    while messages.count < maxMessages {
        let length = buffer.withUnsafeMutableBytes { transfer.nextMessage(index: snapshot.index, into: $0) }
        if length == 0 { break }
        messages.append(try DecodedMessage.decode(Array(buffer[0..<length])))
    }
    #expect(messages.count < maxMessages, "transfer did not finish")
    #expect(transfer.finished)
    return messages
}

// MARK: - Test zones

/// The test zones, written to a temporary folder once and loaded with `ZoneDirectoryLoader`.
enum Fixture {
    static let exampleZone = """
    $TTL 3600
    @       IN SOA  ns1.example.com. hostmaster.example.com. (
                    2026112501 7200 900 1209600 300 )
            IN NS   ns1
            IN NS   ns2
            IN MX   10 mail
            IN MX   20 mail2.example.net.
            IN TXT  "v=spf1 mx -all"
            IN A    192.0.2.10
            IN AAAA 2001:db8::10
    ns1     IN A    192.0.2.1
            IN AAAA 2001:db8::1
    ns2     IN A    192.0.2.2
            IN AAAA 2001:db8::2
    mail    IN A    192.0.2.25
    www     300 IN A    192.0.2.80
            300 IN A    192.0.2.81
            300 IN AAAA 2001:db8::80
    api     IN CNAME www
    docs    IN CNAME api
    alias   IN CNAME foo.apps
    dangling IN CNAME nothere
    outside IN CNAME www.example.net.
    tolab   IN CNAME host.lab
    loop1   IN CNAME loop2
    loop2   IN CNAME loop1
    c0 IN CNAME c1
    c1 IN CNAME c2
    c2 IN CNAME c3
    c3 IN CNAME c4
    c4 IN CNAME c5
    c5 IN CNAME c6
    c6 IN CNAME c7
    c7 IN CNAME c8
    c8 IN CNAME c9
    c9 IN CNAME c10
    c10 IN A 192.0.2.110
    _sip._tcp   IN SRV 10 60 5060 sip
    sip         IN A   192.0.2.50
    *.apps  IN A    192.0.2.90
            IN TXT  "wildcard"
    real.apps IN A  192.0.2.91
    lab     IN NS   ns.lab
    ns.lab  IN A    192.0.2.53
    opaque  IN TYPE65534 \\# 4 0A000001
    """

    /// SOA TTL (60) below MINIMUM (3600): negative answers use 60. Large RRsets for truncation.
    static var bigZone: String {
        var text = """
        $TTL 3600
        @    60 IN SOA ns.big.test. admin.big.test. 7 3600 600 86400 3600
             IN NS ns
        ns   IN A 198.51.100.1
        mx   IN MX 10 hosts
        wide IN NS ns.wide
        small IN A 198.51.100.7
        totxt IN CNAME txt

        """
        for i in 0..<40 {
            // 100 bytes of text each, all different.
            let body = String(format: "%03d", i) + String(repeating: "x", count: 97)
            text += "txt  IN TXT \"\(body)\"\n"
        }
        for i in 0..<40 { text += "hosts IN A 198.51.100.\(100 + i)\n" }
        for i in 0..<60 { text += "ns.wide IN A 203.0.113.\(i + 1)\n" }
        return text
    }

    static let bulkCount = 3000

    static var bulkZone: String {
        var text = """
        $TTL 600
        @ IN SOA ns.bulk.test. admin.bulk.test. 42 3600 600 86400 300
          IN NS ns
        ns IN A 10.0.0.1

        """
        for i in 0..<bulkCount { text += "h\(i) IN A 10.\(1 + i / 65536).\((i / 256) % 256).\(i % 256)\n" }
        return text
    }

    /// One TXT record of 70 × 255-byte strings (17 920 bytes of RDATA): more than one 16 KiB
    /// transfer message holds.
    static var hugeZone: String {
        let strings = (0..<70).map { "\"" + String(repeating: String(UnicodeScalar(UInt8(65 + $0 % 26))), count: 255) + "\"" }
        return """
        $TTL 300
        @ IN SOA ns.huge.test. admin.huge.test. 1 3600 600 86400 300
          IN NS ns
        ns IN A 10.9.9.9
        before IN A 10.9.9.1
        big IN TXT \(strings.joined(separator: " "))
        zafter IN A 10.9.9.2

        """
    }

    static let sources: [String: ZoneData] = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-qe-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["example.com.zone": exampleZone, "big.test.zone": bigZone, "bulk.test.zone": bulkZone, "huge.test.zone": hugeZone]
        for (name, text) in files {
            try! text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let report = ZoneDirectoryLoader(directory: dir.path).load()
        precondition(report.failures.isEmpty, "test zones failed to load: \(report.errors)")
        precondition(report.zones.count == files.count)
        return report.zones
    }()

    static let configuration = QueryEngineConfiguration(
        maxUDPPayload: 1232, nsid: Array("meridian-test-1".utf8), identity: "ns1.test.example",
        version: "Meridian 0.1-test", allowTransfer: [NetworkPrefix("192.0.2.0/24")!, NetworkPrefix("2001:db8::/32")!]
    )

    /// The default snapshot: every test zone, NSID/identity/version configured, AXFR open to 192.0.2.0/24.
    static let snapshot = ServingSnapshot(sources: sources, configuration: configuration, generation: 1)

    /// Nothing optional configured (no NSID, CHAOS, or transfers).
    static let bare = ServingSnapshot(sources: sources, configuration: QueryEngineConfiguration(), generation: 1)

    static func snapshot(_ configuration: QueryEngineConfiguration) -> ServingSnapshot {
        ServingSnapshot(sources: sources, configuration: configuration, generation: 1)
    }
}
