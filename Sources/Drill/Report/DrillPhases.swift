/// The three moments that cut a drill into phases, in milliseconds since it started: before the
/// fault, the fault (`faultAt..<recoveryAt`), recovery (`recoveryAt..<endAt`).
public struct DrillPhases: Sendable, Codable, Equatable {
    public var faultAt: Double
    public var recoveryAt: Double
    public var endAt: Double

    public init(faultAt: Double, recoveryAt: Double, endAt: Double) {
        self.faultAt = faultAt
        self.recoveryAt = recoveryAt
        self.endAt = endAt
    }

    public init(_ recording: DrillRecording) {
        self.init(faultAt: recording.faultAt, recoveryAt: recording.recoveryAt, endAt: recording.endAt)
    }

    /// As the report shows them (the figures are measured against the exact times).
    var rounded: DrillPhases {
        DrillPhases(
            faultAt: Milliseconds.rounded(faultAt), recoveryAt: Milliseconds.rounded(recoveryAt), endAt: Milliseconds.rounded(endAt))
    }

    /// Which phase a query sent at `time` belongs to. A phase starts at its moment: a query sent
    /// exactly at `faultAt` is the fault's first.
    func phase(of time: Double) -> Phase {
        if time < faultAt { return .beforeFault }
        if time < recoveryAt { return .fault }
        if time < endAt { return .recovery }
        return .afterEnd
    }

    enum Phase {
        case beforeFault, fault, recovery
        /// Sent after recording stopped: kept in the totals, judged in no phase.
        case afterEnd
    }
}
