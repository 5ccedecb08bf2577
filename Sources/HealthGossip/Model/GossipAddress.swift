import DNSWire

/// Where a member's gossip listens (UDP for the protocol, TCP on the same port for full-state
/// sync). Carried in membership updates so members can reach each other.
public struct GossipAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// `host:port`, `[v6]:port` or `v6:port` (the last colon separates the port). Port 0 is
    /// refused unless `allowingPortZero`: a member cannot be reached there, but a listener
    /// given port 0 picks a free one and advertises it once bound.
    public init?(_ text: String, allowingPortZero: Bool = false) {
        guard let (host, port) = HostPort.parse(text), port > 0 || allowingPortZero else { return nil }
        self.init(host: host, port: UInt16(port))
    }

    public var description: String { HostPort.format(host: host, port: Int(port)) }
}
