import DNSWire
import Foundation
import QueryEngine
import Steering
import Testing
import Topology
@testable import DNSServer

/// The health event log: which changes are events, across health updates and reloads.
struct HealthEventLogTests {
    static func topology(_ endpoints: [(name: String, region: String)]) -> Topology {
        let regions = Dictionary(grouping: endpoints.enumerated(), by: \.element.region).map { region, members in
            Region(
                name: region, location: GeoLocation(latitude: 0, longitude: 0), clients: [], agent: AgentAddresses(),
                endpoints: members.map { index, member in
                    Endpoint(
                        name: member.name, region: region, address: NetworkAddress("192.0.2.\(index + 1)")!, port: 80, weight: 1, services: [],
                        balance: .roundRobin, backends: [], health: HealthCheckSettings(), line: 1
                    )
                },
                file: "\(region).yaml", line: 1
            )
        }
        return Topology(regions: regions, services: [:])
    }

    static func snapshot(_ endpoints: [(name: String, region: String)]) -> ServingSnapshot {
        ServingSnapshot(sources: [:], configuration: QueryEngineConfiguration(), generation: 1, topology: topology(endpoints))
    }

    /// `snapshot` with endpoint `name` set to `up` and `capacity`.
    static func setting(_ snapshot: ServingSnapshot, _ name: String, up: Bool, capacity: Double = 1) -> ServingSnapshot {
        var health = snapshot.health
        let id = snapshot.steering!.endpoints.firstIndex { $0.name == name }!
        health.up[id] = up
        health.capacity[id] = capacity
        return snapshot.with(health: health)
    }

    static let endpoints = [(name: "a1", region: "a"), (name: "a2", region: "a"), (name: "b1", region: "b")]

    @Test func anEventIsAnEndpointStartingOrStoppingToBeAnswered() {
        let start = Self.snapshot(Self.endpoints)
        let log = HealthEventLog(initial: start)
        let down = Self.setting(start, "a2", up: false)
        log.record(from: start, to: down, source: { _ in .admin })
        let lessCapacity = Self.setting(down, "b1", up: true, capacity: 0.5)
        log.record(from: down, to: lessCapacity, source: { _ in .gossip })
        let noCapacity = Self.setting(lessCapacity, "b1", up: true, capacity: 0)
        log.record(from: lessCapacity, to: noCapacity, source: { _ in .drain })
        let events = log.recent()
        #expect(events.map(\.endpoint) == ["b1", "a2"], "newest first; a capacity change alone is no event")
        #expect(events.map(\.up) == [false, false])
        #expect(events.map(\.source) == [.drain, .admin])
        #expect(events.map(\.region) == ["b", "a"])
        #expect(events[0].capacity == 0)
    }

    @Test func aReloadMatchesEndpointsByName() {
        let before = Self.setting(Self.snapshot(Self.endpoints), "b1", up: false)
        let log = HealthEventLog(initial: before)
        // A reload renumbers the endpoints (a0 sorts first) and carries health over by name.
        let reloaded = Self.snapshot([(name: "a0", region: "a")] + Self.endpoints).carryingHealth(from: before)
        log.record(from: before, to: reloaded, source: { _ in .admin })
        #expect(log.recent().isEmpty)
        let b1Up = Self.setting(reloaded, "b1", up: true)
        log.record(from: reloaded, to: b1Up, source: { _ in .gossip })
        #expect(log.recent().map(\.endpoint) == ["b1"])
    }

    @Test func theLogKeepsTheLatestEvents() {
        var snapshot = Self.snapshot(Self.endpoints)
        let log = HealthEventLog(initial: snapshot, capacity: 3)
        for step in 0..<5 {
            let next = Self.setting(snapshot, "a1", up: step % 2 == 1)
            log.record(from: snapshot, to: next, source: { _ in .admin }, at: Date(timeIntervalSince1970: Double(step)))
            snapshot = next
        }
        #expect(log.recent().map(\.time.timeIntervalSince1970) == [4, 3, 2])
    }

    @Test func updateHealthLogsWhatItPublishes() {
        let store = SnapshotStore(Self.snapshot(Self.endpoints))
        let log = HealthEventLog(initial: store.snapshot)
        store.updateHealth(logging: log, source: { $0 == "a1" ? .agentDead : .gossip }) { snapshot in
            (Self.setting(Self.setting(snapshot, "a1", up: false), "b1", up: false), ())
        }
        #expect(Set(log.recent().map { "\($0.endpoint) \($0.source.rawValue)" }) == ["a1 agent-dead", "b1 gossip"])
        #expect(store.snapshot.health.up == [false, true, false])
    }
}
