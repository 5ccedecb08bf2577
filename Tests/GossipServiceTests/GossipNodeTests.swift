import Crypto
import Foundation
import HealthGossip
import Logging
import MetricsExport
import ServiceLifecycle
import Testing
import TestSupport
@testable import GossipService

/// Gossip members as Services on loopback (real UDP and TCP): they find each other from one
/// seed, spread a report, detect a member that stops, and ignore a member with the wrong key.
@Suite(.serialized)
struct GossipNodeTests {
    static let key = GossipKeyring(primary: SymmetricKey(size: .bits256))
    static let fast = MembershipConfiguration(protocolPeriod: 100, pingTimeout: 40, suspicionMultiplier: 3, gossipInterval: 20)

    static func node(_ name: String, role: MemberRole = .dns, seeds: [GossipAddress], keyring: GossipKeyring = key, metrics: GossipMetrics = GossipMetrics()) -> GossipNode {
        GossipNode(
            configuration: .init(
                name: name, role: role, region: role == .agent ? "r-\(name)" : "", listen: GossipAddress(host: "127.0.0.1", port: 0),
                seeds: seeds, keyring: keyring, membership: fast, syncInterval: 1_000
            ),
            metrics: metrics, logger: Logger(label: "gossip-test")
        )
    }

    static func address(_ node: GossipNode) async -> GossipAddress {
        GossipAddress(host: "127.0.0.1", port: UInt16(await node.boundAddress()!.port!))
    }

    /// Waits up to `seconds` (stretched by `TestTime.scale` in sanitizer runs) for `condition`.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(TestTime.seconds(seconds))
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test func membersJoinSpreadReportsAndDetectAStoppedMember() async throws {
        let logger = Logger(label: "gossip-test")
        let exporter = MetricsExporter()
        let first = Self.node("dns-1", seeds: [], metrics: GossipMetrics(factory: exporter.factory))
        let firstGroup = ServiceGroup(services: [first], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await firstGroup.run() }
            let seed = await Self.address(first)
            let second = Self.node("dns-2", seeds: [seed])
            let agent = Self.node("agent-1", role: .agent, seeds: [seed])
            let stranger = Self.node("intruder", seeds: [seed], keyring: GossipKeyring(primary: SymmetricKey(size: .bits256)))
            let agentGroup = ServiceGroup(services: [agent], logger: logger)
            let othersGroup = ServiceGroup(services: [second, stranger], logger: logger)
            tasks.addTask { try await agentGroup.run() }
            tasks.addTask { try await othersGroup.run() }

            let all = [first, second, agent]
            // Bounds count from when every member listens: on a busy machine the tasks that run
            // them may start late (other suites can hold the cooperative threads).
            for node in [second, agent, stranger] { _ = await node.boundAddress() }
            #expect(try await Self.eventually(15) { all.allSatisfy { $0.view.members.filter { $0.update.status == .alive }.count == 3 } }, "three members see three alive")
            #expect(all.allSatisfy { node in !node.view.members.contains { $0.update.name == "intruder" } }, "a member with another key never joins")
            #expect(stranger.view.members.count == 1, "and learns nobody")
            func forged() -> Int {
                let scrape = exporter.route(method: "GET", path: "/metrics")?.body ?? ""
                return Self.counter(scrape, "meridian_gossip_rejected_total{reason=\"bad_signature\"}")
            }
            #expect(try await Self.eventually(5) { forged() > 0 }, "its frames are counted as forged")

            agent.publish(region: "r-agent-1", endpoints: [EndpointReport(name: "ep", up: false, drained: false, capacityPermille: 0, latencyMicroseconds: 0)])
            let started = Date()
            #expect(try await Self.eventually(10) { [first, second].allSatisfy { $0.view.reports["agent-1"]?.endpoints.first?.up == false } })
            print("report reached both DNS nodes in \(Int(Date().timeIntervalSince(started) * 1000)) ms")

            // The agent stops without saying goodbye: its group is cancelled, not shut down.
            await agentGroup.triggerGracefulShutdown()
            #expect(try await Self.eventually(10) { [first, second].allSatisfy { $0.view.status(of: "agent-1").map { $0 >= .dead } ?? false } }, "declared dead or left")

            await othersGroup.triggerGracefulShutdown()
            await firstGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Sends raw datagrams to `port` on loopback.
    static func sendDatagrams(_ datagrams: [[UInt8]], to port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        for datagram in datagrams {
            _ = datagram.withUnsafeBytes { bytes in
                withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            }
        }
    }

    static func counter(_ scrape: String, _ name: String) -> Int {
        scrape.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } } ?? 0
    }

    @Test func hostileDatagramsAreCountedAndChangeNothing() async throws {
        let exporter = MetricsExporter()
        let node = Self.node("dns-1", seeds: [], metrics: GossipMetrics(factory: exporter.factory))
        let group = ServiceGroup(services: [node], logger: Logger(label: "gossip-test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = Int(await Self.address(node).port)
            let now = GossipNode.now()
            // A correctly signed message that announces a fake agent reporting an endpoint down.
            let fake = MemberUpdate(name: "agent-x", address: GossipAddress(host: "127.0.0.1", port: 9), role: .agent, region: "x", status: .alive, incarnation: 1)
            let report = RegionReport(origin: "agent-x", region: "x", version: 1, endpoints: [EndpointReport(name: "ep", up: false, drained: false, capacityPermille: 0, latencyMicroseconds: 0)])
            let payload = try GossipCodec.encode(GossipMessage(.gossip, updates: [.member(fake), .report(report)]))
            let signed = GossipFrame.seal(payload: payload, sender: "agent-x", timestamp: now, sequence: 1, keyring: Self.key)
            var forged = signed
            forged[forged.count - 1] ^= 1
            let otherKey = GossipFrame.seal(payload: payload, sender: "agent-x", timestamp: now, sequence: 2, keyring: GossipKeyring(primary: SymmetricKey(size: .bits256)))
            let old = GossipFrame.seal(payload: payload, sender: "agent-y", timestamp: now - 120_000, sequence: 1, keyring: Self.key)
            var random = GossipRandom(seed: 5)
            let junk = (0..<200).map { _ in (0..<Int.random(in: 0...1500, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) } }
            let truncated = (0..<signed.count).map { Array(signed.prefix($0)) }
            Self.sendDatagrams([forged, otherKey, old] + junk + truncated, to: port)
            try await Task.sleep(for: .milliseconds(300))
            #expect(node.view.members.count == 1 && node.view.reports.isEmpty, "nothing unsigned, forged or stale got in")

            Self.sendDatagrams([signed, signed, signed], to: port)
            #expect(try await Self.eventually(10) { node.view.reports["agent-x"] != nil }, "the signed message is accepted once")
            try await Task.sleep(for: .milliseconds(200))
            let scrape = exporter.route(method: "GET", path: "/metrics")?.body ?? ""
            #expect(Self.counter(scrape, "meridian_gossip_rejected_total{reason=\"replayed\"}") == 2, "its two replays are counted")
            #expect(Self.counter(scrape, "meridian_gossip_rejected_total{reason=\"bad_signature\"}") >= 2, "forged and other-key frames")
            #expect(Self.counter(scrape, "meridian_gossip_rejected_total{reason=\"stale\"}") == 1, "two minutes old")
            let rejected = scrape.split(separator: "\n").filter { $0.hasPrefix("meridian_gossip_rejected_total{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
            // The kernel may drop some of a burst this size; every datagram that arrived but the
            // one signed message was rejected and counted, by reason.
            let arrived = Self.counter(scrape, "meridian_gossip_messages_total{direction=\"in\"}")
            #expect(arrived > 100 && rejected == arrived - 1, "\(arrived) arrived, \(rejected) rejected")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
