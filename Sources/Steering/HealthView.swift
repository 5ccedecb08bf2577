/// What the DNS tier currently believes about each endpoint, indexed like
/// `SteeringTable.endpoints`. A value: whoever learns about health (the admin API now, gossip
/// later) builds a new one and publishes it; steering only reads it.
public struct HealthView: Sendable, Equatable {
    public var up: [Bool]
    /// Healthy share of the endpoint's backends, 0…1; it scales the endpoint's weight.
    public var capacity: [Double]
    /// Measured region-to-region latency and the orders derived from it (nil: none measured).
    public var latency: LatencyMatrix?

    /// Everything up at full capacity: the state before anyone reports anything.
    public init(endpointCount: Int) {
        up = Array(repeating: true, count: endpointCount)
        capacity = Array(repeating: 1, count: endpointCount)
    }

    /// Whether steering answers with the endpoint: up, with some healthy capacity.
    @inline(__always)
    public func isServing(_ endpoint: Int) -> Bool { up[endpoint] && capacity[endpoint] > 0 }
}
