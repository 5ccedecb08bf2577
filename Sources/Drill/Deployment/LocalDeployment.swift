import DNSWire
import Foundation
import HealthGossip
import NIOConcurrencyHelpers
import NIOHTTP1

/// A running local deployment: the processes of a `DeploymentPlan`, started from the `meridian`
/// binary, with the levers a drill pulls (backends failing, an agent killed and restarted,
/// drains). `stop()` takes every process down; each child also exits by itself if this
/// process dies first (`MERIDIAN_PARENT_PID`), so nothing outlives a demo or a drill.
public final class LocalDeployment: Sendable {
    public let plan: DeploymentPlan
    public let logDirectory: String
    private let binary: String
    private let children = NIOLockedValueBox<[String: ChildProcess]>([:])

    /// Starts every process and returns once each has bound its addresses. Call
    /// `waitUntilServing` before relying on answers.
    public static func start(plan: DeploymentPlan, binary: String, workDirectory: String, logLevel: String = "notice") async throws -> LocalDeployment {
        let deployment = LocalDeployment(plan: plan, binary: binary, logDirectory: workDirectory + "/logs")
        try FileManager.default.createDirectory(atPath: deployment.logDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: plan.keyFile, contents: Data(GossipKeyring.generateKeyFileText().utf8), attributes: [.posixPermissions: 0o600]) else {
            throw DeploymentError("cannot write \(plan.keyFile)")
        }
        do {
            for backend in plan.backends {
                try deployment.spawn(backend.name, ["backend", "--listen", backend.listen, "--name", backend.name])
            }
            for (index, node) in plan.dnsNodes.enumerated() {
                var arguments = [
                    "serve", "--zones", plan.zonesDirectory, "--regions", plan.regionsDirectory, "--listen", node.listen, "--admin", node.admin,
                    "--gossip", node.gossip, "--gossip-key-file", plan.keyFile, "--name", node.name, "--identity", node.name, "--threads", "1",
                    "--log-level", logLevel,
                ]
                if index > 0 { arguments += ["--join", plan.dnsNodes[0].gossip] }
                try deployment.spawn(node.name, arguments)
            }
            for agent in plan.agents { try deployment.spawn(Self.agentName(agent.region), deployment.agentArguments(agent, logLevel: logLevel)) }
            for backend in plan.backends { _ = try await deployment.child(backend.name).lines(startingWith: "listening", timeout: .seconds(30)) }
            for node in plan.dnsNodes { _ = try await deployment.child(node.name).lines(startingWith: "gossip", timeout: .seconds(30)) }
            for agent in plan.agents { _ = try await deployment.child(Self.agentName(agent.region)).lines(startingWith: "admin", timeout: .seconds(30)) }
        } catch {
            await deployment.stop()
            throw error
        }
        return deployment
    }

    private init(plan: DeploymentPlan, binary: String, logDirectory: String) {
        self.plan = plan
        self.binary = binary
        self.logDirectory = logDirectory
    }

    static func agentName(_ region: String) -> String { "agent-\(region)" }

    private func agentArguments(_ agent: DeploymentPlan.Agent, logLevel: String) -> [String] {
        ["agent", "--region", agent.regionFile, "--join", plan.dnsNodes[0].gossip, "--gossip-key-file", plan.keyFile, "--log-level", logLevel]
    }

    private func spawn(_ name: String, _ arguments: [String]) throws {
        let child = try ChildProcess(name: name, binary: binary, arguments: arguments, logDirectory: logDirectory)
        children.withLockedValue { $0[name] = child }
    }

    private func child(_ name: String) throws -> ChildProcess {
        guard let child = children.withLockedValue({ $0[name] }) else { throw DeploymentError("no process \(name)") }
        return child
    }

    /// Waits until every DNS node has every agent alive in its gossip view, each reporting all
    /// of its region's endpoints up: agents have checked their backends and gossip has carried
    /// it to each node. (Before any report a node serves endpoints as up, so its `/v1/state`
    /// alone would say "ready" too early.)
    public func waitUntilServing(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        var waitingFor = ""
        while ContinuousClock.now < deadline {
            waitingFor = await notServing()
            if waitingFor.isEmpty { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DeploymentError("the deployment did not come up within \(timeout): \(waitingFor) (logs in \(logDirectory))")
    }

    /// What is not ready yet, or "" when everything is.
    private func notServing() async -> String {
        for node in plan.dnsNodes {
            guard let admin = HostPort.parse(node.admin),
                  let response = try? await HTTPClient.request(.GET, host: admin.host, port: admin.port, path: "/v1/members"),
                  let view = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
                  let members = view["members"] as? [[String: Any]]
            else { return "\(node.name)'s admin API" }
            for agent in plan.agents {
                let name = Self.agentName(agent.region)
                guard let member = members.first(where: { $0["name"] as? String == name }), member["status"] as? String == "alive" else {
                    return "\(node.name) has not seen \(name) alive"
                }
                let reported = ((member["report"] as? [String: Any])?["endpoints"] as? [[String: Any]]) ?? []
                let up = reported.filter { $0["up"] as? Bool == true && $0["drained"] as? Bool == false }.count
                guard up == plan.endpoints(inRegion: agent.region).count else { return "\(node.name) has \(up) endpoints of \(agent.region) up" }
            }
        }
        return ""
    }

    /// Switches the demo backends behind these endpoints to failing (every request, health
    /// checks included, gets 503) or back to healthy.
    public func setBackends(ofEndpoints endpoints: Set<String>, failing: Bool) async throws {
        for backend in plan.backends(of: endpoints) {
            guard let address = HostPort.parse(backend.listen) else { continue }
            let response = try await HTTPClient.request(.POST, host: address.host, port: address.port, path: failing ? "/admin/fail" : "/admin/recover", body: "")
            guard response.status == 200 else { throw DeploymentError("\(backend.name): /admin/\(failing ? "fail" : "recover") answered \(response.status)") }
        }
    }

    /// SIGKILL: the agent gets no chance to say goodbye, as when a machine dies.
    public func killAgent(region: String) throws {
        let child = try child(Self.agentName(region))
        child.kill(SIGKILL)
    }

    /// Starts the region's agent again with the same configuration; returns once it listens.
    public func restartAgent(region: String) async throws {
        guard let agent = plan.agents.first(where: { $0.region == region }) else { throw DeploymentError("no region \(region)") }
        let name = Self.agentName(region)
        if let old = children.withLockedValue({ $0[name] }) { await old.stop(grace: .seconds(1)) }
        try spawn(name, agentArguments(agent, logLevel: "notice"))
        _ = try await child(name).lines(startingWith: "admin", timeout: .seconds(30))
    }

    /// Every process, by name, with its PID (for `demo` to print and tests to check).
    public var processes: [(name: String, pid: Int32)] {
        children.withLockedValue { $0.map { ($0.key, $0.value.pid) } }.sorted { $0.name < $1.name }
    }

    /// Takes every process down (SIGTERM, then SIGKILL after a grace period).
    public func stop() async {
        let all = children.withLockedValue { Array($0.values) }
        await withTaskGroup(of: Void.self) { group in
            for child in all { group.addTask { await child.stop() } }
        }
    }
}
