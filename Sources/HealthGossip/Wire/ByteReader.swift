/// Reads big-endian fields from a payload without ever reading past its end: every read checks
/// what remains and throws instead of trapping, so hostile input costs an error, not a crash.
struct ByteReader {
    typealias DecodeError = GossipCodec.DecodeError

    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ field: StaticString) throws(DecodeError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw error(.truncated, field) }
        defer { offset += size }
        return Self.bigEndian(bytes, at: offset)
    }

    mutating func u8(_ field: StaticString) throws(DecodeError) -> UInt8 { try integer(UInt8.self, field) }
    mutating func u16(_ field: StaticString) throws(DecodeError) -> UInt16 { try integer(UInt16.self, field) }
    mutating func u32(_ field: StaticString) throws(DecodeError) -> UInt32 { try integer(UInt32.self, field) }
    mutating func u64(_ field: StaticString) throws(DecodeError) -> UInt64 { try integer(UInt64.self, field) }

    /// A u8 length, then that many bytes of UTF-8. Strings round-trip byte for byte (Swift keeps
    /// valid UTF-8 as given), which keeps the encoding canonical.
    mutating func string(_ rule: WireString) throws(DecodeError) -> String {
        let start = offset
        let length = Int(try u8(rule.field))
        guard rule.bytes.contains(length) else { throw error(.badLength, rule.field, at: start) }
        guard remaining >= length else { throw error(.truncated, rule.field, at: start) }
        let utf8 = bytes[offset..<offset + length]
        guard let text = Self.validUTF8(utf8) else { throw error(.badUTF8, rule.field, at: start) }
        offset += length
        return text
    }

    /// Nothing may follow the last field.
    func expectEnd() throws(DecodeError) {
        guard remaining == 0 else { throw error(.trailingBytes, "end of payload") }
    }

    /// An error about the field at `at` (by default: the one about to be read).
    func error(_ reason: GossipCodec.Reason, _ field: StaticString, at: Int? = nil) -> DecodeError {
        DecodeError(reason, field: "\(field)", offset: at ?? offset)
    }

    /// A big-endian integer at `at`; the caller has checked that `bytes` holds it.
    static func bigEndian<T: FixedWidthInteger & UnsignedInteger>(_ bytes: [UInt8], at start: Int) -> T {
        var value: T = 0
        for byte in bytes[start..<start + MemoryLayout<T>.size] { value = value << 8 | T(byte) }
        return value
    }

    /// The text of `utf8`, or nil when it is not valid UTF-8. Decoding repairs invalid sequences
    /// with U+FFFD, so a repaired string's bytes differ from the input: comparing catches it
    /// (and works on every platform, unlike `String(validating:)`).
    static func validUTF8(_ utf8: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: utf8, as: UTF8.self)
        return text.utf8.elementsEqual(utf8) ? text : nil
    }
}
