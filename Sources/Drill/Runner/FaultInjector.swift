/// Applies a drill's fault and undoes it. `LocalFaults` acts on a deployment the drill started
/// itself; `AdminAPIFaults` acts on a real one through admin APIs only.
public protocol FaultInjector: Sendable {
    func apply(_ scenario: DrillScenario) async throws
    func recover(_ scenario: DrillScenario) async throws
}
