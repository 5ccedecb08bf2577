import DNSWire

/// Why a gossip key file was refused, printed as `file:line: message` like the project's other
/// configuration errors, so that an operator mid-rotation sees which line to fix.
public typealias GossipKeyError = LocatedError<GossipKeyErrorCode>

/// `unreadable`: the file cannot be read or is not UTF-8 text. `notBase64`, `wrongLength` (not 32
/// bytes) and `tooManyKeys` (a third key; a rotation needs two at most) name a line. `noKey`: the
/// file has no key line at all.
public enum GossipKeyErrorCode: Hashable, Sendable, CaseIterable {
    case unreadable, notBase64, wrongLength, noKey, tooManyKeys
}
