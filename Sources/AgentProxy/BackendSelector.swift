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

    public init(targets: [Target], weights: [Int], policy: any BalancingPolicy, rise: Int = 2, fall: Int = 2, errorRun: Int = 5) {
        self.targets = targets
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
        state.withLockedValue { $0.apply($0.health[index].checkResult(success: success), index) }
    }

    /// A request could not connect, was reset or timed out: counts at once.
    @discardableResult
    public func passiveFailure(_ index: Int) -> HealthCheckStateMachine.Transition? {
        state.withLockedValue { $0.apply($0.health[index].passiveFailure(), index) }
    }

    /// A response status from real traffic (a run of 5xx takes the backend down).
    @discardableResult
    public func passiveResponse(_ index: Int, status: Int) -> HealthCheckStateMachine.Transition? {
        state.withLockedValue { $0.apply($0.health[index].passiveResponse(status: status), index) }
    }

    /// Drains (or undrains) a backend: no new requests while drained.
    public func setDrained(_ index: Int, _ drained: Bool) {
        state.withLockedValue { state in
            state.drained[index] = drained
            state.pool.members[index].healthy = !drained && state.health[index].state == .up
        }
    }

    public func isDrained(_ index: Int) -> Bool { state.withLockedValue { $0.drained[index] } }

    /// Records a backend's time to response head.
    public func recordLatency(_ index: Int, milliseconds: Double) {
        state.withLockedValue { $0.latency[index].record(milliseconds: milliseconds) }
    }

    /// EWMA, p50 and p99 of a backend's response time (milliseconds), nil before any sample.
    public func latency(_ index: Int) -> (ewma: Double, p50: Double, p99: Double)? {
        state.withLockedValue { state in
            let estimator = state.latency[index]
            guard let ewma = estimator.ewma, let p50 = estimator.percentile(50), let p99 = estimator.percentile(99) else { return nil }
            return (ewma, p50, p99)
        }
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
