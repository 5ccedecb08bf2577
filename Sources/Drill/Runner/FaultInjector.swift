/// Applies a drill's fault and undoes it. `LocalFaults` acts on a deployment the drill started
/// itself; `AdminAPIFaults` acts on a real one through admin APIs only.
public protocol FaultInjector: Sendable {
    func apply(_ scenario: DrillScenario) async throws
    func recover(_ scenario: DrillScenario) async throws
    /// Whether a drill that stops halfway (Ctrl-C, an error) must undo the fault: true for a
    /// deployment that outlives the drill, false for one the drill tears down anyway.
    var undoesOnAbort: Bool { get }
}
