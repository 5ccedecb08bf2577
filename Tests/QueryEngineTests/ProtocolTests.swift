import Testing
import DNSWire
import ZoneStore
@testable import QueryEngine

@Suite("Header, opcodes and malformed queries")
struct ProtocolTests {
    @Test(arguments: [UInt8(1), 2, 4, 5, 15])
    func otherOpcodesAreNotImplemented(_ opcode: UInt8) throws {
        var query = TestQuery("www.example.com.", .a, id: 0x7777)
        query.opcode = opcode
        let x = try exchange(query, snapshot: Fixture.snapshot)
        let response = try x.response()
        #expect(x.outcome == .respond(length: response.size, rcode: .notImp, qtype: .a))
        #expect(response.id == 0x7777)
        #expect(response.qr)
        #expect(response.opcode == opcode, "opcode echoed")
        #expect(response.rcode == .notImp)
        #expect(!response.aa && !response.tc && !response.ra)
        #expect(response.rd)
        #expect(response.question == [DecodedQuestion(name: "www.example.com.", type: .a, qclass: .in)])
        #expect(response.answer.isEmpty && response.authority.isEmpty && response.additional.isEmpty)
    }

    @Test func notifyIsNotImplemented() throws {
        var query = TestQuery("example.com.", .soa, rd: false)
        query.opcode = Opcode.notify.rawValue
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .notImp)
        #expect(response.opcode == 4)
        #expect(!response.rd && !response.aa)
        #expect(response.answer.isEmpty)
    }

    @Test func responsesAreDropped() throws {
        var response = TestQuery("www.example.com.", .a)
        response.qr = true
        #expect(try exchange(response, snapshot: Fixture.snapshot).outcome == .drop)
        // Anything shorter than a header.
        for length in [0, 1, 5, 11] {
            let packet = Array(TestQuery("www.example.com.", .a).bytes.prefix(length))
            #expect(try exchange(packet, snapshot: Fixture.snapshot).outcome == .drop, "\(length) bytes")
        }
    }

    /// FORMERR: header only, ID, opcode and RD echoed, all counts zero.
    private func expectFormErr(_ packet: [UInt8], id: UInt16, rd: Bool = true, opcode: UInt8 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try exchange(packet, snapshot: Fixture.snapshot)
        #expect(x.outcome == .respond(length: 12, rcode: .formErr, qtype: RRType(0)), sourceLocation: sourceLocation)
        let r = try x.response(sourceLocation: sourceLocation)
        #expect(r.id == id, sourceLocation: sourceLocation)
        #expect(r.qr && !r.aa && !r.tc && !r.ra, sourceLocation: sourceLocation)
        #expect(r.rd == rd, sourceLocation: sourceLocation)
        #expect(r.opcode == opcode, sourceLocation: sourceLocation)
        #expect(r.rcode == .formErr, sourceLocation: sourceLocation)
        #expect(x.raw[4..<12].allSatisfy { $0 == 0 }, "counts are zero", sourceLocation: sourceLocation)
    }

    @Test func twoQuestionsIsFormErr() throws {
        var query = TestQuery("www.example.com.", .a, id: 0xBEEF)
        query.qdCount = 2
        try expectFormErr(query.bytes, id: 0xBEEF)
        // Both questions really there: still FORMERR (RFC 9619: QDCOUNT must be 1).
        var two = TestQuery("www.example.com.", .a, id: 0xBEF0, rd: false)
        two.qdCount = 2
        let packet = two.bytes + wireName("example.com.") + [0, 1, 0, 1]
        try expectFormErr(packet, id: 0xBEF0, rd: false)
    }

    @Test func otherMalformedQueriesAreFormErr() throws {
        var none = TestQuery("www.example.com.", .a, id: 0x0102)
        none.qdCount = 0
        try expectFormErr(Array(none.bytes.prefix(12)), id: 0x0102)
        // Question cut short.
        let full = TestQuery("www.example.com.", .a, id: 0x0103).bytes
        try expectFormErr(Array(full.prefix(full.count - 2)), id: 0x0103)
        // Trailing garbage.
        try expectFormErr(TestQuery("www.example.com.", .a, id: 0x0104).bytes + [0], id: 0x0104)
        // A compression pointer in the question name.
        var pointer = Array(TestQuery("www.example.com.", .a, id: 0x0105).bytes.prefix(12))
        pointer += [3] + Array("www".utf8) + [0xC0, 0x0C, 0, 1, 0, 1]
        try expectFormErr(pointer, id: 0x0105)
        // Two OPT records.
        var twoOPT = TestQuery("www.example.com.", .a, id: 0x0106, edns: TestEDNS()).bytes
        let opt = Array(twoOPT.suffix(11))
        twoOPT[11] = 2
        try expectFormErr(twoOPT + opt, id: 0x0106)
        // Malformed ECS (scope must be 0 in a query).
        let badECS = TestQuery("www.example.com.", .a, id: 0x0107, edns: TestEDNS(extraOptions: [(8, [0, 1, 24, 8, 192, 0, 2])]))
        try expectFormErr(badECS.bytes, id: 0x0107)
    }

    @Test func headerOfAnAnswer() throws {
        var query = TestQuery("www.example.com.", .a, id: 0xFFFF)
        query.cd = true
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.id == 0xFFFF)
        // QR, AA, RD and CD set; opcode 0; RA, AD, Z clear; NOERROR.
        #expect(response.flags == 0x8000 | 0x0400 | 0x0100 | 0x0010)
    }
}

@Suite("EDNS (RFC 6891, 5001, 7871)")
struct EDNSTests {
    @Test func badVersIsExtendedRcode16() throws {
        let query = TestQuery("www.example.com.", .a, edns: TestEDNS(version: 1))
        let x = try exchange(query, snapshot: Fixture.snapshot)
        let response = try x.response()
        #expect(x.outcome == .respond(length: response.size, rcode: .badVers, qtype: .a))
        #expect(response.flags & 0xF == 0, "low RCODE bits are 0 for BADVERS")
        let opt = try #require(response.opt)
        #expect(opt.extendedRcode == 1)
        #expect(opt.version == 0, "answered as version 0")
        #expect(opt.payloadSize == 1232)
        #expect(response.rcode == .badVers)
        #expect(response.rcode.rawValue == 16)
        #expect(response.answer.isEmpty && response.authority.isEmpty && response.additional.isEmpty)
        #expect(!response.aa)
        #expect(response.question.map(\.name) == ["www.example.com."])
        #expect(response.optCount == 1)
    }

    @Test(arguments: [UInt8(1), 2, 255])
    func anyVersionAboveZeroIsBadVers(_ version: UInt8) throws {
        let response = try exchange(TestQuery("nothere.example.com.", .a, edns: TestEDNS(version: version)), snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .badVers)
        #expect(response.opt?.version == 0)
        #expect(response.authority.isEmpty)
    }

    @Test(arguments: [
        (UInt16(512), UInt16(1232)), (1232, 1232), (4096, 1232), (65535, 1232), (100, 1232),
    ])
    func optIsEchoedWithOurPayloadSize(_ sizes: (UInt16, UInt16)) throws {
        let (querySize, expected) = sizes
        let response = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(udpSize: querySize)), snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .noError)
        #expect(response.optCount == 1)
        let opt = try #require(response.opt)
        #expect(opt == DecodedOPT(payloadSize: expected, extendedRcode: 0, version: 0, dnssecOK: false, options: []))
        #expect(response.answer.count == 2)
    }

    @Test func payloadSizeFollowsConfiguration() throws {
        let snapshot = Fixture.snapshot(QueryEngineConfiguration(maxUDPPayload: 1400))
        let response = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(udpSize: 4096)), snapshot: snapshot).response()
        #expect(response.opt?.payloadSize == 1400)
    }

    @Test func dnssecOKIsEchoed() throws {
        let on = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(dnssecOK: true)), snapshot: Fixture.snapshot).response()
        #expect(on.opt?.dnssecOK == true)
        let off = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(dnssecOK: false)), snapshot: Fixture.snapshot).response()
        #expect(off.opt?.dnssecOK == false)
    }

    @Test func noOPTWithoutEDNS() throws {
        for name in ["www.example.com.", "nothere.example.com.", "lab.example.com.", "example.org."] {
            let response = try exchange(TestQuery(name, .a), snapshot: Fixture.snapshot).response()
            #expect(response.opt == nil, "\(name)")
            #expect(response.optCount == 0)
        }
    }

    @Test func optOnNegativeAndReferralAnswers() throws {
        let nx = try exchange(TestQuery("nothere.example.com.", .a, edns: TestEDNS()), snapshot: Fixture.snapshot).response()
        #expect(nx.rcode == .nxDomain)
        #expect(nx.opt?.extendedRcode == 0)
        expectSection(nx.authority, ["example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112501 7200 900 1209600 300"], "authority")
        let referral = try exchange(TestQuery("lab.example.com.", .a, edns: TestEDNS()), snapshot: Fixture.snapshot).response()
        #expect(!referral.aa)
        #expect(referral.optCount == 1)
        expectSection(referral.additional, ["ns.lab.example.com. 3600 IN A 192.0.2.53"], "additional (OPT apart)")
    }

    @Test func nsidWhenRequestedAndConfigured() throws {
        let response = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(nsid: true)), snapshot: Fixture.snapshot).response()
        let opt = try #require(response.opt)
        #expect(opt.options == [DecodedOption(code: 3, data: Array("meridian-test-1".utf8))])
        #expect(response.answer.count == 2)
    }

    @Test func noNSIDWhenNotRequested() throws {
        let response = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(nsid: false)), snapshot: Fixture.snapshot).response()
        #expect(response.opt?.options == [])
    }

    @Test func noNSIDWhenNotConfigured() throws {
        let response = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(nsid: true)), snapshot: Fixture.bare).response()
        let opt = try #require(response.opt)
        #expect(opt.options == [])
        #expect(response.rcode == .noError)
    }

    @Test func nsidOnErrorAnswers() throws {
        let refused = try exchange(TestQuery("example.org.", .a, edns: TestEDNS(nsid: true)), snapshot: Fixture.snapshot).response()
        #expect(refused.rcode == .refused)
        #expect(refused.opt?.option(3)?.data == Array("meridian-test-1".utf8))
        let badvers = try exchange(TestQuery("www.example.com.", .a, edns: TestEDNS(version: 1, nsid: true)), snapshot: Fixture.snapshot).response()
        #expect(badvers.rcode == .badVers)
        #expect(badvers.opt?.option(3)?.data == Array("meridian-test-1".utf8))
    }

    @Test(arguments: [
        (UInt16(1), UInt8(24), [UInt8(192), 0, 2]),
        (1, 32, [198, 51, 100, 7]),
        (1, 22, [10, 1, 4]),
        (1, 0, []),
        (2, 56, [0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x02]),
        (2, 128, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    ])
    func clientSubnetIsEchoedWithScopeZero(_ subnet: (UInt16, UInt8, [UInt8])) throws {
        let (family, source, address) = subnet
        let query = TestQuery("www.example.com.", .a, edns: TestEDNS(ecs: (family, source, address)))
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .noError)
        let opt = try #require(response.opt)
        #expect(opt.options == [DecodedOption(code: 8, data: [UInt8(family >> 8), UInt8(family & 0xFF), source, 0] + address)])
    }

    @Test func nsidAndClientSubnetTogether() throws {
        let ecs: (family: UInt16, source: UInt8, address: [UInt8]) = (1, 24, [192, 0, 2])
        let query = TestQuery("example.com.", .ns, edns: TestEDNS(dnssecOK: true, nsid: true, ecs: ecs))
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        let opt = try #require(response.opt)
        #expect(opt.dnssecOK)
        #expect(opt.options.count == 2)
        #expect(opt.option(3)?.data == Array("meridian-test-1".utf8))
        #expect(opt.option(8)?.data == [0, 1, 24, 0, 192, 0, 2])
        #expect(response.answer.count == 2)
        #expect(response.additional.count == 4)
    }

    @Test func unknownOptionsAreNotEchoed() throws {
        // A client cookie (RFC 7873, option 10) and an unassigned option.
        let query = TestQuery("www.example.com.", .a, edns: TestEDNS(extraOptions: [(10, [1, 2, 3, 4, 5, 6, 7, 8]), (65001, [9])]))
        let response = try exchange(query, snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .noError)
        #expect(response.opt?.options == [])
    }
}

@Suite("CHAOS class (RFC 4892)")
struct ChaosTests {
    @Test(arguments: [
        ("id.server.", "ns1.test.example"), ("hostname.bind.", "ns1.test.example"),
        ("version.bind.", "Meridian 0.1-test"), ("version.server.", "Meridian 0.1-test"),
        ("ID.Server.", "ns1.test.example"), ("VERSION.BIND.", "Meridian 0.1-test"),
    ])
    func configuredAnswers(_ item: (String, String)) throws {
        let (name, text) = item
        for type in [RRType.txt, .any] {
            let query = TestQuery(name, type, class: .chaos, id: 0x3131)
            let response = try exchange(query, snapshot: Fixture.snapshot).response()
            #expect(response.rcode == .noError)
            #expect(response.id == 0x3131)
            #expect(response.aa)
            #expect(!response.ra && !response.tc)
            #expect(response.question == [DecodedQuestion(name: name, type: type, qclass: .chaos)])
            #expect(response.answer.map(\.description) == ["\(name) 0 CH TXT \"\(text)\""])
            #expect(response.authority.isEmpty && response.additional.isEmpty)
        }
    }

    @Test(arguments: ["id.server.", "hostname.bind.", "version.bind.", "version.server."])
    func refusedWhenNotConfigured(_ name: String) throws {
        let response = try exchange(TestQuery(name, .txt, class: .chaos), snapshot: Fixture.bare).response()
        #expect(response.rcode == .refused)
        #expect(!response.aa)
        #expect(response.answer.isEmpty && response.authority.isEmpty && response.additional.isEmpty)
    }

    @Test func onlyIdentityConfigured() throws {
        let snapshot = Fixture.snapshot(QueryEngineConfiguration(identity: "only-id"))
        let id = try exchange(TestQuery("id.server.", .txt, class: .chaos), snapshot: snapshot).response()
        #expect(id.answer.map(\.description) == ["id.server. 0 CH TXT \"only-id\""])
        let version = try exchange(TestQuery("version.bind.", .txt, class: .chaos), snapshot: snapshot).response()
        #expect(version.rcode == .refused)
        #expect(version.answer.isEmpty)
    }

    @Test func otherChaosQueriesAreRefused() throws {
        for (name, type) in [("version.bind.", RRType.a), ("authors.bind.", .txt), ("www.example.com.", .txt), ("bind.", .txt)] {
            let response = try exchange(TestQuery(name, type, class: .chaos), snapshot: Fixture.snapshot).response()
            #expect(response.rcode == .refused, "\(name) \(type)")
            #expect(response.answer.isEmpty)
            #expect(!response.aa)
        }
    }

    @Test func chaosWithEDNS() throws {
        let response = try exchange(TestQuery("version.bind.", .txt, class: .chaos, edns: TestEDNS(nsid: true)), snapshot: Fixture.snapshot).response()
        #expect(response.answer.map(\.description) == ["version.bind. 0 CH TXT \"Meridian 0.1-test\""])
        #expect(response.opt?.option(3)?.data == Array("meridian-test-1".utf8))
    }

    @Test func longVersionIsCutTo255Bytes() throws {
        let long = String(repeating: "v", count: 300)
        let snapshot = Fixture.snapshot(QueryEngineConfiguration(version: long))
        let response = try exchange(TestQuery("version.bind.", .txt, class: .chaos), snapshot: snapshot).response()
        #expect(response.answer.count == 1)
        #expect(response.answer.first?.rdata == [255] + Array(repeating: UInt8(ascii: "v"), count: 255))
    }
}
