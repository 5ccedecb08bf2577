/// Why `GossipFrame.open` refused a datagram or sync message. Each case has a short stable
/// `label` for the rejected-frames metric: a rise in `bad_signature` says a peer runs with the
/// wrong key, `bad_version` says a peer runs a newer release.
public enum FrameRejection: Error, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Fewer bytes than the header or the lengths it declares.
    case truncated
    /// Not a Meridian gossip frame at all (another protocol on the port, or noise).
    case badMagic
    /// A frame version this release does not speak.
    case badVersion
    /// A sender length outside 1...64, bytes after the MAC, or more than a frame may have.
    case badLength
    /// The MAC matches none of the keyring's keys: forged, corrupted, or signed with a key this
    /// node does not have.
    case badSignature
    /// Correctly signed but the sender name is not UTF-8: a peer's bug, not an attack.
    case badSender

    public var label: String {
        switch self {
        case .truncated: "truncated"
        case .badMagic: "bad_magic"
        case .badVersion: "bad_version"
        case .badLength: "bad_length"
        case .badSignature: "bad_signature"
        case .badSender: "bad_sender"
        }
    }

    public var description: String {
        switch self {
        case .truncated: "truncated frame"
        case .badMagic: "not a gossip frame (bad magic)"
        case .badVersion: "unsupported frame version"
        case .badLength: "bad length (sender name, trailing bytes or oversize frame)"
        case .badSignature: "MAC matches no gossip key"
        case .badSender: "sender name is not UTF-8"
        }
    }
}
