import Crypto
import Foundation
import HealthGossip
import Logging
import MetricsExport
import ServiceLifecycle
import Testing
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

    /// Waits up to `seconds` for `condition`.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
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
            #expect(try await Self.eventually(5) { all.allSatisfy { $0.view.members.filter { $0.update.status == .alive }.count == 3 } }, "three members see three alive")
            #expect(all.allSatisfy { node in !node.view.members.contains { $0.update.name == "intruder" } }, "a member with another key never joins")
            #expect(stranger.view.members.count == 1, "and learns nobody")
            let scrape = exporter.route(method: "GET", path: "/metrics")?.body ?? ""
            let forged = scrape.split(separator: "\n").first { $0.hasPrefix("meridian_gossip_rejected_total{reason=\"bad_signature\"}") }
            #expect((forged?.split(separator: " ").last.flatMap { Int($0) } ?? 0) > 0, "its frames are counted as forged: \(forged ?? "none")")

            agent.publish(region: "r-agent-1", endpoints: [EndpointReport(name: "ep", up: false, drained: false, capacityPermille: 0, latencyMicroseconds: 0)])
            let started = Date()
            #expect(try await Self.eventually(3) { [first, second].allSatisfy { $0.view.reports["agent-1"]?.endpoints.first?.up == false } })
            print("report reached both DNS nodes in \(Int(Date().timeIntervalSince(started) * 1000)) ms")

            // The agent stops without saying goodbye: its group is cancelled, not shut down.
            await agentGroup.triggerGracefulShutdown()
            #expect(try await Self.eventually(5) { [first, second].allSatisfy { $0.view.status(of: "agent-1").map { $0 >= .dead } ?? false } }, "declared dead or left")

            await othersGroup.triggerGracefulShutdown()
            await firstGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
