import Foundation
import Testing

/// The status page, `/metrics`, `/v1/summary` and `/v1/events` of `meridian serve` (the repo's
/// zones and regions), fetched with curl after real queries from dig.
@Suite(.serialized)
struct StatusEndToEndTests {
    static func serve() throws -> (server: MeridianProcess, admin: String) {
        let server = try MeridianProcess(zones: try Repo.zonesCopy(), arguments: ["--admin", "127.0.0.1:0"])
        return (server, "http://127.0.0.1:\(server.adminPort)")
    }

    /// GET with curl, generous timeout; the body, then the status code on the last line.
    static func get(_ url: String, headers: Bool = false) throws -> (status: Int, body: String) {
        let output = try run("curl", ["-sS", "-m", "20", "-w", "\n%{http_code}"] + (headers ? ["-i"] : []) + [url]).output
        let split = output.lastIndex(of: "\n").map { output.index(after: $0) } ?? output.startIndex
        return (Int(output[split...]) ?? 0, String(output[..<split]))
    }

    static func json(_ url: String) throws -> [String: Any] {
        let (status, body) = try get(url)
        #expect(status == 200, "\(url): \(body)")
        return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(url) is not a JSON object: \(body)")
    }

    /// `/metrics` as `name{labels}` → value.
    static func samples(_ admin: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in try get(admin + "/metrics").body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return samples
    }

    @Test func theStatusPageIsServedWholeWithNothingFromElsewhere() throws {
        let (server, admin) = try Self.serve()
        defer { server.stop() }
        for path in ["/", "/status"] {
            let (status, response) = try Self.get(admin + path, headers: true)
            #expect(status == 200)
            let head = response.components(separatedBy: "\r\n\r\n").first?.lowercased() ?? ""
            #expect(head.contains("content-type: text/html"), "\(head)")
            let body = response.dropFirst(head.count)
            #expect(body.contains("<!doctype html>") && body.contains("</html>"))
            for external in ["http://", "https://", "<script src", "<link"] {
                #expect(!body.contains(external), "\(path) refers to something elsewhere: \(external)")
            }
        }
    }

    @Test func steeredAnswersAreCountedByRegionAndTheSummaryAgrees() throws {
        let (server, admin) = try Self.serve()
        defer { server.stop() }
        for (subnet, times) in [("10.2.0.0/24", 3), ("10.1.0.0/24", 2)] {
            for _ in 0..<times {
                let answer = try dig(server, "www.example.com", "A", "+subnet=\(subnet)")
                #expect(answer.status == "NOERROR" && !answer.answers(ofType: "A").isEmpty, "\(answer)")
            }
        }
        #expect(try dig(server, "status.example.com", "A").status == "NOERROR", "static data: no steered answer")

        // Counted before the answer is sent, so no wait is needed.
        let series = { (region: String) in #"meridian_dns_steered_answers_total{service="www.example.com.",region="\#(region)"}"# }
        let samples = try Self.samples(admin)
        #expect(samples[series("eu-west")] == 3)
        #expect(samples[series("us-east")] == 2)
        #expect(samples[series("ap-south")] == 0)
        #expect(samples[#"meridian_dns_query_duration_seconds_bucket{transport="udp",le="0.000025"}"#] != nil, "sub-millisecond buckets")

        let summary = try Self.json(admin + "/v1/summary")
        #expect(summary["queries"] as? Int == 6)
        let steered = try #require(summary["steeredAnswers"] as? [String: Any])
        #expect(steered["total"] as? Int == 5)
        #expect(steered["byRegion"] as? [String: Int] == ["eu-west": 3, "us-east": 2, "ap-south": 0])
        #expect(steered["byService"] as? [String: [String: Int]] == ["www.example.com.": ["eu-west": 3, "us-east": 2, "ap-south": 0]])
    }

    @Test func aHealthReportIsAnEventAndATransition() throws {
        let (server, admin) = try Self.serve()
        defer { server.stop() }
        #expect(try (Self.json(admin + "/v1/events")["events"] as? [Any])?.isEmpty == true)
        let put = try run("curl", ["-sS", "-m", "20", "-X", "PUT", "-d", #"{"up": false}"#, "-w", "\n%{http_code}", admin + "/v1/endpoints/use-www-a/health"])
        #expect(put.output.hasSuffix("\n200"), "\(put.output)")

        let events = try #require(try Self.json(admin + "/v1/events")["events"] as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events.first?["endpoint"] as? String == "use-www-a")
        #expect(events.first?["region"] as? String == "us-east")
        #expect(events.first?["up"] as? Bool == false)
        #expect(events.first?["source"] as? String == "admin")
        let samples = try Self.samples(admin)
        #expect(samples[#"meridian_health_transitions_total{endpoint="use-www-a",to="down"}"#] == 1)
        #expect(samples[#"meridian_health_transitions_total{endpoint="use-www-a",to="up"}"#] == 0)

        let state = try Self.json(admin + "/v1/state")
        let endpoints = (state["regions"] as? [[String: Any]] ?? []).flatMap { $0["endpoints"] as? [[String: Any]] ?? [] }
        #expect(endpoints.first { $0["name"] as? String == "use-www-a" }?["state"] as? String == "down")
    }
}
