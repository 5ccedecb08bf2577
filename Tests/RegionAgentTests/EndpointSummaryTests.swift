import Testing
@testable import RegionAgent

struct EndpointSummaryTests {
    @Test func countsServingBackendsAndAveragesTheirLatencyByWeight() {
        let pool = BackendPool(members: [
            .init(name: "a", weight: 3), .init(name: "b", weight: 1), .init(name: "c", weight: 4, healthy: false),
        ])
        let summary = EndpointSummary(pool: pool, latency: [(ewma: 10, p50: 9, p99: 20), (ewma: 30, p50: 25, p99: 80), (ewma: 500, p50: 500, p99: 900)])
        #expect(summary.healthyBackends == 2 && summary.totalBackends == 3)
        #expect(summary.capacity == 0.5)
        #expect(summary.latencyMilliseconds == 15, "(3 × 10 + 1 × 30) / 4; the down backend does not count")
        #expect(summary.p99Milliseconds == 80)
    }

    @Test func noLatencyBeforeAnyAnswer() {
        let summary = EndpointSummary(pool: BackendPool(members: [.init(name: "a", weight: 1)]), latency: [nil])
        #expect(summary.latencyMilliseconds == nil && summary.p99Milliseconds == nil)
        #expect(summary.capacity == 1)
    }
}
