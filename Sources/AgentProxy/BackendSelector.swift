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
    private let state: NIOLockedValueBox<(pool: BackendPool, policy: any BalancingPolicy)>

    public init(targets: [Target], weights: [Int], policy: any BalancingPolicy) {
        self.targets = targets
        let members = targets.indices.map { BackendPool.Member(name: "\(targets[$0].host):\(targets[$0].port)", weight: weights[$0]) }
        state = NIOLockedValueBox((BackendPool(members: members), policy))
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

    public func setHealthy(_ index: Int, _ healthy: Bool) {
        state.withLockedValue { $0.pool.members[index].healthy = healthy }
    }

    public var pool: BackendPool { state.withLockedValue { $0.pool } }
}
