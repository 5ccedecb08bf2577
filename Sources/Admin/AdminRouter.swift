import DNSServer
import GossipService
import HealthGossip
import MetricsExport
import Foundation
import HTTPService
import QueryEngine
import Steering

/// The DNS node's admin API as a pure function of request → response over the snapshot store:
/// `GET /` (the status page), `GET /healthz`, `GET /v1/state`, `GET /v1/summary`,
/// `GET /v1/events`, `PUT /v1/endpoints/{name}/health`, `PUT /v1/latency`, and with gossip
/// `DELETE /v1/endpoints/{name}/health` (drop an override) and `GET /v1/members`.
public struct AdminRouter: HTTPRouter {
    public typealias Response = HTTPRouterResponse

    let store: SnapshotStore
    /// When set, writes need `Authorization: Bearer <token>`.
    let token: String?
    let gossip: GossipHooks?
    /// Serves `GET /metrics` (Prometheus) when given.
    let metrics: MetricsExporter?
    /// The query totals `GET /v1/summary` reports, when given.
    let queryMetrics: DNSMetrics?
    /// Health changes: written by `PUT /v1/endpoints/{name}/health`, read by `GET /v1/events`.
    let events: HealthEventLog?
    /// When this router (and so the node) started: the summary's uptime.
    let started = ContinuousClock.now
    let startedAt = Date()

    public init(
        store: SnapshotStore, token: String?, gossip: GossipHooks? = nil, metrics: MetricsExporter? = nil,
        queryMetrics: DNSMetrics? = nil, events: HealthEventLog? = nil
    ) {
        self.store = store
        self.token = token
        self.gossip = gossip
        self.metrics = metrics
        self.queryMetrics = queryMetrics
        self.events = events
    }

    public func handle(method: String, path: String, authorization: String?, body: Data) -> Response {
        let parts = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/").map(String.init)
        if let metrics, let response = metrics.route(method: method, path: path, appending: { queryMetrics?.exposition() ?? "" }) {
            return response
        }
        if parts.isEmpty || parts == ["status"] {
            return get(method, Response(status: 200, body: StatusPage.html, contentType: StatusPage.contentType))
        }
        if parts == ["healthz"] {
            return get(method, Response(status: 200, body: "ok\n", contentType: "text/plain"))
        }
        if parts == ["v1", "state"] {
            return get(method, Response(status: 200, body: state()))
        }
        if parts == ["v1", "summary"], let queryMetrics {
            return get(method, Response(status: 200, body: json(summary(queryMetrics))))
        }
        if parts == ["v1", "events"], let events {
            return get(method, Response(status: 200, body: json(Self.eventsJSON(events.recent()))))
        }
        if parts == ["v1", "latency"] {
            guard method == "PUT" else { return error(405, "method \(method) not allowed here") }
            if let token, authorization != "Bearer \(token)" { return error(401, "missing or wrong bearer token") }
            return setLatency(body: body)
        }
        if parts == ["v1", "members"], let gossip {
            return get(method, Response(status: 200, body: json(gossip.membersJSON())))
        }
        if parts.count == 4, parts[0] == "v1", parts[1] == "endpoints", parts[3] == "health" {
            guard method == "PUT" || (method == "DELETE" && gossip != nil) else { return error(405, "method \(method) not allowed here") }
            if let token, authorization != "Bearer \(token)" { return error(401, "missing or wrong bearer token") }
            return method == "PUT" ? setHealth(endpoint: parts[2], body: body) : clearOverride(endpoint: parts[2])
        }
        return error(404, "no such resource: \(path)")
    }

    /// `response` for GET, 405 for any other method.
    func get(_ method: String, _ response: @autoclosure () -> Response) -> Response {
        method == "GET" ? response() : error(405, "method \(method) not allowed here")
    }

    struct HealthReport: Decodable {
        var up: Bool
        var capacity: Double?
    }

    struct LatencyReport: Decodable {
        var from: String
        var to: String
        var ms: Double
    }

    /// Body `{"up": false}` or `{"up": true, "capacity": 0.5}` (capacity 0…1, default 1).
    func setHealth(endpoint name: String, body: Data) -> Response {
        guard let report = StrictJSON.decode(HealthReport.self, body, allowed: ["up", "capacity"]) else {
            return error(400, "body must be JSON like {\"up\": false} or {\"up\": true, \"capacity\": 0.5}")
        }
        let up = report.up
        let capacity = report.capacity ?? 1
        guard (0...1).contains(capacity) else { return error(400, "capacity must be between 0 and 1") }
        if let missing = unknownEndpoint(name) { return missing }
        // With gossip, the operator's word stays until DELETE, whatever agents report. It is
        // recorded first, so that a gossip update applied meanwhile already honours it.
        gossip?.overrides.withLockedValue { $0[name] = GossipHealth.Override(up: up, capacity: capacity) }
        let found: Bool = store.updateHealth(logging: events, source: { _ in .admin }) { snapshot in
            guard let table = snapshot.steering, let id = table.endpoints.firstIndex(where: { $0.name == name }) else { return (snapshot, false) }
            var health = snapshot.health
            health.up[id] = up
            health.capacity[id] = capacity
            return (snapshot.with(health: health), true)
        }
        guard found else { return error(404, "no endpoint named '\(name)'") }
        return Response(status: 200, body: json(["endpoint": name, "up": up, "capacity": capacity, "override": gossip != nil]))
    }

    /// 404 unless the served configuration has an endpoint of this name.
    func unknownEndpoint(_ name: String) -> Response? {
        store.snapshot.steering?.endpoints.contains(where: { $0.name == name }) == true ? nil : error(404, "no endpoint named '\(name)'")
    }

    /// Drops an operator override: the endpoint follows gossip again.
    func clearOverride(endpoint name: String) -> Response {
        guard let gossip else { return error(405, "no gossip: nothing to fall back to") }
        if let missing = unknownEndpoint(name) { return missing }
        gossip.overrides.withLockedValue { $0[name] = nil }
        gossip.reapply()
        return Response(status: 200, body: json(["endpoint": name, "override": false]))
    }

    /// Body `{"from": "us-east", "to": "eu-west", "ms": 80}`: a measured round-trip time.
    func setLatency(body: Data) -> Response {
        guard let report = StrictJSON.decode(LatencyReport.self, body, allowed: ["from", "to", "ms"]), report.ms >= 0, report.ms.isFinite else {
            return error(400, "body must be JSON like {\"from\": \"us-east\", \"to\": \"eu-west\", \"ms\": 80}")
        }
        let (from, to, ms) = (report.from, report.to, report.ms)
        let found: Bool = store.update { snapshot in
            guard let table = snapshot.steering, let a = table.regionNames.firstIndex(of: from), let b = table.regionNames.firstIndex(of: to) else {
                return (snapshot, false)
            }
            var health = snapshot.health
            var matrix = health.latency ?? LatencyMatrix(distanceOrders: table.regionsByDistance)
            matrix.record(from: a, to: b, milliseconds: ms, distanceOrders: table.regionsByDistance)
            health.latency = matrix
            return (snapshot.with(health: health), true)
        }
        guard found else { return error(404, "unknown region '\(from)' or '\(to)'") }
        return Response(status: 200, body: json(["from": from, "to": to, "ms": ms]))
    }

    func state() -> String {
        let snapshot = store.snapshot
        guard let table = snapshot.steering else { return json(["generation": snapshot.generation, "regions": [Any](), "services": [Any]()]) }
        // What the agents last said about each endpoint, for what health alone does not show.
        let reports = gossip?.view().reports.values.flatMap(\.endpoints) ?? []
        let reported = Dictionary(reports.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        let regions: [[String: Any]] = table.topology.regions.sorted { $0.name < $1.name }.map { region in
            [
                "name": region.name,
                "location": ["lat": region.location.latitude, "lon": region.location.longitude],
                "clients": region.clients.map(\.description),
                "endpoints": region.endpoints.map { endpoint -> [String: Any] in
                    let id = table.endpoints.firstIndex { $0.name == endpoint.name }!
                    let report = reported[endpoint.name]
                    let drained = report?.drained ?? false
                    var entry: [String: Any] = [
                        "name": endpoint.name, "address": endpoint.address.description, "port": endpoint.port,
                        "weight": endpoint.weight, "up": snapshot.health.up[id], "capacity": snapshot.health.capacity[id],
                        "services": endpoint.services.map(\.description), "drained": drained,
                        "state": Self.servedState(serving: snapshot.health.isServing(id), drained: drained),
                    ]
                    if let report, report.latencyMicroseconds > 0 { entry["latencyMs"] = Double(report.latencyMicroseconds) / 1000 }
                    return entry
                },
            ]
        }
        let services: [[String: Any]] = table.services.map { compiled in
            let s = compiled.service
            return ["name": s.name.description, "policy": s.policy.rawValue, "ttl": s.ttl, "answers": s.answers, "sticky": s.sticky, "failover": s.failover]
        }
        var latency: [[String: Any]] = []
        if let matrix = snapshot.health.latency {
            for (a, row) in matrix.milliseconds.enumerated() {
                for (b, ms) in row.enumerated() { if let ms { latency.append(["from": table.regionNames[a], "to": table.regionNames[b], "ms": ms]) } }
            }
        }
        return json(["generation": snapshot.generation, "regions": regions, "services": services, "latency": latency])
    }

    /// What the status page shows for an endpoint: `up` while it is answered with; otherwise
    /// `drained` when its agent drained it, else `down`.
    static func servedState(serving: Bool, drained: Bool) -> String {
        serving ? "up" : drained ? "drained" : "down"
    }

    func error(_ status: Int, _ message: String) -> Response { .error(status, message) }

    func json(_ object: Any) -> String { HTTPRouterResponse.json(object) }
}
