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
        health.latency = latency(view, base: base.latency, table: table)
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

    /// The region-to-region matrix from the round trips agents measure to each other, recorded
    /// into the current matrix (so its hysteresis holds); nil while nothing was measured.
    static func latency(_ view: GossipView, base: LatencyMatrix?, table: SteeringTable) -> LatencyMatrix? {
        var matrix = base
        for report in view.reports.values where !(view.status(of: report.origin).map { $0 >= .dead } ?? false) {
            guard let from = table.regionNames.firstIndex(of: report.region) else { continue }
            for trip in report.roundTrips {
                guard let to = table.regionNames.firstIndex(of: trip.region), to != from else { continue }
                let milliseconds = Double(trip.microseconds) / 1000
                if matrix == nil { matrix = LatencyMatrix(distanceOrders: table.regionsByDistance) }
                if matrix?.milliseconds[from][to] != milliseconds {
                    matrix?.record(from: from, to: to, milliseconds: milliseconds, distanceOrders: table.regionsByDistance)
                }
            }
        }
        return matrix
    }
}
