/// What the probes achieved over the whole drill: shows whether the drill measured densely enough
/// for its figures to mean anything.
public struct DrillTotals: Sendable, Codable, Equatable {
    /// Every DNS query recorded.
    public var answers: Int
    /// Queries with no response within the timeout.
    public var lost: Int
    /// Responses with an rcode other than NOERROR.
    public var errorResponses: Int
    /// Queries per second over the drill, all client regions and nodes together.
    public var queriesPerSecond: Double
    /// The mean time between two queries of one client region to one node (the probes aim at
    /// 20 ms or less); nil without queries.
    public var meanQueryIntervalMs: Double?
    public var requests: Int
    public var httpErrors: Int

    public init(
        answers: Int, lost: Int, errorResponses: Int, queriesPerSecond: Double, meanQueryIntervalMs: Double?, requests: Int, httpErrors: Int
    ) {
        self.answers = answers
        self.lost = lost
        self.errorResponses = errorResponses
        self.queriesPerSecond = queriesPerSecond
        self.meanQueryIntervalMs = meanQueryIntervalMs
        self.requests = requests
        self.httpErrors = httpErrors
    }

    public init(_ recording: DrillRecording) {
        let answers = recording.answers.count
        let streams = recording.clientRegions.count * recording.nodes.count
        let seconds = recording.endAt / 1000
        self.init(
            answers: answers,
            lost: recording.answers.count { $0.rcode == nil },
            errorResponses: recording.answers.count { $0.rcode.map { $0 != DNSAnswerSample.noError } ?? false },
            queriesPerSecond: seconds > 0 ? (Double(answers) / seconds * 10).rounded() / 10 : 0,
            meanQueryIntervalMs: answers > 0 && streams > 0
                ? Milliseconds.rounded(recording.endAt * Double(streams) / Double(answers)) : nil,
            requests: recording.requests.count,
            httpErrors: recording.requests.count(where: \.isError)
        )
    }
}
