import DNSWire

/// Who asked, and how: what the transport knows about a query before it is parsed.
public struct ClientContext: Sendable {
    public enum Transport: String, Sendable { case udp, tcp }

    public var address: NetworkAddress?
    public var transport: Transport
    /// Randomness for this query (weighted picks), supplied by the transport so that the engine
    /// stays a pure function of its inputs.
    public var randomSeed: UInt64

    public init(address: NetworkAddress?, transport: Transport, randomSeed: UInt64 = 0) {
        self.address = address
        self.transport = transport
        self.randomSeed = randomSeed
    }
}
