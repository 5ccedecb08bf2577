/// Everything a drill observed, as plain values: the report is a pure function of this.
/// Times are milliseconds since the drill started (monotonic clock).
public struct DrillRecording: Sendable, Codable, Equatable {
    public var scenario: DrillScenario
    /// Client regions in the order they are reported (one simulated client population each).
    public var clientRegions: [String]
    /// The DNS nodes queried, as host:port.
    public var nodes: [String]
    /// Endpoint address → the region that owns it (to colour answers by region).
    public var regionOfAddress: [String: String]
    /// Addresses of the endpoints the fault takes out.
    public var failedAddresses: Set<String>
    /// When the fault was applied, when recovery was applied, and when recording stopped.
    public var faultAt: Double
    public var recoveryAt: Double
    public var endAt: Double
    public var answers: [DNSAnswerSample]
    public var requests: [HTTPRequestSample]

    public init(
        scenario: DrillScenario, clientRegions: [String], nodes: [String], regionOfAddress: [String: String], failedAddresses: Set<String>,
        faultAt: Double, recoveryAt: Double, endAt: Double, answers: [DNSAnswerSample], requests: [HTTPRequestSample]
    ) {
        self.scenario = scenario
        self.clientRegions = clientRegions
        self.nodes = nodes
        self.regionOfAddress = regionOfAddress
        self.failedAddresses = failedAddresses
        self.faultAt = faultAt
        self.recoveryAt = recoveryAt
        self.endAt = endAt
        self.answers = answers
        self.requests = requests
    }
}

/// One DNS query of the drill and what came back.
public struct DNSAnswerSample: Sendable, Codable, Equatable {
    /// When the query was sent.
    public var at: Double
    /// Index into `DrillRecording.clientRegions`.
    public var client: Int
    /// Index into `DrillRecording.nodes`.
    public var node: Int
    /// The response code, or nil when no response came within the timeout.
    public var rcode: Int?
    /// A and AAAA addresses of the answer, in textual form.
    public var addresses: [String]
    /// The smallest TTL of those records.
    public var ttl: UInt32
    /// Milliseconds from query to response (0 when lost).
    public var latency: Double

    public init(at: Double, client: Int, node: Int, rcode: Int?, addresses: [String], ttl: UInt32, latency: Double) {
        self.at = at
        self.client = client
        self.node = node
        self.rcode = rcode
        self.addresses = addresses
        self.ttl = ttl
        self.latency = latency
    }
}

/// One HTTP request a simulated client made to an address it got from DNS (kept for the TTL).
public struct HTTPRequestSample: Sendable, Codable, Equatable {
    public var at: Double
    public var client: Int
    public var address: String
    /// The HTTP status, or nil when the connection failed or timed out.
    public var status: Int?

    public init(at: Double, client: Int, address: String, status: Int?) {
        self.at = at
        self.client = client
        self.address = address
        self.status = status
    }

    /// A client sees an error for a failed connection or a 5xx.
    public var isError: Bool { status.map { $0 >= 500 } ?? true }
}
