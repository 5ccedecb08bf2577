import DNSWire
import NIOCore

/// How the DNS server listens. Answer content is `QueryEngineConfiguration`'s business.
public struct DNSServerConfiguration: Sendable {
    public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `127.0.0.1:5353`, `[::1]:5353`; port 0 picks a free port.
        public init?(_ text: String) {
            guard let (host, port) = HostPort.parse(text) else { return nil }
            self.init(host: host, port: port)
        }

        public var description: String { HostPort.format(host: host, port: port) }
    }

    /// UDP response rate limiting (`ResponseRateLimiter`); TCP is never limited.
    public struct RateLimit: Sendable, Equatable {
        /// Responses per second to one client network (IPv4 /24, IPv6 /56) per UDP worker;
        /// 0 turns limiting off.
        public var responsesPerSecond: Int
        /// Every `slip`-th limited response goes out truncated (TC=1); 0 drops them all.
        public var slip: Int

        public init(responsesPerSecond: Int = 0, slip: Int = 2) {
            self.responsesPerSecond = responsesPerSecond
            self.slip = slip
        }
    }

    public var listen: [ListenAddress]
    /// Event loops; each gets its own UDP socket on every address (SO_REUSEPORT).
    public var threads: Int
    /// RFC 7766 §6.2.3: close a TCP connection idle this long.
    public var tcpIdleTimeout: TimeAmount
    /// A TCP message must arrive whole within this time of its first byte (slow clients).
    public var tcpReadTimeout: TimeAmount
    /// Concurrent TCP connections across all addresses; more are closed at accept.
    public var tcpMaxConnections: Int
    /// Concurrent TCP connections from one client address; more are closed at accept. 0: no limit.
    public var tcpMaxConnectionsPerClient: Int
    public var rateLimit: RateLimit
    /// At shutdown, how long open TCP connections get to answer what they received.
    public var shutdownGrace: TimeAmount

    public init(
        listen: [ListenAddress], threads: Int = System.coreCount, tcpIdleTimeout: TimeAmount = .seconds(10), tcpReadTimeout: TimeAmount = .seconds(2), tcpMaxConnections: Int = 1000,
        tcpMaxConnectionsPerClient: Int = 32, rateLimit: RateLimit = RateLimit(), shutdownGrace: TimeAmount = .seconds(5)
    ) {
        self.tcpMaxConnectionsPerClient = tcpMaxConnectionsPerClient
        self.listen = listen
        self.rateLimit = rateLimit
        self.shutdownGrace = shutdownGrace
        self.threads = threads
        self.tcpIdleTimeout = tcpIdleTimeout
        self.tcpReadTimeout = tcpReadTimeout
        self.tcpMaxConnections = tcpMaxConnections
    }
}
