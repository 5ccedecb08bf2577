import HealthGossip
import Steering

/// The health the DNS tier steers by, from what gossip knows. An endpoint is down when its
/// agent's latest report says it is not serving or is drained, or when that agent is dead or
/// has left, or has come back but not reported since; an agent that is only suspected still
/// counts (a missed probe must not flap answers). Endpoints that no agent reports on are served
/// as configured (up, full capacity). Operator overrides (the admin API's PUT) win over
/// everything.
public enum GossipHealth {
    public struct Override: Sendable, Equatable {
        public var up: Bool
        public var capacity: Double

        public init(up: Bool, capacity: Double) {
            self.up = up
            self.capacity = capacity
        }
    }

    /// What gossip, or an operator override, says about one endpoint, and on whose word.
    public struct Verdict: Sendable, Equatable {
        public var up: Bool
        public var capacity: Double
        public var source: HealthSource
    }

    /// The verdict on every endpoint that a report or an override speaks for, by name.
    public static func verdicts(_ view: GossipView, overrides: [String: Override] = [:]) -> [String: Verdict] {
        var verdicts: [String: Verdict] = [:]
        for report in view.reports.values {
            // A report from before the agent died describes a process that is gone, even once
            // the agent is back: its endpoints stay down until it reports again.
            let agentGone = (view.status(of: report.origin).map { $0 >= .dead } ?? false) || view.reportsFromBefore.contains(report.origin)
            for endpoint in report.endpoints {
                verdicts[endpoint.name] = Verdict(
                    up: endpoint.up && !endpoint.drained && !agentGone, capacity: Double(endpoint.capacityPermille) / 1000,
                    source: agentGone ? .agentDead : endpoint.drained ? .drain : .gossip
                )
            }
        }
        for (name, override) in overrides { verdicts[name] = Verdict(up: override.up, capacity: override.capacity, source: .admin) }
        return verdicts
    }

    public static func apply(_ view: GossipView, to base: HealthView, table: SteeringTable, overrides: [String: Override] = [:]) -> HealthView {
        apply(verdicts(view, overrides: overrides), from: view, to: base, table: table)
    }

    /// `apply` with the verdicts already made (the DNS node logs their sources too).
    public static func apply(_ verdicts: [String: Verdict], from view: GossipView, to base: HealthView, table: SteeringTable) -> HealthView {
        var health = base
        health.latency = latency(view, base: base.latency, table: table)
        for (id, endpoint) in table.endpoints.enumerated() {
            // No report and no override: served as configured. (Not `base`, which may still
            // hold an override just deleted.)
            let verdict = verdicts[endpoint.name]
            health.up[id] = verdict?.up ?? true
            health.capacity[id] = verdict?.capacity ?? 1
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
