/// What a member is to the cluster: a DNS node (steers by what it learns) or a region agent
/// (publishes its region's health).
public enum MemberRole: UInt8, Hashable, Sendable, CaseIterable {
    case dns = 1
    case agent = 2
}

/// SWIM's view of a member (Das et al. 2002, §4): alive; suspect (missed a probe, may refute);
/// dead (declared after the suspicion timeout); left (said goodbye).
public enum MemberStatus: UInt8, Hashable, Sendable, CaseIterable, Comparable {
    case alive = 0
    case suspect = 1
    case dead = 2
    case left = 3

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A membership fact as gossiped: who, where, in which state, at which incarnation. Only the
/// member itself raises its incarnation (to refute suspicion); others spread what they saw.
public struct MemberUpdate: Hashable, Sendable {
    public var name: String
    public var address: GossipAddress
    public var role: MemberRole
    /// The agent's region; empty for DNS nodes.
    public var region: String
    public var status: MemberStatus
    public var incarnation: UInt32

    public init(name: String, address: GossipAddress, role: MemberRole, region: String = "", status: MemberStatus, incarnation: UInt32) {
        self.name = name
        self.address = address
        self.role = role
        self.region = region
        self.status = status
        self.incarnation = incarnation
    }

    /// SWIM's precedence: a higher incarnation wins; at the same incarnation the more severe
    /// status wins (suspect over alive, dead over both). Dead and left are final for that
    /// incarnation: only a rejoin with a higher incarnation brings a member back.
    public func overrides(_ other: MemberUpdate) -> Bool {
        if incarnation != other.incarnation { return incarnation > other.incarnation }
        return status > other.status
    }
}
