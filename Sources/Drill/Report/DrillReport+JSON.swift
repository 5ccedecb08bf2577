import Foundation

extension DrillReport {
    /// The report as JSON, for CI and archives: pretty-printed with sorted keys, so that the same
    /// drill gives the same bytes and two reports diff cleanly. The report's own keys are at the
    /// top level (the document decodes as a `DrillReport`); next to them the recording's client
    /// regions, failed addresses and address regions, and with `includeSamples` every answer and
    /// request under `samples`. Times are milliseconds since the drill started, to a tenth.
    public func json(recording: DrillRecording, includeSamples: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(DrillReportDocument(report: self, recording: recording, includeSamples: includeSamples))
    }
}

/// The report's keys with the recording's beside them, in one JSON object.
private struct DrillReportDocument: Encodable {
    let report: DrillReport
    let recording: DrillRecording
    let includeSamples: Bool

    private enum Key: String, CodingKey {
        case clientRegions, failedAddresses, regionOfAddress, samples
    }

    func encode(to encoder: any Encoder) throws {
        // Both keyed containers of one encoder write into the same object.
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(recording.clientRegions, forKey: .clientRegions)
        try container.encode(recording.failedAddresses.sorted(), forKey: .failedAddresses)
        try container.encode(recording.regionOfAddress, forKey: .regionOfAddress)
        if includeSamples {
            try container.encode(Samples(recording), forKey: .samples)
        }
    }
}

/// Every answer and request of the recording, in its order, with times rounded like the report's.
private struct Samples: Encodable {
    let answers: [DNSAnswerSample]
    let requests: [HTTPRequestSample]

    init(_ recording: DrillRecording) {
        answers = recording.answers.map { answer in
            var rounded = answer
            rounded.at = Milliseconds.rounded(answer.at)
            rounded.latency = Milliseconds.rounded(answer.latency)
            return rounded
        }
        requests = recording.requests.map { request in
            var rounded = request
            rounded.at = Milliseconds.rounded(request.at)
            return rounded
        }
    }
}
