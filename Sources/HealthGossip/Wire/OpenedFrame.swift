/// A frame whose MAC verified: what its sender said, not yet checked for replay (that is
/// `ReplayGuard`'s job, with these `sender`, `timestamp` and `sequence`).
public struct OpenedFrame: Hashable, Sendable {
    public var sender: String
    /// Milliseconds since the Unix epoch, on the sender's clock.
    public var timestamp: UInt64
    public var sequence: UInt64
    public var payload: [UInt8]
    /// Which of the keyring's keys verified it: 0 the signing key, 1 the previous one. During a
    /// rotation, counting frames still verified by key 1 tells when the old key can go.
    public var keyIndex: Int
}
