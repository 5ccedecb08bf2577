/// The verdict on a drill: per client region, how fast the DNS tier steered its clients away from
/// the failed endpoints and back, what the clients saw meanwhile, and whether that met the SLO.
/// A pure function of the recording and the SLO, so a saved recording can be judged again.
public struct DrillReport: Sendable, Codable, Equatable {
    public var scenario: DrillScenario
    public var slo: SLO
    /// Rounded to a tenth of a millisecond, like every time in the report.
    public var phases: DrillPhases
    /// The DNS nodes queried, as host:port.
    public var nodes: [String]
    /// In the recording's client region order.
    public var regions: [ClientRegionReport]
    public var totals: DrillTotals
    /// Every client region met every objective.
    public var passed: Bool

    public init(recording: DrillRecording, slo: SLO) {
        let phases = DrillPhases(recording)
        let streams = AnswerStreams(recording)
        let requestsByClient = Dictionary(grouping: recording.requests, by: \.client)
        scenario = recording.scenario
        self.slo = slo
        self.phases = phases.rounded
        nodes = recording.nodes
        regions = recording.clientRegions.enumerated().map { client, region in
            ClientRegionReport(
                region: region,
                nodeNames: recording.nodes,
                streams: streams.byClient[client].map { NodeStream(answers: $0, phases: phases, failed: recording.failedAddresses) },
                requests: requestsByClient[client] ?? [],
                failed: recording.failedAddresses,
                phases: phases,
                slo: slo
            )
        }
        totals = DrillTotals(recording)
        passed = regions.allSatisfy(\.passed)
    }

    /// Every missed objective with its region, in region order.
    public var missed: [(region: ClientRegionReport, verdict: SLOVerdict)] {
        regions.flatMap { region in region.verdicts.filter { !$0.met }.map { (region, $0) } }
    }
}
