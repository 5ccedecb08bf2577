import DNSWire
import NIOConcurrencyHelpers
import RegionAgent

/// The balancing state of one endpoint, shared by its connections on every event loop: the
/// pool (health, in-flight counts) and the policy, behind one lock held for a few instructions.
public final class BackendSelector: Sendable {
    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public let targets: [Target]
    private let state: NIOLockedValueBox<State>
    /// Counted into on the request path, published at scrape time; nil counts nothing.
    private let metrics: ProxyMetrics?

    struct State {
        var pool: BackendPool
        var policy: any BalancingPolicy
        /// One health state machine per backend, fed by active checks and by real traffic.
        var health: [HealthCheckStateMachine]
        /// Drained backends take no new requests (in-flight ones finish).
        var drained: [Bool]
        /// Time to response head, per backend.
        var latency: [LatencyEstimator]

        mutating func apply(_ transition: HealthCheckStateMachine.Transition?, _ index: Int) -> HealthCheckStateMachine.Transition? {
            if let transition { pool.members[index].healthy = transition == .wentUp && !drained[index] }
            return transition
        }
    }

    /// `metrics`, one entry per target, are counted into (responses, failures, transitions) and
    /// published by `publishMetrics`.
    public init(targets: [Target], weights: [Int], policy: any BalancingPolicy, rise: Int = 2, fall: Int = 2, errorRun: Int = 5, metrics: ProxyMetrics? = nil) {
        precondition(metrics.map { $0.backendCount == targets.count } ?? true, "one set of backend metrics per target")
        self.targets = targets
        self.metrics = metrics
        let members = targets.indices.map { BackendPool.Member(name: "\(targets[$0].host):\(targets[$0].port)", weight: weights[$0]) }
        state = NIOLockedValueBox(State(
            pool: BackendPool(members: members), policy: policy,
            health: targets.map { _ in HealthCheckStateMachine(rise: rise, fall: fall, errorRun: errorRun) },
            drained: targets.map { _ in false },
            latency: targets.map { _ in LatencyEstimator() }
        ))
    }

    /// An active check finished.
    @discardableResult
    public func checkResult(_ index: Int, success: Bool) -> HealthCheckStateMachine.Transition? {
        update(index) { $0.checkResult(success: success) }
    }

    /// A request could not connect, was reset or timed out: counts at once.
    @discardableResult
    public func passiveFailure(_ index: Int) -> HealthCheckStateMachine.Transition? {
        metrics?.countFailure(index)
        return update(index) { $0.passiveFailure() }
    }

    /// A response status from real traffic (a run of 5xx takes the backend down).
    @discardableResult
    public func passiveResponse(_ index: Int, status: Int) -> HealthCheckStateMachine.Transition? {
        metrics?.countResponse(index, status: status)
        return update(index) { $0.passiveResponse(status: status) }
    }

    /// Feeds an event to backend `index`'s health state machine; applies and counts the transition.
    @inline(__always)
    private func update(_ index: Int, _ event: (inout HealthCheckStateMachine) -> HealthCheckStateMachine.Transition?) -> HealthCheckStateMachine.Transition? {
        let transition = state.withLockedValue { $0.apply(event(&$0.health[index]), index) }
        if let transition { metrics?.countTransition(index, transition) }
        return transition
    }

    /// Drains (or undrains) a backend: no new requests while drained.
    public func setDrained(_ index: Int, _ drained: Bool) {
        state.withLockedValue { state in
            state.drained[index] = drained
            state.pool.members[index].healthy = !drained && state.health[index].state == .up
        }
    }

    /// Every backend's state is backed by a check (see `HealthCheckStateMachine.verified`).
    public var allVerified: Bool { state.withLockedValue { $0.health.allSatisfy(\.verified) } }

    public func isDrained(_ index: Int) -> Bool { state.withLockedValue { $0.drained[index] } }

    /// Records a backend's time to response head.
    public func recordLatency(_ index: Int, milliseconds: Double) {
        state.withLockedValue { $0.latency[index].record(milliseconds: milliseconds) }
    }

    /// EWMA, p50 and p99 of a backend's response time (milliseconds), nil before any sample.
    public func latency(_ index: Int) -> LatencyEstimator.Summary? {
        state.withLockedValue { $0.latency[index].summary }
    }

    /// The endpoint's health, capacity and latency as the DNS tier will see them.
    public var summary: EndpointSummary {
        state.withLockedValue { EndpointSummary(pool: $0.pool, latency: $0.latency.map(\.summary)) }
    }

    /// Sets the metrics' gauges from the current state (at scrape time). `endpointDrained` is
    /// the admin API's drain of the whole endpoint, which the selector does not track. The
    /// snapshot is built under the lock and shares no storage with the state, so the request
    /// path never has to copy on write because of a scrape.
    public func publishMetrics(endpointDrained: Bool) {
        guard let metrics else { return }
        let snapshot = state.withLockedValue { state in
            ProxyMetrics.Snapshot(
                up: state.health.map { $0.state == .up }, drained: state.drained.map { $0 }, active: state.pool.members.map(\.active),
                latency: state.latency.map(\.summary), healthyBackends: state.pool.healthyCount, capacity: state.pool.capacity
            )
        }
        metrics.publish(snapshot, endpointDrained: endpointDrained)
    }

    /// Picks a backend for a request and counts it in flight; nil when none is healthy.
    public func acquire(client: NetworkAddress?, excluding: Int? = nil) -> Int? {
        state.withLockedValue { state in
            guard let index = state.policy.pick(state.pool, client: client, excluding: excluding) else { return nil }
            state.pool.members[index].active += 1
            return index
        }
    }

    public func release(_ index: Int) {
        state.withLockedValue { $0.pool.members[index].active = max(0, $0.pool.members[index].active - 1) }
    }

    /// Overrides health directly (tests, operators); checks may change it again.
    public func setHealthy(_ index: Int, _ healthy: Bool) {
        state.withLockedValue { $0.pool.members[index].healthy = healthy }
    }

    public var pool: BackendPool { state.withLockedValue { $0.pool } }
}
