import CoreMetrics
import HTTPService
import Prometheus

/// Prometheus exposition for an admin API: a registry, the swift-metrics factory that records
/// into it, and the `GET /metrics` route that renders it. The admin APIs of agents and DNS
/// nodes each serve one.
public struct MetricsExporter: Sendable {
    /// The Prometheus text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    public static let path = "/metrics"

    public let registry: PrometheusCollectorRegistry
    /// Records into `registry`: for `bootstrapMetricsSystem()`, or handed to components so that
    /// they need no global state (tests use their own exporter).
    public let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Makes `factory` the process's swift-metrics backend. Once per process.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(factory)
    }

    /// The answer to `path` (without its query) when it is `/metrics`: the registry after
    /// `refresh` (which sets the gauges read at scrape time), followed by `appending` (metric
    /// families the caller renders itself), for `GET`; 405 for other methods. nil for every
    /// other path, which stays the caller's router's.
    public func route(method: String, path: String, refresh: () -> Void = {}, appending: () -> String = { "" }) -> HTTPRouterResponse? {
        guard path == Self.path else { return nil }
        guard method == "GET" else { return .error(405, "method \(method) not allowed here") }
        refresh()
        return HTTPRouterResponse(status: 200, body: registry.emitToString() + appending(), contentType: Self.contentType)
    }
}
