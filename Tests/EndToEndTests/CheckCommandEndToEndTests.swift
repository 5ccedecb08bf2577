import Foundation
import Testing

/// `meridian check` uses the server's loaders and reports `file:line: message`.
struct CheckCommandEndToEndTests {
    @Test func repositoryZonesAreValid() throws {
        let result = try run(Repo.binary.path, ["check", "--zones", Repo.root.appendingPathComponent("zones").path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("zone example.com. OK"))
    }

    @Test func reportsEveryErrorWithFileAndLine() throws {
        let dir = try Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        $TTL 60
        @ IN SOA ns1 admin 1 3600 600 86400 60
          IN NS ns1
        ns1 IN A 192.0.2.1
        www IN CNAME ns1
        www IN A 192.0.2.2
        other.example.org. IN A 192.0.2.3
        """.write(to: dir.appendingPathComponent("bad.test.zone"), atomically: true, encoding: .utf8)
        try "$TTL 60\nwww IN A 192.0.2.1\n".write(to: dir.appendingPathComponent("nosoa.test.zone"), atomically: true, encoding: .utf8)
        try "$TTL 60\n@ IN SOA ns1 admin 1 2 3 4 5\n IN NS ns1\n$INCLUDE missing.inc\n".write(to: dir.appendingPathComponent("inc.test.zone"), atomically: true, encoding: .utf8)
        try "@ IN SOA ns1 admin 1 2 3 4 5\n IN NS ns1\nx IN A not-an-address\n".write(to: dir.appendingPathComponent("syntax.test.zone"), atomically: true, encoding: .utf8)

        let result = try run(Repo.binary.path, ["check", "--zones", dir.path])
        #expect(result.status == 1)
        let out = result.output
        #expect(out.contains("bad.test.zone:6: www.bad.test. has a CNAME and other data (A)"), "\(out)")
        #expect(out.contains("bad.test.zone:7: other.example.org. A is outside the zone bad.test."), "\(out)")
        #expect(out.contains("nosoa.test.zone:0: no SOA record at the apex nosoa.test."), "\(out)")
        #expect(out.contains("nosoa.test.zone:0: no NS records at the apex nosoa.test."), "\(out)")
        #expect(out.contains("inc.test.zone:4: cannot read included file 'missing.inc'"), "\(out)")
        #expect(out.contains("syntax.test.zone:3: "), "\(out)")
        #expect(out.contains("4 of 4 zone files have errors"), "\(out)")
    }
}
