import HealthGossip
import Steering

/// The health the DNS tier steers by, from what gossip knows. An endpoint is down when its
/// agent's latest report says it is not serving or is drained, or when that agent is dead or
/// has left; an agent that is only suspected still counts (a missed probe must not flap
/// answers). Endpoints that no agent reports on keep what `base` says (the default, or the
/// admin API). Operator overrides (the admin API's PUT) win over everything.
public enum GossipHealth {
    public struct Override: Sendable, Equatable {
        public var up: Bool
        public var capacity: Double

        public init(up: Bool, capacity: Double) {
            self.up = up
            self.capacity = capacity
        }
    }

    public static func apply(_ view: GossipView, to base: HealthView, table: SteeringTable, overrides: [String: Override] = [:]) -> HealthView {
        var health = base
        var reported: [String: (EndpointReport, origin: String)] = [:]
        for report in view.reports.values {
            for endpoint in report.endpoints { reported[endpoint.name] = (endpoint, report.origin) }
        }
        for (id, endpoint) in table.endpoints.enumerated() {
            if let override = overrides[endpoint.name] {
                health.up[id] = override.up
                health.capacity[id] = override.capacity
            } else if let (report, origin) = reported[endpoint.name] {
                let agentGone = view.status(of: origin).map { $0 >= .dead } ?? false
                health.up[id] = report.up && !report.drained && !agentGone
                health.capacity[id] = Double(report.capacityPermille) / 1000
            }
        }
        return health
    }
}
