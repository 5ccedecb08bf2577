/// Appends big-endian fields, checking strings against their wire rule so that nothing is
/// written that a peer's `ByteReader` would refuse.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        var shift = T.bitWidth
        while shift > 0 {
            shift -= 8
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    mutating func bytes(_ more: some Sequence<UInt8>) {
        bytes.append(contentsOf: more)
    }

    /// A u8 length and the UTF-8 bytes, or an error when the string breaks its rule.
    mutating func string(_ text: String, _ rule: WireString) throws(GossipCodec.EncodeError) {
        let length = text.utf8.count
        guard rule.bytes.contains(length) else { throw GossipCodec.EncodeError(.badLength, field: "\(rule.field)") }
        integer(UInt8(length))
        bytes.append(contentsOf: text.utf8)
    }

    /// Puts a byte back at `index` (a count written before its items were).
    mutating func set(_ value: UInt8, at index: Int) {
        bytes[index] = value
    }

    /// Forgets everything from `count` on (an update that did not fit the budget).
    mutating func truncate(to count: Int) {
        bytes.removeSubrange(count...)
    }
}
