import DNSWire

/// What a drill queries and how it reads the answers: the DNS nodes, the client regions it
/// poses as, and the endpoints answers can name (for colouring by region, and for the port
/// the simulated HTTP clients connect to).
public struct DrillTarget: Sendable {
    public struct Endpoint: Sendable, Equatable {
        public var name: String
        public var region: String
        public var address: String
        public var port: Int

        public init(name: String, region: String, address: String, port: Int) {
            self.name = name
            self.region = region
            self.address = address
            self.port = port
        }
    }

    /// DNS nodes as host:port.
    public var nodes: [String]
    public var clients: [DeploymentPlan.ClientRegion]
    public var endpoints: [Endpoint]

    public init(nodes: [String], clients: [DeploymentPlan.ClientRegion], endpoints: [Endpoint]) {
        self.nodes = nodes
        self.clients = clients
        self.endpoints = endpoints
    }

    public init(plan: DeploymentPlan) {
        self.init(
            nodes: plan.dnsNodes.map(\.listen), clients: plan.clients,
            endpoints: plan.endpoints.map { Endpoint(name: $0.name, region: $0.region, address: $0.address, port: $0.port) }
        )
    }

    /// Addresses of the endpoints a scenario takes out.
    public func failedAddresses(_ scenario: DrillScenario) throws -> Set<String> {
        let hit = endpoints.filter { scenario.kind == .failEndpoint ? $0.name == scenario.target : $0.region == scenario.target }
        guard !hit.isEmpty else {
            throw DrillError(scenario.kind == .failEndpoint ? "no endpoint named \(scenario.target)" : "no region named \(scenario.target)")
        }
        return Set(hit.map(\.address))
    }
}
