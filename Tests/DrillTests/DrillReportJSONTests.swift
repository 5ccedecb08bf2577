import Drill
import Foundation
import Testing

/// The JSON document: the report's own keys (it decodes as a `DrillReport`) beside the
/// recording's, stable and sorted.
@Suite struct DrillReportJSONTests {
    static let drill = SyntheticDrill.failover(excludeAfter: (300, 1240), readmitAfter: (100, nil))
    static let report = drill.report(SLO(excludeMs: 1000, httpErrors: 3))

    @Test func roundTripsIntoTheReport() throws {
        let data = try Self.report.json(recording: Self.drill.recording, includeSamples: true)
        #expect(try JSONDecoder().decode(DrillReport.self, from: data) == Self.report)
    }

    @Test func topLevelKeysAreSortedAndCarryTheDrillsShape() throws {
        let text = String(decoding: try Self.report.json(recording: Self.drill.recording, includeSamples: false), as: UTF8.self)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted())
        #expect(
            keys == [
                "clientRegions", "failedAddresses", "nodes", "passed", "phases", "regionOfAddress", "regions", "scenario", "slo", "totals",
            ])
        #expect(text.contains("\"faultAt\" : 1000"))
        #expect(text.contains("\"kind\" : \"fail-region\""))
    }

    @Test func samplesOnlyWhenAskedAndTheSameBytesEveryTime() throws {
        let recording = Self.drill.recording
        let with = try Self.report.json(recording: recording, includeSamples: true)
        let object = try JSONSerialization.jsonObject(with: with) as? [String: Any]
        let samples = object?["samples"] as? [String: Any]
        #expect((samples?["answers"] as? [Any])?.count == recording.answers.count)
        #expect(try Self.report.json(recording: recording, includeSamples: true) == with)
        let without =
            try JSONSerialization.jsonObject(with: Self.report.json(recording: recording, includeSamples: false)) as? [String: Any]
        #expect(without?["samples"] == nil)
    }

    @Test func sampleTimesAreRoundedToATenthOfAMillisecond() throws {
        var drill = SyntheticDrill()
        drill.recording.answers = [
            DNSAnswerSample(at: 12.345678, client: 0, node: 0, rcode: 0, addresses: ["127.0.0.11"], ttl: 5, latency: 0.43219)
        ]
        let text = String(decoding: try drill.report().json(recording: drill.recording, includeSamples: true), as: UTF8.self)
        #expect(text.contains("\"at\" : 12.3,"))
        #expect(text.contains("\"latency\" : 0.4,"))
    }
}
