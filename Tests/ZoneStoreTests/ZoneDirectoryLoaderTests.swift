import DNSWire
import Foundation
import Testing
@testable import ZoneStore

@Suite("ZoneDirectoryLoader")
struct ZoneDirectoryLoaderTests {
    @Test func loadsEveryZoneFileAndIgnoresOthers() throws {
        let files = [
            "example.com.zone": zoneHead + "www IN A 192.0.2.10\n",
            "example.org.zone": zoneHead,
            "README.txt": "not a zone",
            "example.net.zone.bak": "garbage (",
            "hosts.inc": "also ( not a zone",
        ]
        let report = try withZoneFolder(files) { ZoneDirectoryLoader(directory: $0).load() }
        #expect(report.failures.isEmpty)
        #expect(report.errors.isEmpty)
        #expect(report.loaded == ["example.com.zone", "example.org.zone"])
        #expect(report.zones.keys.sorted() == ["example.com.zone", "example.org.zone"])
        #expect(report.zones["example.com.zone"]?.origin == dnsName("example.com."))
        #expect(report.zones["example.com.zone"]?.records.count == 4)
        #expect(report.zones["example.org.zone"]?.origin == dnsName("example.org."))
        #expect(report.zones["example.org.zone"]?.records.count == 3)
    }

    @Test func emptyFolder() throws {
        let report = try withZoneFolder([:]) { ZoneDirectoryLoader(directory: $0).load() }
        #expect(report.zones.isEmpty)
        #expect(report.loaded.isEmpty)
        #expect(report.failures.isEmpty)
    }

    @Test func brokenFileIsReportedOthersStillLoad() throws {
        let files = [
            "example.com.zone": zoneHead,
            "broken.org.zone": zoneHead + "www IN A 300.0.0.1\n",
            "invalid.net.zone": "$TTL 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\n",
        ]
        let report = try withZoneFolder(files) { ZoneDirectoryLoader(directory: $0).load() }
        #expect(report.loaded == ["example.com.zone"])
        #expect(report.zones.keys.sorted() == ["example.com.zone"])
        #expect(report.failures.keys.sorted() == ["broken.org.zone", "invalid.net.zone"])
        #expect(report.failures["broken.org.zone"]?.map(\.code) == [.syntax])
        #expect(report.failures["broken.org.zone"]?.map(\.file) == ["broken.org.zone"])
        #expect(report.failures["broken.org.zone"]?.map(\.line) == [5])
        // Validation errors count as failures too.
        #expect(report.failures["invalid.net.zone"]?.map(\.code) == [.missingSOA])
        #expect(report.errors.map(\.file) == ["broken.org.zone", "invalid.net.zone"])
    }

    @Test func failingFileKeepsItsPreviousVersion() throws {
        try withZoneFolder(["example.com.zone": zoneHead + "www IN A 192.0.2.10\n", "example.org.zone": zoneHead]) { folder in
            let loader = ZoneDirectoryLoader(directory: folder)
            let first = loader.load()
            #expect(first.failures.isEmpty)
            #expect(first.loaded == ["example.com.zone", "example.org.zone"])

            try writeFile("example.com.zone", zoneHead + "www IN A 192.0.2.10\nnew IN A bogus\n", in: folder)
            try writeFile("example.org.zone", zoneHead + "new IN A 192.0.2.77\n", in: folder)
            let second = loader.load(previous: first.zones)
            #expect(second.failures.keys.sorted() == ["example.com.zone"])
            #expect(second.failures["example.com.zone"]?.map(\.line) == [6])
            #expect(second.loaded == ["example.org.zone"])
            #expect(second.zones.keys.sorted() == ["example.com.zone", "example.org.zone"])
            // The failing file is served as it was; the good one is fresh.
            let kept = try #require(second.zones["example.com.zone"])
            #expect(kept.records.count == 4)
            #expect(kept.records.map(\.owner).contains(dnsName("new.example.com.")) == false)
            #expect(kept.records.last?.rdata == [192, 0, 2, 10])
            #expect(second.zones["example.org.zone"]?.records.count == 4)

            // Without a previous version the failing zone is simply absent.
            let third = loader.load()
            #expect(third.zones.keys.sorted() == ["example.org.zone"])
        }
    }

    @Test func previousVersionOfADeletedFileIsDropped() throws {
        try withZoneFolder(["example.com.zone": zoneHead]) { folder in
            let loader = ZoneDirectoryLoader(directory: folder)
            let first = loader.load()
            try FileManager.default.removeItem(atPath: folder + "/example.com.zone")
            let second = loader.load(previous: first.zones)
            #expect(second.zones.isEmpty)
            #expect(second.failures.isEmpty)
        }
    }

    @Test func twoFilesWithTheSameOrigin() throws {
        let files = [
            "a-copy.zone": "$ORIGIN example.com.\n" + zoneHead,
            "example.com.zone": zoneHead,
        ]
        let report = try withZoneFolder(files) { ZoneDirectoryLoader(directory: $0).load() }
        #expect(report.loaded == ["a-copy.zone"])
        #expect(report.zones.keys.sorted() == ["a-copy.zone"])
        #expect(report.zones["a-copy.zone"]?.origin == dnsName("example.com."))
        let errors = try #require(report.failures["example.com.zone"])
        #expect(errors.count == 1)
        #expect(errors.first?.file == "example.com.zone")
        #expect(errors.first?.message.contains("a-copy.zone") == true)
        #expect(errors.first?.message.contains("example.com.") == true)
    }

    @Test func unreadableFolderKeepsPreviousZones() throws {
        let previous = try withZoneFolder(["example.com.zone": zoneHead]) { ZoneDirectoryLoader(directory: $0).load().zones }
        #expect(previous.keys.sorted() == ["example.com.zone"])
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-missing-\(UUID().uuidString)").path
        let report = ZoneDirectoryLoader(directory: missing).load(previous: previous)
        #expect(report.loaded.isEmpty)
        #expect(report.failures.keys.sorted() == [missing])
        #expect(report.failures[missing]?.map(\.code) == [.unreadable])
        #expect(report.failures[missing]?.map(\.file) == [missing])
        #expect(report.zones.keys.sorted() == ["example.com.zone"])
        #expect(report.zones["example.com.zone"]?.records.count == 3)
    }
}
