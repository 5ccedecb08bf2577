/// How one DNS node treated one client region through the fault and the recovery. The region's
/// figures are the worst of its nodes' (a region has converged only when its last node has), and
/// these show which node lagged.
public struct NodeConvergence: Sendable, Codable, Equatable {
    /// The node, as host:port.
    public var node: String
    /// Milliseconds from the fault to the node's first clean answer. Nil when it gave none before
    /// recovery, or when the region was not affected (nothing to exclude).
    public var excludeMs: Double?
    /// Answers with a failed endpoint after that first clean answer, before recovery.
    public var staleAnswers: Int
    /// Lost, error and empty answers during the fault.
    public var emptyOrErrorAnswers: Int
    /// Milliseconds from recovery to the node's first answer with a failed endpoint again. Nil
    /// when it gave none before the end, or when the region was not affected.
    public var readmitMs: Double?
    /// Whether the node's last answers are back to the region's pre-fault shape (see
    /// `FullRecovery`); nil when the region was not affected.
    public var recoveredFully: Bool?

    public init(
        node: String, excludeMs: Double?, staleAnswers: Int, emptyOrErrorAnswers: Int, readmitMs: Double?, recoveredFully: Bool?
    ) {
        self.node = node
        self.excludeMs = excludeMs
        self.staleAnswers = staleAnswers
        self.emptyOrErrorAnswers = emptyOrErrorAnswers
        self.readmitMs = readmitMs
        self.recoveredFully = recoveredFully
    }

    /// Stale and unusable answers count for every region; exclusion, readmission and recovery
    /// only for an affected one (`recovery` is nil otherwise).
    init(node: String, stream: NodeStream, recovery: FullRecovery?) {
        let phases = stream.phases
        self.init(
            node: node,
            excludeMs: recovery == nil ? nil : stream.excludedAt.map { Milliseconds.rounded($0 - phases.faultAt) },
            staleAnswers: stream.staleAnswers,
            emptyOrErrorAnswers: stream.unusableDuringFault,
            readmitMs: recovery == nil ? nil : stream.readmittedAt.map { Milliseconds.rounded($0 - phases.recoveryAt) },
            recoveredFully: recovery?.hasRecovered(stream)
        )
    }
}
