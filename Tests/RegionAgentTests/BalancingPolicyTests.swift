import DNSWire
import Testing
@testable import RegionAgent

struct BalancingPolicyTests {
    func pool(_ weights: [Int], healthy: [Bool]? = nil, active: [Int]? = nil) -> BackendPool {
        BackendPool(members: weights.indices.map { i in
            BackendPool.Member(name: "b\(i)", weight: weights[i], healthy: healthy?[i] ?? true, active: active?[i] ?? 0)
        })
    }

    func picks(_ policy: inout some BalancingPolicy, _ pool: BackendPool, _ n: Int, client: NetworkAddress? = nil) -> [Int] {
        (0..<n).compactMap { _ in policy.pick(pool, client: client, excluding: nil) }
    }

    @Test func roundRobinGivesEachBackendItsWeightInTurns() {
        var policy = RoundRobinPolicy()
        #expect(picks(&policy, pool([1, 1, 1]), 6) == [0, 1, 2, 0, 1, 2])
        var weighted = RoundRobinPolicy()
        #expect(picks(&weighted, pool([2, 1]), 6) == [0, 0, 1, 0, 0, 1])
        var skipping = RoundRobinPolicy()
        #expect(picks(&skipping, pool([1, 1, 1], healthy: [true, false, true]), 4) == [0, 2, 0, 2])
    }

    @Test func smoothWeightedInterleavesLikeNginx() {
        var policy = SmoothWeightedPolicy()
        // nginx's documented sequence for weights 5, 1, 1: a a b a c a a.
        #expect(picks(&policy, pool([5, 1, 1]), 7) == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test func leastConnectionsPicksTheLeastLoadedRelativeToWeight() {
        var policy = LeastConnectionsPolicy()
        #expect(policy.pick(pool([1, 1, 1], active: [3, 1, 2]), client: nil, excluding: nil) == 1)
        #expect(policy.pick(pool([1, 4], active: [1, 3]), client: nil, excluding: nil) == 1, "3/4 < 1/1")
        #expect(policy.pick(pool([1, 1], active: [0, 5]), client: nil, excluding: 0) == 1, "a retry goes elsewhere")
    }

    @Test func ipHashIsStableAndRemapsOnlyTheLostBackendsClients() {
        var policy = IPHashPolicy()
        let full = pool([1, 1, 1, 1, 1])
        let degraded = pool([1, 1, 1, 1, 1], healthy: [true, true, false, true, true])
        var moved = 0
        let clients = (0..<2000).map { NetworkAddress("10.\($0 / 250).\($0 % 250).7")! }
        for client in clients {
            let before = policy.pick(full, client: client, excluding: nil)!
            #expect(policy.pick(full, client: client, excluding: nil) == before, "same client, same backend")
            let after = policy.pick(degraded, client: client, excluding: nil)!
            if before != after {
                moved += 1
                #expect(before == 2, "only clients of the removed backend move")
            }
        }
        #expect(abs(Double(moved) / Double(clients.count) - 0.2) < 0.04, "about 1/5 move: \(moved)")
    }

    @Test func noHealthyBackendMeansNoPick() {
        for name in ["round-robin", "least-connections", "ip-hash", "weighted"] {
            var policy = makeBalancingPolicy(name)!
            #expect(policy.pick(pool([1, 1], healthy: [false, false]), client: NetworkAddress("10.0.0.1"), excluding: nil) == nil, "\(name)")
        }
        #expect(makeBalancingPolicy("random") == nil)
    }
}

struct HealthCheckStateMachineTests {
    /// A backend starts presumed up; its state is verified by `rise` successes, or by a fall.
    @Test func aBackendIsVerifiedByRiseSuccessesOrByAFall() {
        var healthy = HealthCheckStateMachine(rise: 2, fall: 2)
        #expect(healthy.state == .up && !healthy.verified)
        _ = healthy.checkResult(success: true)
        #expect(!healthy.verified, "one success of two")
        _ = healthy.checkResult(success: false)
        _ = healthy.checkResult(success: true)
        #expect(!healthy.verified, "a failure restarts the count")
        _ = healthy.checkResult(success: true)
        #expect(healthy.verified)
        var dead = HealthCheckStateMachine(rise: 2, fall: 2)
        _ = dead.checkResult(success: false)
        #expect(!dead.verified, "one failure: presumed up, not yet known")
        #expect(dead.checkResult(success: false) == .wentDown)
        #expect(dead.verified)
    }

    @Test func riseAndFall() {
        var machine = HealthCheckStateMachine(rise: 2, fall: 3)
        #expect(machine.state == .up)
        #expect(machine.checkResult(success: false) == nil)
        #expect(machine.checkResult(success: false) == nil)
        #expect(machine.checkResult(success: true) == nil, "a success resets the failure run")
        #expect(machine.checkResult(success: false) == nil)
        #expect(machine.checkResult(success: false) == nil)
        #expect(machine.checkResult(success: false) == .wentDown)
        #expect(machine.checkResult(success: true) == nil)
        #expect(machine.checkResult(success: true) == .wentUp)
        #expect(machine.state == .up)
    }

    @Test func passiveFailuresCountAtOnceAndAFiveXXRunTakesItDown() {
        var machine = HealthCheckStateMachine(rise: 2, fall: 2, errorRun: 3)
        #expect(machine.passiveFailure() == nil)
        #expect(machine.passiveFailure() == .wentDown)
        var errors = HealthCheckStateMachine(rise: 2, fall: 2, errorRun: 3)
        #expect(errors.passiveResponse(status: 502) == nil)
        #expect(errors.passiveResponse(status: 200) == nil, "a good response breaks the run")
        #expect(errors.passiveResponse(status: 500) == nil)
        #expect(errors.passiveResponse(status: 503) == nil)
        #expect(errors.passiveResponse(status: 504) == .wentDown)
    }
}

struct LatencyEstimatorTests {
    @Test func ewmaAndPercentilesOverTheWindow() {
        var estimator = LatencyEstimator(alpha: 0.5, capacity: 100)
        #expect(estimator.percentile(50) == nil)
        estimator.record(milliseconds: 10)
        estimator.record(milliseconds: 20)
        #expect(estimator.ewma == 15)
        var window = LatencyEstimator(capacity: 100)
        for ms in 1...100 { window.record(milliseconds: Double(ms)) }
        #expect(window.percentile(50) == 50)
        #expect(window.percentile(99) == 99)
        for _ in 1...100 { window.record(milliseconds: 5) }
        #expect(window.percentile(99) == 5, "old samples leave the window")
    }
}
