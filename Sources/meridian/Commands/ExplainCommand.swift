import ArgumentParser
import DNSWire
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QueryEngine
import Steering
import Topology
import ZoneStore

/// `meridian explain`: why a client gets the answer it gets, from the configuration files,
/// step by step (client region, regions tried, endpoints excluded, records, TTL, ECS scope).
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explain the steering decision for a service name and a client.")

    @Argument(help: "Service name, e.g. www.example.com")
    var name: String

    @Option(help: "Client address or network (an ECS subnet such as 10.1.2.0/24).")
    var client: String

    @Option(help: "A or AAAA.")
    var type: String = "A"

    @Option(help: "Folder of *.zone and *.services.yaml files.")
    var zones: String = "zones"

    @Option(help: "Folder of region files.")
    var regions: String = "regions"

    @Option(help: "Treat this endpoint as down (repeatable), to see what a failure would do.")
    var down: [String] = []

    @Option(help: ArgumentHelp("A running node's admin API (e.g. http://127.0.0.1:8053): use the health it reports.", valueName: "url"))
    var server: String?

    @OptionGroup var steering: SteeringOptions

    func run() async throws {
        guard type == "A" || type == "AAAA" else { throw ValidationError("--type must be A or AAAA") }
        let report = ZoneDirectoryLoader(directory: zones).load()
        let topology = try TopologyLoader(regionsDirectory: regions, zonesDirectory: zones)
            .load(zones: ZoneFacts(zones: report.zones.values)).mapError { ValidationError($0.description) }.get()
        let table = SteeringTable(topology: topology, defaultLocation: try steering.location())
        let serviceName = try DNSName(name.hasSuffix(".") ? name : name + ".")
        guard let service = table.service(named: serviceName) else { throw ValidationError("\(serviceName) is not a service in \(zones)/*.services.yaml") }

        // A network (10.1.2.0/24) is taken as an ECS subnet; a bare address as the source address.
        var address: NetworkAddress?
        var subnet: ClientSubnet?
        if client.contains("/"), let prefix = NetworkPrefix(client) {
            subnet = ClientSubnet(
                family: prefix.address.family == .ipv4 ? 1 : 2, sourcePrefixLength: UInt8(prefix.length), scopePrefixLength: 0,
                addressHigh: prefix.address.high, addressLow: prefix.address.low
            )
        } else if let plain = NetworkAddress(client) {
            address = plain
        } else {
            throw ValidationError("--client \(client): expected an address or a network in CIDR form")
        }
        var health = HealthView(endpointCount: table.endpoints.count)
        if let server {
            let (endpoints, latency) = try await Self.reported(from: server)
            for (name, reported) in endpoints {
                guard let id = table.endpoints.firstIndex(where: { $0.name == name }) else { continue }
                health.up[id] = reported.up
                health.capacity[id] = reported.capacity
            }
            var matrix = LatencyMatrix(distanceOrders: table.regionsByDistance)
            for (from, to, ms) in latency {
                guard let a = table.regionNames.firstIndex(of: from), let b = table.regionNames.firstIndex(of: to) else { continue }
                matrix.record(from: a, to: b, milliseconds: ms, distanceOrders: table.regionsByDistance)
            }
            if !latency.isEmpty { health.latency = matrix }
        }
        for endpoint in down {
            guard let id = table.endpoints.firstIndex(where: { $0.name == endpoint }) else { throw ValidationError("--down \(endpoint): no such endpoint") }
            health.up[id] = false
        }

        let settings = table.services[service].service
        print("\(serviceName) \(type) for \(client): policy \(settings.policy.rawValue), answers \(settings.answers), ttl \(settings.ttl)\(settings.sticky ? ", sticky" : "")")
        var random = SystemRandomNumberGenerator()
        var explanation = SteeringExplanation()
        let decision = Steerer.steer(
            service: service, ipv6: type == "AAAA", client: address, clientSubnet: subnet,
            table: table, health: health, failOpen: !steering.failClosed, rng: &random, observer: &explanation
        )
        for step in explanation.steps { print("  \(step)") }
        if decision.count == 0 { print("  → NODATA") }
        if subnet == nil { print("  (no ECS in this question: no scope is sent)") }
        for id in decision.endpointIDs {
            print("  → \(serviceName) \(decision.ttl) IN \(type) \(table.endpoints[id].address)")
        }
    }

    /// Endpoint health and measured latency from a node's `GET /v1/state`. (Hysteresis is
    /// replayed from scratch here, so a node that kept a region first by hysteresis may differ.)
    static func reported(from server: String) async throws -> (endpoints: [String: (up: Bool, capacity: Double)], latency: [(String, String, Double)]) {
        guard let url = URL(string: server.hasSuffix("/") ? server + "v1/state" : server + "/v1/state") else {
            throw ValidationError("--server \(server): not a URL")
        }
        let (data, _) = try await URLSession.shared.data(from: url)
        guard let state = try JSONSerialization.jsonObject(with: data) as? [String: Any], let regions = state["regions"] as? [[String: Any]] else {
            throw ValidationError("\(url) did not return Meridian state JSON")
        }
        var health: [String: (up: Bool, capacity: Double)] = [:]
        for region in regions {
            for endpoint in region["endpoints"] as? [[String: Any]] ?? [] {
                guard let name = endpoint["name"] as? String, let up = endpoint["up"] as? Bool else { continue }
                health[name] = (up, (endpoint["capacity"] as? NSNumber)?.doubleValue ?? 1)
            }
        }
        let latency = (state["latency"] as? [[String: Any]] ?? []).compactMap { entry -> (String, String, Double)? in
            guard let from = entry["from"] as? String, let to = entry["to"] as? String, let ms = (entry["ms"] as? NSNumber)?.doubleValue else { return nil }
            return (from, to, ms)
        }
        return (health, latency)
    }
}
