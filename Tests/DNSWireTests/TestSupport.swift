import Testing
@testable import DNSWire

/// `#expect` for calls on a `~Copyable` writer: the macro cannot capture such a value, so the
/// call is evaluated first and only its result is checked.
func check(_ value: Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(value, comment, sourceLocation: sourceLocation)
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
