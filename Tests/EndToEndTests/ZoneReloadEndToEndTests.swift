import Foundation
import Testing

/// SIGHUP reloads: new data appears, a broken file keeps its last good version. (Reloads under
/// load: `FaultsUnderLoadEndToEndTests`.)
@Suite(.serialized)
struct ZoneReloadEndToEndTests {
    static let zone = """
    $TTL 60
    @ IN SOA ns1 admin 1 3600 600 86400 60
      IN NS ns1
    ns1 IN A 192.0.2.1
    www IN A 192.0.2.10
    """

    @Test func reloadPicksUpChangesAndKeepsLastGoodZone() throws {
        let zones = try Repo.zonesCopy(extra: ["reload.test.zone": Self.zone])
        let server = try MeridianProcess(zones: zones)
        defer { server.stop() }
        let file = zones.appendingPathComponent("reload.test.zone")
        #expect(try dig(server, "www.reload.test", "A").answers(ofType: "A") == ["192.0.2.10"])

        // A good edit is served after SIGHUP.
        try Self.zone.replacingOccurrences(of: "192.0.2.10", with: "192.0.2.11").write(to: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("SIGHUP: reloading zones"))
        #expect(try Self.waitForAnswer(server, "www.reload.test", "192.0.2.11"))

        // A broken edit is rejected with file:line; the previous version stays on the air.
        try (Self.zone.replacingOccurrences(of: "192.0.2.11", with: "192.0.2.12") + "\nbad IN A 999.1.1.1\n").write(to: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("reload.test.zone:6:"), "error names the file and line:\n\(server.log)")
        #expect(server.waitForLog("serving=previous version"))
        #expect(try dig(server, "www.reload.test", "A").answers(ofType: "A") == ["192.0.2.11"])
        #expect(try dig(server, "www.example.com", "A").status == "NOERROR", "other zones are untouched")

        // A new zone file appears after SIGHUP; a removed one disappears.
        try Self.zone.write(to: zones.appendingPathComponent("added.test.zone"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: file)
        server.signal(SIGHUP)
        #expect(try Self.waitForAnswer(server, "www.added.test", "192.0.2.10"))
        #expect(try dig(server, "www.reload.test", "A").status == "REFUSED")
    }

    static func waitForAnswer(_ server: MeridianProcess, _ name: String, _ address: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try dig(server, name, "A").answers(ofType: "A") == [address] { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
