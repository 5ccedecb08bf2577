import DNSWire
import Testing
import Topology
@testable import Steering

/// A seeded random source, so that statistical checks are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(state &- 0x9E37_79B9_7F4A_7C15)
    }
}

enum Fixture {
    static let www = try! DNSName("www.example.com.")

    static func endpoint(_ name: String, _ region: String, _ address: String, weight: Int = 1) -> Endpoint {
        Endpoint(
            name: name, region: region, address: NetworkAddress(address)!, port: 8080, weight: weight, services: [www],
            balance: .roundRobin, backends: [], health: HealthCheckSettings(), line: 1
        )
    }

    static func region(_ name: String, lat: Double, lon: Double, clients: [String], endpoints: [Endpoint]) -> Region {
        Region(name: name, location: GeoLocation(latitude: lat, longitude: lon), clients: clients.map { NetworkPrefix($0)! }, agent: AgentAddresses(), endpoints: endpoints, file: "\(name).yaml", line: 1)
    }

    static func table(policy: SteeringPolicy, answers: Int = 2, sticky: Bool = false, failover: [String] = [], regions: [Region]? = nil) -> SteeringTable {
        let regions = regions ?? [
            region("us-east", lat: 39.04, lon: -77.49, clients: ["10.1.0.0/16", "2001:db8:1::/48"], endpoints: [
                endpoint("use-a", "us-east", "127.0.0.11", weight: 2), endpoint("use-b", "us-east", "127.0.0.12"), endpoint("use-6", "us-east", "2001:db8:1::11"),
            ]),
            region("eu-west", lat: 53.35, lon: -6.26, clients: ["10.2.0.0/16", "10.2.3.0/24"], endpoints: [
                endpoint("euw-a", "eu-west", "127.0.0.21"), endpoint("euw-b", "eu-west", "127.0.0.22"),
            ]),
            region("ap-south", lat: 19.08, lon: 72.88, clients: ["10.3.0.0/16"], endpoints: [
                endpoint("aps-a", "ap-south", "127.0.0.31"),
            ]),
        ]
        let service = Service(name: www, policy: policy, ttl: 30, answers: answers, sticky: sticky, failover: failover, file: "x", line: 1)
        return SteeringTable(topology: Topology(regions: regions, services: [www: service]), defaultLocation: GeoLocation(latitude: 50, longitude: 0))
    }

    static func ecs(_ address: String, _ prefix: UInt8) -> ClientSubnet {
        let a = NetworkAddress(address)!
        return ClientSubnet(family: a.family == .ipv4 ? 1 : 2, sourcePrefixLength: prefix, scopePrefixLength: 0, addressHigh: a.high, addressLow: a.low)
    }
}

/// Runs one decision and returns it with endpoint names.
func steer(
    _ table: SteeringTable, client: String? = nil, ecs: ClientSubnet? = nil, ipv6: Bool = false,
    health: HealthView? = nil, failOpen: Bool = true, seed: UInt64 = 1
) -> (decision: SteeringDecision, names: [String]) {
    var rng = SplitMix64(state: seed)
    var ignored = IgnoredSteps()
    let decision = Steerer.steer(
        service: table.service(named: Fixture.www)!, ipv6: ipv6, client: client.flatMap(NetworkAddress.init), clientSubnet: ecs,
        table: table, health: health ?? HealthView(endpointCount: table.endpoints.count), failOpen: failOpen, rng: &rng, observer: &ignored
    )
    return (decision, decision.endpointIDs.map { table.endpoints[$0].name })
}

func health(_ table: SteeringTable, down: Set<String> = [], capacity: [String: Double] = [:]) -> HealthView {
    var view = HealthView(endpointCount: table.endpoints.count)
    for (i, endpoint) in table.endpoints.enumerated() {
        view.up[i] = !down.contains(endpoint.name)
        view.capacity[i] = capacity[endpoint.name] ?? 1
    }
    return view
}

struct SteererTests {
    @Test func nearestAnswersFromTheClientsRegion() {
        let table = Fixture.table(policy: .nearest)
        #expect(Set(steer(table, ecs: Fixture.ecs("10.1.2.0", 24)).names) == ["use-a", "use-b"])
        #expect(Set(steer(table, ecs: Fixture.ecs("10.2.9.0", 24)).names) == ["euw-a", "euw-b"])
        #expect(steer(table, client: "10.3.4.5").names == ["aps-a"])
        #expect(steer(table, ecs: Fixture.ecs("2001:db8:1:2::", 56), ipv6: true).names == ["use-6"])
    }

    @Test func nearestFailsOverToTheNextClosestRegion() {
        let table = Fixture.table(policy: .nearest)
        let view = health(table, down: ["use-a", "use-b"])
        let result = steer(table, ecs: Fixture.ecs("10.1.2.0", 24), health: view)
        #expect(Set(result.names) == ["euw-a", "euw-b"], "Dublin is nearer to Ashburn than Mumbai")
        #expect(result.decision.clientRegion == table.regionNames.firstIndex(of: "us-east"))
        #expect(result.decision.answeredRegion == table.regionNames.firstIndex(of: "eu-west"))
        #expect(!result.decision.failedOpen)
    }

    @Test func unmatchedClientsGoToTheRegionNearestTheDefaultLocation() {
        let table = Fixture.table(policy: .nearest)
        #expect(Set(steer(table, client: "192.0.2.1").names) == ["euw-a", "euw-b"], "default location 50N 0E is nearest Dublin")
    }

    @Test func failoverFollowsTheConfiguredOrder() {
        let table = Fixture.table(policy: .failover, failover: ["ap-south", "us-east", "eu-west"])
        #expect(steer(table, client: "10.1.0.1").names == ["aps-a"])
        #expect(Set(steer(table, client: "10.1.0.1", health: health(table, down: ["aps-a"])).names) == ["use-a", "use-b"])
    }

    @Test func failsOpenWhenNothingIsHealthy() {
        let table = Fixture.table(policy: .nearest, answers: 16)
        let all: Set<String> = ["use-a", "use-b", "euw-a", "euw-b", "aps-a"]
        let result = steer(table, ecs: Fixture.ecs("10.1.0.0", 24), health: health(table, down: all.union(["use-6"])))
        #expect(result.decision.failedOpen)
        #expect(Set(result.names) == all)
        #expect(result.decision.scopePrefixLength == 0, "a fail-open answer is the same for every client")
        let closed = steer(table, client: "10.1.0.1", health: health(table, down: all.union(["use-6"])), failOpen: false)
        #expect(closed.decision.count == 0)
        // Healthy endpoints of the other family: not "nothing healthy", so NODATA, not fail-open.
        let other = steer(table, client: "10.1.0.1", health: health(table, down: all))
        #expect(other.decision.count == 0 && !other.decision.failedOpen)
    }

    @Test func aServiceWithoutIPv6EndpointsHasNoAAAA() {
        let table = Fixture.table(policy: .nearest, regions: [
            Fixture.region("eu-west", lat: 53, lon: -6, clients: [], endpoints: [Fixture.endpoint("euw-a", "eu-west", "127.0.0.21")]),
        ])
        let result = steer(table, client: "10.1.0.1", ipv6: true)
        #expect(result.decision.count == 0)
        #expect(!result.decision.failedOpen)
    }

    @Test func weightedDrawsMatchWeightTimesCapacity() {
        let regions = [Fixture.region("one", lat: 0, lon: 0, clients: [], endpoints: [
            Fixture.endpoint("w1", "one", "127.0.0.1", weight: 1), Fixture.endpoint("w2", "one", "127.0.0.2", weight: 2),
            Fixture.endpoint("w3", "one", "127.0.0.3", weight: 3), Fixture.endpoint("w4", "one", "127.0.0.4", weight: 4),
        ])]
        let table = Fixture.table(policy: .weighted, answers: 1, regions: regions)
        // w4 at half capacity counts as weight 2: shares 1:2:3:2 of 8.
        let view = health(table, capacity: ["w4": 0.5])
        var counts: [String: Int] = [:]
        var rng = SplitMix64(state: 42)
        var ignored = IgnoredSteps()
        let draws = 20_000
        for _ in 0..<draws {
            let d = Steerer.steer(service: 0, ipv6: false, client: nil, clientSubnet: nil, table: table, health: view, rng: &rng, observer: &ignored)
            counts[table.endpoints[Int(d.endpoints[0])].name, default: 0] += 1
        }
        for (name, share) in [("w1", 1.0 / 8), ("w2", 2.0 / 8), ("w3", 3.0 / 8), ("w4", 2.0 / 8)] {
            let observed = Double(counts[name, default: 0]) / Double(draws)
            #expect(abs(observed - share) < 0.02, "\(name): \(observed) vs \(share)")
        }
    }

    @Test func answersAreDistinctAndCapped() {
        let table = Fixture.table(policy: .weighted, answers: 3)
        for seed in 1...200 {
            let names = steer(table, client: "10.1.0.1", seed: UInt64(seed)).names
            #expect(names.count == 3)
            #expect(Set(names).count == 3)
        }
    }

    @Test func stickyClientsKeepTheirEndpointsAndOnlyTheLostOnesMove() {
        let endpoints = (0..<10).map { Fixture.endpoint("e\($0)", "one", "127.0.1.\($0)") }
        let table = Fixture.table(policy: .weighted, answers: 1, sticky: true, regions: [Fixture.region("one", lat: 0, lon: 0, clients: [], endpoints: endpoints)])
        let clients = (0..<5000).map { "10.\($0 / 256).\($0 % 256).0" }
        let before = clients.map { steer(table, ecs: Fixture.ecs($0, 24), seed: UInt64.random(in: 1...1000)).names[0] }
        // Same answer whatever the random source: the choice depends on the client network only.
        #expect(before == clients.map { steer(table, ecs: Fixture.ecs($0, 24), seed: 7).names[0] })
        let after = clients.map { steer(table, ecs: Fixture.ecs($0, 24), health: health(table, down: ["e3"])).names[0] }
        var moved = 0
        for (b, a) in zip(before, after) where b != a {
            moved += 1
            #expect(b == "e3", "only clients of the lost endpoint move")
        }
        let share = Double(moved) / Double(clients.count)
        #expect(abs(share - 0.1) < 0.02, "about 1/N of clients move: \(share)")
    }

    @Test func ecsScopeExcludesNestedNetworks() {
        let regions = [
            Fixture.region("us-east", lat: 39, lon: -77, clients: ["10.0.0.0/8"], endpoints: [Fixture.endpoint("use-a", "us-east", "127.0.0.11")]),
            Fixture.region("eu-west", lat: 53, lon: -6, clients: ["10.2.0.0/16"], endpoints: [Fixture.endpoint("euw-a", "eu-west", "127.0.0.21")]),
        ]
        let table = Fixture.table(policy: .nearest, regions: regions)
        let result = steer(table, ecs: Fixture.ecs("10.5.0.0", 24))
        #expect(result.names == ["use-a"])
        #expect(result.decision.scopePrefixLength == 14, "10.4.0.0/14 holds the answer; /8 would cover eu-west's 10.2/16")
        #expect(steer(table, ecs: Fixture.ecs("0.0.0.0", 0)).decision.scopePrefixLength == 0, "source /0: scope 0")
        #expect(steer(table, ecs: Fixture.ecs("192.0.2.0", 24)).decision.scopePrefixLength == 1, "unmatched: 128.0.0.0/1 has no client network")
    }

    @Test func sourceAddressesMatchNetworksLongerThanTheECSLimit() {
        let regions = [
            Fixture.region("us-east", lat: 39, lon: -77, clients: ["192.0.2.128/25"], endpoints: [Fixture.endpoint("use-a", "us-east", "127.0.0.11")]),
            Fixture.region("eu-west", lat: 53, lon: -6, clients: [], endpoints: [Fixture.endpoint("euw-a", "eu-west", "127.0.0.21")]),
        ]
        #expect(steer(Fixture.table(policy: .nearest, regions: regions), client: "192.0.2.200").names == ["use-a"])
    }

    @Test func stickyChoicesDoNotDependOnOtherEndpoints() {
        let base = (0..<4).map { Fixture.endpoint("e\($0)", "one", "127.0.1.\($0)") }
        let before = Fixture.table(policy: .weighted, answers: 1, sticky: true, regions: [Fixture.region("one", lat: 0, lon: 0, clients: [], endpoints: base)])
        let after = Fixture.table(policy: .weighted, answers: 1, sticky: true, regions: [
            // An endpoint that does not serve www, numbered before all the others.
            Fixture.region("a-first", lat: 1, lon: 1, clients: [], endpoints: [{
                var other = Fixture.endpoint("other", "a-first", "127.0.2.1")
                other.services = []
                return other
            }()]),
            Fixture.region("one", lat: 0, lon: 0, clients: [], endpoints: base),
        ])
        for i in 0..<200 {
            let client = Fixture.ecs("10.\(i / 256).\(i % 256).0", 24)
            #expect(steer(before, ecs: client).names == steer(after, ecs: client).names)
        }
    }

    @Test func ecsScopeIsThePrefixThatDecided() {
        let nearest = Fixture.table(policy: .nearest)
        #expect(steer(nearest, ecs: Fixture.ecs("10.1.2.0", 24)).decision.scopePrefixLength == 16)
        #expect(steer(nearest, ecs: Fixture.ecs("10.2.3.0", 24)).decision.scopePrefixLength == 24, "the /24 is the longest match")
        #expect(steer(nearest, ecs: Fixture.ecs("10.2.3.77", 32)).decision.scopePrefixLength == 24, "never more than /24")
        #expect(steer(nearest, ecs: Fixture.ecs("10.2.0.0", 16)).decision.scopePrefixLength == 16, "a /24 network cannot match a /16 subnet")
        #expect(steer(Fixture.table(policy: .weighted), ecs: Fixture.ecs("10.1.2.0", 24)).decision.scopePrefixLength == 0)
        #expect(steer(Fixture.table(policy: .failover, failover: ["us-east"]), ecs: Fixture.ecs("10.1.2.0", 24)).decision.scopePrefixLength == 0)
        #expect(steer(Fixture.table(policy: .weighted, sticky: true), ecs: Fixture.ecs("10.1.2.0", 24)).decision.scopePrefixLength == 24)
        #expect(steer(nearest, ecs: Fixture.ecs("2001:db8:1:ff00::", 64), ipv6: true).decision.scopePrefixLength == 48)
        #expect(steer(nearest, client: "10.1.2.3").decision.scopePrefixLength == 0, "no ECS in the query: no scope to send")
    }

    @Test func explanationNamesTheSteps() {
        let table = Fixture.table(policy: .nearest)
        var rng = SplitMix64(state: 1)
        var explanation = SteeringExplanation()
        _ = Steerer.steer(
            service: 0, ipv6: false, client: nil, clientSubnet: Fixture.ecs("10.1.2.0", 24), table: table,
            health: health(table, down: ["use-a", "use-b"]), rng: &rng, observer: &explanation
        )
        #expect(explanation.steps.contains("client region us-east: matches 10.1.0.0/16"), "\(explanation.steps)")
        #expect(explanation.steps.contains("excluded use-a: down"))
        #expect(explanation.steps.contains("region us-east: no healthy IPv4 endpoint"))
        #expect(explanation.steps.contains("answering from region eu-west"))
        #expect(explanation.steps.last == "ECS scope /16")
    }
}
