import DNSWire
import CoreMetrics
import QueryEngine
import Testing
@testable import DNSServer

/// Per-worker tallies and the exposition that sums them.
struct QueryTallyTests {
    /// `name{labels} value` lines of an exposition, by series.
    private func samples(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            result[String(parts[0])] = String(parts[1])
        }
        return result
    }

    @Test func everyTallyIsSummedInTheExposition() {
        let metrics = DNSMetrics(factory: NOOPMetricsHandler.instance)
        let first = metrics.makeWorkerTally()
        let second = metrics.makeWorkerTally()
        for _ in 0..<3 { first.record(.respond(length: 40, rcode: .noError, qtype: .a), transport: .udp, nanoseconds: 3_000) }
        second.record(.respond(length: 40, rcode: .nxDomain, qtype: .aaaa), transport: .udp, nanoseconds: 7_000)
        second.record(.respond(length: 40, rcode: .noError, qtype: .a), transport: .udp, nanoseconds: 2_000_000_000)
        second.record(.drop, transport: .udp, nanoseconds: 0)
        metrics.record(.respond(length: 40, rcode: .refused, qtype: RRType(99)), transport: .tcp, nanoseconds: 30_000)

        #expect(metrics.responseCount == 6)
        let s = samples(metrics.exposition())
        #expect(s[#"meridian_dns_responses_total{transport="udp",qtype="A",rcode="NOERROR"}"#] == "4")
        #expect(s[#"meridian_dns_responses_total{transport="udp",qtype="AAAA",rcode="NXDOMAIN"}"#] == "1")
        #expect(s[#"meridian_dns_responses_total{transport="tcp",qtype="other",rcode="REFUSED"}"#] == "1")
        #expect(s[#"meridian_dns_responses_total{transport="tcp",qtype="A",rcode="NOERROR"}"#] == "0")
        #expect(s["meridian_dns_dropped_total"] == "1")
        // Buckets are cumulative: 3 at 3 µs ≤ 5 µs, one more at 7 µs ≤ 10 µs, the 2 s one only in +Inf.
        #expect(s[#"meridian_dns_query_duration_seconds_bucket{transport="udp",le="0.000005"}"#] == "3")
        #expect(s[#"meridian_dns_query_duration_seconds_bucket{transport="udp",le="0.00001"}"#] == "4")
        #expect(s[#"meridian_dns_query_duration_seconds_bucket{transport="udp",le="1"}"#] == "4")
        #expect(s[#"meridian_dns_query_duration_seconds_bucket{transport="udp",le="+Inf"}"#] == "5")
        #expect(s[#"meridian_dns_query_duration_seconds_count{transport="udp"}"#] == "5")
        #expect(s[#"meridian_dns_query_duration_seconds_sum{transport="udp"}"#] == "2.000016")
        #expect(s[#"meridian_dns_query_duration_seconds_count{transport="tcp"}"#] == "1")
    }

    @Test func secondsAreWrittenWithoutAnExponent() {
        #expect(DNSMetrics.secondsText(nanoseconds: 25_000) == "0.000025")
        #expect(DNSMetrics.secondsText(nanoseconds: 1_000_000_000) == "1")
        #expect(DNSMetrics.secondsText(nanoseconds: 2_500_000_000) == "2.5")
        #expect(DNSMetrics.secondsText(nanoseconds: 0) == "0")
    }
}
