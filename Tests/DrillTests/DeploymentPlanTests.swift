import Drill
import Foundation
import Testing
import Topology

/// The plan of a local deployment: every process and port, and on free ports, region files
/// rewritten so that nothing collides with anything already listening.
@Suite struct DeploymentPlanTests {
    static let region = """
        region: lab
        location: { lat: 1, lon: 2 }
        clients: [ "2001:db8:9::/48", "10.9.0.0/16" ]
        agent: { gossip: "127.0.0.1:7199", admin: "127.0.0.1:9199" }
        endpoints:
          - name: lab-a
            address: 127.0.0.91
            port: 8080
            services: [ www.example.com ]
            backends:
              - { url: "http://127.0.0.1:9191", weight: 1 }
              - { url: "http://127.0.0.1:9192", weight: 1 }
          - name: lab-b
            address: 127.0.0.92
            port: 8080
            services: [ www.example.com ]
            backends:
              - { url: "http://127.0.0.1:9191", weight: 1 }
        """

    func withRegions(_ body: (String, String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-plan-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/regions", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
        try Self.region.write(toFile: root + "/regions/lab.yaml", atomically: true, encoding: .utf8)
        try body(root + "/regions", root + "/work")
    }

    @Test func configuredPortsKeepTheRegionFilesAndPutNodesOnTheirOwnAddresses() throws {
        try withRegions { regions, work in
            let plan = try DeploymentPlan.make(regionsDirectory: regions, zonesDirectory: "zones", dnsNodes: 2, ports: .asConfigured(dnsPort: 5353, adminPort: 8053, gossipPort: 7053), workDirectory: work)
            #expect(plan.dnsNodes.map(\.listen) == ["127.0.0.1:5353", "127.0.0.2:5353"])
            #expect(plan.dnsNodes.map(\.admin) == ["127.0.0.1:8053", "127.0.0.2:8053"])
            #expect(plan.agents.map(\.regionFile) == [regions + "/lab.yaml"])
            #expect(plan.endpoints.map(\.port) == [8080, 8080])
            // A backend URL two endpoints share is one process.
            #expect(plan.backends.map(\.listen) == ["127.0.0.1:9191", "127.0.0.1:9192"])
            // Drill clients pose as the region's first IPv4 network.
            #expect(plan.clients.map(\.subnet.description) == ["10.9.0.0/16"])
        }
    }

    @Test func freePortsRewriteEveryPortConsistently() throws {
        try withRegions { regions, work in
            let plan = try DeploymentPlan.make(regionsDirectory: regions, zonesDirectory: "zones", dnsNodes: 1, ports: .free, workDirectory: work)
            let agent = try #require(plan.agents.first)
            #expect(agent.regionFile == work + "/regions/lab.yaml")
            #expect(agent.admin != "127.0.0.1:9199" && agent.gossip != "127.0.0.1:7199")
            #expect(plan.endpoints.allSatisfy { $0.port != 8080 })
            #expect(plan.backends.count == 2)
            #expect(!plan.backends.contains { $0.listen == "127.0.0.1:9191" || $0.listen == "127.0.0.1:9192" })
            // The rewritten file loads, and the shared backend still points at one (moved) port.
            let region = try TopologyLoader.loadRegion(path: agent.regionFile).get()
            #expect(region.endpoints[0].backends[0].url == region.endpoints[1].backends[0].url)
            #expect(region.endpoints[0].backends[0].url == "http://" + plan.backends[0].listen)
            let ports = [agent.admin, agent.gossip, plan.dnsNodes[0].listen, plan.dnsNodes[0].admin, plan.dnsNodes[0].gossip] + plan.backends.map(\.listen)
            #expect(Set(ports).count == ports.count, "every port distinct: \(ports)")
        }
    }
}
