/// The bounds of gossip's wire format, public so that configuration can be checked against them
/// when it loads (a member name that cannot travel should fail `meridian serve` at start, not
/// every datagram later).
public enum GossipWireLimits {
    /// Member, origin, target, endpoint and region names, and a frame's sender. Short names keep
    /// many updates in one 1400-byte datagram; 64 is ample for `region-role-host`-style names.
    public static let maxNameBytes = 64
    /// A host is a DNS name (at most 253 bytes in text form) or an IP literal; its length travels
    /// in one byte.
    public static let maxHostBytes = 255
    /// Endpoints in one region report; their count travels in one byte and a report has to stay
    /// small enough to piggyback.
    public static let maxEndpoints = 64
    /// Round trips in one region report (to other regions).
    public static let maxRoundTrips = 32
    /// `EndpointReport.capacityPermille` is a share in thousandths.
    public static let maxCapacityPermille: UInt16 = 1000
    /// Updates in one message: their count travels in one byte.
    public static let maxUpdates = 255
}

/// The wire rule of one string field: what it is called in errors and how many UTF-8 bytes it
/// may have. Encoder and decoder both check against the same rule, so the encoder never emits
/// what a peer's decoder would reject (which would lose the whole datagram, ping included).
struct WireString: Sendable {
    let field: StaticString
    let bytes: ClosedRange<Int>

    static let memberName = WireString(field: "member name", bytes: 1...GossipWireLimits.maxNameBytes)
    static let target = WireString(field: "ping-request target", bytes: 1...GossipWireLimits.maxNameBytes)
    static let origin = WireString(field: "report origin", bytes: 1...GossipWireLimits.maxNameBytes)
    static let endpointName = WireString(field: "endpoint name", bytes: 1...GossipWireLimits.maxNameBytes)
    /// Empty for DNS nodes, which belong to no region.
    static let region = WireString(field: "region", bytes: 0...GossipWireLimits.maxNameBytes)
    static let host = WireString(field: "host", bytes: 1...GossipWireLimits.maxHostBytes)
}
