/// A piece of state spread by piggybacking on protocol messages.
public enum GossipUpdate: Hashable, Sendable {
    case member(MemberUpdate)
    case report(RegionReport)
}

/// One SWIM protocol message, with the updates it carries.
public struct GossipMessage: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Are you alive? Answered by an ack with the same sequence.
        case ping(sequence: UInt32)
        /// Probe `target` for me (it did not answer my ping): ack me with this sequence if it
        /// answers you.
        case pingRequest(sequence: UInt32, target: String, address: GossipAddress)
        /// Alive: the answer to a ping, or relayed for a ping request.
        case ack(sequence: UInt32)
        /// Leaving the cluster on purpose.
        case leave
        /// Updates pushed without a probe (no answer expected).
        case gossip
    }

    public var kind: Kind
    public var updates: [GossipUpdate]

    public init(_ kind: Kind, updates: [GossipUpdate] = []) {
        self.kind = kind
        self.updates = updates
    }
}
