/// What a drill does to the deployment: the fault, and its target (a region or an endpoint).
/// Every fault is followed by a recovery phase that undoes it.
public struct DrillScenario: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Every backend of the region fails its health checks (demo backends switched to failing).
        case failRegion = "fail-region"
        /// The region's agent process dies (SIGKILL); recovery restarts it.
        case killAgent = "kill-agent"
        /// Planned maintenance: the region is drained through its agent's admin API.
        case drain
        /// Every backend of one endpoint fails.
        case failEndpoint = "fail-endpoint"
    }

    public var kind: Kind
    /// A region name, or an endpoint name for `failEndpoint`.
    public var target: String

    public init(kind: Kind, target: String) {
        self.kind = kind
        self.target = target
    }

    public var description: String { "\(kind.rawValue) \(target)" }
}
