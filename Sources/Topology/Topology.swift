import DNSWire

/// Regions and services, validated against each other and the served zones: the configuration
/// steering decides from.
public struct Topology: Sendable {
    public var regions: [Region]
    public var services: [DNSName: Service]

    public init(regions: [Region], services: [DNSName: Service]) {
        self.regions = regions
        self.services = services
    }

    public static let empty = Topology(regions: [], services: [:])

    public func region(named name: String) -> Region? { regions.first { $0.name == name } }

    /// Endpoints that serve `service`, across all regions.
    public func endpoints(for service: DNSName) -> [Endpoint] {
        regions.flatMap { $0.endpoints.filter { $0.services.contains(service) } }
    }
}

/// What the topology needs to know about the served zones to validate services.
public struct ZoneFacts: Sendable {
    /// Origins of the served zones (lowercase).
    public var origins: [DNSName]
    /// Owner names that have A or AAAA data in a zone file (lowercase).
    public var addressOwners: Set<DNSName>
    /// Owner names of CNAME records (a service there would be a CNAME beside other data).
    public var cnameOwners: Set<DNSName>
    /// Delegation points below the apexes: names at or below them are referred, never steered.
    public var cuts: [DNSName]

    public init(origins: [DNSName], addressOwners: Set<DNSName>, cnameOwners: Set<DNSName> = [], cuts: [DNSName] = []) {
        self.origins = origins
        self.addressOwners = addressOwners
        self.cnameOwners = cnameOwners
        self.cuts = cuts
    }
}
