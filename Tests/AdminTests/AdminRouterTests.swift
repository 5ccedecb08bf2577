import DNSWire
import Foundation
import HealthGossip
import HTTPService
import MetricsExport
import NIOConcurrencyHelpers
import QueryEngine
import Steering
import Testing
import Topology
@testable import Admin
@testable import DNSServer
@testable import GossipService

/// The DNS node's admin API as a function, over a snapshot store with two regions and the
/// metrics and health event log `meridian serve` gives it (each test its own registry).
struct AdminRouterTests {
    struct Node {
        let exporter = MetricsExporter()
        let metrics: DNSMetrics
        let store: SnapshotStore
        let events: HealthEventLog
        let router: AdminRouter

        init(gossip: ((SnapshotStore, HealthEventLog) -> GossipHooks)? = nil) {
            let metrics = DNSMetrics(factory: exporter.factory)
            let configuration = QueryEngineConfiguration(steeredAnswerCounter: { service, region in
                let counter = metrics.steeredAnswerCounter(service: service, region: region)
                return { counter.increment() }
            })
            store = SnapshotStore(ServingSnapshot(sources: [:], configuration: configuration, generation: 1, topology: AdminRouterTests.topology))
            events = HealthEventLog(initial: store.snapshot, factory: exporter.factory)
            self.metrics = metrics
            router = AdminRouter(store: store, token: nil, gossip: gossip?(store, events), metrics: exporter, queryMetrics: metrics, events: events)
        }

        func request(_ method: String, _ path: String, _ body: String = "") -> HTTPRouterResponse {
            router.handle(method: method, path: path, authorization: nil, body: Data(body.utf8))
        }

        /// The JSON object a GET of `path` answers.
        func json(_ path: String) throws -> [String: Any] {
            let body = request("GET", path).body
            return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not a JSON object: \(body)")
        }

        func eventList() throws -> [[String: Any]] {
            try #require(try json("/v1/events")["events"] as? [[String: Any]])
        }

        /// `/v1/state`'s endpoints by name.
        func endpoints() throws -> [String: [String: Any]] {
            let regions = try #require(try json("/v1/state")["regions"] as? [[String: Any]])
            let endpoints = regions.flatMap { $0["endpoints"] as? [[String: Any]] ?? [] }
            return Dictionary(uniqueKeysWithValues: endpoints.map { ($0["name"] as? String ?? "", $0) })
        }

        /// `/metrics` as `name{labels}` → value.
        func samples() -> [String: Double] {
            var samples: [String: Double] = [:]
            for line in request("GET", "/metrics").body.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " ") else { continue }
                samples[String(line[..<space])] = Double(line[line.index(after: space)...])
            }
            return samples
        }
    }

    static let www = try! DNSName("www.example.com.")

    static func endpoint(_ name: String, _ region: String, _ address: String) -> Endpoint {
        Endpoint(
            name: name, region: region, address: NetworkAddress(address)!, port: 8080, weight: 1, services: [www],
            balance: .roundRobin, backends: [], health: HealthCheckSettings(), line: 1
        )
    }

    static let topology = Topology(
        regions: [
            Region(name: "us-east", location: GeoLocation(latitude: 39, longitude: -77), clients: [NetworkPrefix("10.1.0.0/16")!], agent: AgentAddresses(),
                   endpoints: [endpoint("use-a", "us-east", "127.0.0.11"), endpoint("use-b", "us-east", "127.0.0.12")], file: "us-east.yaml", line: 1),
            Region(name: "eu-west", location: GeoLocation(latitude: 53, longitude: -6), clients: [NetworkPrefix("10.2.0.0/16")!], agent: AgentAddresses(),
                   endpoints: [endpoint("euw-a", "eu-west", "127.0.0.21")], file: "eu-west.yaml", line: 1),
        ],
        services: [www: Service(name: www, policy: .nearest, ttl: 30, answers: 2, sticky: false, failover: [], file: "s", line: 1)]
    )

    @Test func theStatusPageIsOneSelfContainedDocument() {
        let node = Node()
        for path in ["/", "/status"] {
            let page = node.request("GET", path)
            #expect(page.status == 200)
            #expect(page.contentType == "text/html; charset=utf-8")
            #expect(page.body.hasPrefix("<!doctype html>"))
            for hook in ["data-endpoint", "data-region", "data-state", "document.body.dataset.loaded = \"true\""] {
                #expect(page.body.contains(hook), "the page sets \(hook)")
            }
            for external in ["http://", "https://", "//cdn", "<link", "<script src", " src=", "@import", "url("] {
                #expect(!page.body.contains(external), "the page must load nothing from elsewhere: found \(external)")
            }
        }
        #expect(node.request("POST", "/").status == 405)
        #expect(node.request("GET", "/v1/members").status == 404, "without gossip: the page hides its members section")
    }

    @Test func theSummaryHasTheTotalsMetricsHave() throws {
        let node = Node()
        for _ in 0..<5 { node.metrics.record(.respond(length: 12, rcode: .noError, qtype: .a), transport: .udp, nanoseconds: 40_000) }
        node.metrics.record(.drop, transport: .udp, nanoseconds: 0)
        for _ in 0..<3 { node.metrics.steeredAnswerCounter(service: "www.example.com.", region: "eu-west").increment() }
        node.metrics.steeredAnswerCounter(service: "www.example.com.", region: "us-east").increment()
        node.metrics.steeringFailedOpen.increment()

        let summary = try node.json("/v1/summary")
        #expect(summary["queries"] as? Int == 5, "responses sent; a dropped packet is none")
        #expect(summary["failedOpen"] as? Int == 1)
        #expect(summary["generation"] as? Int == 1)
        #expect((summary["uptimeSeconds"] as? Double).map { $0 >= 0 } == true)
        #expect((summary["startedAt"] as? String)?.hasSuffix("Z") == true)
        let steered = try #require(summary["steeredAnswers"] as? [String: Any])
        #expect(steered["total"] as? Int == 4)
        #expect(steered["byRegion"] as? [String: Int] == ["eu-west": 3, "us-east": 1])
        #expect(steered["byService"] as? [String: [String: Int]] == ["www.example.com.": ["eu-west": 3, "us-east": 1]])

        let samples = node.samples()
        #expect(samples[#"meridian_dns_steered_answers_total{service="www.example.com.",region="eu-west"}"#] == 3)
        #expect(samples[#"meridian_dns_steered_answers_total{service="www.example.com.",region="us-east"}"#] == 1)
        #expect(samples["meridian_steering_failed_open_total"] == 1)
        // Sub-millisecond buckets: a 40 µs answer is not in the 25 µs bucket but is in the 50 µs one.
        #expect(samples[#"meridian_dns_query_duration_seconds_bucket{transport="udp",le="0.000025"}"#] == 0)
        #expect(samples[#"meridian_dns_query_duration_seconds_bucket{transport="udp",le="0.00005"}"#] == 5)
    }

    @Test func healthReportsAreLoggedAndCounted() throws {
        let node = Node()
        #expect(node.request("GET", "/v1/events").body.contains(#""events" : ["#))
        #expect(node.request("PUT", "/v1/endpoints/use-a/health", #"{"up": false}"#).status == 200)
        #expect(node.request("PUT", "/v1/endpoints/use-a/health", #"{"up": true, "capacity": 0.5}"#).status == 200)
        #expect(node.request("PUT", "/v1/endpoints/euw-a/health", #"{"up": true}"#).status == 200, "no change: no event")

        let events = try node.eventList()
        #expect(events.count == 2)
        #expect(events.map { $0["endpoint"] as? String } == ["use-a", "use-a"])
        #expect(events.map { $0["up"] as? Bool } == [true, false], "newest first")
        #expect(events.map { $0["capacity"] as? Double } == [0.5, 1])
        #expect(events.allSatisfy { $0["region"] as? String == "us-east" && $0["source"] as? String == "admin" })
        let time = try #require(events.first?["time"] as? String)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let when = try #require(parser.date(from: time), "ISO 8601 UTC: \(time)")
        #expect(abs(when.timeIntervalSinceNow) < 60)

        let samples = node.samples()
        #expect(samples[#"meridian_health_transitions_total{endpoint="use-a",to="down"}"#] == 1)
        #expect(samples[#"meridian_health_transitions_total{endpoint="use-a",to="up"}"#] == 1)
        #expect(samples[#"meridian_health_transitions_total{endpoint="euw-a",to="down"}"#] == 0, "made at start, so it reads 0")
    }

    @Test func theEventLogKeepsTheLastHundred() throws {
        let node = Node()
        for step in 0..<(HealthEventLog.defaultCapacity + 5) {
            #expect(node.request("PUT", "/v1/endpoints/use-b/health", "{\"up\": \(step % 2 == 1)}").status == 200)
        }
        let events = try node.eventList()
        #expect(events.count == 100)
        #expect(events.first?["up"] as? Bool == false, "the 105th report (down) comes first")
        #expect(node.samples()[#"meridian_health_transitions_total{endpoint="use-b",to="down"}"#] == 53)
    }

    /// With gossip, `/v1/state` shows what agents report beyond health (drains, latency), and
    /// the events credit the drain.
    @Test func stateShowsWhatAgentsReport() throws {
        let agent = MemberUpdate(name: "agent-us-east", address: GossipAddress(host: "127.0.0.1", port: 7101), role: .agent, region: "us-east", status: .alive, incarnation: 1)
        let view = GossipView(me: "dns-1", members: [.init(update: agent, roundTripMilliseconds: 1)], reports: [
            "agent-us-east": RegionReport(origin: "agent-us-east", region: "us-east", version: 1, endpoints: [
                EndpointReport(name: "use-a", up: true, drained: true, capacityPermille: 1000, latencyMicroseconds: 1500),
                EndpointReport(name: "use-b", up: true, drained: false, capacityPermille: 500, latencyMicroseconds: 0),
            ]),
        ])
        let node = Node { store, events in
            let overrides = NIOLockedValueBox<[String: GossipHealth.Override]>([:])
            // What `meridian serve`'s gossip feed does with a view.
            let apply: @Sendable () -> Void = {
                let verdicts = GossipHealth.verdicts(view, overrides: overrides.withLockedValue { $0 })
                store.updateHealth(logging: events, source: { verdicts[$0]?.source ?? .gossip }) { snapshot in
                    (snapshot.with(health: GossipHealth.apply(verdicts, from: view, to: snapshot.health, table: snapshot.steering!)), ())
                }
            }
            return GossipHooks(overrides: overrides, view: { view }, reapply: apply)
        }
        node.router.gossip?.reapply()

        let state = try node.endpoints()
        #expect(state["use-a"]?["state"] as? String == "drained")
        #expect(state["use-a"]?["latencyMs"] as? Double == 1.5)
        #expect(state["use-b"]?["state"] as? String == "up")
        #expect(state["use-b"]?["capacity"] as? Double == 0.5)
        #expect(state["use-b"]?["latencyMs"] == nil, "no response measured yet")
        #expect(state["euw-a"]?["state"] as? String == "up", "no agent reports on it")
        #expect(try node.eventList().map { "\($0["endpoint"] ?? "") \($0["source"] ?? "")" } == ["use-a drain"])

        // An operator override wins, and is credited to the admin API.
        #expect(node.request("PUT", "/v1/endpoints/use-a/health", #"{"up": true}"#).status == 200)
        #expect(try node.endpoints()["use-a"]?["state"] as? String == "up")
        let latest = try #require(try node.eventList().first)
        #expect(latest["endpoint"] as? String == "use-a" && latest["source"] as? String == "admin" && latest["up"] as? Bool == true)

        // Deleting an override on an endpoint no agent reports on serves it as configured again
        // (it used to stay down for good: nothing else would ever set it back).
        #expect(node.request("PUT", "/v1/endpoints/euw-a/health", #"{"up": false}"#).status == 200)
        #expect(try node.endpoints()["euw-a"]?["state"] as? String == "down")
        #expect(node.request("DELETE", "/v1/endpoints/euw-a/health", "").status == 200)
        #expect(try node.endpoints()["euw-a"]?["state"] as? String == "up")
        // And an agent's word comes back for one it does report on.
        #expect(node.request("DELETE", "/v1/endpoints/use-a/health", "").status == 200)
        #expect(try node.endpoints()["use-a"]?["state"] as? String == "drained")
    }
}
