/// A drill's answers as one time-ordered stream per client region and DNS node: the unit that
/// convergence is measured on, since every node learns of a fault on its own.
struct AnswerStreams {
    /// `byClient[client][node]`, ordered by the time the query was sent. Samples whose client or
    /// node index is outside the recording's lists belong to no stream.
    let byClient: [[[DNSAnswerSample]]]

    init(_ recording: DrillRecording) {
        let emptyRow = Array(repeating: [DNSAnswerSample](), count: recording.nodes.count)
        var streams = Array(repeating: emptyRow, count: recording.clientRegions.count)
        for answer in recording.answers where streams.indices.contains(answer.client) && emptyRow.indices.contains(answer.node) {
            streams[answer.client][answer.node].append(answer)
        }
        byClient = streams.map { nodes in nodes.map { $0.sorted { $0.at < $1.at } } }
    }
}
