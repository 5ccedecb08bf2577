import DNSWire
import Foundation
import Testing
@testable import ZoneStore

@Suite("ZoneIndex lookup")
struct ZoneIndexTests {
    static let parent = """
    $TTL 3600
    @ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
    @ IN NS ns1
    @ IN NS ns2
    ns1 IN A 192.0.2.1
    ns2 IN A 192.0.2.2
    www IN A 192.0.2.10
    www IN A 192.0.2.10
    www 60 IN A 192.0.2.11
    www IN AAAA 2001:db8::10
    a.b IN A 192.0.2.20
    *.wild IN TXT "wild"
    host.wild IN A 192.0.2.51
    a.ent.wild IN A 192.0.2.52
    sub IN NS ns.sub
    sub IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
    ns.sub IN A 192.0.2.53
    """

    static let child = """
    $TTL 600
    @ IN SOA ns.sub.example.com. hostmaster.sub.example.com. 7 7200 3600 1209600 3600
    @ IN NS ns
    ns IN A 192.0.2.53
    www IN A 192.0.2.60
    """

    static func build(_ files: [String: String]) throws -> ZoneIndex {
        let zones = try withZoneFolder(files) { folder in
            try files.keys.sorted().filter { $0.hasSuffix(".zone") }.map { try loadZone($0, in: folder) }
        }
        for zone in zones { #expect(ZoneValidator.validate(zone) == []) }
        return ZoneIndexBuilder.build(zones)
    }

    static func parentOnly() throws -> ZoneIndex { try build(["example.com.zone": parent]) }

    // MARK: Exact, case, empty non-terminals

    @Test func exactMatch() throws {
        let index = try Self.parentOnly()
        #expect(index.zones.count == 1)
        let zone = try index.zoneIndex("example.com.")
        #expect(zone == 0)
        let www = try index.nodeIndex("www.example.com.", zone: zone)
        #expect(index.lookup("www.example.com.") == .exact(zone: zone, node: www))
        #expect(index.nodeName(www) == dnsName("www.example.com."))
        #expect(index.nodes[Int(www)].rrsetCount == 2)
        #expect(index.rdatas(at: www, .aaaa) == [[0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x10]])

        let apex = index.zones[Int(zone)].apex
        #expect(index.nodeName(apex) == dnsName("example.com."))
        #expect(index.nodes[Int(apex)].isApex)
        #expect(index.lookup("example.com.") == .exact(zone: zone, node: apex))
        #expect(index.lookup("ns1.example.com.") == .exact(zone: zone, node: try index.nodeIndex("ns1.example.com.", zone: zone)))
    }

    @Test func caseInsensitiveMatch() throws {
        let index = try Self.parentOnly()
        let www = try index.nodeIndex("www.example.com.", zone: 0)
        #expect(index.lookup("WwW.ExAmPlE.CoM.") == .exact(zone: 0, node: www))
        #expect(index.lookup("WWW.EXAMPLE.COM.") == .exact(zone: 0, node: www))
        #expect(index.node(named: "wWw.Example.com.") == www)
        #expect(index.lookup("EXAMPLE.com.") == .exact(zone: 0, node: index.zones[0].apex))
    }

    @Test func emptyNonTerminalExists() throws {
        let index = try Self.parentOnly()
        let b = try index.nodeIndex("b.example.com.", zone: 0)
        #expect(index.lookup("b.example.com.") == .exact(zone: 0, node: b))
        #expect(index.nodes[Int(b)].rrsetCount == 0)
        #expect(index.nodes[Int(b)].isDelegation == false)
        let ent = try index.nodeIndex("ent.wild.example.com.", zone: 0)
        #expect(index.lookup("ent.wild.example.com.") == .exact(zone: 0, node: ent))
        #expect(index.nodes[Int(ent)].rrsetCount == 0)
        let wild = try index.nodeIndex("wild.example.com.", zone: 0)
        #expect(index.lookup("wild.example.com.") == .exact(zone: 0, node: wild))
        #expect(index.nodes[Int(wild)].rrsetCount == 0)
        #expect(index.lookup("a.b.example.com.") == .exact(zone: 0, node: try index.nodeIndex("a.b.example.com.", zone: 0)))
    }

    @Test func everyNodeIsFoundByItsOwnName() throws {
        let index = try Self.parentOnly()
        // apex, ns1, ns2, www, b (ENT), a.b, wild (ENT), *.wild, host.wild, ent.wild (ENT), a.ent.wild, sub, ns.sub
        #expect(index.nodes.count == 13)
        #expect(index.zones[0].nodeRange == 0..<13)
        for node in index.nodes.indices {
            #expect(index.nodeName(Int32(node)).wire.withUnsafeBytes { index.node(named: $0) } == Int32(node))
        }
    }

    // MARK: Wildcards

    @Test func wildcardMatch() throws {
        let index = try Self.parentOnly()
        let star = try index.nodeIndex("*.wild.example.com.", zone: 0)
        let wild = try index.nodeIndex("wild.example.com.", zone: 0)
        #expect(index.nodes[Int(wild)].wildcard == star)
        #expect(index.lookup("foo.wild.example.com.") == .wildcard(zone: 0, node: star))
        #expect(index.lookup("FOO.Wild.example.com.") == .wildcard(zone: 0, node: star))
        // More than one label below the closest encloser still matches (RFC 4592 §3.3.1).
        #expect(index.lookup("x.y.wild.example.com.") == .wildcard(zone: 0, node: star))
        // The wildcard's own name is an exact match.
        #expect(index.lookup("*.wild.example.com.") == .exact(zone: 0, node: star))
        #expect(index.rdatas(at: star, .txt) == [[4] + Array("wild".utf8)])
    }

    @Test func existingNamesDoNotGetTheWildcard() throws {
        let index = try Self.parentOnly()
        let host = try index.nodeIndex("host.wild.example.com.", zone: 0)
        #expect(index.lookup("host.wild.example.com.") == .exact(zone: 0, node: host))
        // Below an existing name, that name is the closest encloser and it has no wildcard.
        #expect(index.lookup("x.host.wild.example.com.") == .nxDomain(zone: 0, encloser: host))
        // An empty non-terminal blocks the wildcard too (RFC 4592 §2.2.2).
        let ent = try index.nodeIndex("ent.wild.example.com.", zone: 0)
        #expect(index.lookup("x.ent.wild.example.com.") == .nxDomain(zone: 0, encloser: ent))
        #expect(index.lookup("a.x.ent.wild.example.com.") == .nxDomain(zone: 0, encloser: ent))
    }

    @Test func wildcardAtApex() throws {
        let index = try Self.build(["example.org.zone": zoneHead + "* IN A 192.0.2.99\nhost IN A 192.0.2.98\n"])
        let star = try index.nodeIndex("*.example.org.", zone: 0)
        #expect(index.nodes[Int(index.zones[0].apex)].wildcard == star)
        #expect(index.lookup("anything.example.org.") == .wildcard(zone: 0, node: star))
        #expect(index.lookup("a.b.c.example.org.") == .wildcard(zone: 0, node: star))
        let host = try index.nodeIndex("host.example.org.", zone: 0)
        #expect(index.lookup("x.host.example.org.") == .nxDomain(zone: 0, encloser: host))
    }

    // MARK: Names that do not exist

    @Test func nxDomainWithClosestEncloser() throws {
        let index = try Self.parentOnly()
        let apex = index.zones[0].apex
        #expect(index.lookup("nothere.example.com.") == .nxDomain(zone: 0, encloser: apex))
        #expect(index.lookup("x.y.nothere.example.com.") == .nxDomain(zone: 0, encloser: apex))
        let www = try index.nodeIndex("www.example.com.", zone: 0)
        #expect(index.lookup("deep.www.example.com.") == .nxDomain(zone: 0, encloser: www))
        let ab = try index.nodeIndex("a.b.example.com.", zone: 0)
        #expect(index.lookup("x.a.b.example.com.") == .nxDomain(zone: 0, encloser: ab))
        let b = try index.nodeIndex("b.example.com.", zone: 0)
        #expect(index.lookup("c.b.example.com.") == .nxDomain(zone: 0, encloser: b))
    }

    @Test func outsideAllZonesIsNotAuthoritative() throws {
        let index = try Self.parentOnly()
        #expect(index.lookup("example.net.") == .notAuthoritative)
        #expect(index.lookup("www.example.net.") == .notAuthoritative)
        #expect(index.lookup("com.") == .notAuthoritative)
        #expect(index.lookup(".") == .notAuthoritative)
        #expect(index.lookup("xexample.com.") == .notAuthoritative)
        #expect(index.lookup("example.com.au.") == .notAuthoritative)
        #expect(ZoneIndexBuilder.build([]).lookup("example.com.") == .notAuthoritative)
        #expect(ZoneIndexBuilder.build([]).isEmpty)
    }

    // MARK: Delegations

    @Test func referralAtAndBelowACut() throws {
        let index = try Self.parentOnly()
        let cut = try index.nodeIndex("sub.example.com.", zone: 0)
        #expect(index.nodes[Int(cut)].isDelegation)
        #expect(!index.nodes[Int(index.zones[0].apex)].isDelegation)
        #expect(index.lookup("sub.example.com.") == .referral(zone: 0, cut: cut))
        #expect(index.lookup("SUB.example.com.") == .referral(zone: 0, cut: cut))
        #expect(index.lookup("www.sub.example.com.") == .referral(zone: 0, cut: cut))
        #expect(index.lookup("a.b.c.sub.example.com.") == .referral(zone: 0, cut: cut))
        // Glue below the cut is not authoritative data: still a referral.
        #expect(index.lookup("ns.sub.example.com.") == .referral(zone: 0, cut: cut))
        #expect(index.rdatas(at: cut, .ns) == [wire("ns.sub.example.com.")])
    }

    @Test func dsAtTheCutIsAnsweredByTheParent() throws {
        let index = try Self.parentOnly()
        let cut = try index.nodeIndex("sub.example.com.", zone: 0)
        #expect(index.lookup("sub.example.com.", dsAtCut: true) == .exact(zone: 0, node: cut))
        #expect(index.rrset(at: cut, type: .ds) >= 0)
        // Only at the cut itself: a DS query below it is still referred.
        #expect(index.lookup("www.sub.example.com.", dsAtCut: true) == .referral(zone: 0, cut: cut))
        // dsAtCut changes nothing elsewhere.
        #expect(index.lookup("www.example.com.", dsAtCut: true) == .exact(zone: 0, node: try index.nodeIndex("www.example.com.", zone: 0)))
        #expect(index.lookup("nothere.example.com.", dsAtCut: true) == .nxDomain(zone: 0, encloser: index.zones[0].apex))
    }

    @Test func nestedZonesServedTogether() throws {
        // Passed child first: the builder orders zones parents first.
        let index = try Self.build(["sub.example.com.zone": Self.child, "example.com.zone": Self.parent])
        #expect(index.zones.map(\.origin) == [dnsName("example.com."), dnsName("sub.example.com.")])
        let parentZone = try index.zoneIndex("example.com.")
        let childZone = try index.zoneIndex("sub.example.com.")
        let childApex = index.zones[Int(childZone)].apex
        #expect(index.nodeName(childApex) == dnsName("sub.example.com."))
        #expect(index.nodes[Int(childApex)].zone == childZone)

        #expect(index.lookup("sub.example.com.") == .exact(zone: childZone, node: childApex))
        #expect(index.lookup("www.sub.example.com.") == .exact(zone: childZone, node: try index.nodeIndex("www.sub.example.com.", zone: childZone)))
        // The child's own ns record, not the parent's glue for the same name.
        let childNS = try index.nodeIndex("ns.sub.example.com.", zone: childZone)
        #expect(index.lookup("ns.sub.example.com.") == .exact(zone: childZone, node: childNS))
        #expect(index.lookup("NS.Sub.Example.COM.") == .exact(zone: childZone, node: childNS))
        #expect(index.lookup("nope.sub.example.com.") == .nxDomain(zone: childZone, encloser: childApex))
        // The parent still answers for its own names.
        #expect(index.lookup("www.example.com.") == .exact(zone: parentZone, node: try index.nodeIndex("www.example.com.", zone: parentZone)))
        #expect(index.lookup("nope.example.com.") == .nxDomain(zone: parentZone, encloser: index.zones[Int(parentZone)].apex))
        #expect(index.zones[Int(childZone)].serial == 7)
        #expect(index.zones[Int(parentZone)].serial == 2024010101)
    }

    @Test func parentGlueWithoutChildDataIsNotVisibleInTheChild() throws {
        let child = Self.child.replacingOccurrences(of: "www IN A 192.0.2.60", with: "")
        let parent = Self.parent + "\nglue.sub IN A 192.0.2.54\n"
        let index = try Self.build(["sub.example.com.zone": child, "example.com.zone": parent])
        let childZone = try index.zoneIndex("sub.example.com.")
        #expect(index.lookup("glue.sub.example.com.") == .nxDomain(zone: childZone, encloser: index.zones[Int(childZone)].apex))
    }

    // MARK: RRsets and zone data

    @Test func duplicateRecordsAreDeduplicated() throws {
        let index = try Self.parentOnly()
        let www = try index.nodeIndex("www.example.com.", zone: 0)
        let set = index.rrset(at: www, type: .a)
        #expect(set >= 0)
        #expect(index.rrsets[Int(set)].recordCount == 2)
        #expect(index.rdatas(at: www, .a) == [[192, 0, 2, 10], [192, 0, 2, 11]])
        // RFC 2181 §5.2: the lowest TTL in the set.
        #expect(index.rrsets[Int(set)].ttl == 60)
        #expect(index.rrset(at: www, type: .mx) == -1)
        // 16 records in the file, one of them a duplicate.
        #expect(index.zones[0].recordCount == 15)
        #expect(index.records.count == 15)
    }

    @Test func rdataNameOffsetsAreKept() throws {
        let index = try Self.build(["example.com.zone": zoneHead + "@ IN MX 10 mail\n_s._tcp IN SRV 1 2 3 host\n"])
        let apex = index.zones[0].apex
        let mx = index.rrsets[Int(index.rrset(at: apex, type: .mx))]
        #expect(index.records[Int(mx.recordStart)].names == RDataNames(first: 2))
        #expect(index.records[Int(mx.recordStart)].additionalName == 2)
        let soa = index.rrsets[Int(index.zones[0].soa)]
        #expect(soa.type == .soa)
        #expect(index.records[Int(soa.recordStart)].names == RDataNames(first: 0, second: 17))
        let srvNode = try index.nodeIndex("_s._tcp.example.com.", zone: 0)
        let srv = index.rrsets[Int(index.rrset(at: srvNode, type: .srv))]
        #expect(index.records[Int(srv.recordStart)].additionalName == 6)
    }

    @Test func negativeTTLIsTheSmallerOfSOATTLAndMinimum() throws {
        // example.com: SOA TTL 3600, MINIMUM 300. example.org: SOA TTL 60, MINIMUM 600.
        let org = "@ 60 IN SOA ns1 hostmaster 4294967295 7200 3600 1209600 600\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
        let index = try Self.build(["example.com.zone": Self.parent, "example.org.zone": org])
        let com = try index.zoneIndex("example.com.")
        let orgZone = try index.zoneIndex("example.org.")
        #expect(index.zones[Int(com)].negativeTTL == 300)
        #expect(index.zones[Int(orgZone)].negativeTTL == 60)
        #expect(index.zones[Int(com)].serial == 2024010101)
        #expect(index.zones[Int(orgZone)].serial == 4294967295)
        #expect(index.zones[Int(orgZone)].recordCount == 3)
        #expect(index.zones[Int(com)].recordCount == 15)
        #expect(index.zones[Int(orgZone)].file == "example.org.zone")
        let soaSet = index.zones[Int(orgZone)].soa
        #expect(index.rrsets[Int(soaSet)].ttl == 60)
    }
}

struct CanonicalOrderTests {
    /// The builder's flat-key sort agrees with `DNSName`'s canonical `<` (RFC 4034 §6.1).
    @Test func theBuilderSortsNamesCanonically() {
        let texts = ["example.com.", "a.example.com.", "Z.a.example.com.", "zABC.a.example.com.", "*.z.example.com.",
                     "\\001.z.example.com.", "z.example.com.", "\\200.z.example.com.", "yljkjljk.a.example.com.", "com.", "."]
        let names = texts.map(dnsName)
        let expected = names.sorted(by: <)
        #expect(ZoneIndexBuilder.canonicalOrder(names) == expected)
        #expect(ZoneIndexBuilder.canonicalOrder(names.reversed()) == expected)
        #expect(expected.first == dnsName("."), "the root sorts first")
    }
}

extension ZoneIndex {
    func node(named text: String) -> Int32 {
        dnsName(text).wire.withUnsafeBytes { node(named: $0) }
    }
}
