import DNSWire

/// Who asked, and how: what the transport knows about a query before it is parsed.
public struct ClientContext: Sendable {
    public enum Transport: String, Sendable { case udp, tcp }

    public var address: NetworkAddress?
    public var transport: Transport

    public init(address: NetworkAddress?, transport: Transport) {
        self.address = address
        self.transport = transport
    }
}
