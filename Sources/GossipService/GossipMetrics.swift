import CoreMetrics
import HealthGossip

/// Gossip traffic and rejections (swift-metrics), made once so that counting allocates nothing.
public struct GossipMetrics: Sendable {
    let messagesIn: Counter
    let messagesOut: Counter
    let bytesIn: Counter
    let bytesOut: Counter
    let undecodable: Counter
    let replayed: Counter
    let stale: Counter
    /// By `FrameRejection.label`: forged, unsigned, truncated…
    let rejected: [FrameRejection: Counter]
    let memberChanges: Counter
    let syncs: Counter

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        let counter = { (name: String, labels: [(String, String)]) in Counter(label: name, dimensions: labels, factory: factory) }
        messagesIn = counter("meridian_gossip_messages_total", [("direction", "in")])
        messagesOut = counter("meridian_gossip_messages_total", [("direction", "out")])
        bytesIn = counter("meridian_gossip_bytes_total", [("direction", "in")])
        bytesOut = counter("meridian_gossip_bytes_total", [("direction", "out")])
        undecodable = counter("meridian_gossip_rejected_total", [("reason", "undecodable")])
        replayed = counter("meridian_gossip_rejected_total", [("reason", "replayed")])
        stale = counter("meridian_gossip_rejected_total", [("reason", "stale")])
        rejected = Dictionary(uniqueKeysWithValues: FrameRejection.allCases.map { ($0, counter("meridian_gossip_rejected_total", [("reason", $0.label)])) })
        memberChanges = counter("meridian_gossip_member_changes_total", [])
        syncs = counter("meridian_gossip_syncs_total", [])
    }
}
