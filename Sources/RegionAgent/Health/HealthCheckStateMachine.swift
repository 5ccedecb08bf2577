/// Health of one backend from active checks and passive observations (HAProxy's rise/fall):
/// `rise` consecutive successes bring a down backend up, `fall` consecutive failures take an up
/// one down. Connection refused/reset and timeouts seen on real traffic count at once as check
/// failures; a run of `errorRun` 5xx responses takes the backend down. Pure: events in,
/// transitions out.
public struct HealthCheckStateMachine: Sendable, Equatable {
    public enum State: String, Sendable { case up, down }
    public enum Transition: Sendable, Equatable { case wentUp, wentDown }

    public let rise: Int
    public let fall: Int
    /// Consecutive 5xx responses that take the backend down (0: never).
    public let errorRun: Int
    public private(set) var state: State
    /// Whether the state is backed by evidence: `rise` consecutive successes, or a fall taken.
    /// Until then an up backend is only presumed up (the optimistic start, so local traffic is
    /// served at once), and the agent does not yet tell the DNS tier about it: a region comes
    /// back into DNS answers only as a down backend would, after `rise` checks.
    public private(set) var verified = false
    private var successes = 0
    private var failures = 0
    private var serverErrors = 0

    /// Backends start up, as HAProxy's do, so a fresh agent serves at once; checks correct it.
    public init(rise: Int, fall: Int, errorRun: Int = 5, initial: State = .up) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        self.errorRun = errorRun
        self.state = initial
    }

    /// An active check finished.
    public mutating func checkResult(success: Bool) -> Transition? {
        success ? succeeded() : failed()
    }

    /// A proxied request could not connect, was reset or timed out.
    public mutating func passiveFailure() -> Transition? { failed() }

    /// A proxied request got a response with this status.
    public mutating func passiveResponse(status: Int) -> Transition? {
        guard status >= 500, status <= 599 else {
            serverErrors = 0
            return nil
        }
        serverErrors += 1
        guard errorRun > 0, serverErrors >= errorRun, state == .up else { return nil }
        serverErrors = 0
        return goDown()
    }

    private mutating func succeeded() -> Transition? {
        failures = 0
        successes += 1
        if successes >= rise { verified = true }
        guard state == .down, successes >= rise else { return nil }
        state = .up
        successes = 0
        return .wentUp
    }

    private mutating func failed() -> Transition? {
        successes = 0
        failures += 1
        guard state == .up, failures >= fall else { return nil }
        return goDown()
    }

    private mutating func goDown() -> Transition? {
        verified = true
        state = .down
        failures = 0
        successes = 0
        return .wentDown
    }
}
