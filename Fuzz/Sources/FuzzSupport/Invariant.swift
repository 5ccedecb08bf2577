/// A property the code under test promises for every input. When it does not hold, the
/// target traps: libFuzzer reports the trap as a crash and saves the input as an artifact,
/// which `scripts/fuzz.sh` turns into a failed run. The message says which promise broke.
public func invariant(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("invariant violated: \(message())", file: file, line: line) }
}

/// The input libFuzzer passes, as a buffer, and a cursor over it for targets whose first bytes
/// choose how the rest is used (which client sends a query, where a stream is split).
public struct FuzzInput {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var offset = 0

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = UnsafeRawBufferPointer(start: data, count: size)
    }

    /// The next byte, or 0 past the end (so that short inputs still run).
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Everything not taken yet.
    public var rest: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[min(offset, bytes.count)...]) }
}
