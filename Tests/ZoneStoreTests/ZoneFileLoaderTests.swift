import DNSWire
import Foundation
import Testing
@testable import ZoneStore

private func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
private func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

@Suite("ZoneFileLoader")
struct ZoneFileLoaderTests {
    // MARK: Origin, $ORIGIN, $TTL, relative names

    @Test func originForFileName() {
        #expect(ZoneFileLoader.origin(forFileNamed: "example.com.zone") == dnsName("example.com."))
        #expect(ZoneFileLoader.origin(forFileNamed: "example.com.txt") == nil)
    }

    @Test func originComesFromFileName() throws {
        let zone = try withZoneFolder(["example.com.zone": zoneHead + "www IN A 192.0.2.10\n"]) {
            try loadZone("example.com.zone", in: $0)
        }
        #expect(zone.origin == dnsName("example.com."))
        #expect(zone.file == "example.com.zone")
        #expect(zone.records.count == 4)
        #expect(zone.records.map(\.owner) == ["example.com.", "example.com.", "ns1.example.com.", "www.example.com."].map(dnsName))
        #expect(zone.records.map(\.type) == [.soa, .ns, .a, .a])
        #expect(zone.records.map(\.line) == [2, 3, 4, 5])
        #expect(zone.records.allSatisfy { $0.file == "example.com.zone" && $0.rrClass == .in })
        let www = try #require(records(zone, "www.example.com.", .a).first)
        #expect(www.rdata == [192, 0, 2, 10])
        #expect(www.names == .none)
        #expect(www.additionalName == -1)
    }

    @Test func leadingOriginOverridesFileName() throws {
        let text = """
        ; the zone is named by $ORIGIN, not by the file name
        $TTL 60
        $ORIGIN Example.ORG.
        @ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
        @ IN NS ns1
        ns1 IN A 192.0.2.1
        """
        let zone = try withZoneFolder(["whatever.zone": text]) { try loadZone("whatever.zone", in: $0) }
        #expect(zone.origin == dnsName("example.org."))
        #expect(zone.origin.wire == wire("example.org."))  // lowercased
        #expect(zone.records.map(\.owner) == ["example.org.", "example.org.", "ns1.example.org."].map(dnsName))
        #expect(zone.records.allSatisfy { $0.ttl == 60 })
        #expect(ZoneValidator.validate(zone) == [])
    }

    @Test func originLaterInTheFileChangesRelativeNamesButNotTheZone() throws {
        let text = zoneHead + """
        $ORIGIN sub.example.com.
        www IN A 192.0.2.10
        """
        let zone = try withZoneFolder(["example.com.zone": text]) { try loadZone("example.com.zone", in: $0) }
        #expect(zone.origin == dnsName("example.com."))
        #expect(zone.records.last?.owner == dnsName("www.sub.example.com."))
        #expect(zone.records.last?.line == 6)
    }

    @Test func ttlDirectiveAndExplicitTTLs() throws {
        let text = """
        @ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
        @ IN NS ns1
        $TTL 120
        ns1 IN A 192.0.2.1
        ns2 45 IN A 192.0.2.2
        ns3 IN A 192.0.2.3
        $TTL 1d
        ns4 IN A 192.0.2.4
        """
        let zone = try withZoneFolder(["example.com.zone": text]) { try loadZone("example.com.zone", in: $0) }
        #expect(zone.records.map(\.ttl) == [ZoneFileLoader.defaultTTL, ZoneFileLoader.defaultTTL, 120, 45, 120, 86400])
    }

    @Test func ownerNamesAreLowercasedRDataNamesAreNot() throws {
        let text = zoneHead + "WWW.Example.COM. IN CNAME Web.Example.COM.\n"
        let zone = try withZoneFolder(["example.com.zone": text]) { try loadZone("example.com.zone", in: $0) }
        let cname = try #require(zone.records.last)
        #expect(cname.owner.wire == wire("www.example.com."))
        #expect(cname.type == .cname)
        #expect(cname.rdata == DNSName(uncheckedWire: wire("Web.Example.COM.")).wire)
        #expect(cname.rdata != wire("web.example.com."))
        #expect(cname.names == RDataNames(first: 0))
    }

    // MARK: Record types → RDATA

    static let typesZone = """
    $TTL 300
    @ IN SOA ns1 hostmaster (
            2024010101 ; serial
            7200       ; refresh
            3600       ; retry
            1209600    ; expire
            60 )       ; minimum
      IN NS ns1
    ns1 IN A 192.0.2.1
    v6 IN AAAA 2001:db8::1
    @ 600 IN MX 10 mail
    _sip._tcp IN SRV 10 20 5060 sip
    txt IN TXT "hello" "world"
    @ IN CAA 0 issue "letsencrypt.org"
    gen IN TYPE65534 \\# 4 0A000001
    www IN CNAME web
    web.example.com. 120 IN A 192.0.2.80
    ; trailing comment

    """

    static func loadTypesZone() throws -> ZoneData {
        try withZoneFolder(["example.com.zone": typesZone]) { try loadZone("example.com.zone", in: $0) }
    }

    @Test func multiLineSOA() throws {
        let zone = try Self.loadTypesZone()
        #expect(zone.records.count == 11)
        let soa = try #require(records(zone, "example.com.", .soa).first)
        let mname = wire("ns1.example.com."), rname = wire("hostmaster.example.com.")
        #expect(soa.rdata == mname + rname + u32(2024010101) + u32(7200) + u32(3600) + u32(1209600) + u32(60))
        #expect(soa.names == RDataNames(first: 0, second: Int16(mname.count)))
        #expect(soa.names.second == 17)
        #expect(soa.additionalName == -1)
        #expect(soa.ttl == 300)
        #expect(soa.line == 2)  // where the record starts
        // The record after the parentheses is on line 8, owned by the previous owner (blank owner field).
        let ns = try #require(records(zone, "example.com.", .ns).first)
        #expect(ns.line == 8)
        #expect(ns.rdata == mname)
        #expect(ns.names == RDataNames(first: 0))
        #expect(ns.additionalName == 0)
    }

    @Test func aaaa() throws {
        let zone = try Self.loadTypesZone()
        let r = try #require(records(zone, "v6.example.com.", .aaaa).first)
        #expect(r.rdata == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        #expect(r.names == .none)
        #expect(r.line == 10)
    }

    @Test func mx() throws {
        let zone = try Self.loadTypesZone()
        let r = try #require(records(zone, "example.com.", .mx).first)
        #expect(r.rdata == u16(10) + wire("mail.example.com."))
        #expect(r.names == RDataNames(first: 2))
        #expect(r.additionalName == 2)
        #expect(r.ttl == 600)
        #expect(r.line == 11)
    }

    @Test func srv() throws {
        let zone = try Self.loadTypesZone()
        let r = try #require(records(zone, "_sip._tcp.example.com.", .srv).first)
        #expect(r.rdata == u16(10) + u16(20) + u16(5060) + wire("sip.example.com."))
        #expect(r.names == RDataNames(first: 6))
        #expect(r.additionalName == 6)
    }

    @Test func txt() throws {
        let zone = try Self.loadTypesZone()
        let r = try #require(records(zone, "txt.example.com.", .txt).first)
        #expect(r.rdata == [5] + Array("hello".utf8) + [5] + Array("world".utf8))
        #expect(r.names == .none)
        #expect(r.additionalName == -1)
    }

    @Test func caa() throws {
        let zone = try Self.loadTypesZone()
        let r = try #require(records(zone, "example.com.", .caa).first)
        #expect(r.rdata == [0, 5] + Array("issue".utf8) + Array("letsencrypt.org".utf8))
        #expect(r.names == .none)
    }

    @Test func genericType() throws {
        let zone = try Self.loadTypesZone()
        let r = try #require(records(zone, "gen.example.com.", RRType(65534)).first)
        #expect(r.type.rawValue == 65534)
        #expect(r.rdata == [0x0A, 0x00, 0x00, 0x01])
        #expect(r.names == .none)
        #expect(r.line == 15)
    }

    @Test func relativeAndAbsoluteNames() throws {
        let zone = try Self.loadTypesZone()
        let cname = try #require(records(zone, "www.example.com.", .cname).first)
        #expect(cname.rdata == wire("web.example.com."))
        #expect(cname.names == RDataNames(first: 0))
        #expect(cname.additionalName == -1)
        let web = try #require(records(zone, "web.example.com.", .a).first)
        #expect(web.rdata == [192, 0, 2, 80])
        #expect(web.ttl == 120)
        #expect(web.line == 17)
    }

    // MARK: $INCLUDE

    @Test func includeRelativeToFolder() throws {
        let text = zoneHead + """
        $INCLUDE hosts.inc
        after IN A 192.0.2.99
        """
        let files = [
            "example.com.zone": text,
            "hosts.inc": "; hosts\nwww IN A 192.0.2.10\nmail IN A 192.0.2.11\n",
        ]
        let zone = try withZoneFolder(files) { try loadZone("example.com.zone", in: $0) }
        let www = try #require(records(zone, "www.example.com.", .a).first)
        #expect(www.file == "hosts.inc")
        #expect(www.line == 2)
        let mail = try #require(records(zone, "mail.example.com.", .a).first)
        #expect(mail.line == 3)
        let after = try #require(records(zone, "after.example.com.", .a).first)
        #expect(after.file == "example.com.zone")
        #expect(after.line == 6)
        #expect(zone.records.map(\.owner.description) == [
            "example.com.", "example.com.", "ns1.example.com.", "www.example.com.", "mail.example.com.", "after.example.com.",
        ])
    }

    @Test func includeWithTrailingComment() throws {
        let files = ["example.com.zone": zoneHead + "$INCLUDE hosts.inc ; the hosts\n", "hosts.inc": "www IN A 192.0.2.10\n"]
        let zone = try withZoneFolder(files) { try loadZone("example.com.zone", in: $0) }
        #expect(records(zone, "www.example.com.", .a).map(\.rdata) == [[192, 0, 2, 10]])
    }

    @Test func includeFromSubfolder() throws {
        let files = [
            "example.com.zone": zoneHead + "$INCLUDE inc/hosts.inc\n",
            "inc/hosts.inc": "www IN A 192.0.2.10\n",
        ]
        let zone = try withZoneFolder(files) { try loadZone("example.com.zone", in: $0) }
        let www = try #require(records(zone, "www.example.com.", .a).first)
        #expect(www.file == "inc/hosts.inc")
        #expect(www.line == 1)
    }

    @Test func includeWithRelativeOriginRevertsAfterwards() throws {
        let text = zoneHead + """
        $INCLUDE sub.inc sub
        after IN A 192.0.2.99
        """
        let files = ["example.com.zone": text, "sub.inc": "www IN A 192.0.2.10\n@ IN TXT \"apex of sub\"\n"]
        let zone = try withZoneFolder(files) { try loadZone("example.com.zone", in: $0) }
        #expect(records(zone, "www.sub.example.com.", .a).count == 1)
        #expect(records(zone, "sub.example.com.", .txt).count == 1)
        #expect(records(zone, "after.example.com.", .a).count == 1)
        #expect(records(zone, "after.sub.example.com.", .a).isEmpty)
    }

    @Test func includeWithAbsoluteOriginRevertsAfterwards() throws {
        let text = zoneHead + """
        $INCLUDE other.inc other.example.com.
        after IN A 192.0.2.99
        """
        let files = ["example.com.zone": text, "other.inc": "www IN A 192.0.2.10\n"]
        let zone = try withZoneFolder(files) { try loadZone("example.com.zone", in: $0) }
        #expect(records(zone, "www.other.example.com.", .a).count == 1)
        #expect(records(zone, "after.example.com.", .a).count == 1)
    }

    @Test func originSetInsideIncludeRevertsAfterwards() throws {
        let text = zoneHead + """
        $INCLUDE sets-origin.inc
        after IN A 192.0.2.99
        """
        let files = ["example.com.zone": text, "sets-origin.inc": "$ORIGIN elsewhere.example.com.\nwww IN A 192.0.2.10\n"]
        let zone = try withZoneFolder(files) { try loadZone("example.com.zone", in: $0) }
        #expect(records(zone, "www.elsewhere.example.com.", .a).count == 1)
        #expect(records(zone, "after.example.com.", .a).count == 1)
    }

    @Test func nestedIncludes() throws {
        let files = [
            "example.com.zone": zoneHead + "$INCLUDE a.inc\nz IN A 192.0.2.30\n",
            "a.inc": "a IN A 192.0.2.10\n$INCLUDE b.inc b\na2 IN A 192.0.2.12\n",
            "b.inc": "x IN A 192.0.2.20\n$INCLUDE c.inc\n",
            "c.inc": "\n\nc IN A 192.0.2.21\n",
        ]
        let zone = try withZoneFolder(files) { try loadZone("example.com.zone", in: $0) }
        let tail = zone.records.dropFirst(3).map { "\($0.owner) \($0.file):\($0.line)" }
        #expect(tail == [
            "a.example.com. a.inc:1",
            "x.b.example.com. b.inc:1",
            "c.b.example.com. c.inc:3",
            "a2.example.com. a.inc:3",
            "z.example.com. example.com.zone:6",
        ])
    }

    @Test func includeLoopIsAnIncludeError() throws {
        let files = [
            "example.com.zone": zoneHead + "$INCLUDE loop.inc\n",
            "loop.inc": "loop IN TXT \"again\"\n$INCLUDE loop.inc\n",
        ]
        let errors = try withZoneFolder(files) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.count == 1)
        #expect(errors.first?.code == .include)
        #expect(errors.first?.file == "loop.inc")
        #expect(errors.first?.line == 2)
    }

    /// Files `d1.inc` … `dN.inc`, each with one record and an `$INCLUDE` of the next on line 2.
    static func chain(_ count: Int) -> [String: String] {
        var files = ["example.com.zone": zoneHead + "$INCLUDE d1.inc\n"]
        for i in 1...count {
            files["d\(i).inc"] = "h\(i) IN A 192.0.2.\(i)\n" + (i < count ? "$INCLUDE d\(i + 1).inc\n" : "")
        }
        return files
    }

    @Test func includesNestedEightDeepAreFine() throws {
        let zone = try withZoneFolder(Self.chain(ZoneFileLoader.maxIncludeDepth)) { try loadZone("example.com.zone", in: $0) }
        #expect(zone.records.count == 3 + 8)
        #expect(zone.records.last?.owner == dnsName("h8.example.com."))
        #expect(zone.records.last?.file == "d8.inc")
    }

    @Test func includesNestedNineDeepAreAnError() throws {
        let errors = try withZoneFolder(Self.chain(ZoneFileLoader.maxIncludeDepth + 1)) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.map(\.code) == [.include])
        #expect(errors.map(\.file) == ["d8.inc"])
        #expect(errors.map(\.line) == [2])
    }

    @Test func missingIncludeFile() throws {
        let text = zoneHead + "www IN A 192.0.2.10\n$INCLUDE nope.inc\n"
        let errors = try withZoneFolder(["example.com.zone": text]) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.code == .include)
        #expect(error.file == "example.com.zone")
        #expect(error.line == 6)
        #expect(error.message.contains("nope.inc"))
        #expect(error.description.hasPrefix("example.com.zone:6: "))
    }

    @Test func includeWithoutFileName() throws {
        let errors = try withZoneFolder(["example.com.zone": zoneHead + "$INCLUDE\n"]) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.map(\.code) == [.include])
        #expect(errors.map(\.line) == [5])
    }

    // MARK: Errors

    @Test func syntaxErrorOnLineSeven() throws {
        let text = zoneHead + "; hosts\nwww IN A 192.0.2.10\nbad IN A 999.1.2.3\nok IN A 192.0.2.11\n"
        let errors = try withZoneFolder(["example.com.zone": text]) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.count == 1)
        #expect(errors.first?.code == .syntax)
        #expect(errors.first?.file == "example.com.zone")
        #expect(errors.first?.line == 7)
    }

    @Test func syntaxErrorAfterMultiLineRecordHasTheRightLine() throws {
        let text = """
        $TTL 300
        @ IN SOA ns1 hostmaster (
                1 7200 3600
                1209600 60 )
        @ IN NS ns1
        ns1 IN A 192.0.2.1
        bad IN MX ten mail
        """
        let errors = try withZoneFolder(["example.com.zone": text]) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.map(\.code) == [.syntax])
        #expect(errors.map(\.line) == [7])
    }

    @Test func blankAndCommentLinesAfterARecordDoNotShiftItsLine() throws {
        let text = zoneHead + "bad IN A 1.2.3\n\n; comment\n\ngood IN A 192.0.2.5\n\n\n; end\nworse IN AAAA x\n\n\n"
        let files = ["example.com.zone": text, "ok.com.zone": zoneHead + "a IN A 192.0.2.5\n\n; comment\n\nb IN A 192.0.2.6\n\n"]
        let (errors, zone) = try withZoneFolder(files) { (try loadErrors("example.com.zone", in: $0), try loadZone("ok.com.zone", in: $0)) }
        #expect(errors.map(\.line) == [5, 13])
        #expect(zone.records.map(\.line) == [2, 3, 4, 5, 9])
    }

    @Test func syntaxErrorInsideIncludedFile() throws {
        let files = [
            "example.com.zone": zoneHead + "$INCLUDE bad.inc\nok IN A 192.0.2.99\n",
            "bad.inc": "fine IN A 192.0.2.10\nbroken IN AAAA not-an-address\n",
        ]
        let errors = try withZoneFolder(files) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.count == 1)
        #expect(errors.first?.code == .syntax)
        #expect(errors.first?.file == "bad.inc")
        #expect(errors.first?.line == 2)
    }

    @Test func everyErrorIsReported() throws {
        let text = zoneHead + """
        a IN A 1.2.3
        b IN A 192.0.2.2
        c IN NOSUCHTYPE foo
        d IN A 192.0.2.4
        e IN MX x y
        """
        let errors = try withZoneFolder(["example.com.zone": text]) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.map(\.code) == [.syntax, .syntax, .syntax])
        #expect(errors.map(\.line) == [5, 7, 9])
        #expect(errors.allSatisfy { $0.file == "example.com.zone" })
    }

    @Test func errorsStopAtTheLimit() throws {
        let text = zoneHead + String(repeating: "x IN A bad\n", count: ZoneFileLoader.maxErrors + 10)
        let errors = try withZoneFolder(["example.com.zone": text]) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.count == ZoneFileLoader.maxErrors)
        #expect(errors.first?.line == 5)
        #expect(errors.last?.line == 4 + ZoneFileLoader.maxErrors)
    }

    @Test func errorsAcrossIncludesKeepOrder() throws {
        let files = [
            "example.com.zone": zoneHead + "x IN A bad\n$INCLUDE one.inc\n$INCLUDE missing.inc\ny IN A bad\n",
            "one.inc": "\ninner IN A bad\n",
        ]
        let errors = try withZoneFolder(files) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors.map { "\($0.file):\($0.line):" } == [
            "example.com.zone:5:", "one.inc:2:", "example.com.zone:7:", "example.com.zone:8:",
        ])
        #expect(errors.map(\.code) == [.syntax, .syntax, .include, .syntax])
    }

    @Test func missingFileIsUnreadable() throws {
        let errors = try withZoneFolder([:]) { try loadErrors("example.com.zone", in: $0) }
        #expect(errors == [ZoneError(.unreadable, file: "example.com.zone", line: 0, "cannot read file")])
    }
}

@Suite("ZoneFileLoader line endings")
struct ZoneFileLoaderLineEndingTests {
    @Test func linesSplitAtLFAndCRLFOnly() {
        #expect(ZoneFileLoader.lines(of: "a\nb\r\nc") == ["a", "b", "c"])
        #expect(ZoneFileLoader.lines(of: "a\n") == ["a", ""])
        #expect(ZoneFileLoader.lines(of: "") == [""])
        #expect(ZoneFileLoader.lines(of: "a\rb\r\r\n\r\n") == ["a\rb\r", "", ""], "a lone CR is not a line end")
        #expect(ZoneFileLoader.lines(of: "é\nü") == ["é", "ü"])
    }

    @Test func includeIsFoundAnywhereInTheText() {
        #expect(ZoneFileLoader.contains(Array("$INCLUDE".utf8), in: "a\n$INCLUDE x"))
        #expect(!ZoneFileLoader.contains(Array("$INCLUDE".utf8), in: "a\n$INCLUD"))
        #expect(!ZoneFileLoader.contains(Array("$INCLUDE".utf8), in: ""))
    }

    @Test func crlfFileWithIncludeAndLeadingOrigin() throws {
        let crlf = { (s: String) in s.replacingOccurrences(of: "\n", with: "\r\n") }
        let files = [
            "whatever.zone": crlf("$ORIGIN example.net.\n" + zoneHead + "$INCLUDE hosts.inc\nafter IN A 192.0.2.99\n"),
            "hosts.inc": crlf("; hosts\nwww IN A 192.0.2.10\n"),
        ]
        let zone = try withZoneFolder(files) { try loadZone("whatever.zone", in: $0) }
        #expect(zone.origin == dnsName("example.net."))
        #expect(zone.records.map { "\($0.owner) \($0.file):\($0.line)" } == [
            "example.net. whatever.zone:3",
            "example.net. whatever.zone:4",
            "ns1.example.net. whatever.zone:5",
            "www.example.net. hosts.inc:2",
            "after.example.net. whatever.zone:7",
        ])
        #expect(ZoneValidator.validate(zone) == [])
    }
}
