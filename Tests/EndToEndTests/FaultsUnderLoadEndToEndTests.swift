import TestSupport
import Foundation
import Testing

/// Faults while `dnsperf` keeps real load on the real processes (loopback, bounded): a reload
/// storm with broken zone files, a DNS node killed with SIGKILL, an agent restarted, and SIGTERM
/// with TCP work in flight. A failed query is one lost (unanswered in 2 s) or not NOERROR.
/// Each test prints a `[faults]` line with its figures (quoted in the README's reliability section).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct FaultsUnderLoadEndToEndTests {
    static let zone = ZoneReloadEndToEndTests.zone

    @Test func reloadsWithBrokenZoneFilesLoseNoQuery() throws {
        let zones = try Repo.zonesCopy(extra: ["reload.test.zone": Self.zone])
        let server = try MeridianProcess(zones: zones)
        defer { server.stop() }
        let file = zones.appendingPathComponent("reload.test.zone")
        let load = try DNSPerfLoad(
            host: server.host, port: server.port, queries: ["www.reload.test A", "www.example.com A", "status.example.com A", "example.com SOA"],
            seconds: 6, qps: 4000
        )
        // 20 reloads, every other one of a broken file (an address that is not one).
        for round in 0..<20 {
            Thread.sleep(forTimeInterval: 0.2)
            let address = "192.0.2.\(10 + round)"
            let text = Self.zone.replacingOccurrences(of: "192.0.2.10", with: address) + (round % 2 == 1 ? "\nbad IN A 999.1.1.1\n" : "")
            try text.write(to: file, atomically: true, encoding: .utf8)
            server.signal(SIGHUP)
        }
        let result = try load.finish()
        print("[faults] reload: 20 SIGHUPs (10 broken zone files) under \(result)")
        #expect(result.failed == 0 && result.completed == result.sent, "\(result)\n\(result.output)")
        #expect(Double(result.sent) > 10_000 / TestTime.scale, "the load ran: \(result)")
        #expect(server.waitForLog("serving=previous version"), "broken files were rejected:\n\(server.log)")
        // The last good file (round 18) is what is served.
        #expect(try ZoneReloadEndToEndTests.waitForAnswer(server, "www.reload.test", "192.0.2.28"))
    }

    @Test func aKilledDNSNodeLosesNoQueryOnTheOthersAndRejoins() throws {
        let cluster = try GossipEndToEndTests.Cluster()
        defer { cluster.stop() }
        try cluster.waitUntilReady()
        let survivors = [cluster.nodes[0], cluster.nodes[2]]
        let loads = try survivors.map { try DNSPerfLoad(host: $0.host, port: $0.port, queries: ["www.example.com A", "status.example.com A"], seconds: 8, qps: 2000) }
        Thread.sleep(forTimeInterval: 1)
        let victim = cluster.nodes[1]
        kill(victim.process.processIdentifier, SIGKILL)
        victim.process.waitUntilExit()
        Thread.sleep(forTimeInterval: 1)
        let restarted = Date()
        cluster.nodes[1] = try cluster.node(gossipPort: cluster.gossipPorts[1], keyFile: cluster.keyFile)
        let usEast = GossipEndToEndTests.Cluster.usEast
        let converged = try secondsUntil(15) {
            try cluster.converged(reports: true) && cluster.answers("10.1.0.0/16").allSatisfy { $0 == usEast }
        }
        let results = try loads.map { try $0.finish() }
        print("[faults] SIGKILL of a DNS node: the other two answered \(results); restarted node converged \(GossipEndToEndTests.ms(converged)) after its start")
        for result in results { #expect(result.failed == 0 && result.completed == result.sent, "\(result)\n\(result.output)") }
        #expect(converged != nil, "members: \(cluster.statuses), answers: \(cluster.answersText("10.1.0.0/16"))")
        #expect(Date().timeIntervalSince(restarted) < TestTime.seconds(30))
    }

    @Test func anAgentRestartLosesNoQueryAndItsRegionReturnsAfterItsChecks() throws {
        let cluster = try GossipEndToEndTests.Cluster()
        defer { cluster.stop() }
        try cluster.waitUntilReady()
        let loads = try cluster.nodes.map { try DNSPerfLoad(host: $0.host, port: $0.port, queries: ["www.example.com A"], seconds: 8, qps: 1500) }
        let usEast = GossipEndToEndTests.Cluster.usEast
        let agent = try #require(cluster.agents["us-east"])
        agent.terminate()
        agent.waitUntilExit()
        let failedOver = try secondsUntil(10) { try cluster.answers("10.1.0.0/16").allSatisfy { !$0.isEmpty && $0.isDisjoint(with: usEast) } }
        let started = Date()
        try cluster.startAgent("us-east")
        let returned = try secondsUntil(15) { try cluster.answers("10.1.0.0/16").allSatisfy { $0 == usEast } }
        let results = try loads.map { try $0.finish() }
        print("[faults] agent restart: failed over \(GossipEndToEndTests.ms(failedOver)) after SIGTERM, us-east back \(GossipEndToEndTests.ms(returned)) after the restart; nodes answered \(results)")
        for result in results { #expect(result.failed == 0 && result.completed == result.sent, "\(result)\n\(result.output)") }
        #expect(failedOver != nil, "answers: \(cluster.answersText("10.1.0.0/16"))")
        #expect(returned != nil, "answers: \(cluster.answersText("10.1.0.0/16"))")
        // Readmitted only once the restarted agent has seen rise (2) successful checks of its
        // backends, 250 ms apart (the first at its start).
        #expect((returned ?? 0) >= 0.25 && Date().timeIntervalSince(started) < TestTime.seconds(20))
    }

    /// SIGTERM while a zone transfer is half sent to a client that reads slowly, and while
    /// pipelined queries wait on other connections: all are answered in full, then the process
    /// exits 0.
    @Test func sigtermAnswersInFlightTCPWorkBeforeExiting() throws {
        // 40,000 TXT records of 200 bytes: about 9 MB, more than the kernel buffers on both ends
        // hold, so the transfer is still being written when SIGTERM arrives.
        let records = 40_000
        let text = String(repeating: "x", count: 200)
        let big = "$TTL 60\n@ IN SOA ns1 admin 1 3600 600 86400 60\n  IN NS ns1\nns1 IN A 192.0.2.1\n"
            + (0..<records).map { "h\($0) IN TXT \"\(text)\"\n" }.joined()
        let zones = try Repo.zonesCopy(extra: ["big.test.zone": big])
        let server = try MeridianProcess(zones: zones, arguments: ["--allow-transfer", "127.0.0.1"])
        defer { server.stop() }

        let transfer = try LoopbackSocket(tcpPort: server.port, receiveBuffer: 4096)
        let axfr = makeQuery("big.test", id: 1, type: 252)
        try transfer.send([0, UInt8(axfr.count)] + axfr)
        var length = try transfer.receive(exactly: 2)  // the transfer has started
        // Connections the server has taken (each answered once), then 20 queries on each, sent
        // just before SIGTERM.
        let pipelined = try (0..<8).map { _ in try LoopbackSocket(tcpPort: server.port) }
        for client in pipelined {
            let query = makeQuery("status.example.com", id: 999)
            try client.send([0, UInt8(query.count)] + query)
            let length = try client.receive(exactly: 2)
            _ = try client.receive(exactly: Int(length[0]) << 8 | Int(length[1]))
        }
        for (index, client) in pipelined.enumerated() {
            var stream: [UInt8] = []
            for query in 0..<20 {
                let message = makeQuery("status.example.com", id: UInt16(index * 100 + query))
                stream += [0, UInt8(message.count)] + message
            }
            try client.send(stream)
        }
        server.signal(SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)  // the transfer's client is slow: shutdown has begun

        // SOA, NS, ns1 A, the records, SOA again: every one arrives (EOF before would throw).
        var answered = 0
        while true {
            let message = try transfer.receive(exactly: Int(length[0]) << 8 | Int(length[1]))
            answered += Int(message[6]) << 8 | Int(message[7])
            if answered >= records + 4 { break }
            Thread.sleep(forTimeInterval: 0.004)  // a slow reader: about 2.5 s for the whole transfer
            length = try transfer.receive(exactly: 2)
        }
        #expect(answered == records + 4, "transfer records received: \(answered)")
        var queriesAnswered = 0
        for client in pipelined {
            for _ in 0..<20 {
                guard let length = try? client.receive(exactly: 2), let response = try? client.receive(exactly: Int(length[0]) << 8 | Int(length[1])) else { break }
                if response[3] & 0x0F == 0 { queriesAnswered += 1 }
            }
        }
        #expect(queriesAnswered == 160, "pipelined queries answered: \(queriesAnswered)")
        let status = server.stop(timeout: 10)
        print("[faults] SIGTERM: a \(records + 4)-record AXFR in flight received whole, \(queriesAnswered)/160 pipelined TCP queries answered, exit status \(String(describing: status))")
        #expect(status == 0)
    }
}
