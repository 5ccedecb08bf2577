import Testing
import DNSWire
import ZoneStore
@testable import QueryEngine

/// One query and the exact response expected, in the spirit of CoreDNS's `test.Case`.
/// Records are written like zone file lines; names compare case-insensitively (compression may
/// borrow the question's case), everything else exactly, in order.
struct Case: Sendable, CustomTestStringConvertible {
    var query: TestQuery
    var rcode: ResponseCode = .noError
    var aa = true
    var tc = false
    var answer: [String] = []
    var authority: [String] = []
    var additional: [String] = []

    var testDescription: String { "\(query.name) \(query.qclass) \(query.type)" }
}

private func q(_ name: String, _ type: RRType, class c: RRClass = .in) -> TestQuery { TestQuery(name, type, class: c) }

private let soa = "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112501 7200 900 1209600 300"
private let bigSOA = "big.test. 60 IN SOA ns.big.test. admin.big.test. 7 3600 600 86400 3600"
private let www = ["www.example.com. 300 IN A 192.0.2.80", "www.example.com. 300 IN A 192.0.2.81"]
private let labReferral = (
    authority: ["lab.example.com. 3600 IN NS ns.lab.example.com."],
    additional: ["ns.lab.example.com. 3600 IN A 192.0.2.53"]
)

let answerCases: [Case] = [
    // Exact answers.
    Case(query: q("www.example.com.", .a), answer: www),
    Case(query: q("www.example.com.", .aaaa), answer: ["www.example.com. 300 IN AAAA 2001:db8::80"]),
    Case(query: q("example.com.", .a), answer: ["example.com. 3600 IN A 192.0.2.10"]),
    Case(query: q("example.com.", .txt), answer: ["example.com. 3600 IN TXT \"v=spf1 mx -all\""]),
    Case(query: q("example.com.", .soa), answer: ["example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2026112501 7200 900 1209600 300"]),
    Case(query: q("example.com.", .caa), authority: [soa]),  // no CAA in the test zone: NODATA
    Case(query: q("opaque.example.com.", RRType(65534)), answer: ["opaque.example.com. 3600 IN TYPE65534 \\# 4 0A000001"]),
    // QCLASS=ANY: answered, but not authoritatively (RFC 6895 §3.2).
    Case(query: q("www.example.com.", .a, class: .any), aa: false, answer: www),

    // CNAME chains (RFC 1034 §4.3.2 step 3a).
    Case(query: q("api.example.com.", .a), answer: ["api.example.com. 3600 IN CNAME www.example.com."] + www),
    Case(query: q("docs.example.com.", .a), answer: [
        "docs.example.com. 3600 IN CNAME api.example.com.", "api.example.com. 3600 IN CNAME www.example.com.",
    ] + www),
    Case(query: q("docs.example.com.", .aaaa), answer: [
        "docs.example.com. 3600 IN CNAME api.example.com.", "api.example.com. 3600 IN CNAME www.example.com.",
        "www.example.com. 300 IN AAAA 2001:db8::80",
    ]),
    Case(query: q("docs.example.com.", .cname), answer: ["docs.example.com. 3600 IN CNAME api.example.com."]),
    Case(query: q("api.example.com.", .cname), answer: ["api.example.com. 3600 IN CNAME www.example.com."]),
    // Chain ends in NODATA: the target's SOA goes in authority, NOERROR.
    Case(query: q("docs.example.com.", .mx), answer: [
        "docs.example.com. 3600 IN CNAME api.example.com.", "api.example.com. 3600 IN CNAME www.example.com.",
    ], authority: [soa]),
    // Chain into a wildcard: the synthesised owner is the CNAME target.
    Case(query: q("alias.example.com.", .a), answer: [
        "alias.example.com. 3600 IN CNAME foo.apps.example.com.", "foo.apps.example.com. 3600 IN A 192.0.2.90",
    ]),
    // Chain ends in a name that does not exist: RCODE is the last name's (RFC 6604), AA kept.
    Case(query: q("dangling.example.com.", .a), rcode: .nxDomain, answer: ["dangling.example.com. 3600 IN CNAME nothere.example.com."], authority: [soa]),
    // Chain leaves the served zones: only the CNAME.
    Case(query: q("outside.example.com.", .a), answer: ["outside.example.com. 3600 IN CNAME www.example.net."]),
    // Chain into a delegation: the CNAME only, the resolver follows it.
    // A CNAME into a delegation: the chain, then the referral (RFC 1034 §4.3.2 step 3b after 3a).
    Case(
        query: q("tolab.example.com.", .a), answer: ["tolab.example.com. 3600 IN CNAME host.lab.example.com."],
        authority: labReferral.authority, additional: labReferral.additional
    ),
    // A loop is cut short; every record appears once.
    Case(query: q("loop1.example.com.", .a), answer: [
        "loop1.example.com. 3600 IN CNAME loop2.example.com.", "loop2.example.com. 3600 IN CNAME loop1.example.com.",
    ]),

    // Chain length: at most 8 CNAMEs are followed (9 in the answer), as NSD does.
    Case(query: q("c2.example.com.", .a), answer: (2..<10).map { "c\($0).example.com. 3600 IN CNAME c\($0 + 1).example.com." }
         + ["c10.example.com. 3600 IN A 192.0.2.110"]),
    Case(query: q("c0.example.com.", .a), answer: (0..<9).map { "c\($0).example.com. 3600 IN CNAME c\($0 + 1).example.com." }),

    // Wildcards (RFC 4592): the owner is the query name.
    Case(query: q("foo.apps.example.com.", .a), answer: ["foo.apps.example.com. 3600 IN A 192.0.2.90"]),
    Case(query: q("foo.apps.example.com.", .txt), answer: ["foo.apps.example.com. 3600 IN TXT \"wildcard\""]),
    Case(query: q("a.b.apps.example.com.", .txt), answer: ["a.b.apps.example.com. 3600 IN TXT \"wildcard\""]),
    Case(query: q("foo.apps.example.com.", .mx), authority: [soa]),
    Case(query: q("*.apps.example.com.", .a), answer: ["*.apps.example.com. 3600 IN A 192.0.2.90"]),
    // An existing name blocks the wildcard, and so do names below it (closest encloser real.apps).
    Case(query: q("real.apps.example.com.", .a), answer: ["real.apps.example.com. 3600 IN A 192.0.2.91"]),
    Case(query: q("real.apps.example.com.", .txt), authority: [soa]),
    Case(query: q("x.real.apps.example.com.", .a), rcode: .nxDomain, authority: [soa]),
    Case(query: q("apps.example.com.", .a), authority: [soa]),

    // Empty non-terminal and NODATA (RFC 2308 §2.2): SOA TTL = min(SOA TTL, MINIMUM).
    Case(query: q("_tcp.example.com.", .a), authority: [soa]),
    Case(query: q("_tcp.example.com.", .srv), authority: [soa]),
    Case(query: q("_tcp.example.com.", .any), authority: [soa]),
    Case(query: q("www.example.com.", .mx), authority: [soa]),
    Case(query: q("mail.example.com.", .aaaa), authority: [soa]),
    Case(query: q("small.big.test.", .mx), authority: [bigSOA]),

    // NXDOMAIN (RFC 2308 §2.1).
    Case(query: q("nothere.example.com.", .a), rcode: .nxDomain, authority: [soa]),
    Case(query: q("a.b.c.example.com.", .aaaa), rcode: .nxDomain, authority: [soa]),
    Case(query: q("x._tcp.example.com.", .srv), rcode: .nxDomain, authority: [soa]),
    Case(query: q("nothere.big.test.", .a), rcode: .nxDomain, authority: [bigSOA]),

    // Referrals (RFC 1034 §4.3.2 step 3b): AA clear, NS in authority, glue in additional.
    Case(query: q("lab.example.com.", .a), aa: false, authority: labReferral.authority, additional: labReferral.additional),
    Case(query: q("lab.example.com.", .ns), aa: false, authority: labReferral.authority, additional: labReferral.additional),
    Case(query: q("host.lab.example.com.", .a), aa: false, authority: labReferral.authority, additional: labReferral.additional),
    Case(query: q("ns.lab.example.com.", .a), aa: false, authority: labReferral.authority, additional: labReferral.additional),
    Case(query: q("deep.host.lab.example.com.", .txt), aa: false, authority: labReferral.authority, additional: labReferral.additional),
    // DS lives on the parent side of the cut (RFC 4035 §3.1.4.1): authoritative NODATA here.
    Case(query: q("lab.example.com.", .ds), authority: [soa]),

    // Additional section processing (RFC 1035 §3.3.9, §3.3.11; RFC 2782).
    Case(query: q("example.com.", .mx), answer: [
        "example.com. 3600 IN MX 10 mail.example.com.", "example.com. 3600 IN MX 20 mail2.example.net.",
    ], additional: ["mail.example.com. 3600 IN A 192.0.2.25"]),
    Case(query: q("example.com.", .ns), answer: [
        "example.com. 3600 IN NS ns1.example.com.", "example.com. 3600 IN NS ns2.example.com.",
    ], additional: [
        "ns1.example.com. 3600 IN A 192.0.2.1", "ns1.example.com. 3600 IN AAAA 2001:db8::1",
        "ns2.example.com. 3600 IN A 192.0.2.2", "ns2.example.com. 3600 IN AAAA 2001:db8::2",
    ]),
    Case(query: q("_sip._tcp.example.com.", .srv), answer: ["_sip._tcp.example.com. 3600 IN SRV 10 60 5060 sip.example.com."],
         additional: ["sip.example.com. 3600 IN A 192.0.2.50"]),

    // Not ours: REFUSED, never AA, nothing else.
    Case(query: q("example.org.", .a), rcode: .refused, aa: false),
    Case(query: q("www.example.net.", .a), rcode: .refused, aa: false),
    Case(query: q("com.", .ns), rcode: .refused, aa: false),
    Case(query: q(".", .ns), rcode: .refused, aa: false),
    Case(query: q("xexample.com.", .a), rcode: .refused, aa: false),
    // Class HS (4) and an unassigned class: REFUSED.
    Case(query: q("www.example.com.", .a, class: RRClass(4)), rcode: .refused, aa: false),
    Case(query: q("www.example.com.", .a, class: RRClass(77)), rcode: .refused, aa: false),
]

/// Compares one section, names case-insensitively, everything else exactly and in order.
func expectSection(_ got: [DecodedRecord], _ want: [String], _ section: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.map(\.canonical) == want.map { $0.lowercased() }, "\(section) section", sourceLocation: sourceLocation)
}

/// The presentation form `DecodedMessage` gives a question name.
func presentation(_ name: String) -> String { DNSName(uncheckedWire: wireName(name)).description }

@Suite("Answer case table")
struct AnswerCaseTests {
    @Test(arguments: answerCases, [true, false])
    func answer(_ c: Case, rd: Bool) throws {
        var query = c.query
        query.rd = rd
        query.id = rd ? 0xA1B2 : 0x0001
        let response = try exchange(query, snapshot: Fixture.snapshot).response()

        #expect(response.id == query.id)
        #expect(response.qr)
        #expect(response.opcode == 0)
        #expect(response.rcode == c.rcode)
        #expect(response.aa == c.aa, "AA")
        #expect(response.tc == c.tc, "TC")
        #expect(response.rd == rd, "RD is copied from the query")
        #expect(!response.ra, "RA is never set by an authoritative-only server")
        #expect(!response.ad && !response.z && !response.cd)
        #expect(response.question == [DecodedQuestion(name: presentation(query.name), type: query.type, qclass: query.qclass)])
        expectSection(response.answer, c.answer, "answer")
        expectSection(response.authority, c.authority, "authority")
        expectSection(response.additional, c.additional, "additional")
        #expect(response.opt == nil, "no OPT in the response when the query had none")
        #expect(response.size <= QueryProcessor.classicUDPSize)
    }

    /// 0x20 (RFC 4343 / draft-vixie-dnsext-dns0x20): the question comes back byte for byte,
    /// and the answer owner is the query name as sent.
    @Test(arguments: ["WwW.ExAmPlE.cOm.", "WWW.EXAMPLE.COM.", "www.EXAMPLE.com."])
    func mixedCaseQuestionIsPreserved(_ name: String) throws {
        let query = TestQuery(name, .a)
        let x = try exchange(query, snapshot: Fixture.snapshot)
        let response = try x.response()
        #expect(Array(x.raw[12..<(12 + wireName(name).count + 4)]) == Array(query.bytes[12..<(12 + wireName(name).count + 4)]))
        #expect(response.question.map(\.name) == [name])
        #expect(response.rcode == .noError)
        #expect(response.aa)
        #expect(response.answer.map(\.name) == [name, name])
        #expect(response.answer.map(\.rdataText) == ["192.0.2.80", "192.0.2.81"])
    }

    @Test func mixedCaseWildcardOwnerIsTheQueryName() throws {
        let response = try exchange(TestQuery("Foo.APPS.Example.Com.", .txt), snapshot: Fixture.snapshot).response()
        #expect(response.answer.map(\.description) == ["Foo.APPS.Example.Com. 3600 IN TXT \"wildcard\""])
    }

    @Test func mixedCaseChainKeepsTheFirstOwner() throws {
        let response = try exchange(TestQuery("DOCS.example.COM.", .a), snapshot: Fixture.snapshot).response()
        #expect(response.answer.first?.name == "DOCS.example.COM.")
        #expect(response.answer.map(\.canonical) == [
            "docs.example.com. 3600 in cname api.example.com.", "api.example.com. 3600 in cname www.example.com.",
            "www.example.com. 300 in a 192.0.2.80", "www.example.com. 300 in a 192.0.2.81",
        ])
    }

    @Test func mixedCaseNXDomainAndReferral() throws {
        let nx = try exchange(TestQuery("NoThErE.Example.com.", .a), snapshot: Fixture.snapshot).response()
        #expect(nx.rcode == .nxDomain && nx.aa)
        #expect(nx.question.map(\.name) == ["NoThErE.Example.com."])
        expectSection(nx.authority, [soa], "authority")

        let referral = try exchange(TestQuery("HOST.LAB.example.com.", .a), snapshot: Fixture.snapshot).response()
        #expect(referral.rcode == .noError && !referral.aa)
        expectSection(referral.authority, labReferral.authority, "authority")
        expectSection(referral.additional, labReferral.additional, "additional")
    }

    /// RFC 8482 §4.2: ANY is answered with one RRset of the name (whichever), complete.
    @Test(arguments: ["example.com.", "www.example.com.", "ns1.example.com.", "foo.apps.example.com."])
    func anyReturnsExactlyOneRRset(_ name: String) throws {
        let response = try exchange(TestQuery(name, .any), snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .noError)
        #expect(response.aa)
        #expect(!response.answer.isEmpty)
        let types = Set(response.answer.map(\.type))
        #expect(types.count == 1, "one RRset only, got \(types)")
        #expect(Set(response.answer.map { $0.name.lowercased() }) == [name])
        guard let type = types.first else { return }
        // The RRset is complete: the same as a query for that type alone.
        let direct = try exchange(TestQuery(name, type), snapshot: Fixture.snapshot).response()
        #expect(response.answer.map(\.canonical) == direct.answer.map(\.canonical))
    }

    @Test func anyThroughCNAMEGivesTheCNAME() throws {
        let response = try exchange(TestQuery("docs.example.com.", .any), snapshot: Fixture.snapshot).response()
        // The CNAME owner has a single RRset; ANY returns it without following the chain.
        #expect(response.answer.map(\.canonical) == ["docs.example.com. 3600 in cname api.example.com."])
    }

    @Test func outOfZoneIsRefusedWithEDNSToo() throws {
        let response = try exchange(TestQuery("example.org.", .a, edns: TestEDNS()), snapshot: Fixture.snapshot).response()
        #expect(response.rcode == .refused)
        #expect(!response.aa)
        #expect(response.answer.isEmpty && response.authority.isEmpty && response.additional.isEmpty)
        #expect(response.opt?.payloadSize == 1232)
    }
}
