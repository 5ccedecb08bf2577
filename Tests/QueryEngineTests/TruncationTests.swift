import Testing
import DNSWire
import ZoneStore
@testable import QueryEngine

/// Records per (section, owner, type): the RRsets a message carries and how many records each.
private func rrsetSizes(_ records: [DecodedRecord]) -> [String: Int] {
    records.reduce(into: [:]) { $0["\($1.name.lowercased()) \($1.type)", default: 0] += 1 }
}

/// RFC 2181 §9: a truncated response carries whole RRsets only. Every RRset in `truncated` must
/// have as many records as in the complete (TCP) response to the same query.
private func expectWholeRRsets(_ truncated: DecodedMessage, complete: DecodedMessage, sourceLocation: SourceLocation = #_sourceLocation) {
    let sections = [
        ("answer", truncated.answer, complete.answer),
        ("authority", truncated.authority, complete.authority),
        ("additional", truncated.additional, complete.additional),
    ]
    for (section, part, whole) in sections {
        let full = rrsetSizes(whole)
        for (key, count) in rrsetSizes(part) {
            #expect(full[key] == count, "partial RRset \(key) in \(section): \(count) of \(full[key] ?? 0)", sourceLocation: sourceLocation)
        }
    }
}

private let txtStrings = (0..<40).map { String(format: "%03d", $0) + String(repeating: "x", count: 97) }

@Suite("Truncation (RFC 1035 §4.2.1, RFC 2181 §9, RFC 6891 §6.2.5)")
struct TruncationTests {
    func complete(_ query: TestQuery) throws -> DecodedMessage {
        let response = try exchange(query, snapshot: Fixture.snapshot, client: tcpClient).response()
        #expect(!response.tc)
        return response
    }

    @Test func udpWithoutEDNSIsCutAt512() throws {
        let query = TestQuery("txt.big.test.", .txt)
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .noError)
        #expect(response.tc)
        #expect(response.aa)
        #expect(response.size <= 512)
        #expect([0, 40].contains(response.answer.count), "no partial RRset: \(response.answer.count) records")
        #expect(response.answer.count == 0, "40 TXT of ~113 bytes cannot fit in 512")
        #expect(response.question == [DecodedQuestion(name: "txt.big.test.", type: .txt, qclass: .in)])
        #expect(response.opt == nil)
        expectWholeRRsets(response, complete: try complete(query))
    }

    @Test func ednsIsCappedByMaxUDPPayload() throws {
        let query = TestQuery("txt.big.test.", .txt, edns: TestEDNS(udpSize: 4096))
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.tc)
        #expect(response.size <= 1232)
        #expect([0, 40].contains(response.answer.count))
        #expect(response.opt?.payloadSize == 1232, "OPT kept in a truncated response")
        #expect(response.optCount == 1)
        expectWholeRRsets(response, complete: try complete(query))
    }

    @Test func smallerClientBufferWins() throws {
        let query = TestQuery("txt.big.test.", .txt, edns: TestEDNS(udpSize: 600, nsid: true, ecs: (1, 24, [192, 0, 2])))
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.tc)
        #expect(response.size <= 600)
        #expect([0, 40].contains(response.answer.count))
        // NSID and ECS survive truncation: their room was kept.
        #expect(response.opt?.option(3)?.data == Array("meridian-test-1".utf8))
        #expect(response.opt?.option(8)?.data == [0, 1, 24, 0, 192, 0, 2])
    }

    @Test func largeEnoughUDPBufferIsComplete() throws {
        let snapshot = Fixture.snapshot(QueryEngineConfiguration(maxUDPPayload: 8192))
        let response = try exchange(TestQuery("txt.big.test.", .txt, edns: TestEDNS(udpSize: 8192)), snapshot: snapshot).response()
        #expect(!response.tc)
        #expect(response.answer.count == 40)
        #expect(response.size > 4096 && response.size <= 8192)
        #expect(response.opt?.payloadSize == 8192)
    }

    @Test func tcpIsComplete() throws {
        for edns in [nil, TestEDNS(udpSize: 512)] {
            let response = try exchange(TestQuery("txt.big.test.", .txt, edns: edns), snapshot: Fixture.snapshot, client: tcpClient).response()
            #expect(!response.tc)
            #expect(response.aa)
            #expect(response.rcode == .noError)
            #expect(response.answer.count == 40)
            #expect(Set(response.answer.map(\.rdataText)) == Set(txtStrings.map { "\"\($0)\"" }))
            #expect(response.answer.allSatisfy { $0.name == "txt.big.test." && $0.ttl == 3600 && $0.type == .txt })
            #expect(response.size > 4096)
            #expect((response.opt != nil) == (edns != nil))
        }
    }

    @Test func chainStopsAtTheRRsetThatDoesNotFit() throws {
        let query = TestQuery("totxt.big.test.", .txt)
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.tc)
        #expect(response.size <= 512)
        #expect(response.answer.map(\.canonical) == ["totxt.big.test. 3600 in cname txt.big.test."])
        let whole = try complete(query)
        #expect(whole.answer.count == 41)
        expectWholeRRsets(response, complete: whole)
    }

    /// Optional additional data that does not fit is left out without TC (RFC 2181 §9).
    @Test func additionalThatDoesNotFitIsDroppedWithoutTC() throws {
        let query = TestQuery("mx.big.test.", .mx)
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(!response.tc)
        #expect(response.size <= 512)
        #expect(response.answer.map(\.canonical) == ["mx.big.test. 3600 in mx 10 hosts.big.test."])
        #expect([0, 40].contains(response.additional.count))
        expectWholeRRsets(response, complete: try complete(query))

        let edns = try exchange(TestQuery("mx.big.test.", .mx, edns: TestEDNS(udpSize: 1232)), snapshot: Fixture.snapshot).response()
        #expect(!edns.tc)
        #expect(edns.additional.count == 40)
    }

    /// Glue a referral needs sets TC when it does not fit (RFC 9471 §3).
    @Test func referralGlueThatDoesNotFitSetsTC() throws {
        let query = TestQuery("host.wide.big.test.", .a)
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.tc)
        #expect(!response.aa)
        #expect(response.size <= 512)
        let whole = try complete(query)
        #expect(whole.authority.map(\.canonical) == ["wide.big.test. 3600 in ns ns.wide.big.test."])
        #expect(whole.additional.count == 60)
        #expect(whole.additional.allSatisfy { $0.name == "ns.wide.big.test." && $0.type == .a })
        expectWholeRRsets(response, complete: whole)

        let edns = try exchange(TestQuery("host.wide.big.test.", .a, edns: TestEDNS(udpSize: 1232)), snapshot: Fixture.snapshot).response()
        #expect(!edns.tc)
        #expect(edns.size <= 1232)
        #expect(edns.authority.count == 1)
        #expect(edns.additional.count == 60)
    }

    /// Every case of the answer table fits in 512 bytes, so none of them may be truncated, and
    /// over TCP the same answer comes back.
    @Test(arguments: answerCases)
    func tcpGivesTheSameAnswers(_ c: Case) throws {
        let udp = try exchange(c.query, snapshot: Fixture.snapshot).response()
        let tcp = try exchange(c.query, snapshot: Fixture.snapshot, client: tcpClient).response()
        #expect(udp.summary == tcp.summary)
    }
}

extension DecodedMessage {
    /// Header and sections as text, for comparing two decoded responses.
    var summary: String {
        ([String(id), String(flags)] + question.map(\.description) + answer.map(\.canonical) + ["|"] + authority.map(\.canonical) + ["|"] + additional.map(\.canonical)).joined(separator: "\n")
    }
}
