/// The figures of one client region (one simulated client population, asking through EDNS
/// Client Subnet) and how they stand against the SLO.
public struct ClientRegionReport: Sendable, Codable, Equatable {
    public var region: String
    /// Whether the region's answers before the fault gave any endpoint the fault takes out. An
    /// unaffected region has nothing to exclude or readmit: those figures are nil, and met.
    public var affected: Bool
    /// The addresses the region was given before the fault, sorted.
    public var baseline: [String]
    /// Milliseconds from the fault until the last node's first clean answer (the worst of
    /// `nodes`). Nil when a node never gave one before recovery, or the region was not affected.
    public var excludeMs: Double?
    /// Answers with a failed endpoint after their node had excluded it, over all nodes.
    public var staleAnswers: Int
    /// Lost, error and empty answers during the fault, over all nodes (informational: steering
    /// away from a failed region must not cost answers, but no SLO judges it).
    public var emptyOrErrorAnswers: Int
    /// Milliseconds from recovery until the last node's first answer with a failed endpoint
    /// again. Nil when a node never gave one before the end, or the region was not affected.
    public var readmitMs: Double?
    /// Whether every node's last answers are back to the pre-fault shape and, together, give
    /// every failed endpoint the region had (see `FullRecovery`). Nil when not affected.
    public var recoveredFully: Bool?
    /// Failed endpoints of the baseline that no node's last answers gave, sorted.
    public var missingAtEnd: [String]
    /// Each DNS node's figures, in the recording's node order.
    public var nodes: [NodeConvergence]
    public var http: HTTPFigures
    public var verdicts: [SLOVerdict]
    /// Every verdict met.
    public var passed: Bool

    init(
        region: String, nodeNames: [String], streams: [NodeStream], requests: [HTTPRequestSample], failed: Set<String>, phases: DrillPhases,
        slo: SLO
    ) {
        let preFault = streams.flatMap { $0.answers.filter { phases.phase(of: $0.at) == .beforeFault } }
        let baseline = Set(preFault.filter { $0.rcode == DNSAnswerSample.noError }.flatMap(\.addresses))
        let affected = !baseline.isDisjoint(with: failed)
        let recovery = affected ? FullRecovery(preFaultAnswers: preFault, failed: failed) : nil
        let nodes = zip(nodeNames, streams).map { NodeConvergence(node: $0, stream: $1, recovery: recovery) }

        let missingAtEnd = recovery?.missingAtEnd(streams) ?? []
        let recoveredFully = recovery.map { _ in missingAtEnd.isEmpty && nodes.allSatisfy { $0.recoveredFully == true } }
        let excludeMs = affected ? Self.worst(nodes.map(\.excludeMs)) : nil
        let readmitMs = affected ? Self.worst(nodes.map(\.readmitMs)) : nil
        let staleAnswers = nodes.reduce(0) { $0 + $1.staleAnswers }
        let http = HTTPFigures(requests: requests, phases: phases)

        self.region = region
        self.affected = affected
        self.baseline = baseline.sorted()
        self.excludeMs = excludeMs
        self.staleAnswers = staleAnswers
        emptyOrErrorAnswers = nodes.reduce(0) { $0 + $1.emptyOrErrorAnswers }
        self.readmitMs = readmitMs
        self.recoveredFully = recoveredFully
        self.missingAtEnd = missingAtEnd
        self.nodes = nodes
        self.http = http

        let verdicts: [SLOVerdict] =
            [
                affected ? .atMost(.exclude, value: excludeMs, limit: slo.excludeMs) : .notApplicable(.exclude, limit: slo.excludeMs),
                .atMost(.staleAnswers, value: Double(staleAnswers), limit: Double(slo.staleAnswers)),
                affected ? .atMost(.readmit, value: readmitMs, limit: slo.readmitMs) : .notApplicable(.readmit, limit: slo.readmitMs),
                recoveredFully.map(SLOVerdict.fullRecovery) ?? .notApplicable(.fullRecovery, limit: nil),
            ] + (slo.httpErrors.map { [.atMost(.httpErrors, value: Double(http.errors), limit: Double($0))] } ?? [])
        self.verdicts = verdicts
        passed = verdicts.allSatisfy(\.met)
    }

    /// The region's figure is its slowest node's; a node that never got there makes it nil.
    private static func worst(_ figures: [Double?]) -> Double? {
        let reached = figures.compactMap(\.self)
        return reached.count == figures.count ? reached.max() : nil
    }

    /// The node that excluded the failed endpoints last (one that never did first); nil when not
    /// affected.
    public var slowestToExclude: NodeConvergence? { affected ? Self.slowest(nodes, by: \.excludeMs) : nil }

    /// The node that readmitted the recovered endpoints last (one that never did first); nil when
    /// not affected.
    public var slowestToReadmit: NodeConvergence? { affected ? Self.slowest(nodes, by: \.readmitMs) : nil }

    private static func slowest(_ nodes: [NodeConvergence], by figure: KeyPath<NodeConvergence, Double?>) -> NodeConvergence? {
        nodes.max { ($0[keyPath: figure] ?? .infinity) < ($1[keyPath: figure] ?? .infinity) }
    }

    public func verdict(_ objective: SLOVerdict.Objective) -> SLOVerdict? {
        verdicts.first { $0.objective == objective }
    }
}
