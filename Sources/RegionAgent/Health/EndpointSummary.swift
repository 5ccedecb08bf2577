/// What a region agent reports about one endpoint to the DNS tier: how much of it serves and
/// how fast. Built from the backends' state; pure.
public struct EndpointSummary: Sendable, Equatable {
    /// Backends taking requests (healthy and not drained) and all backends.
    public var healthyBackends: Int
    public var totalBackends: Int
    /// Healthy weight over total weight, 0...1.
    public var capacity: Double
    /// Response time of the serving backends, in milliseconds: their EWMAs averaged by
    /// weight, and the worst of their p99s. Nil before any of them has answered.
    public var latencyMilliseconds: Double?
    public var p99Milliseconds: Double?

    public init(pool: BackendPool, latency: [LatencyEstimator.Summary?]) {
        healthyBackends = pool.healthyCount
        totalBackends = pool.members.count
        capacity = pool.capacity
        var weighted = 0.0
        var weights = 0
        var worst: Double?
        for (member, sample) in zip(pool.members, latency) where member.healthy {
            guard let sample else { continue }
            weighted += sample.ewma * Double(member.weight)
            weights += member.weight
            worst = max(worst ?? sample.p99, sample.p99)
        }
        latencyMilliseconds = weights > 0 ? weighted / Double(weights) : nil
        p99Milliseconds = worst
    }
}
