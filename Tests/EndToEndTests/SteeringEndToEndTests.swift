import Foundation
import Testing
import TestSupport

/// Service names answered by steering, through the built binary and `dig +subnet`.
@Suite(.serialized)
struct SteeringEndToEndTests {
    static let regions = [
        "us-east.yaml": """
        region: us-east
        location: { lat: 39.04, lon: -77.49 }
        clients: [ "10.1.0.0/16", "2001:db8:1::/48" ]
        endpoints:
          - { name: use-www-a, address: 127.0.0.11, port: 8080, weight: 2, services: [ www.example.com ] }
          - { name: use-www-b, address: 127.0.0.12, port: 8080, services: [ www.example.com ] }
          - { name: use-www-6, address: "::1", port: 8080, services: [ www.example.com ] }
        """,
        "eu-west.yaml": """
        region: eu-west
        location: { lat: 53.35, lon: -6.26 }
        clients: [ "10.2.0.0/16" ]
        endpoints:
          - { name: euw-www-a, address: 127.0.0.21, port: 8080, services: [ www.example.com ] }
        """,
    ]

    /// The repo's zones with `www` turned into a steered service.
    static func setUp() throws -> (zones: URL, regions: URL) {
        let zones = try Repo.zonesCopy(extra: ["example.com.services.yaml": "www.example.com:\n  policy: nearest\n  ttl: 30\n  answers: 2\n"])
        let zoneFile = zones.appendingPathComponent("example.com.zone")
        let text = try String(contentsOf: zoneFile, encoding: .utf8)
        let withoutWWW = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("www ") && !$0.hasPrefix("        300 IN") }
        try withoutWWW.joined(separator: "\n").write(to: zoneFile, atomically: true, encoding: .utf8)
        let regions = try Repo.temporaryDirectory()
        for (name, text) in Self.regions { try text.write(to: regions.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return (zones, regions)
    }

    @Test func clientsGetTheirRegionsEndpointsWithTheScopeThatDecided() throws {
        let (zones, regions) = try Self.setUp()
        let check = try run(Repo.binary.path, ["check", "--zones", zones.path, "--regions", regions.path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("2 regions, 4 endpoints, 1 services OK"), "\(check.output)")

        let server = try MeridianProcess(zones: zones, arguments: ["--regions", regions.path])
        defer { server.stop() }
        let east = try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24")
        #expect(east.status == "NOERROR")
        #expect(east.flags.contains("aa"))
        #expect(Set(east.answers(ofType: "A")) == ["127.0.0.11", "127.0.0.12"], "\(east)")
        #expect(east.answer.allSatisfy { DigResult.fields($0)[1] == "30" }, "service TTL")
        #expect(east.clientSubnet == "10.1.2.0/24/16", "scope = the matched /16")
        let west = try dig(server, "www.example.com", "A", "+subnet=10.2.0.0/24")
        #expect(west.answers(ofType: "A") == ["127.0.0.21"])
        let v6 = try dig(server, "www.example.com", "AAAA", "+subnet=2001:db8:1::/56")
        #expect(v6.answers(ofType: "AAAA") == ["::1"])
        // Static data in the same zone is untouched.
        #expect(try dig(server, "mail.example.com", "A").answers(ofType: "A") == ["192.0.2.25"])
        // Other types at a service name: NODATA with the SOA.
        let txt = try dig(server, "www.example.com", "TXT")
        #expect(txt.status == "NOERROR" && txt.answer.isEmpty && txt.authority.count == 1)
    }

    @Test func checkReportsRegionErrorsWithFileAndLine() throws {
        let (zones, regions) = try Self.setUp()
        try "www.example.com:\n  policy: failover\n  failover: [ us-east, mars ]\n".write(to: zones.appendingPathComponent("example.com.services.yaml"), atomically: true, encoding: .utf8)
        let check = try run(Repo.binary.path, ["check", "--zones", zones.path, "--regions", regions.path])
        #expect(check.status == 1)
        #expect(check.output.contains("example.com.services.yaml:2: service www.example.com.: unknown region 'mars' in failover"), "\(check.output)")
    }

    @Test func healthReportsMoveAnswersToTheNextRegionAtOnce() throws {
        let (zones, regions) = try Self.setUp()
        let server = try MeridianProcess(zones: zones, arguments: ["--regions", regions.path, "--admin", "127.0.0.1:0"])
        defer { server.stop() }
        let admin = "http://127.0.0.1:\(server.adminPort)"
        #expect(Set(try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24").answers(ofType: "A")) == ["127.0.0.11", "127.0.0.12"])

        let started = Date()
        for endpoint in ["use-www-a", "use-www-b"] {
            let put = try run("curl", ["-sS", "-X", "PUT", "-d", "{\"up\": false}", "-w", "\n%{http_code}", "\(admin)/v1/endpoints/\(endpoint)/health"])
            #expect(put.output.hasSuffix("200"), "\(put.output)")
        }
        let failed = try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24")
        #expect(failed.answers(ofType: "A") == ["127.0.0.21"], "us-east clients go to eu-west")
        #expect(Date().timeIntervalSince(started) < TestTime.seconds(1), "within the same second")

        // explain --server uses the health the node reports.
        let explained = try run(Repo.binary.path, [
            "explain", "www.example.com", "--client", "10.1.2.0/24", "--server", admin, "--zones", zones.path, "--regions", regions.path,
        ])
        #expect(explained.output.contains("excluded use-www-a: down"), "\(explained.output)")
        #expect(explained.output.contains("→ www.example.com. 30 IN A 127.0.0.21"), "\(explained.output)")

        let state = try run("curl", ["-sS", "\(admin)/v1/state"]).output
        let json = try JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any]
        let east = (json?["regions"] as? [[String: Any]])?.first { $0["name"] as? String == "us-east" }
        let endpoints = east?["endpoints"] as? [[String: Any]] ?? []
        #expect(endpoints.filter { $0["up"] as? Bool == false }.count == 2, "\(state)")

        // Health survives a reload; recovery brings the region back.
        server.signal(SIGHUP)
        #expect(server.waitForLog("regions loaded"))
        #expect(try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24").answers(ofType: "A") == ["127.0.0.21"])
        _ = try run("curl", ["-sS", "-X", "PUT", "-d", "{\"up\": true, \"capacity\": 0.5}", "\(admin)/v1/endpoints/use-www-a/health"])
        #expect(try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24").answers(ofType: "A") == ["127.0.0.11"])

        let unknown = try run("curl", ["-sS", "-X", "PUT", "-d", "{\"up\": false}", "-w", "\n%{http_code}", "\(admin)/v1/endpoints/nope/health"])
        #expect(unknown.output.hasSuffix("404"))
        for body in ["up=false", "{\"up\": 1}", "{\"up\": true, \"capacity\": \"abc\"}", "{\"up\": true, \"capcity\": 0.1}", "{\"up\": true, \"capacity\": 2}"] {
            let bad = try run("curl", ["-sS", "-X", "PUT", "-d", body, "-w", "\n%{http_code}", "\(admin)/v1/endpoints/use-www-a/health"])
            #expect(bad.output.hasSuffix("400"), "\(body): \(bad.output)")
        }
    }

    @Test func failClosedAnswersNoDataWhenNothingIsHealthy() throws {
        let (zones, regions) = try Self.setUp()
        let server = try MeridianProcess(zones: zones, arguments: ["--regions", regions.path, "--admin", "127.0.0.1:0", "--fail-closed"])
        defer { server.stop() }
        for endpoint in ["use-www-a", "use-www-b", "euw-www-a"] {
            _ = try run("curl", ["-sS", "-X", "PUT", "-d", "{\"up\": false}", "http://127.0.0.1:\(server.adminPort)/v1/endpoints/\(endpoint)/health"])
        }
        let r = try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24")
        #expect(r.status == "NOERROR")
        #expect(r.answer.isEmpty && r.authority.count == 1, "NODATA with the SOA: \(r)")
    }

    @Test func failsOpenByDefault() throws {
        let (zones, regions) = try Self.setUp()
        let server = try MeridianProcess(zones: zones, arguments: ["--regions", regions.path, "--admin", "127.0.0.1:0"])
        defer { server.stop() }
        for endpoint in ["use-www-a", "use-www-b", "use-www-6", "euw-www-a"] {
            _ = try run("curl", ["-sS", "-X", "PUT", "-d", "{\"up\": false}", "http://127.0.0.1:\(server.adminPort)/v1/endpoints/\(endpoint)/health"])
        }
        let r = try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24")
        #expect(r.answers(ofType: "A").count == 2, "two of the three IPv4 endpoints, health ignored: \(r)")
        #expect(r.clientSubnet == "10.1.2.0/24/0", "the same for every client")
    }

    @Test func unmatchedClientsGoNearTheDefaultLocation() throws {
        let (zones, regions) = try Self.setUp()
        let server = try MeridianProcess(zones: zones, arguments: ["--regions", regions.path, "--default-location", "53,-6"])
        defer { server.stop() }
        #expect(try dig(server, "www.example.com", "A", "+subnet=192.0.2.0/24").answers(ofType: "A") == ["127.0.0.21"])
    }

    @Test func latencyPolicyFollowsReportedLatencyWithHysteresis() throws {
        let (zones, regions) = try Self.setUp()
        try "www.example.com:\n  policy: latency\n  ttl: 30\n  answers: 2\n".write(to: zones.appendingPathComponent("example.com.services.yaml"), atomically: true, encoding: .utf8)
        let server = try MeridianProcess(zones: zones, arguments: ["--regions", regions.path, "--admin", "127.0.0.1:0"])
        defer { server.stop() }
        func report(_ from: String, _ to: String, _ ms: Int) throws {
            let r = try run("curl", ["-sS", "-X", "PUT", "-d", "{\"from\": \"\(from)\", \"to\": \"\(to)\", \"ms\": \(ms)}", "-w", "\n%{http_code}", "http://127.0.0.1:\(server.adminPort)/v1/latency"])
            #expect(r.output.hasSuffix("200"), "\(r.output)")
        }
        func answers() throws -> Set<String> { Set(try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24").answers(ofType: "A")) }
        #expect(try answers() == ["127.0.0.11", "127.0.0.12"], "own region until something is measured")
        try report("us-east", "us-east", 100)
        try report("us-east", "eu-west", 20)
        #expect(try answers() == ["127.0.0.21"])
        try report("us-east", "us-east", 19)
        #expect(try answers() == ["127.0.0.21"], "19 ms is not clearly better than 20 ms: no flap")
        try report("us-east", "us-east", 5)
        #expect(try answers() == ["127.0.0.11", "127.0.0.12"])
    }

    @Test func adminWritesNeedTheTokenWhenOneIsSet() throws {
        let (zones, regions) = try Self.setUp()
        let tokenFile = try Repo.temporaryDirectory().appendingPathComponent("token")
        try "s3cret\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let server = try MeridianProcess(zones: zones, arguments: ["--regions", regions.path, "--admin", "127.0.0.1:0", "--admin-token-file", tokenFile.path])
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.adminPort)/v1/endpoints/use-www-a/health"
        let denied = try run("curl", ["-sS", "-X", "PUT", "-d", "{\"up\": false}", "-w", "\n%{http_code}", url])
        #expect(denied.output.hasSuffix("401"))
        let allowed = try run("curl", ["-sS", "-X", "PUT", "-H", "Authorization: Bearer s3cret", "-d", "{\"up\": false}", "-w", "\n%{http_code}", url])
        #expect(allowed.output.hasSuffix("200"))
    }
}

/// `meridian explain` on the repository's own zones and regions.
@Test func explainShowsTheDecision() throws {
    let result = try run(Repo.binary.path, [
        "explain", "www.example.com", "--client", "10.1.2.0/24", "--down", "use-www-a", "--down", "use-www-b",
        "--zones", Repo.root.appendingPathComponent("zones").path, "--regions", Repo.root.appendingPathComponent("regions").path,
    ])
    #expect(result.status == 0, "\(result.output)")
    for line in [
        "client region us-east: matches 10.1.0.0/16", "excluded use-www-a: down", "region us-east: no healthy IPv4 endpoint",
        "answering from region eu-west", "ECS scope /16",
    ] {
        #expect(result.output.contains(line), "\(line)\n\(result.output)")
    }
    #expect(result.output.contains("→ www.example.com. 30 IN A 127.0.0.21"))
    #expect(result.output.contains("→ www.example.com. 30 IN A 127.0.0.22"))
}
