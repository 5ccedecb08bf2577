import DNSWire

/// The backends of one endpoint as the balancer sees them: weight, health and in-flight
/// requests. A value; the proxy shell owns one per endpoint and feeds it events.
public struct BackendPool: Sendable {
    public struct Member: Sendable, Equatable {
        public var name: String
        public var weight: Int
        public var healthy: Bool
        /// Requests in flight (least-connections).
        public var active: Int

        public init(name: String, weight: Int, healthy: Bool = true, active: Int = 0) {
            self.name = name
            self.weight = weight
            self.healthy = healthy
            self.active = active
        }
    }

    public var members: [Member]

    public init(members: [Member]) { self.members = members }

    /// Healthy members, by index.
    public var healthyIndices: [Int] { members.indices.filter { members[$0].healthy && members[$0].weight > 0 } }
}
