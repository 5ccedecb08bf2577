import HealthGossip

/// What a gossip member knows at one moment, for readers off the gossip event loop (the DNS
/// health feed, the admin API, `meridian members`).
public struct GossipView: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var update: MemberUpdate
        /// Last direct probe's round trip, in milliseconds.
        public var roundTripMilliseconds: UInt64?
    }

    public var me: String
    public var members: [Member]
    /// Latest report per origin agent.
    public var reports: [String: RegionReport]

    public init(me: String, members: [Member], reports: [String: RegionReport]) {
        self.me = me
        self.members = members
        self.reports = reports
    }

    public func status(of name: String) -> MemberStatus? { members.first { $0.update.name == name }?.update.status }
}
