/// What the simulated HTTP clients of one region saw following their DNS answers.
public struct HTTPFigures: Sendable, Codable, Equatable {
    /// Requests and errors over the whole drill.
    public var requests: Int
    public var errors: Int
    /// Requests and errors sent during the fault.
    public var faultRequests: Int
    public var faultErrors: Int
    /// The longest outage a client saw: from the first error of a run of consecutive errors to
    /// the next success, or to the run's last error when the drill ended first. 0 without errors.
    public var longestErrorRunMs: Double

    public init(requests: Int, errors: Int, faultRequests: Int, faultErrors: Int, longestErrorRunMs: Double) {
        self.requests = requests
        self.errors = errors
        self.faultRequests = faultRequests
        self.faultErrors = faultErrors
        self.longestErrorRunMs = longestErrorRunMs
    }

    /// The figures of one client region's requests (in any order).
    init(requests: [HTTPRequestSample], phases: DrillPhases) {
        let ordered = requests.sorted { $0.at < $1.at }
        let duringFault = ordered.filter { phases.phase(of: $0.at) == .fault }
        self.init(
            requests: ordered.count,
            errors: ordered.count(where: \.isError),
            faultRequests: duringFault.count,
            faultErrors: duringFault.count(where: \.isError),
            longestErrorRunMs: Milliseconds.rounded(Self.longestErrorRun(ordered))
        )
    }

    private static func longestErrorRun(_ ordered: [HTTPRequestSample]) -> Double {
        var longest = 0.0
        var runStart: Double?
        var lastError = 0.0
        for request in ordered {
            if request.isError {
                if runStart == nil { runStart = request.at }
                lastError = request.at
            } else if let start = runStart {
                longest = max(longest, request.at - start)
                runStart = nil
            }
        }
        if let start = runStart { longest = max(longest, lastError - start) }
        return longest
    }
}
