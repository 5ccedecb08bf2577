import Foundation
import HTTPService
import MetricsExport
import NIOConcurrencyHelpers

/// The region agent's admin API: `GET /healthz`, `GET /v1/state` (endpoints, backends, health,
/// in-flight requests, drains), `POST /v1/drain` and `POST /v1/undrain` with
/// `{"endpoint": E, "backend": URL}` (one backend: no new requests), `{"endpoint": E}` (the
/// endpoint is reported down to the DNS tier while it keeps serving) or `{}` (the whole region),
/// and `GET /metrics` (Prometheus) when given an exporter.
public struct AgentAdminRouter: HTTPRouter {
    public struct Endpoint: Sendable {
        public var name: String
        public var address: String
        public var port: Int
        public var backendURLs: [String]
        public var selector: BackendSelector

        public init(name: String, address: String, port: Int, backendURLs: [String], selector: BackendSelector) {
            self.name = name
            self.address = address
            self.port = port
            self.backendURLs = backendURLs
            self.selector = selector
        }
    }

    let region: String
    let endpoints: [Endpoint]
    /// Serves `/metrics`, with the selectors' gauges published at each scrape.
    let metrics: MetricsExporter?
    /// Endpoints drained as a whole; gossip will report them down.
    public let drainedEndpoints = NIOLockedValueBox<Set<String>>([])

    public init(region: String, endpoints: [Endpoint], metrics: MetricsExporter? = nil) {
        self.region = region
        self.endpoints = endpoints
        self.metrics = metrics
    }

    public func handle(method: String, path: String, authorization: String?, body: Data) -> HTTPRouterResponse {
        let path = path.split(separator: "?").first.map(String.init) ?? path
        if let response = metrics?.route(method: method, path: path, refresh: publishMetrics) { return response }
        switch (method, path) {
        case ("GET", "/healthz"): return HTTPRouterResponse(status: 200, body: "ok\n", contentType: "text/plain")
        case ("GET", "/v1/state"): return HTTPRouterResponse(status: 200, body: HTTPRouterResponse.json(state()))
        case ("POST", "/v1/drain"): return drain(body, true)
        case ("POST", "/v1/undrain"): return drain(body, false)
        case (_, "/healthz"), (_, "/v1/state"), (_, "/v1/drain"), (_, "/v1/undrain"): return .error(405, "method \(method) not allowed here")
        default: return .error(404, "no such resource: \(path)")
        }
    }

    struct DrainRequest: Decodable {
        var endpoint: String?
        var backend: String?
    }

    func drain(_ body: Data, _ drained: Bool) -> HTTPRouterResponse {
        guard let request = StrictJSON.decode(DrainRequest.self, body.isEmpty ? Data("{}".utf8) : body, allowed: ["endpoint", "backend"]) else {
            return .error(400, "body must be {}, {\"endpoint\": NAME} or {\"endpoint\": NAME, \"backend\": URL}")
        }
        guard let name = request.endpoint else {
            drainedEndpoints.withLockedValue { $0 = drained ? Set(endpoints.map(\.name)) : [] }
            return HTTPRouterResponse(status: 200, body: HTTPRouterResponse.json(["region": region, "drained": drained]))
        }
        guard let endpoint = endpoints.first(where: { $0.name == name }) else { return .error(404, "no endpoint named '\(name)'") }
        if let url = request.backend {
            guard let index = endpoint.backendURLs.firstIndex(of: url) else { return .error(404, "endpoint '\(name)' has no backend '\(url)'") }
            endpoint.selector.setDrained(index, drained)
            return HTTPRouterResponse(status: 200, body: HTTPRouterResponse.json(["endpoint": name, "backend": url, "drained": drained]))
        }
        drainedEndpoints.withLockedValue { if drained { $0.insert(name) } else { $0.remove(name) } }
        return HTTPRouterResponse(status: 200, body: HTTPRouterResponse.json(["endpoint": name, "drained": drained]))
    }

    /// The gauges, from each selector's state and the endpoint drains.
    func publishMetrics() {
        let drained = drainedEndpoints.withLockedValue { $0 }
        for endpoint in endpoints { endpoint.selector.publishMetrics(endpointDrained: drained.contains(endpoint.name)) }
    }

    func state() -> [String: Any] {
        let drained = drainedEndpoints.withLockedValue { $0 }
        return [
            "region": region,
            "endpoints": endpoints.map { endpoint -> [String: Any] in
                let pool = endpoint.selector.pool
                let backends: [[String: Any]] = endpoint.backendURLs.indices.map { i in
                    var backend: [String: Any] = [
                        "url": endpoint.backendURLs[i], "healthy": pool.members[i].healthy, "active": pool.members[i].active,
                        "weight": pool.members[i].weight, "drained": endpoint.selector.isDrained(i),
                    ]
                    if let latency = endpoint.selector.latency(i) {
                        backend["latencyMs"] = ["ewma": latency.ewma, "p50": latency.p50, "p99": latency.p99]
                    }
                    return backend
                }
                let summary = endpoint.selector.summary
                var state: [String: Any] = [
                    "name": endpoint.name, "address": endpoint.address, "port": endpoint.port, "drained": drained.contains(endpoint.name),
                    "healthyBackends": summary.healthyBackends, "totalBackends": summary.totalBackends, "backends": backends,
                    "capacity": summary.capacity,
                ]
                if let ewma = summary.latencyMilliseconds, let p99 = summary.p99Milliseconds { state["latencyMs"] = ["ewma": ewma, "p99": p99] }
                return state
            },
        ]
    }
}
