import DNSWire
import Topology

/// A `Topology` compiled for query time: endpoints numbered, client networks ordered for
/// longest-prefix match, every region's neighbours ordered by distance, and each service's
/// endpoints grouped by region and address family. Built once per configuration load.
public final class SteeringTable: Sendable {
    public let topology: Topology
    /// All endpoints; an endpoint's index is its id in `HealthView`.
    public let endpoints: [Endpoint]
    public let regionNames: [String]
    /// Each endpoint's address and configured weight, apart from `endpoints`: the query path
    /// reads these without copying an `Endpoint` (whose strings and arrays cost retains).
    public let endpointAddresses: [NetworkAddress]
    let endpointWeights: [Double]
    /// A hash of each endpoint's name: the key for sticky (rendezvous) hashing.
    let endpointSeeds: [UInt64]
    /// The region (an index into `regionNames`) of each endpoint.
    public let regionOfEndpoint: [Int]
    /// (network, region), longest prefixes first.
    let clientNetworks: [(prefix: NetworkPrefix, region: Int)]
    /// For each region: every region, itself first, then by great-circle distance.
    public let regionsByDistance: [[Int]]
    /// Region order for clients that match no network: by distance from `defaultLocation`.
    let defaultOrder: [Int]
    public let services: [CompiledService]
    let serviceIndex: [DNSName: Int]

    /// A service's endpoints: `byRegion[family][region]` lists endpoint ids (family 0 = IPv4).
    /// A class, so that the query path holds one reference rather than a copy of the service.
    public final class CompiledService: Sendable {
        public let service: Service
        let byRegion: [[[Int]]]
        let failoverOrder: [Int]

        init(service: Service, byRegion: [[[Int]]], failoverOrder: [Int]) {
            self.service = service
            self.byRegion = byRegion
            self.failoverOrder = failoverOrder
        }
    }

    public init(topology: Topology, defaultLocation: GeoLocation = GeoLocation(latitude: 0, longitude: 0)) {
        self.topology = topology
        let regions = topology.regions.sorted { $0.name < $1.name }
        regionNames = regions.map(\.name)
        endpoints = regions.flatMap(\.endpoints)
        endpointAddresses = endpoints.map(\.address)
        endpointWeights = endpoints.map { Double($0.weight) }
        endpointSeeds = regions.flatMap(\.endpoints).map { StableHash.fnv1a($0.name) }
        regionOfEndpoint = regions.enumerated().flatMap { index, region in region.endpoints.map { _ in index } }
        clientNetworks = regions.enumerated()
            .flatMap { index, region in region.clients.map { (prefix: $0, region: index) } }
            .sorted { $0.prefix.length > $1.prefix.length }
        /// Region indices by great-circle distance from `point`, ties by name.
        func byDistance(from point: GeoLocation) -> [Int] {
            regions.indices.sorted {
                let (a, b) = (point.distanceKilometers(to: regions[$0].location), point.distanceKilometers(to: regions[$1].location))
                return a == b ? regions[$0].name < regions[$1].name : a < b
            }
        }
        regionsByDistance = regions.map { byDistance(from: $0.location) }
        defaultOrder = byDistance(from: defaultLocation)
        let names = regionNames
        let all = endpoints
        let regionOf = regionOfEndpoint
        services = topology.services.keys.sorted().map { name in
            let service = topology.services[name]!
            let byRegion = [NetworkAddress.Family.ipv4, .ipv6].map { family in
                names.indices.map { region in
                    all.indices.filter { regionOf[$0] == region && all[$0].address.family == family && all[$0].services.contains(name) }
                }
            }
            return CompiledService(service: service, byRegion: byRegion, failoverOrder: service.failover.compactMap { names.firstIndex(of: $0) })
        }
        serviceIndex = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1.service.name, $0) })
    }

    public func service(named name: DNSName) -> Int? { serviceIndex[name.lowercased()] }
}
