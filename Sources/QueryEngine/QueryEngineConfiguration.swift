import DNSWire
import Topology

/// Answer-shaping settings that do not come from zone files.
public struct QueryEngineConfiguration: Sendable {
    /// Upper bound on UDP responses whatever the client advertises (RFC 6891 §6.2.5; 1232 is the
    /// DNS Flag Day 2020 value that avoids IP fragmentation).
    public var maxUDPPayload: UInt16
    /// RFC 5001 NSID payload, returned when a client asks for it.
    public var nsid: [UInt8]?
    /// CHAOS TXT answers (`id.server`/`hostname.bind` share `identity`); nil means REFUSED.
    public var identity: String?
    public var version: String?
    /// Clients allowed to AXFR (RFC 5936 §6: closed by default).
    public var allowTransfer: [NetworkPrefix]
    /// Where clients that match no region's networks are taken to be (nearest region from here).
    public var defaultLocation: GeoLocation
    /// When no endpoint of a service is healthy anywhere: answer with all of them (true, as
    /// gdnsd and Route 53 do) or with NODATA (false).
    public var failOpen: Bool
    /// Called each time steering fails open (a metric at the edge; the engine stays pure).
    public var onFailOpen: (@Sendable () -> Void)?
    /// Makes the counter of answers for a service (its absolute name) from a region. Called for
    /// every (service, region) pair when a snapshot compiles its topology, so that counting an
    /// answer on the query path is a call, with nothing looked up or allocated.
    public var steeredAnswerCounter: (@Sendable (_ service: String, _ region: String) -> @Sendable () -> Void)?

    public init(
        maxUDPPayload: UInt16 = 1232, nsid: [UInt8]? = nil, identity: String? = nil, version: String? = nil,
        allowTransfer: [NetworkPrefix] = [], defaultLocation: GeoLocation = GeoLocation(latitude: 0, longitude: 0),
        failOpen: Bool = true, onFailOpen: (@Sendable () -> Void)? = nil,
        steeredAnswerCounter: (@Sendable (_ service: String, _ region: String) -> @Sendable () -> Void)? = nil
    ) {
        self.maxUDPPayload = maxUDPPayload
        self.nsid = nsid
        self.identity = identity
        self.version = version
        self.allowTransfer = allowTransfer
        self.defaultLocation = defaultLocation
        self.failOpen = failOpen
        self.onFailOpen = onFailOpen
        self.steeredAnswerCounter = steeredAnswerCounter
    }
}
