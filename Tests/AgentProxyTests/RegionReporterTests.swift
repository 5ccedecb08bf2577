import HealthGossip
import NIOConcurrencyHelpers
import RegionAgent
import Testing
@testable import AgentProxy

/// What an agent gossips about its endpoints, and when.
struct RegionReporterTests {
    static func reporter() -> (RegionReporter, BackendSelector) {
        let selector = BackendSelector(
            targets: [.init(host: "127.0.0.1", port: 1), .init(host: "127.0.0.1", port: 2)], weights: [3, 1], policy: makeBalancingPolicy("round-robin")!
        )
        let endpoint = AgentAdminRouter.Endpoint(name: "ep", address: "127.0.0.1", port: 80, backendURLs: ["http://a", "http://b"], selector: selector)
        return (RegionReporter(endpoints: [endpoint], drained: NIOLockedValueBox([])), selector)
    }

    @Test func reportsFollowTheSelectorAndDrains() {
        let (reporter, selector) = Self.reporter()
        #expect(reporter.current() == [EndpointReport(name: "ep", up: true, drained: false, capacityPermille: 1000, latencyMicroseconds: 0)])
        selector.setHealthy(0, false)
        #expect(reporter.current().first?.capacityPermille == 250)
        selector.setHealthy(1, false)
        #expect(reporter.current().first?.up == false)
        reporter.drained.withLockedValue { $0 = ["ep"] }
        #expect(reporter.current().first?.drained == true)
    }

    @Test func stateChangesGoAtOnceLatencyAtMostOnceASecond() {
        let (reporter, _) = Self.reporter()
        let base = EndpointReport(name: "ep", up: true, drained: false, capacityPermille: 1000, latencyMicroseconds: 1000)
        var down = base
        down.up = false
        var slower = base
        slower.latencyMicroseconds = 1500
        var jitter = base
        jitter.latencyMicroseconds = 1100
        #expect(reporter.shouldPublish([base], last: nil, sinceLast: 0), "the first report")
        #expect(reporter.shouldPublish([down], last: [base], sinceLast: 0), "a state change at once")
        #expect(!reporter.shouldPublish([slower], last: [base], sinceLast: 500), "latency waits a second")
        #expect(reporter.shouldPublish([slower], last: [base], sinceLast: 1000))
        #expect(!reporter.shouldPublish([jitter], last: [base], sinceLast: 3000), "and moves by more than a fifth")
        #expect(reporter.shouldPublish([base], last: [base], sinceLast: 5000), "unchanged, it is refreshed every 5 s")
        let trip = [RegionRoundTrip(region: "west", microseconds: 80_000)]
        #expect(reporter.shouldPublish([base], roundTrips: trip, last: [base], sinceLast: 1000), "a newly measured region")
        #expect(!reporter.shouldPublish([base], roundTrips: trip, last: [base], lastRoundTrips: [RegionRoundTrip(region: "west", microseconds: 75_000)], sinceLast: 1000))
    }
}
