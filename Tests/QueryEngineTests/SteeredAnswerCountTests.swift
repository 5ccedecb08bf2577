import DNSWire
import Foundation
import Steering
import Testing
import Topology
@testable import QueryEngine

/// Steered answers are counted by service and by the region of their first record, into
/// counters the snapshot makes when it compiles its topology.
struct SteeredAnswerCountTests {
    /// Counts per "service region", standing in for the metrics a server hands the engine.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        private(set) var made: [String] = []

        func counter(service: String, region: String) -> @Sendable () -> Void {
            let key = "\(service) \(region)"
            lock.withLock { made.append(key) }
            return { self.lock.withLock { self.counts[key, default: 0] += 1 } }
        }

        var nonZero: [String: Int] { lock.withLock { counts.filter { $0.value > 0 } } }
    }

    static let service = try! DNSName("svc.example.com.")

    static func endpoint(_ name: String, _ region: String, _ address: String) -> Endpoint {
        Endpoint(
            name: name, region: region, address: NetworkAddress(address)!, port: 80, weight: 1, services: [service],
            balance: .roundRobin, backends: [], health: HealthCheckSettings(), line: 1
        )
    }

    /// us-east (10.1.0.0/16: one endpoint) and eu-west (10.2.0.0/16: two), IPv4 only.
    static func snapshot(policy: SteeringPolicy, tally: Tally) -> ServingSnapshot {
        let regions = [
            Region(name: "us-east", location: GeoLocation(latitude: 39, longitude: -77), clients: [NetworkPrefix("10.1.0.0/16")!], agent: AgentAddresses(),
                   endpoints: [endpoint("use-a", "us-east", "127.0.0.11")], file: "us-east.yaml", line: 1),
            Region(name: "eu-west", location: GeoLocation(latitude: 53, longitude: -6), clients: [NetworkPrefix("10.2.0.0/16")!], agent: AgentAddresses(),
                   endpoints: [endpoint("euw-a", "eu-west", "127.0.0.21"), endpoint("euw-b", "eu-west", "127.0.0.22")], file: "eu-west.yaml", line: 1),
        ]
        let topology = Topology(regions: regions, services: [service: Service(name: service, policy: policy, ttl: 30, answers: 2, sticky: false, failover: [], file: "s", line: 1)])
        let configuration = QueryEngineConfiguration(steeredAnswerCounter: tally.counter)
        return ServingSnapshot(sources: Fixture.sources, configuration: configuration, generation: 1, topology: topology)
    }

    static func query(_ type: RRType = .a, from network: [UInt8]) -> TestQuery {
        TestQuery("svc.example.com", type, edns: TestEDNS(ecs: (family: 1, source: 24, address: network)))
    }

    @Test func aCounterForEveryServiceAndRegionIsMadeWithTheSnapshot() {
        let tally = Tally()
        _ = Self.snapshot(policy: .nearest, tally: tally)
        #expect(Set(tally.made) == ["svc.example.com. us-east", "svc.example.com. eu-west"])
    }

    @Test func anAnswerCountsForTheRegionItCameFrom() throws {
        let tally = Tally()
        let snapshot = Self.snapshot(policy: .nearest, tally: tally)
        let west = try exchange(Self.query(from: [10, 2, 0]), snapshot: snapshot).response()
        #expect(Set(west.answer.map(\.rdataText)) == ["127.0.0.21", "127.0.0.22"])
        #expect(tally.nonZero == ["svc.example.com. eu-west": 1])

        // eu-west down: its clients are answered from us-east, counted there, by the same
        // counters (a health change shares them).
        var health = snapshot.health
        health.up[snapshot.steering!.endpoints.firstIndex { $0.name == "euw-a" }!] = false
        health.up[snapshot.steering!.endpoints.firstIndex { $0.name == "euw-b" }!] = false
        let failedOver = try exchange(Self.query(from: [10, 2, 0]), snapshot: snapshot.with(health: health)).response()
        #expect(failedOver.answer.map(\.rdataText) == ["127.0.0.11"])
        #expect(tally.nonZero == ["svc.example.com. eu-west": 1, "svc.example.com. us-east": 1])
    }

    @Test func aWeightedAnswerCountsForTheRegionOfItsFirstRecord() throws {
        let tally = Tally()
        let snapshot = Self.snapshot(policy: .weighted, tally: tally)
        var expected: [String: Int] = [:]
        for seed in UInt64(1)...20 {
            let client = ClientContext(address: NetworkAddress("192.0.2.200"), transport: .udp, randomSeed: seed)
            let answer = try exchange(Self.query(from: [10, 1, 0]), snapshot: snapshot, client: client).response()
            let first = try #require(answer.answer.first?.rdataText)
            expected["svc.example.com. \(first == "127.0.0.11" ? "us-east" : "eu-west")", default: 0] += 1
        }
        #expect(tally.nonZero == expected)
        #expect(expected.count == 2, "20 weighted draws start in both regions")
    }

    @Test func noCountWithoutASteeredRecord() throws {
        let tally = Tally()
        let snapshot = Self.snapshot(policy: .nearest, tally: tally)
        // No IPv6 endpoint anywhere while IPv4 ones are healthy: NODATA.
        let aaaa = try exchange(Self.query(.aaaa, from: [10, 1, 0]), snapshot: snapshot).response()
        #expect(aaaa.answer.isEmpty && aaaa.rcode == .noError)
        // Zone data in the same zone.
        #expect(try exchange(TestQuery("mail.example.com", .a), snapshot: snapshot).response().answer.count == 1)
        #expect(tally.nonZero.isEmpty)
    }
}
