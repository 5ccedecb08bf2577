import ZoneStore

/// Everything a query is answered from, swapped as a whole on reload (Knot's RCU idea):
/// a query holds one snapshot from start to end, so a reload never changes data under it.
public final class ServingSnapshot: Sendable {
    public let index: ZoneIndex
    /// The zones as loaded, by file, kept so that a later reload can fall back to them.
    public let sources: [String: ZoneData]
    public let configuration: QueryEngineConfiguration
    public let generation: Int

    public init(sources: [String: ZoneData], configuration: QueryEngineConfiguration, generation: Int) {
        self.sources = sources
        self.index = ZoneIndexBuilder.build(sources.keys.sorted().map { sources[$0]! })
        self.configuration = configuration
        self.generation = generation
    }
}
