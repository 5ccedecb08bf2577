import Foundation
import Testing

/// AXFR (RFC 5936) to `dig` and to a stock NSD secondary.
@Suite(.serialized)
struct ZoneTransferEndToEndTests {
    @Test func digTransfersWhenAllowedOnly() throws {
        let zones = try Repo.zonesCopy()
        let open = try MeridianProcess(zones: zones, arguments: ["--allow-transfer", "127.0.0.0/8"])
        defer { open.stop() }
        let axfr = try run("dig", ["@\(open.host)", "-p", "\(open.port)", "example.com", "AXFR", "+time=5", "+tries=1"])
        let records = axfr.output.split(separator: "\n").filter { !$0.hasPrefix(";") && !$0.isEmpty }
        let zoneRecords = try run(Repo.binary.path, ["check", "--zones", zones.path]).output
        #expect(records.first?.contains("\tSOA\t") == true)
        #expect(records.last?.contains("\tSOA\t") == true)
        #expect(zoneRecords.contains("OK, \(records.count - 1) records"), "SOA twice, everything else once: \(records.count)\n\(zoneRecords)")

        let closed = try MeridianProcess(zones: zones, arguments: ["--allow-transfer", "192.0.2.0/24"])
        defer { closed.stop() }
        let refused = try run("dig", ["@\(closed.host)", "-p", "\(closed.port)", "example.com", "AXFR", "+time=5", "+tries=1"])
        #expect(refused.output.contains("Transfer failed"), "\(refused.output)")
    }

    @Test func nsdSecondaryTransfersAndServesTheZone() throws {
        let zones = try Repo.zonesCopy()
        let primary = try MeridianProcess(zones: zones, arguments: ["--allow-transfer", "127.0.0.1"])
        defer { primary.stop() }

        let dir = try Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try freePort()
        try """
        server:
            ip-address: 127.0.0.1@\(port)
            zonesdir: "\(dir.path)"
            pidfile: "\(dir.path)/nsd.pid"
            xfrdfile: "\(dir.path)/xfrd.state"
            zonelistfile: "\(dir.path)/zone.list"
            logfile: "\(dir.path)/nsd.log"
            username: ""
            chroot: ""
            database: ""
            server-count: 1
            verbosity: 2
        remote-control:
            control-enable: no
        zone:
            name: example.com
            zonefile: "\(dir.path)/example.com.secondary"
            request-xfr: AXFR 127.0.0.1@\(primary.port) NOKEY
            allow-notify: 127.0.0.1 NOKEY
        """.write(to: dir.appendingPathComponent("nsd.conf"), atomically: true, encoding: .utf8)

        let nsd = Process()
        nsd.executableURL = URL(fileURLWithPath: "/usr/sbin/nsd")
        nsd.arguments = ["-d", "-c", dir.appendingPathComponent("nsd.conf").path]
        nsd.standardOutput = FileHandle.nullDevice
        nsd.standardError = FileHandle.nullDevice
        try nsd.run()
        defer {
            nsd.terminate()
            let deadline = Date().addingTimeInterval(5)
            while nsd.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if nsd.isRunning { kill(nsd.processIdentifier, SIGKILL) }
        }

        // Ask the secondary until it has transferred the zone (bounded).
        var answer = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            answer = try run("dig", ["@127.0.0.1", "-p", "\(port)", "+time=1", "+tries=1", "status.example.com", "A"]).output
            if answer.contains("status: NOERROR"), answer.contains("192.0.2.101") { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let log = (try? String(contentsOf: dir.appendingPathComponent("nsd.log"), encoding: .utf8)) ?? ""
        #expect(answer.contains("192.0.2.101"), "NSD did not serve the transferred zone:\n\(answer)\nNSD log:\n\(log)")
        #expect(answer.contains(" aa"), "NSD is authoritative for it")
        let glue = try run("dig", ["@127.0.0.1", "-p", "\(port)", "+time=1", "+tries=1", "docs.example.com", "A"]).output
        #expect(glue.contains("www.example.com."), "CNAME chain present at the secondary")
    }
}

/// A TCP+UDP port that is free right now on 127.0.0.1 (for a program that needs a fixed port).
func freePort() throws -> Int {
    for _ in 0..<20 {
        let port = Int.random(in: 20000...60000)
        let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(tcp); close(udp) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(tcp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 && bind(udp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        if ok { return port }
    }
    throw ProcessError("no free port found")
}
