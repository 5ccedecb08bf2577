import Foundation
import Testing

/// The built `meridian serve` answering real `dig` queries over UDP and TCP.
@Suite(.serialized)
struct QueryEndToEndTests {
    static let bigZone = """
    $TTL 60
    @ IN SOA ns.big.test. admin.big.test. 1 3600 600 86400 60
      IN NS ns
    ns IN A 192.0.2.1
    \((1...40).map { "txt IN TXT \"record \($0) \(String(repeating: "x", count: 90))\"" }.joined(separator: "\n"))
    """

    let zones: URL
    let server: MeridianProcess

    init() throws {
        zones = try Repo.zonesCopy(extra: ["big.test.zone": Self.bigZone])
        server = try MeridianProcess(zones: zones, arguments: ["--identity", "e2e-node", "--nsid", "e2e-nsid"])
    }

    @Test func authoritativeAnswerOverUDPAndTCP() throws {
        for transport in ["+notcp", "+tcp"] {
            let r = try dig(server, "status.example.com", "A", transport)
            #expect(r.status == "NOERROR")
            #expect(r.flags == ["qr", "aa", "rd"], "RA is never set; RD is copied")
            #expect(r.answers(ofType: "A") == ["192.0.2.101"])
            let steered = try dig(server, "www.example.com", "A", transport, "+subnet=10.1.0.0/16")
            #expect(steered.flags == ["qr", "aa", "rd"])
            #expect(Set(steered.answers(ofType: "A")) == ["127.0.0.11", "127.0.0.12"], "us-east's endpoints, from regions/")
        }
    }

    /// `--rate-limit`: over the limit, UDP answers come back truncated (slip 1: all of them), so
    /// that dig would retry over TCP; TCP itself is never limited.
    @Test func rateLimitedUDPAnswersAreTruncatedAndTCPStillAnswers() throws {
        let limited = try MeridianProcess(zones: zones, arguments: ["--rate-limit", "1", "--rate-limit-slip", "1"])
        var full = 0, truncated = 0
        for _ in 0..<12 {
            let r = try dig(limited, "status.example.com", "A", "+notcp", "+ignore", "+tries=1")
            #expect(r.status == "NOERROR")
            if r.flags.contains("tc") {
                truncated += 1
                #expect(r.answer.isEmpty, "a truncated answer carries the question only")
            } else {
                full += 1
            }
        }
        #expect(truncated >= 1 && full <= 8, "\(full) full, \(truncated) truncated")
        #expect(try dig(limited, "status.example.com", "A", "+tcp").answers(ofType: "A") == ["192.0.2.101"])
    }

    @Test func questionCaseIsPreserved() throws {
        let r = try dig(server, "sTaTuS.ExAmPlE.cOm", "AAAA")
        #expect(r.answer.first?.hasPrefix("sTaTuS.ExAmPlE.cOm.") == true)
        #expect(r.answers(ofType: "AAAA") == ["2001:db8::101"])
    }

    @Test func cnameChainAndWildcard() throws {
        let chain = try dig(server, "docs.example.com", "A", "+subnet=10.1.0.0/16")
        #expect(chain.answer.map { DigResult.fields($0)[3] } == ["CNAME", "CNAME", "A", "A"])
        let wild = try dig(server, "anything.apps.example.com", "A")
        #expect(wild.flags.contains("aa"))
        #expect(wild.answer.first?.hasPrefix("anything.apps.example.com.") == true)
        #expect(wild.answers(ofType: "A") == ["192.0.2.90"])
    }

    @Test func negativeAnswersCarryTheSOA() throws {
        let nx = try dig(server, "missing.example.com", "A")
        #expect(nx.status == "NXDOMAIN")
        #expect(nx.flags.contains("aa"))
        #expect(nx.authority.count == 1)
        #expect(DigResult.fields(nx.authority[0])[1] == "300", "min(SOA TTL 3600, MINIMUM 300)")
        let ent = try dig(server, "_tcp.example.com", "A")
        #expect(ent.status == "NOERROR")
        #expect(ent.answer.isEmpty)
        #expect(DigResult.fields(ent.authority.first ?? "").dropFirst(3).first == "SOA")
    }

    @Test func referralAndAdditionalSection() throws {
        let referral = try dig(server, "host.lab.example.com", "A", "+norec")
        #expect(referral.status == "NOERROR")
        #expect(!referral.flags.contains("aa"))
        #expect(referral.answer.isEmpty)
        #expect(referral.authority.map { DigResult.fields($0)[4] } == ["ns.lab.example.com."])
        #expect(referral.additional.contains { $0.hasPrefix("ns.lab.example.com.") && $0.hasSuffix("192.0.2.53") })
        let mx = try dig(server, "example.com", "MX")
        #expect(mx.additional.contains { $0.hasPrefix("mail.example.com.") })
        #expect(!mx.additional.contains { $0.contains("example.net") })
    }

    @Test func refusesNamesOutsideItsZones() throws {
        let r = try dig(server, "www.example.org", "A")
        #expect(r.status == "REFUSED")
        #expect(!r.flags.contains("aa"))
        #expect(!r.flags.contains("ra"))
    }

    @Test func ednsNSIDAndClientSubnet() throws {
        let r = try dig(server, "status.example.com", "A", "+nsid", "+subnet=10.1.0.0/16")
        #expect(r.edns?.contains("version: 0") == true)
        #expect(r.edns?.contains("udp: 1232") == true)
        #expect(r.nsid == "e2e-nsid")
        #expect(r.clientSubnet == "10.1.0.0/16/0", "scope 0: static data is the same for every subnet")
        let steered = try dig(server, "www.example.com", "A", "+subnet=10.1.2.0/24")
        #expect(steered.clientSubnet == "10.1.2.0/24/16", "scope 16: the us-east network decided")
        let badVersion = try dig(server, "status.example.com", "A", "+edns=1", "+noednsneg")
        #expect(badVersion.status == "BADVERS")
    }

    @Test func truncatesOverUDPAndCompletesOverTCP() throws {
        let udp = try dig(server, "txt.big.test", "TXT", "+bufsize=1232", "+ignore")
        #expect(udp.flags.contains("tc"))
        #expect(udp.messageSize <= 1232)
        #expect(udp.answer.isEmpty || udp.answer.count == 40, "whole RRsets only")
        let plain = try dig(server, "txt.big.test", "TXT", "+noedns", "+ignore")
        #expect(plain.flags.contains("tc"))
        #expect(plain.messageSize <= 512)
        let tcp = try dig(server, "txt.big.test", "TXT", "+tcp")
        #expect(!tcp.flags.contains("tc"))
        #expect(tcp.answer.count == 40)
        let retried = try dig(server, "txt.big.test", "TXT", "+bufsize=512")
        #expect(retried.answer.count == 40, "dig retries over TCP after TC")
    }

    @Test func anyGetsOneRRset() throws {
        let r = try dig(server, "example.com", "ANY")
        #expect(r.status == "NOERROR")
        #expect(Set(r.answer.map { DigResult.fields($0)[3] }).count == 1)
    }

    @Test func chaosIdentity() throws {
        let id = try dig(server, "id.server", "CH", "TXT")
        #expect(id.answer.first?.hasSuffix("\"e2e-node\"") == true)
        let version = try dig(server, "version.bind", "CH", "TXT")
        #expect(version.status == "REFUSED", "no --version-string configured")
    }

    @Test func stopsCleanlyOnSIGTERM() throws {
        #expect(try dig(server, "status.example.com").status == "NOERROR")
        #expect(server.stop() == 0)
    }
}

@Test func servesIPv6() throws {
    let zones = try Repo.zonesCopy()
    let server = try MeridianProcess(zones: zones, listen: "[::1]:0")
    defer { server.stop() }
    #expect(server.host == "::1")
    let r = try dig(server, "status.example.com", "AAAA")
    #expect(r.status == "NOERROR")
    #expect(r.answers(ofType: "AAAA") == ["2001:db8::101"])
}
