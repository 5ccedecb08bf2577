import NIOConcurrencyHelpers

/// The drill's current phase and when it began, shared by the runner and its progress task.
final class PhaseClock: Sendable {
    private let origin: ContinuousClock.Instant
    private let state = NIOLockedValueBox<(phase: DrillProgress.Phase, since: ContinuousClock.Instant)>((.baseline, .now))

    init(origin: ContinuousClock.Instant) { self.origin = origin }

    /// Enters a phase; returns its start in milliseconds since the origin.
    @discardableResult
    func enter(_ phase: DrillProgress.Phase) -> Double {
        let now = ContinuousClock.now
        state.withLockedValue { $0 = (phase, now) }
        return (now - origin).milliseconds
    }

    func progress(answers: Int, latest: [(String, [String])]) -> DrillProgress {
        let (phase, since) = state.withLockedValue { $0 }
        let now = ContinuousClock.now
        return DrillProgress(
            phase: phase, elapsed: (now - origin).milliseconds / 1000, inPhase: (now - since).milliseconds / 1000,
            answers: answers, answeredRegions: latest.map { (client: $0.0, regions: $0.1) }
        )
    }
}
