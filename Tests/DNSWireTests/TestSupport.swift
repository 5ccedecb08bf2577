import Testing
@testable import DNSWire

/// `#expect` for calls on a `~Copyable` writer: the macro cannot capture such a value, so the
/// call is evaluated first and only its result is checked.
func check(_ value: Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(value, comment, sourceLocation: sourceLocation)
}

// MARK: - Building packets byte by byte

/// A tiny big-endian byte builder for hand-made packets. Everything is appended verbatim:
/// no validation, so malformed packets are as easy to build as good ones. A class so that
/// calls chain (`p.u8(0).rr(...)`).
final class Bytes {
    var b: [UInt8] = []

    var count: Int { b.count }

    @discardableResult
    func u8(_ v: UInt8...) -> Bytes { b.append(contentsOf: v); return self }
    @discardableResult
    func u16(_ v: UInt16) -> Bytes { b.append(UInt8(v >> 8)); b.append(UInt8(v & 0xFF)); return self }
    @discardableResult
    func u32(_ v: UInt32) -> Bytes {
        b.append(UInt8(v >> 24)); b.append(UInt8((v >> 16) & 0xFF)); b.append(UInt8((v >> 8) & 0xFF)); b.append(UInt8(v & 0xFF))
        return self
    }
    @discardableResult
    func bytes(_ v: [UInt8]) -> Bytes { b.append(contentsOf: v); return self }
    /// One length-prefixed label.
    @discardableResult
    func label(_ s: String) -> Bytes { b.append(UInt8(s.utf8.count)); b.append(contentsOf: s.utf8); return self }
    /// Uncompressed name from dotted text ("www.example.com"), root-terminated.
    @discardableResult
    func name(_ s: String) -> Bytes {
        for l in s.split(separator: ".") { label(String(l)) }
        b.append(0)
        return self
    }
    @discardableResult
    func header(id: UInt16 = 0xBEEF, flags: UInt16 = 0x0100, qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> Bytes {
        u16(id); u16(flags); u16(qd); u16(an); u16(ns); return u16(ar)
    }
    /// Fixed part of a resource record after the owner name.
    @discardableResult
    func rr(type: UInt16, class c: UInt16 = 1, ttl: UInt32 = 3600, rdata: [UInt8]) -> Bytes {
        u16(type); u16(c); u32(ttl); u16(UInt16(rdata.count)); return bytes(rdata)
    }
    /// A complete OPT record (owner root).
    @discardableResult
    func opt(udp: UInt16 = 1232, extRcode: UInt8 = 0, version: UInt8 = 0, doBit: Bool = false, rdata: [UInt8] = []) -> Bytes {
        u8(0)
        return rr(type: 41, class: udp, ttl: UInt32(extRcode) << 24 | UInt32(version) << 16 | (doBit ? 0x8000 : 0), rdata: rdata)
    }
}

/// One EDNS option: code, length, body.
func ednsOption(_ code: UInt16, _ body: [UInt8]) -> [UInt8] {
    [UInt8(code >> 8), UInt8(code & 0xFF), UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
}

/// ECS option with explicit fields (the address bytes are taken as given).
func ecsOption(family: UInt16, source: UInt8, scope: UInt8 = 0, address: [UInt8]) -> [UInt8] {
    ednsOption(8, [UInt8(family >> 8), UInt8(family & 0xFF), source, scope] + address)
}

/// Header + question `www.example.com. A IN` (33 bytes: qname at 12..<29, qtype at 29, qclass at 31).
func baseQuery(qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0, flags: UInt16 = 0x0100) -> Bytes {
    let p = Bytes()
    p.header(flags: flags, qd: qd, an: an, ns: ns, ar: ar)
    p.name("www.example.com")
    p.u16(1); p.u16(1)
    return p
}

/// Base query with one OPT record in the additional section whose RDATA is `rdata`.
func queryWithOPT(_ rdata: [UInt8], udp: UInt16 = 1232, version: UInt8 = 0, doBit: Bool = false) -> [UInt8] {
    let p = baseQuery(ar: 1)
    p.opt(udp: udp, version: version, doBit: doBit, rdata: rdata)
    return p.b
}

func parse(_ bytes: [UInt8]) -> Result<ParsedQuery, WireError> {
    bytes.withUnsafeBytes { buf in
        do throws(WireError) { return .success(try QueryParser.parse(buf)) } catch { return .failure(error) }
    }
}

func parseError(_ bytes: [UInt8]) -> WireError? {
    if case .failure(let e) = parse(bytes) { return e }
    return nil
}

func parsed(_ bytes: [UInt8]) -> ParsedQuery? {
    if case .success(let q) = parse(bytes) { return q }
    return nil
}

func wire(_ text: String) -> [UInt8] {
    // Test inputs are known-good; a failure here is a test bug.
    (try? DNSName(text))?.wire ?? []
}

// MARK: - Test-only message decoder (follows compression pointers)

struct DecodedRecord: Equatable {
    var owner: DNSName
    /// Offset of the owner name in the message.
    var ownerOffset: Int
    /// Bytes the owner name took on the wire (2 for a bare pointer).
    var ownerWireLength: Int
    var type: UInt16
    var rrClass: UInt16
    var ttl: UInt32
    var rdataOffset: Int
    var rdata: [UInt8]
}

struct DecodedMessage {
    var header: Header
    var questions: [(name: DNSName, type: UInt16, rrClass: UInt16)]
    var answers: [DecodedRecord]
    var authority: [DecodedRecord]
    var additional: [DecodedRecord]
    var bytes: [UInt8]

    /// Decompresses the name at `offset`; returns the name and the bytes it takes in place.
    func name(at offset: Int) -> (DNSName, Int)? { decodeName(bytes, at: offset) }
}

enum DecodeError: Error { case bad(String) }

/// Reads a possibly compressed name. Pointers must point backwards (to catch loops) and be
/// inside the message.
func decodeName(_ m: [UInt8], at start: Int) -> (DNSName, Int)? {
    var out: [UInt8] = []
    var p = start
    var consumed: Int?
    var hops = 0
    var lowest = start
    while true {
        guard p < m.count else { return nil }
        let len = Int(m[p])
        if len == 0 {
            out.append(0)
            if consumed == nil { consumed = p + 1 - start }
            break
        }
        if len & 0xC0 == 0xC0 {
            guard p + 1 < m.count else { return nil }
            let target = (len & 0x3F) << 8 | Int(m[p + 1])
            guard target < lowest, target < 0x4000 else { return nil }
            lowest = target
            if consumed == nil { consumed = p + 2 - start }
            hops += 1
            guard hops < 128 else { return nil }
            p = target
            continue
        }
        guard len <= 63, p + 1 + len <= m.count else { return nil }
        out.append(contentsOf: m[p...(p + len)])
        p += 1 + len
    }
    guard let name = DNSName(wire: out) else { return nil }
    return (name, consumed!)
}

func decodeMessage(_ m: [UInt8]) throws -> DecodedMessage {
    guard m.count >= 12, let header = m.withUnsafeBytes({ Header($0) }) else { throw DecodeError.bad("short") }
    var p = 12
    var questions: [(name: DNSName, type: UInt16, rrClass: UInt16)] = []
    func u16(_ at: Int) -> UInt16 { UInt16(m[at]) << 8 | UInt16(m[at + 1]) }
    for _ in 0..<header.qdCount {
        guard let (n, l) = decodeName(m, at: p) else { throw DecodeError.bad("qname at \(p)") }
        p += l
        guard p + 4 <= m.count else { throw DecodeError.bad("question") }
        questions.append((n, u16(p), u16(p + 2)))
        p += 4
    }
    func records(_ count: UInt16) throws -> [DecodedRecord] {
        var out: [DecodedRecord] = []
        for _ in 0..<count {
            guard let (n, l) = decodeName(m, at: p) else { throw DecodeError.bad("owner at \(p)") }
            let ownerOffset = p
            p += l
            guard p + 10 <= m.count else { throw DecodeError.bad("rr header") }
            let rdlen = Int(u16(p + 8))
            guard p + 10 + rdlen <= m.count else { throw DecodeError.bad("rdata") }
            let ttl = UInt32(u16(p + 4)) << 16 | UInt32(u16(p + 6))
            out.append(DecodedRecord(owner: n, ownerOffset: ownerOffset, ownerWireLength: l, type: u16(p), rrClass: u16(p + 2), ttl: ttl,
                                     rdataOffset: p + 10, rdata: Array(m[(p + 10)..<(p + 10 + rdlen)])))
            p += 10 + rdlen
        }
        return out
    }
    let an = try records(header.anCount)
    let ns = try records(header.nsCount)
    let ar = try records(header.arCount)
    guard p == m.count else { throw DecodeError.bad("\(m.count - p) trailing bytes") }
    return DecodedMessage(header: header, questions: questions, answers: an, authority: ns, additional: ar, bytes: m)
}

// MARK: - Driving a ResponseWriter

/// Runs `body` with a writer over a fresh buffer pre-filled with 0xEE (to spot stray writes),
/// and returns the whole buffer plus the message length from `finish()`.
func withWriter(size: Int = 512, limit: Int? = nil, _ body: (inout ResponseWriter) -> Void) -> (buffer: [UInt8], length: Int) {
    var storage = [UInt8](repeating: 0xEE, count: size)
    var length = 0
    storage.withUnsafeMutableBytes { buf in
        var w = ResponseWriter(buffer: buf, limit: limit ?? size)
        body(&w)
        length = w.finish()
    }
    return (storage, length)
}

extension ResponseWriter {
    mutating func write(name text: String) -> Bool {
        let w = wire(text)
        return w.withUnsafeBytes { writeName($0) }
    }

    mutating func record(_ owner: String, _ type: RRType, ttl: UInt32 = 3600, rdata: [UInt8], names: RDataNames = .none, section: Section = .answer) -> Bool {
        let o = wire(owner)
        return o.withUnsafeBytes { ob in
            rdata.withUnsafeBytes { rb in
                writeRecord(owner: ob, type: type, ttl: ttl, rdata: rb, nameOffsets: names, section: section)
            }
        }
    }

    mutating func question(_ packet: [UInt8]) -> Bool {
        packet.withUnsafeBytes { buf in
            guard let q = try? QueryParser.parse(buf) else { return false }
            return writeQuestion(from: buf, query: q)
        }
    }
}
