import CoreMetrics
import RegionAgent

/// The metrics of one endpoint's proxy, labelled `endpoint` and, per backend, `backend` (its
/// URL). Made once, before the selector that counts into them: counting a response, a failure
/// or a health transition is an array index and an atomic add, with nothing allocated. The
/// gauges are set from the selector's state at scrape time (`BackendSelector.publishMetrics`).
public struct ProxyMetrics: Sendable {
    static let statusClasses = ["2xx", "3xx", "4xx", "5xx"]

    /// `meridian_agent_requests_total{code}`: backend responses, [backend][status class].
    let responses: [[Counter]]
    /// `meridian_agent_backend_failures_total`: refused, reset or timed out.
    let failures: [Counter]
    /// `meridian_agent_health_transitions_total{to}`: [backend][up, down].
    let transitions: [[Counter]]
    let up: [Gauge]
    let drained: [Gauge]
    let active: [Gauge]
    let latencyEWMA: [Gauge]
    let latencyP50: [Gauge]
    let latencyP99: [Gauge]
    let healthyBackends: Gauge
    let capacity: Gauge
    let endpointDrained: Gauge

    public var backendCount: Int { failures.count }

    public init(endpoint: String, backends: [String], factory: any MetricsFactory) {
        func labels(_ backend: String, _ more: [(String, String)] = []) -> [(String, String)] {
            [("endpoint", endpoint), ("backend", backend)] + more
        }
        let counter = { (name: String, labels: [(String, String)]) in Counter(label: name, dimensions: labels, factory: factory) }
        let gauge = { (name: String, labels: [(String, String)]) in Gauge(label: name, dimensions: labels, factory: factory) }
        func perBackend<Metric>(_ make: (String, [(String, String)]) -> Metric, _ name: String) -> [Metric] {
            backends.map { make(name, labels($0)) }
        }
        func perBackend<Metric>(_ make: (String, [(String, String)]) -> Metric, _ name: String, by label: String, _ values: [String]) -> [[Metric]] {
            backends.map { backend in values.map { make(name, labels(backend, [(label, $0)])) } }
        }
        responses = perBackend(counter, "meridian_agent_requests_total", by: "code", Self.statusClasses)
        failures = perBackend(counter, "meridian_agent_backend_failures_total")
        transitions = perBackend(counter, "meridian_agent_health_transitions_total", by: "to", ["up", "down"])
        up = perBackend(gauge, "meridian_agent_backend_up")
        drained = perBackend(gauge, "meridian_agent_backend_drained")
        active = perBackend(gauge, "meridian_agent_backend_active_requests")
        latencyEWMA = perBackend(gauge, "meridian_agent_backend_latency_ewma_seconds")
        latencyP50 = perBackend(gauge, "meridian_agent_backend_latency_p50_seconds")
        latencyP99 = perBackend(gauge, "meridian_agent_backend_latency_p99_seconds")
        healthyBackends = gauge("meridian_agent_endpoint_healthy_backends", [("endpoint", endpoint)])
        capacity = gauge("meridian_agent_endpoint_capacity", [("endpoint", endpoint)])
        endpointDrained = gauge("meridian_agent_endpoint_drained", [("endpoint", endpoint)])
    }

    /// A response from backend `index` (1xx and anything past 5xx are not counted).
    @inline(__always)
    func countResponse(_ index: Int, status: Int) {
        let slot = status / 100 - 2
        if slot >= 0, slot < Self.statusClasses.count { responses[index][slot].increment() }
    }

    @inline(__always)
    func countFailure(_ index: Int) {
        failures[index].increment()
    }

    @inline(__always)
    func countTransition(_ index: Int, _ transition: HealthCheckStateMachine.Transition) {
        transitions[index][transition == .wentUp ? 0 : 1].increment()
    }

    /// What the gauges show, read from a selector at scrape time.
    struct Snapshot {
        /// What the health checks say, drained or not.
        var up: [Bool]
        var drained: [Bool]
        var active: [Int]
        var latency: [LatencyEstimator.Summary?]
        /// Up and not drained.
        var healthyBackends: Int
        var capacity: Double
    }

    /// Sets the gauges. Latency is NaN before a backend's first response, as in an empty
    /// Prometheus summary.
    func publish(_ snapshot: Snapshot, endpointDrained isEndpointDrained: Bool) {
        for index in up.indices {
            up[index].record(snapshot.up[index] ? 1 : 0)
            drained[index].record(snapshot.drained[index] ? 1 : 0)
            active[index].record(snapshot.active[index])
            let summary = snapshot.latency[index]
            latencyEWMA[index].record(summary.map { $0.ewma / 1000 } ?? .nan)
            latencyP50[index].record(summary.map { $0.p50 / 1000 } ?? .nan)
            latencyP99[index].record(summary.map { $0.p99 / 1000 } ?? .nan)
        }
        healthyBackends.record(snapshot.healthyBackends)
        capacity.record(snapshot.capacity)
        endpointDrained.record(isEndpointDrained ? 1 : 0)
    }
}
