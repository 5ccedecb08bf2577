import DNSWire
import Topology

/// What a drill queries and how it reads the answers: the DNS nodes, the client regions it
/// poses as, and the endpoints answers can name (for colouring by region, and for the port
/// the simulated HTTP clients connect to).
public struct DrillTarget: Sendable {
    /// DNS nodes as host:port.
    public var nodes: [String]
    public var clients: [DeploymentPlan.ClientRegion]
    public var endpoints: [DeploymentPlan.ProxyEndpoint]

    public init(nodes: [String], clients: [DeploymentPlan.ClientRegion], endpoints: [DeploymentPlan.ProxyEndpoint]) {
        self.nodes = nodes
        self.clients = clients
        self.endpoints = endpoints
    }

    public init(plan: DeploymentPlan) {
        self.init(nodes: plan.dnsNodes.map(\.listen), clients: plan.clients, endpoints: plan.endpoints)
    }

    /// A running deployment's DNS nodes, described by its region files.
    public init(nodes: [String], regions: [Region]) {
        self.init(
            nodes: nodes, clients: regions.compactMap(DeploymentPlan.ClientRegion.init),
            endpoints: regions.flatMap { $0.endpoints.map(DeploymentPlan.ProxyEndpoint.init) }
        )
    }

    /// The endpoints a scenario takes out: one endpoint, or every endpoint of a region.
    public func endpoints(hitBy scenario: DrillScenario) throws -> [DeploymentPlan.ProxyEndpoint] {
        let hit = endpoints.filter { scenario.kind == .failEndpoint ? $0.name == scenario.target : $0.region == scenario.target }
        guard !hit.isEmpty else {
            throw DrillError(scenario.kind == .failEndpoint ? "no endpoint named \(scenario.target)" : "no region named \(scenario.target)")
        }
        return hit
    }

    /// Addresses of the endpoints a scenario takes out.
    public func failedAddresses(_ scenario: DrillScenario) throws -> Set<String> {
        Set(try endpoints(hitBy: scenario).map(\.address))
    }
}
