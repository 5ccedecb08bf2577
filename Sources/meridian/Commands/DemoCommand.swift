import ArgumentParser
import DNSWire
import Drill
import Foundation
import UnixSignals

/// `meridian demo`: the whole system on this machine — DNS nodes, one agent per region and the
/// demo backends behind them, gossiping — until Ctrl-C, which stops every process.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a complete local deployment (DNS nodes, agents, backends) from zones/ and regions/ until Ctrl-C."
    )

    @OptionGroup var deployment: DeploymentOptions

    @Option(help: "Port of the DNS nodes (UDP and TCP); admin API on --admin-port, gossip on --gossip-port, same addresses.")
    var port: Int = 5353

    @Option(help: "Admin API and status page port of each DNS node.")
    var adminPort: Int = 8053

    @Option(help: "Gossip port of each DNS node.")
    var gossipPort: Int = 7053

    @Flag(help: "Put every process on a free port instead of the region files' ports (for running beside another demo).")
    var freePorts = false

    func validate() throws { try deployment.validateCount() }

    func run() async throws {
        // Trap first: a Ctrl-C during start-up must still stop what has started.
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let work = try deployment.makeWorkDirectory(prefix: "meridian-demo")
        let plan = try DeploymentPlan.make(
            regionsDirectory: deployment.regions, zonesDirectory: deployment.zones, dnsNodes: deployment.dnsNodes,
            ports: freePorts ? .free : .asConfigured(dnsPort: port, adminPort: adminPort, gossipPort: gossipPort), workDirectory: work.path
        )
        say("Starting \(plan.dnsNodes.count) DNS node(s), \(plan.agents.count) agents and \(plan.backends.count) backends; logs in \(work.path)/logs")
        let started = ContinuousClock.now
        let running = Task { () throws -> LocalDeployment in
            let local = try await LocalDeployment.start(plan: plan, binary: DeploymentOptions.binary, workDirectory: work.path)
            do {
                try await local.waitUntilServing()
            } catch {
                await local.stop()
                throw error
            }
            return local
        }
        // Ctrl-C while starting cancels the start, which stops what already runs.
        let interrupted = Task {
            for await _ in signals {
                running.cancel()
                return
            }
        }
        let local: LocalDeployment
        do {
            local = try await running.value
        } catch is CancellationError {
            cleanUp(work)
            say("Interrupted while starting; every process is stopped.")
            throw ExitCode(130)
        } catch {
            // The error points at the logs: they stay.
            say("Could not start; every process is stopped. Logs: \(work.path)/logs")
            throw error
        }
        say("Ready in \(String(format: "%.1f", (ContinuousClock.now - started).milliseconds / 1000)) s.\n")
        say(Self.guide(plan))
        for node in plan.dnsNodes { say("dns \(node.listen) admin \(node.admin)") }
        say("status http://\(plan.dnsNodes[0].admin)/")
        say("ready")
        _ = await interrupted.value
        say("\nStopping every process...")
        await local.stop()
        cleanUp(work)
        say("Stopped.")
    }

    private func cleanUp(_ work: (path: String, removeAtEnd: Bool)) {
        if work.removeAtEnd { try? FileManager.default.removeItem(atPath: work.path) }
    }

    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// What to try, with this deployment's real addresses.
    static func guide(_ plan: DeploymentPlan) -> String {
        let node = plan.dnsNodes[0]
        let dns = HostPort.parse(node.listen)!
        var lines = ["DNS nodes:   " + plan.dnsNodes.map(\.listen).joined(separator: ", "), "Status page: http://\(node.admin)/", "", "Try:"]
        for client in plan.clients {
            lines.append("  dig @\(dns.host) -p \(dns.port) www.example.com +subnet=\(client.subnet)   # as a client in \(client.name)")
        }
        if let endpoint = plan.endpoints.first(where: { !$0.address.contains(":") }) {
            lines.append("  curl -H 'Host: www.example.com' http://\(endpoint.address):\(endpoint.port)/   # through \(endpoint.name)'s proxy (\(endpoint.region))")
        }
        if let agent = plan.agents.first {
            lines.append("  curl -X POST -d '{}' http://\(agent.admin)/v1/drain     # drain \(agent.region); watch the status page, then /v1/undrain")
        }
        if let backend = plan.backends.first {
            lines.append("  curl -X POST http://\(backend.listen)/admin/fail        # fail one backend of \(backend.endpoint); /admin/recover undoes it")
        }
        lines.append("  \(CommandLine.arguments[0]) drill --fail-region \(plan.agents.first?.region ?? "us-east")    # a self-contained failover drill (own deployment, free ports)")
        lines.append("")
        lines.append("Ctrl-C stops everything.")
        return lines.joined(separator: "\n")
    }
}
