/// The objectives a drill is judged by; a missed one makes `meridian drill` exit non-zero.
public struct SLO: Sendable, Codable, Equatable {
    /// Longest time from the fault until every DNS node stops answering a client region with the
    /// failed endpoints.
    public var excludeMs: Double
    /// Most answers with failed endpoints a node may give a client region after it first
    /// excluded them (flapping).
    public var staleAnswers: Int
    /// Longest time from recovery until every DNS node answers a client region with the
    /// recovered endpoints again (for regions that had them before the fault).
    public var readmitMs: Double
    /// Most HTTP errors a client region may see following its answers; nil: not judged.
    public var httpErrors: Int?

    public init(excludeMs: Double = 3000, staleAnswers: Int = 0, readmitMs: Double = 5000, httpErrors: Int? = nil) {
        self.excludeMs = excludeMs
        self.staleAnswers = staleAnswers
        self.readmitMs = readmitMs
        self.httpErrors = httpErrors
    }
}
