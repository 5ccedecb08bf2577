import DNSWire
import HealthGossip
import Steering
import Testing
import Topology
@testable import GossipService

/// Gossiped reports and member states → the DNS tier's HealthView.
struct GossipHealthTests {
    static func endpoint(_ name: String, _ region: String, _ address: String) -> Endpoint {
        Endpoint(
            name: name, region: region, address: NetworkAddress(address)!, port: 80, weight: 1, services: [], balance: .roundRobin,
            backends: [], health: HealthCheckSettings(), line: 1
        )
    }

    static let table = SteeringTable(topology: Topology(
        regions: [
            Region(name: "east", location: GeoLocation(latitude: 0, longitude: 0), clients: [], agent: AgentAddresses(), endpoints: [endpoint("e1", "east", "192.0.2.1"), endpoint("e2", "east", "192.0.2.2")], file: "t", line: 1),
            Region(name: "west", location: GeoLocation(latitude: 0, longitude: 10), clients: [], agent: AgentAddresses(), endpoints: [endpoint("w1", "west", "192.0.2.3")], file: "t", line: 1),
        ],
        services: [:]
    ))

    static func view(agentStatus: MemberStatus, e1Up: Bool = true, e2Drained: Bool = false) -> GossipView {
        let agent = MemberUpdate(name: "agent-east", address: GossipAddress(host: "127.0.0.1", port: 1), role: .agent, region: "east", status: agentStatus, incarnation: 1)
        let report = RegionReport(origin: "agent-east", region: "east", version: 1, endpoints: [
            EndpointReport(name: "e1", up: e1Up, drained: false, capacityPermille: e1Up ? 500 : 0, latencyMicroseconds: 900),
            EndpointReport(name: "e2", up: true, drained: e2Drained, capacityPermille: 1000, latencyMicroseconds: 900),
        ])
        return GossipView(me: "dns", members: [.init(update: agent, roundTripMilliseconds: 1)], reports: ["agent-east": report])
    }

    @Test func reportsSetHealthAndCapacityOfTheirEndpointsOnly() {
        var base = HealthView(endpointCount: 3)
        base.up[2] = false  // w1: left down by an override just deleted; no agent reports on it
        let health = GossipHealth.apply(Self.view(agentStatus: .alive, e1Up: false, e2Drained: true), to: base, table: Self.table)
        #expect(health.up == [false, false, true], "e1 down, e2 drained, w1 back as configured")
        let overridden = GossipHealth.apply(Self.view(agentStatus: .alive), to: base, table: Self.table, overrides: ["w1": .init(up: false, capacity: 1)])
        #expect(overridden.up == [true, true, false], "an override holds w1 down")
        let healthy = GossipHealth.apply(Self.view(agentStatus: .alive), to: HealthView(endpointCount: 3), table: Self.table)
        #expect(healthy.up == [true, true, true])
        #expect(healthy.capacity == [0.5, 1, 1])
    }

    @Test func aSuspectAgentStillCountsADeadOneDoesNot() {
        #expect(GossipHealth.apply(Self.view(agentStatus: .suspect), to: HealthView(endpointCount: 3), table: Self.table).up == [true, true, true])
        for gone in [MemberStatus.dead, .left] {
            #expect(GossipHealth.apply(Self.view(agentStatus: gone), to: HealthView(endpointCount: 3), table: Self.table).up == [false, false, true])
        }
    }

    @Test func aRestartedAgentCountsOnlyOnceItReportsAgain() {
        var back = Self.view(agentStatus: .alive)
        back.reportsFromBefore = ["agent-east"]
        #expect(GossipHealth.apply(back, to: HealthView(endpointCount: 3), table: Self.table).up == [false, false, true])
        #expect(GossipHealth.verdicts(back)["e1"]?.source == .agentDead)
    }

    @Test func operatorOverridesWin() {
        let health = GossipHealth.apply(
            Self.view(agentStatus: .dead), to: HealthView(endpointCount: 3), table: Self.table,
            overrides: ["e1": .init(up: true, capacity: 0.25), "w1": .init(up: false, capacity: 1)]
        )
        #expect(health.up == [true, false, false])
        #expect(health.capacity[0] == 0.25)
    }

    @Test func everyVerdictNamesItsSource() {
        let reported = GossipHealth.verdicts(Self.view(agentStatus: .alive, e1Up: false, e2Drained: true))
        #expect(reported["e1"] == .init(up: false, capacity: 0, source: .gossip))
        #expect(reported["e2"] == .init(up: false, capacity: 1, source: .drain))
        #expect(reported["w1"] == nil, "no agent reports on w1")
        let dead = GossipHealth.verdicts(Self.view(agentStatus: .dead), overrides: ["e2": .init(up: true, capacity: 0.5)])
        #expect(dead["e1"] == .init(up: false, capacity: 0.5, source: .agentDead))
        #expect(dead["e2"] == .init(up: true, capacity: 0.5, source: .admin))
    }

    @Test func agentsRoundTripsBuildTheRegionMatrix() {
        var view = Self.view(agentStatus: .alive)
        view.reports["agent-east"]?.roundTrips = [RegionRoundTrip(region: "west", microseconds: 80_000), RegionRoundTrip(region: "nowhere", microseconds: 1)]
        let health = GossipHealth.apply(view, to: HealthView(endpointCount: 3), table: Self.table)
        #expect(health.latency?.milliseconds[0][1] == 80, "east → west")
        #expect(health.latency?.milliseconds[1][0] == nil, "west has not measured")
        #expect(GossipHealth.apply(Self.view(agentStatus: .alive), to: HealthView(endpointCount: 3), table: Self.table).latency == nil, "nothing measured")
    }
}
