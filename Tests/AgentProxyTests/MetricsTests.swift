import Foundation
import HTTPService
import Logging
import MetricsExport
import Testing
@testable import AgentProxy

/// `GET /metrics` of the agent admin API over a real proxy and demo backends: counters from the
/// traffic curl sends, gauges from the selector's state. Each test has its own registry.
@Suite(.serialized)
struct MetricsTests {
    /// The agent admin API for the proxy's endpoint `test`, with `metrics`, on a free port.
    static func withAdmin(
        selector: BackendSelector, backendPorts: [Int], metrics: MetricsExporter, _ body: (_ admin: String) async throws -> Void
    ) async throws {
        let endpoint = AgentAdminRouter.Endpoint(name: "test", address: "127.0.0.1", port: 0, backendURLs: backendPorts.map(url), selector: selector)
        let router = AgentAdminRouter(region: "test-region", endpoints: [endpoint], metrics: metrics)
        let admin = HTTPListener.router(host: "127.0.0.1", port: 0, label: "agent admin API", router: router, logger: Logger(label: "test"))
        try await ProxyTests.serving([admin]) { try await body("http://127.0.0.1:\(await admin.boundAddress()!.port!)") }
    }

    static func url(_ port: Int) -> String { "http://127.0.0.1:\(port)" }

    /// A scrape: its content type, and every sample as `name{labels}` → value.
    static func scrape(_ admin: String) throws -> (contentType: String?, samples: [String: Double]) {
        let response = try ProxyTests.get(admin + "/metrics")
        #expect(response.status == 200)
        var samples: [String: Double] = [:]
        for line in response.body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return (response.headers["content-type"], samples)
    }

    /// `name{endpoint="test",backend="http://127.0.0.1:PORT",label="value"}`, as swift-prometheus
    /// writes it.
    static func series(_ name: String, backend port: Int? = nil, _ label: (String, String)? = nil) -> String {
        let labels = [("endpoint", "test")] + (port.map { [("backend", url($0))] } ?? []) + (label.map { [$0] } ?? [])
        return name + "{" + labels.map { "\($0)=\"\($1)\"" }.joined(separator: ",") + "}"
    }

    static func post(_ url: String, _ body: String? = nil) throws -> Int {
        try ProxyTests.get(url, ["-X", "POST"] + (body.map { ["-d", $0] } ?? [])).status
    }

    @Test func countsResponsesByClassAndHealthTransitionsAndPublishesGauges() async throws {
        let metrics = MetricsExporter()
        try await ProxyTests.withProxy(backends: ["b0", "b1"], metrics: metrics) { port, backends, selector in
            let proxy = "http://127.0.0.1:\(port)"
            for _ in 0..<4 { #expect(try ProxyTests.get(proxy + "/").status == 200) }  // b0, b1, b0, b1
            #expect(try Self.post(proxy + "/admin/nope") == 404, "b0 answers 404")
            #expect(try Self.post(Self.url(backends[1]) + "/admin/fail") == 200)
            // b1, b0, b1, …: b1's fifth 5xx in a row (error-run 5) takes it down.
            for _ in 0..<10 { _ = try ProxyTests.get(proxy + "/") }
            #expect(selector.pool.members[1].healthy == false)

            try await Self.withAdmin(selector: selector, backendPorts: backends, metrics: metrics) { admin in
                var (contentType, samples) = try Self.scrape(admin)
                #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
                func value(_ name: String, backend: Int? = nil, _ label: (String, String)? = nil) -> Double? {
                    samples[Self.series(name, backend: backend.map { backends[$0] }, label)]
                }
                let requests = "meridian_agent_requests_total"
                #expect(value(requests, backend: 0, ("code", "2xx")) == 7)
                #expect(value(requests, backend: 0, ("code", "4xx")) == 1)
                #expect(value(requests, backend: 1, ("code", "2xx")) == 2)
                #expect(value(requests, backend: 1, ("code", "5xx")) == 5)
                #expect(value(requests, backend: 1, ("code", "3xx")) == 0)
                #expect(value("meridian_agent_health_transitions_total", backend: 1, ("to", "down")) == 1)
                #expect(value("meridian_agent_health_transitions_total", backend: 0, ("to", "down")) == 0)
                #expect(value("meridian_agent_backend_failures_total", backend: 1) == 0)
                #expect(value("meridian_agent_backend_up", backend: 0) == 1 && value("meridian_agent_backend_up", backend: 1) == 0)
                #expect(value("meridian_agent_backend_active_requests", backend: 0) == 0)
                #expect(value("meridian_agent_backend_drained", backend: 1) == 0)
                #expect(value("meridian_agent_endpoint_healthy_backends") == 1)
                #expect(value("meridian_agent_endpoint_capacity") == 0.5)
                #expect(value("meridian_agent_endpoint_drained") == 0)
                let ewma = try #require(value("meridian_agent_backend_latency_ewma_seconds", backend: 0))
                let p50 = try #require(value("meridian_agent_backend_latency_p50_seconds", backend: 0))
                let p99 = try #require(value("meridian_agent_backend_latency_p99_seconds", backend: 0))
                #expect(ewma > 0 && ewma < 1 && p50 > 0 && p50 <= p99 && p99 < 1, "seconds: \(ewma) \(p50) \(p99)")

                // Back up through active checks (rise 2), then drains: gauges follow at the next scrape.
                selector.checkResult(1, success: true)
                selector.checkResult(1, success: true)
                #expect(try Self.post(admin + "/v1/drain", "{\"endpoint\": \"test\", \"backend\": \"\(Self.url(backends[0]))\"}") == 200)
                #expect(try Self.post(admin + "/v1/drain", "{\"endpoint\": \"test\"}") == 200)
                samples = try Self.scrape(admin).samples
                #expect(value("meridian_agent_health_transitions_total", backend: 1, ("to", "up")) == 1)
                #expect(value("meridian_agent_backend_up", backend: 1) == 1)
                #expect(value("meridian_agent_backend_up", backend: 0) == 1, "up is the checks' view, drained or not")
                #expect(value("meridian_agent_backend_drained", backend: 0) == 1)
                #expect(value("meridian_agent_endpoint_healthy_backends") == 1)
                #expect(value("meridian_agent_endpoint_capacity") == 0.5)
                #expect(value("meridian_agent_endpoint_drained") == 1)

                #expect(try Self.post(admin + "/metrics") == 405)
            }
        }
    }

    @Test func countsPassiveFailures() async throws {
        let metrics = MetricsExporter()
        try await ProxyTests.withProxy(backends: [nil, "b1"], metrics: metrics) { port, backends, selector in
            // Refused twice (fall 2), each GET retried on b1.
            for _ in 0..<4 { #expect(try ProxyTests.get("http://127.0.0.1:\(port)/").status == 200) }
            try await Self.withAdmin(selector: selector, backendPorts: backends, metrics: metrics) { admin in
                let samples = try Self.scrape(admin).samples
                let refused = backends[0]
                #expect(samples[Self.series("meridian_agent_backend_failures_total", backend: refused)] == 2)
                #expect(samples[Self.series("meridian_agent_health_transitions_total", backend: refused, ("to", "down"))] == 1)
                #expect(samples[Self.series("meridian_agent_backend_up", backend: refused)] == 0)
                #expect(samples[Self.series("meridian_agent_requests_total", backend: backends[1], ("code", "2xx"))] == 4)
                let latency = try #require(samples[Self.series("meridian_agent_backend_latency_p99_seconds", backend: refused)])
                #expect(latency.isNaN, "no response yet: NaN, as in an empty summary")
            }
        }
    }

    @Test func noExporterNoRoute() async throws {
        try await ProxyTests.withProxy(backends: ["b0"]) { _, backends, selector in
            let endpoint = AgentAdminRouter.Endpoint(name: "test", address: "127.0.0.1", port: 0, backendURLs: backends.map(Self.url), selector: selector)
            let router = AgentAdminRouter(region: "test-region", endpoints: [endpoint])
            #expect(router.handle(method: "GET", path: "/metrics", authorization: nil, body: Data()).status == 404)
        }
    }
}
