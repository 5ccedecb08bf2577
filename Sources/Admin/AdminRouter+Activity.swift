import DNSServer
import Foundation

/// What the node has been doing: `GET /v1/summary` (running totals, from which the status page
/// computes rates between two polls) and `GET /v1/events` (recent health changes).
extension AdminRouter {
    /// Totals since start, the same numbers `/metrics` has: responses sent, steered answers by
    /// region and by service and region, fail-open answers; with the node's uptime (monotonic,
    /// so that rates hold across a wall-clock step) and the snapshot generation.
    func summary(_ counters: DNSMetrics) -> [String: Any] {
        let byService = counters.steeredAnswerCounts()
        var byRegion: [String: Int] = [:]
        for regions in byService.values {
            for (region, count) in regions { byRegion[region, default: 0] += count }
        }
        return [
            "generation": store.snapshot.generation,
            "startedAt": Self.timestamp(startedAt),
            "uptimeSeconds": (ContinuousClock.now - started) / .seconds(1),
            "queries": counters.responseCount,
            "failedOpen": counters.steeringFailedOpen.value,
            "steeredAnswers": [
                "total": byRegion.values.reduce(0, +),
                "byRegion": byRegion,
                "byService": byService,
            ] as [String: Any],
        ]
    }

    /// Newest first.
    static func eventsJSON(_ events: [HealthEvent]) -> [String: Any] {
        [
            "events": events.map { event -> [String: Any] in
                [
                    "time": timestamp(event.time), "endpoint": event.endpoint, "region": event.region,
                    "up": event.up, "capacity": event.capacity, "source": event.source.rawValue,
                ]
            },
        ]
    }

    /// ISO 8601 in UTC, to the millisecond.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
