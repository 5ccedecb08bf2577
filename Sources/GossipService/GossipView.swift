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
    /// Origins whose report is from before their latest death or departure (see
    /// `Membership.reportsFromBefore`): not to be trusted until they report again.
    public var reportsFromBefore: Set<String>

    public init(me: String, members: [Member], reports: [String: RegionReport], reportsFromBefore: Set<String> = []) {
        self.me = me
        self.members = members
        self.reports = reports
        self.reportsFromBefore = reportsFromBefore
    }

    public func status(of name: String) -> MemberStatus? { members.first { $0.update.name == name }?.update.status }
}
