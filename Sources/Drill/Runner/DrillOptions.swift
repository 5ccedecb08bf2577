import DNSWire

/// How a drill runs: what it asks, how often, and how long each phase lasts.
public struct DrillOptions: Sendable {
    public var scenario: DrillScenario
    public var service: DNSName
    public var queryType: RRType = .a
    /// Each client region asks each DNS node this often.
    public var interval: Duration = .milliseconds(20)
    /// Recording before the fault, to learn what each client region is normally answered.
    public var baseline: Duration = .seconds(2)
    /// How long the fault is held before recovery, and how long recording goes on after it.
    public var faultDuration: Duration = .seconds(8)
    public var recoveryDuration: Duration = .seconds(8)
    /// Simulated clients fetch over HTTP through the answered endpoints, honouring the TTL.
    public var http: Bool = false
    public var httpInterval: Duration = .milliseconds(100)

    public init(scenario: DrillScenario, service: DNSName) {
        self.scenario = scenario
        self.service = service
    }
}

/// What the drill is doing, for a progress line.
public struct DrillProgress: Sendable {
    public enum Phase: String, Sendable { case baseline, fault, recovery, done }

    public var phase: Phase
    /// Seconds since the drill started and since this phase started.
    public var elapsed: Double
    public var inPhase: Double
    public var answers: Int
    /// Per client region: the regions its newest answer pointed at.
    public var answeredRegions: [(client: String, regions: [String])]
}
