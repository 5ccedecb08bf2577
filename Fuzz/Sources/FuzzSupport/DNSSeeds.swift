/// Query messages that reach every branch of the parser and the query engine against the
/// repository's zones/ (example.com) and regions/: answers, CNAME chains, wildcards,
/// referrals, NXDOMAIN, REFUSED, CHAOS, transfers, EDNS with NSID and Client Subnet, and
/// malformed messages of each kind the parser rejects. Shared by FuzzDNSParser (as is) and
/// FuzzQueryHandler (behind a client byte).
public enum DNSSeeds {
    typealias M = DNSMessageBytes
    static let a: UInt16 = 1, ns: UInt16 = 2, cname: UInt16 = 5, soa: UInt16 = 6, mx: UInt16 = 15, txt: UInt16 = 16
    static let aaaa: UInt16 = 28, srv: UInt16 = 33, ixfr: UInt16 = 251, axfr: UInt16 = 252, any: UInt16 = 255, caa: UInt16 = 257
    static let chaos: UInt16 = 3

    static func query(_ name: String, _ type: UInt16, class qclass: UInt16 = 1, _ change: (inout M) -> Void = { _ in }) -> [UInt8] {
        var message = M(name, type, class: qclass)
        change(&message)
        return message.bytes
    }

    /// An SOA RDATA for example.com with `serial` (IXFR clients send the one they have).
    static func soaRDATA(serial: UInt32) -> [UInt8] {
        M.name("ns1.example.com") + M.name("hostmaster.example.com") + [serial, 7200, 900, 1_209_600, 300].flatMap(M.u32)
    }

    public static let queries: [(name: String, bytes: [UInt8])] = [
        // Answers from zone data and from steering.
        ("a-www", query("www.example.com", a)),
        ("aaaa-www", query("www.example.com", aaaa)),
        ("a-www-mixed-case", query("wWw.ExAmPlE.cOm", a)),
        ("a-apex", query("example.com", a)),
        ("soa-apex", query("example.com", soa)),
        ("ns-apex", query("example.com", ns)),
        ("mx-apex", query("example.com", mx)),
        ("txt-apex", query("example.com", txt)),
        ("caa-apex", query("example.com", caa)),
        ("any-apex", query("example.com", any)),
        ("a-docs-cname-chain", query("docs.example.com", a)),
        ("cname-api", query("api.example.com", cname)),
        ("srv-sip", query("_sip._tcp.example.com", srv)),
        ("a-wildcard", query("anything.apps.example.com", a)),
        ("txt-wildcard", query("deep.er.apps.example.com", txt)),
        ("a-referral", query("host.lab.example.com", a)),
        ("a-nxdomain", query("missing.example.com", a)),
        ("aaaa-nodata", query("mail.example.com", aaaa)),
        ("type65534-opaque", query("opaque.example.com", 65534)),
        ("a-refused-other-zone", query("www.example.org", a)),
        ("a-root", query("", a)),
        ("class-any", query("www.example.com", a, class: 255)),
        ("class-unknown", query("www.example.com", a, class: 4)),
        ("chaos-id-server", query("id.server", txt, class: chaos)),
        ("chaos-hostname-bind", query("hostname.bind", txt, class: chaos)),
        ("chaos-version-bind", query("version.bind", txt, class: chaos)),
        ("chaos-version-server", query("version.server", txt, class: chaos)),
        // Zone transfers: refused or answered depending on the client.
        ("axfr-apex", query("example.com", axfr)),
        ("axfr-not-apex", query("www.example.com", axfr)),
        ("ixfr-old-serial", query("example.com", ixfr) { $0.authority = [M.record(owner: [0xC0, 12], type: soa, rdata: soaRDATA(serial: 1))] }),
        ("ixfr-current-serial", query("example.com", ixfr) { $0.authority = [M.record(owner: [0xC0, 12], type: soa, rdata: soaRDATA(serial: 2_026_112_501))] }),
        // EDNS.
        ("edns-a-www", query("www.example.com", a) { $0.additional = [M.opt()] }),
        ("edns-do-4096", query("example.com", soa) { $0.additional = [M.opt(payload: 4096, dnssecOK: true)] }),
        ("edns-tiny-payload", query("example.com", any) { $0.additional = [M.opt(payload: 1)] }),
        ("edns-nsid", query("www.example.com", aaaa) { $0.additional = [M.opt(options: [M.nsid])] }),
        ("edns-ecs-v4-24", query("www.example.com", a) { $0.additional = [M.opt(options: [M.clientSubnet(family: 1, source: 24, address: [10, 1, 2])])] }),
        ("edns-ecs-v4-20", query("www.example.com", a) { $0.additional = [M.opt(options: [M.clientSubnet(family: 1, source: 20, address: [10, 2, 0x10])])] }),
        ("edns-ecs-v6-48", query("www.example.com", aaaa) { $0.additional = [M.opt(options: [M.clientSubnet(family: 2, source: 48, address: [0x20, 0x01, 0x0d, 0xb8, 0, 3])])] }),
        ("edns-ecs-zero", query("docs.example.com", a) { $0.additional = [M.opt(options: [M.clientSubnet(family: 1, source: 0, address: []), M.nsid])] }),
        ("edns-version-1", query("www.example.com", a) { $0.additional = [M.opt(version: 1)] }),
        ("edns-unknown-option", query("www.example.com", a) { $0.additional = [M.opt(options: [(10, [1, 2, 3, 4, 5, 6, 7, 8])])] }),
        ("edns-axfr", query("example.com", axfr) { $0.additional = [M.opt(options: [M.nsid])] }),
        // Opcodes and flags.
        ("opcode-notify", query("example.com", soa) { $0.flags = 4 << 11 }),
        ("opcode-update", query("example.com", soa) { $0.flags = 5 << 11 }),
        ("cd-bit", query("www.example.com", a) { $0.flags = 0x0110 }),
        // Malformed: each rule of the parser.
        ("bad-qr-set", query("www.example.com", a) { $0.flags = 0x8100 }),
        ("bad-qdcount-0", query("www.example.com", a) { $0.qdCount = 0 }),
        ("bad-qdcount-2", query("www.example.com", a) { $0.qdCount = 2 }),
        ("bad-header-only", Array(query("www.example.com", a).prefix(12))),
        ("bad-short", [0x4D, 0x52, 1, 0, 0]),
        ("bad-question-truncated", Array(query("www.example.com", a).dropLast(2))),
        ("bad-compressed-question", query("", a) { $0.question = [3, 0x77, 0x77, 0x77, 0xC0, 12] }),
        ("bad-label-64", query(String(repeating: "x", count: 64) + ".example.com", a)),
        ("bad-name-over-255", query(Array(repeating: String(repeating: "y", count: 63), count: 4).joined(separator: "."), a)),
        ("bad-opt-in-answer", query("www.example.com", a) { $0.answer = [M.opt()] }),
        ("bad-two-opts", query("www.example.com", a) { $0.additional = [M.opt(), M.opt()] }),
        ("bad-opt-owner", query("www.example.com", a) { $0.additional = [[0xC0, 12] + Array(M.opt().dropFirst())] }),
        ("bad-trailing-bytes", query("www.example.com", a) + [0, 0, 0]),
        ("bad-arcount-past-end", query("www.example.com", a) { $0.arCount = 3 }),
        ("bad-forward-pointer", query("www.example.com", a) { $0.answer = [M.record(owner: [0xC0, 0x40], type: a, rdata: [1, 2, 3, 4])] }),
        ("bad-ecs-scope", query("www.example.com", a) { $0.additional = [M.opt(options: [M.clientSubnet(family: 1, source: 24, scope: 8, address: [10, 1, 2])])] }),
        ("bad-ecs-bits-past-prefix", query("www.example.com", a) { $0.additional = [M.opt(options: [M.clientSubnet(family: 1, source: 20, address: [10, 1, 0xFF])])] }),
        ("bad-ecs-family", query("www.example.com", a) { $0.additional = [M.opt(options: [M.clientSubnet(family: 3, source: 8, address: [10])])] }),
        ("bad-two-ecs", query("www.example.com", a) {
            $0.additional = [M.opt(options: [M.clientSubnet(family: 1, source: 8, address: [10]), M.clientSubnet(family: 1, source: 8, address: [10])])]
        }),
        // Records in every section, names compressed against the question.
        ("answer-compressed", query("www.example.com", a) { $0.answer = [M.record(owner: [0xC0, 12], type: a, rdata: [192, 0, 2, 1])] }),
        ("additional-compressed", query("www.example.com", a) {
            $0.additional = [M.record(owner: [3, 0x66, 0x6F, 0x6F, 0xC0, 16], type: txt, rdata: [3, 0x61, 0x62, 0x63]), M.opt()]
        }),
    ]
}
