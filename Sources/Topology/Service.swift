import DNSWire

/// A service name answered by steering, from `zones/<origin>.services.yaml`.
public struct Service: Hashable, Sendable {
    public var name: DNSName
    public var policy: SteeringPolicy
    public var ttl: UInt32
    /// Most records per answer.
    public var answers: Int
    /// Same client network → same endpoints (rendezvous hashing).
    public var sticky: Bool
    /// Region order for `failover`.
    public var failover: [String]
    public var file: String
    public var line: Int

    public init(name: DNSName, policy: SteeringPolicy, ttl: UInt32, answers: Int, sticky: Bool, failover: [String], file: String, line: Int) {
        self.name = name
        self.policy = policy
        self.ttl = ttl
        self.answers = answers
        self.sticky = sticky
        self.failover = failover
        self.file = file
        self.line = line
    }
}

/// How a service picks regions.
public enum SteeringPolicy: String, Hashable, Sendable, CaseIterable {
    /// The client's region, then the next nearest with healthy capacity.
    case nearest
    /// All healthy endpoints of all regions, by weight.
    case weighted
    /// The configured region order.
    case failover
    /// The region with the lowest measured latency for the client's region.
    case latency
}
