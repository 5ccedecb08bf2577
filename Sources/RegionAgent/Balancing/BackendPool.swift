import DNSWire

/// The backends of one endpoint as the balancer sees them: weight, health and in-flight
/// requests. A value; the proxy shell owns one per endpoint and feeds it events.
public struct BackendPool: Sendable {
    public struct Member: Sendable, Equatable {
        public let name: String
        public var weight: Int
        public var healthy: Bool
        /// Requests in flight (least-connections).
        public var active: Int
        /// Hash of `name`, the member's key for ip-hash (computed once, not per request).
        public let seed: UInt64

        public init(name: String, weight: Int, healthy: Bool = true, active: Int = 0) {
            self.name = name
            self.seed = StableHash.fnv1a(name)
            self.weight = weight
            self.healthy = healthy
            self.active = active
        }
    }

    public var members: [Member]

    public init(members: [Member]) { self.members = members }

    /// Can member `index` take a request (healthy, weighted, not the one being retried away from)?
    /// Policies loop over members with this instead of building candidate arrays per request.
    @inline(__always)
    public func isCandidate(_ index: Int, excluding: Int?) -> Bool {
        index != excluding && members[index].healthy && members[index].weight > 0
    }

    /// Members taking requests.
    public var healthyCount: Int { members.reduce(0) { $0 + ($1.healthy ? 1 : 0) } }

    /// Healthy weight over total weight (0 without weight): the share of the endpoint that serves.
    public var capacity: Double {
        let total = members.reduce(0) { $0 + $1.weight }
        let healthy = members.reduce(0) { $0 + ($1.healthy ? $1.weight : 0) }
        return total > 0 ? Double(healthy) / Double(total) : 0
    }
}
