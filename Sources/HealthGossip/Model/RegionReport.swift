/// One endpoint's health as its region's agent sees it.
public struct EndpointReport: Hashable, Sendable {
    public var name: String
    /// Serving: at least one backend takes requests and the endpoint is not drained.
    public var up: Bool
    public var drained: Bool
    /// Healthy weight over total weight, in thousandths (0...1000).
    public var capacityPermille: UInt16
    /// The serving backends' response time (weighted EWMA), in microseconds; 0 before any.
    public var latencyMicroseconds: UInt32

    public init(name: String, up: Bool, drained: Bool, capacityPermille: UInt16, latencyMicroseconds: UInt32) {
        self.name = name
        self.up = up
        self.drained = drained
        self.capacityPermille = capacityPermille
        self.latencyMicroseconds = latencyMicroseconds
    }
}

/// A round trip measured by an agent's probes to another region's agent.
public struct RegionRoundTrip: Hashable, Sendable {
    public var region: String
    public var microseconds: UInt32

    public init(region: String, microseconds: UInt32) {
        self.region = region
        self.microseconds = microseconds
    }
}

/// Everything one agent publishes about its region's endpoints. Written only by its origin,
/// versioned: a member keeps the highest version per origin (last writer wins).
public struct RegionReport: Hashable, Sendable {
    /// The agent's member name.
    public var origin: String
    public var region: String
    public var version: UInt64
    public var endpoints: [EndpointReport]
    /// Round trips from this region to others (its agent's probes of their agents): the DNS
    /// tier's region-to-region latency matrix, for the `latency` and `nearest` policies.
    public var roundTrips: [RegionRoundTrip]

    public init(origin: String, region: String, version: UInt64, endpoints: [EndpointReport], roundTrips: [RegionRoundTrip] = []) {
        self.origin = origin
        self.region = region
        self.version = version
        self.endpoints = endpoints
        self.roundTrips = roundTrips
    }
}
