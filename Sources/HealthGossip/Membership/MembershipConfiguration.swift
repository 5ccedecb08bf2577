#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// SWIM's timing and fan-out (times in milliseconds). The defaults suit a LAN or a region
/// pair: a member is probed about every `protocolPeriod`, a silent one is suspected within one
/// period and declared dead `suspicionTimeout(members:)` later.
public struct MembershipConfiguration: Sendable, Equatable {
    /// Time between probes of the next member (SWIM's protocol period T').
    public var protocolPeriod: UInt64
    /// Wait for a direct ack before asking others to probe (indirect probe).
    public var pingTimeout: UInt64
    /// Members asked to probe indirectly (SWIM's k).
    public var indirectProbes: Int
    /// Suspicion lasts `suspicionMultiplier × max(1, log10(N)) × protocolPeriod`: long enough
    /// for the suspect to hear about it and refute, growing slowly with the cluster.
    public var suspicionMultiplier: Double
    /// Each update is sent `retransmitMultiplier × ⌈log10(N + 1)⌉` times (λ·log N), then dropped.
    public var retransmitMultiplier: Int
    /// Fresh updates are also pushed to `gossipFanout` random members every `gossipInterval`,
    /// not only piggybacked on probes: a health change reaches a small cluster in one hop.
    public var gossipInterval: UInt64
    public var gossipFanout: Int
    /// Dead and departed members are remembered this long (so that stale news of them cannot
    /// bring them back), then forgotten.
    public var deadRetention: UInt64
    /// Updates per message at most (the codec also enforces the datagram's byte budget).
    public var maxUpdatesPerMessage: Int

    public init(
        protocolPeriod: UInt64 = 200, pingTimeout: UInt64 = 80, indirectProbes: Int = 4, suspicionMultiplier: Double = 5,
        retransmitMultiplier: Int = 6, gossipInterval: UInt64 = 50, gossipFanout: Int = 3, deadRetention: UInt64 = 60_000,
        maxUpdatesPerMessage: Int = 16
    ) {
        self.protocolPeriod = protocolPeriod
        self.pingTimeout = pingTimeout
        self.indirectProbes = indirectProbes
        self.suspicionMultiplier = suspicionMultiplier
        self.retransmitMultiplier = retransmitMultiplier
        self.gossipInterval = gossipInterval
        self.gossipFanout = gossipFanout
        self.deadRetention = deadRetention
        self.maxUpdatesPerMessage = maxUpdatesPerMessage
    }

    public func suspicionTimeout(members: Int) -> UInt64 {
        let scale = max(1, log10(Double(max(members, 1))))
        return UInt64(suspicionMultiplier * scale * Double(protocolPeriod))
    }

    public func retransmitLimit(members: Int) -> Int {
        retransmitMultiplier * max(1, Int(log10(Double(members + 1)).rounded(.up)))
    }
}
