import DNSWire
import Foundation
import Testing
@testable import ZoneStore

@Suite("ZoneValidator")
struct ZoneValidatorTests {
    /// Loads `text` as `example.com.zone` and validates it.
    func validate(_ text: String) throws -> [ZoneError] {
        let zone = try withZoneFolder(["example.com.zone": text]) { try loadZone("example.com.zone", in: $0) }
        return ZoneValidator.validate(zone)
    }

    @Test func validZoneHasNoErrors() throws {
        let text = zoneHead + """
        @ IN NS ns2.example.net.
        @ IN MX 10 mail
        mail IN A 192.0.2.25
        www IN CNAME mail
        sub IN NS ns.sub
        ns.sub IN A 192.0.2.53
        *.wild IN TXT "wildcard"
        """
        #expect(try validate(text) == [])
    }

    @Test func missingSOA() throws {
        let errors = try validate("$TTL 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\n")
        #expect(errors.map(\.code) == [.missingSOA])
        #expect(errors.first?.file == "example.com.zone")
        #expect(errors.first?.line == 0)
    }

    @Test func missingApexNS() throws {
        let errors = try validate("""
        $TTL 60
        @ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
        sub IN NS ns1
        ns1 IN A 192.0.2.1
        """)
        #expect(errors.map(\.code) == [.missingApexNS])
        #expect(errors.first?.line == 0)
    }

    @Test func emptyZoneMissesBoth() {
        let zone = ZoneData(origin: dnsName("example.com."), records: [], file: "example.com.zone")
        #expect(ZoneValidator.validate(zone).map(\.code) == [.missingSOA, .missingApexNS])
    }

    @Test func outOfZoneOwner() throws {
        let errors = try validate(zoneHead + "www IN A 192.0.2.10\nwww.example.net. IN A 192.0.2.11\nexample.com.example.net. IN A 192.0.2.12\n")
        #expect(errors.map(\.code) == [.outOfZone, .outOfZone])
        #expect(errors.map(\.line) == [6, 7])
        #expect(errors.allSatisfy { $0.file == "example.com.zone" })
    }

    @Test func nameThatOnlyEndsLikeTheOriginIsOutOfZone() throws {
        let errors = try validate(zoneHead + "badexample.com. IN A 192.0.2.10\n")
        #expect(errors.map(\.code) == [.outOfZone])
        #expect(errors.map(\.line) == [5])
    }

    @Test func soaBelowApexIsOutOfZone() throws {
        let errors = try validate(zoneHead + "sub IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n")
        #expect(errors.map(\.code) == [.outOfZone])
        #expect(errors.map(\.line) == [5])
    }

    @Test func twoSOARecords() throws {
        let errors = try validate(zoneHead + "@ IN SOA ns1 hostmaster 2 7200 3600 1209600 300\n")
        #expect(errors.map(\.code) == [.multipleSOA])
        #expect(errors.map(\.line) == [5])
    }

    @Test func cnameBesideA() throws {
        let errors = try validate(zoneHead + "www IN A 192.0.2.10\n; other data first\nwww IN CNAME ns1\n")
        #expect(errors.map(\.code) == [.cnameAndOtherData])
        #expect(errors.map(\.line) == [7])
        #expect(errors.first?.message.contains("www.example.com.") == true)
    }

    @Test func cnameBeforeOtherDataReportsTheLaterLine() throws {
        let errors = try validate(zoneHead + "www IN CNAME ns1\nwww IN TXT \"x\"\n")
        #expect(errors.map(\.code) == [.cnameAndOtherData])
        #expect(errors.map(\.line) == [6])
    }

    @Test func twoCNAMEs() throws {
        let errors = try validate(zoneHead + "www IN CNAME ns1\nwww IN CNAME ns2\n")
        #expect(errors.map(\.code) == [.cnameAndOtherData])
        #expect(errors.map(\.line) == [6])
        #expect(errors.first?.message.contains("more than one CNAME") == true)
    }

    @Test func identicalCNAMERepeatedIsADuplicateNotASecondCNAME() throws {
        // RFC 2181 §5: duplicate records are one record (the index builder drops the copy).
        #expect(try validate(zoneHead + "www IN CNAME ns1\nwww IN CNAME ns1.example.com.\n") == [])
        let errors = try validate(zoneHead + "www IN CNAME ns1\nwww IN CNAME ns1\nwww IN CNAME ns2\n")
        #expect(errors.map(\.code) == [.cnameAndOtherData])
        #expect(errors.map(\.line) == [7])
    }

    @Test func cnameAtApexConflictsWithSOA() throws {
        let errors = try validate(zoneHead + "@ IN CNAME elsewhere.example.net.\n")
        #expect(errors.map(\.code) == [.cnameAndOtherData])
        #expect(errors.map(\.line) == [5])
    }

    @Test func chaosClassRecord() throws {
        let errors = try validate(zoneHead + "version CH TXT \"meridian\"\n")
        #expect(errors.map(\.code) == [.badClass])
        #expect(errors.map(\.line) == [5])
        #expect(errors.first?.message.contains("CH") == true)
    }

    @Test func metaTypeCannotBeStored() {
        let origin = dnsName("example.com.")
        let zone = ZoneData(origin: origin, records: [
            ZoneRecord(owner: origin, type: .soa, ttl: 60, rdata: [0, 0] + [UInt8](repeating: 0, count: 20), line: 1),
            ZoneRecord(owner: origin, type: .ns, ttl: 60, rdata: wire("ns.example.net."), line: 2),
            ZoneRecord(owner: origin, type: .any, ttl: 60, rdata: [], line: 3),
            ZoneRecord(owner: origin, type: .opt, ttl: 60, rdata: [], line: 4),
        ], file: "example.com.zone")
        #expect(ZoneValidator.validate(zone).map(\.code) == [.badType, .badType])
        #expect(ZoneValidator.validate(zone).map(\.line) == [3, 4])
    }

    @Test func errorsAreSortedByFileAndLine() throws {
        let errors = try validate(zoneHead + "x CH A 192.0.2.1\nwww.example.net. IN A 192.0.2.2\nc IN CNAME ns1\nc IN A 192.0.2.3\n")
        #expect(errors.map(\.code) == [.badClass, .outOfZone, .cnameAndOtherData])
        #expect(errors.map(\.line) == [5, 6, 8])
    }
}
