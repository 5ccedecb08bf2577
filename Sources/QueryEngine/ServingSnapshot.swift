import DNSWire
import Steering
import Topology
import ZoneStore

/// Everything a query is answered from, swapped as a whole on reload (Knot's RCU idea):
/// a query holds one snapshot from start to end, so a reload never changes data under it.
public final class ServingSnapshot: Sendable {
    public let index: ZoneIndex
    /// The zones as loaded, by file, kept so that a later reload can fall back to them.
    public let sources: [String: ZoneData]
    public let configuration: QueryEngineConfiguration
    public let generation: Int
    /// Service names and their endpoints, when regions are configured.
    public let steering: SteeringTable?
    /// Endpoint health as last reported; a health change publishes a new snapshot sharing the rest.
    public let health: HealthView
    /// `[service][region]`: counts an answer for a service from a region (from the
    /// configuration's `steeredAnswerCounter`; empty without one).
    let steeredAnswerCounters: [[@Sendable () -> Void]]

    public init(sources: [String: ZoneData], configuration: QueryEngineConfiguration, generation: Int, topology: Topology? = nil) {
        self.sources = sources
        let steering = topology.map { SteeringTable(topology: $0, defaultLocation: configuration.defaultLocation) }
        var serviceIDs: [DNSName: Int32] = [:]
        for (id, compiled) in (steering?.services ?? []).enumerated() { serviceIDs[compiled.service.name] = Int32(id) }
        self.index = ZoneIndexBuilder.build(sources.keys.sorted().map { sources[$0]! }, services: serviceIDs)
        self.configuration = configuration
        self.generation = generation
        self.steering = steering
        self.health = HealthView(endpointCount: steering?.endpoints.count ?? 0)
        if let table = steering, let make = configuration.steeredAnswerCounter {
            steeredAnswerCounters = table.services.map { compiled in table.regionNames.map { make(compiled.service.name.description, $0) } }
        } else {
            steeredAnswerCounters = []
        }
    }

    private init(sharing other: ServingSnapshot, health: HealthView, generation: Int) {
        index = other.index
        sources = other.sources
        configuration = other.configuration
        steering = other.steering
        steeredAnswerCounters = other.steeredAnswerCounters
        self.health = health
        self.generation = generation
    }

    /// The same zones and topology with new health.
    public func with(health: HealthView) -> ServingSnapshot {
        ServingSnapshot(sharing: self, health: health, generation: generation + 1)
    }

    /// This snapshot with the health `previous` reported for endpoints of the same name, so
    /// that a reload does not forget what the health API said.
    public func carryingHealth(from previous: ServingSnapshot) -> ServingSnapshot {
        guard let table = steering, let old = previous.steering else { return self }
        var view = health
        for (id, endpoint) in table.endpoints.enumerated() {
            if let oldID = old.endpoints.firstIndex(where: { $0.name == endpoint.name }) {
                view.up[id] = previous.health.up[oldID]
                view.capacity[id] = previous.health.capacity[oldID]
            }
        }
        // Latency measurements stay valid while the set of regions is the same.
        if table.regionNames == old.regionNames { view.latency = previous.health.latency }
        return ServingSnapshot(sharing: self, health: view, generation: generation)
    }
}
