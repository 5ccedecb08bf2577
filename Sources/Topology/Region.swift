import DNSWire

/// One region from `regions/<name>.yaml`: where it is, which client networks it serves first,
/// its agent's addresses, and the endpoints (its proxies) that DNS answers point at.
public struct Region: Hashable, Sendable {
    public var name: String
    public var location: GeoLocation
    public var clients: [NetworkPrefix]
    public var agent: AgentAddresses
    public var endpoints: [Endpoint]
    /// Where it was defined, for diagnostics.
    public var file: String
    public var line: Int

    public init(name: String, location: GeoLocation, clients: [NetworkPrefix], agent: AgentAddresses, endpoints: [Endpoint], file: String, line: Int) {
        self.name = name
        self.location = location
        self.clients = clients
        self.agent = agent
        self.endpoints = endpoints
        self.file = file
        self.line = line
    }
}

/// Where a region's agent listens (`agent: { gossip: …, admin: … }`).
public struct AgentAddresses: Hashable, Sendable {
    public var gossip: String?
    public var admin: String?

    public init(gossip: String? = nil, admin: String? = nil) {
        self.gossip = gossip
        self.admin = admin
    }
}

/// An address DNS answers point at: a region agent's reverse proxy in front of backends.
public struct Endpoint: Hashable, Sendable {
    public var name: String
    public var region: String
    public var address: NetworkAddress
    public var port: Int
    public var weight: Int
    public var services: [DNSName]
    public var balance: BalancePolicy
    public var backends: [Backend]
    public var health: HealthCheckSettings
    /// The proxy's timeouts and limits (`proxy:`).
    public var proxy: ProxyLimits
    public var line: Int

    public init(
        name: String, region: String, address: NetworkAddress, port: Int, weight: Int, services: [DNSName],
        balance: BalancePolicy, backends: [Backend], health: HealthCheckSettings, proxy: ProxyLimits = ProxyLimits(), line: Int
    ) {
        self.name = name
        self.region = region
        self.address = address
        self.port = port
        self.weight = weight
        self.services = services
        self.balance = balance
        self.backends = backends
        self.health = health
        self.proxy = proxy
        self.line = line
    }
}

/// How a region agent spreads requests over an endpoint's backends.
public enum BalancePolicy: String, Hashable, Sendable, CaseIterable {
    case roundRobin = "round-robin"
    case leastConnections = "least-connections"
    case ipHash = "ip-hash"
    case weighted
}

public struct Backend: Hashable, Sendable {
    public var url: String
    public var weight: Int

    public init(url: String, weight: Int = 1) {
        self.url = url
        self.weight = weight
    }

    /// The host and port the URL names (`http://host:port[/…]` or `tcp://host:port`); nil when
    /// it names no port. The agent connects there; a local deployment runs a backend there.
    public var hostPort: (host: String, port: Int)? {
        guard let (_, authority, _) = parts else { return nil }
        return HostPort.parse(String(authority))
    }

    /// The same URL with the port replaced (nil when it names no port).
    public func url(withPort port: Int) -> String? {
        guard let (scheme, _, path) = parts, let old = hostPort else { return nil }
        return scheme + HostPort.format(host: old.host, port: port) + path
    }

    /// Scheme with its `://`, host:port, and whatever follows.
    private var parts: (scheme: String, authority: Substring, path: Substring)? {
        guard let scheme = ["http://", "tcp://"].first(where: { url.hasPrefix($0) }) else { return nil }
        let rest = url.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        return (scheme, authority, rest[authority.endIndex...])
    }
}

/// Health checks of a backend (`health: { path, interval, timeout, rise, fall, error-run }`):
/// active checks, and the passive run of 5xx responses that takes a backend down.
public struct HealthCheckSettings: Hashable, Sendable {
    /// HTTP path to GET; nil means a TCP connect check.
    public var path: String?
    public var intervalMilliseconds: Int
    public var timeoutMilliseconds: Int
    public var rise: Int
    public var fall: Int
    /// Consecutive 5xx responses from real traffic that take the backend down (0: never).
    public var errorRun: Int

    public init(path: String? = nil, intervalMilliseconds: Int = 1000, timeoutMilliseconds: Int = 500, rise: Int = 2, fall: Int = 2, errorRun: Int = 5) {
        self.path = path
        self.intervalMilliseconds = intervalMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.rise = rise
        self.fall = fall
        self.errorRun = errorRun
    }
}
