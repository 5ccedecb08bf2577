import HealthGossip
import NIOConcurrencyHelpers
import RegionAgent

/// Turns the agent's endpoints (their selectors' summaries and the admin API's drains) into
/// the report gossip spreads, and decides when a new one is worth sending: at once when an
/// endpoint's serving state, drain or capacity changes; for latency alone at most every
/// `latencyInterval` milliseconds, and only when it moved by more than a fifth; and, changed or
/// not, every `refreshInterval`, so that a member that missed an update (dissemination is
/// probabilistic) is repaired within seconds rather than at the next full-state sync.
public struct RegionReporter: Sendable {
    public let endpoints: [AgentAdminRouter.Endpoint]
    public let drained: NIOLockedValueBox<Set<String>>
    public let latencyInterval: UInt64
    public let refreshInterval: UInt64

    public init(endpoints: [AgentAdminRouter.Endpoint], drained: NIOLockedValueBox<Set<String>>, latencyInterval: UInt64 = 1_000, refreshInterval: UInt64 = 5_000) {
        self.endpoints = endpoints
        self.drained = drained
        self.latencyInterval = latencyInterval
        self.refreshInterval = refreshInterval
    }

    /// Whether every backend's state has been checked, so that a first report tells the truth:
    /// an agent restarted while its backends are dead must not announce them up meanwhile.
    public var verified: Bool { endpoints.allSatisfy { $0.selector.allVerified } }

    public func current() -> [EndpointReport] {
        let drainedNames = drained.withLockedValue { $0 }
        return endpoints.map { endpoint in
            let summary = endpoint.selector.summary
            return EndpointReport(
                name: endpoint.name, up: summary.healthyBackends > 0, drained: drainedNames.contains(endpoint.name),
                capacityPermille: UInt16((summary.capacity * 1000).rounded()),
                latencyMicroseconds: summary.latencyMilliseconds.map { UInt32(min($0 * 1000, Double(UInt32.max))) } ?? 0
            )
        }
    }

    /// Whether `current` should be published, given what was last published and when. Round
    /// trips to other regions follow the latency rule.
    public func shouldPublish(
        _ current: [EndpointReport], roundTrips: [RegionRoundTrip] = [], last: [EndpointReport]?, lastRoundTrips: [RegionRoundTrip] = [], sinceLast: UInt64
    ) -> Bool {
        guard let last, last.count == current.count, sinceLast < refreshInterval else { return true }
        for (now, before) in zip(current, last) {
            if now.up != before.up || now.drained != before.drained || now.capacityPermille != before.capacityPermille { return true }
        }
        guard sinceLast >= latencyInterval else { return false }
        if roundTrips.map(\.region) != lastRoundTrips.map(\.region) { return true }
        let pairs = Array(zip(current.map(\.latencyMicroseconds), last.map(\.latencyMicroseconds)))
            + Array(zip(roundTrips.map(\.microseconds), lastRoundTrips.map(\.microseconds)))
        return pairs.contains { now, before in
            let (a, b) = (Double(now), Double(before))
            return abs(a - b) > 0.2 * max(a, b)
        }
    }
}
