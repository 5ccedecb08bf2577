import Foundation
import Testing
import TestSupport

/// Gossip across real processes on loopback: three DNS nodes (`meridian serve --gossip`), one
/// `meridian agent` per region over its own `meridian backend` processes, one key from
/// `meridian keygen`. Health checks every 250 ms (timeout 200 ms, rise 2, fall 2).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct GossipEndToEndTests {
    /// The cluster: its processes, the ports it was given and the key it shares.
    final class Cluster {
        static let agentNames = ["agent-us-east", "agent-eu-west", "agent-ap-south"]
        /// us-east's two IPv4 endpoints (use-www-a, use-www-b), what its clients (10.1.0.0/16) get.
        static let usEast: Set<String> = ["127.0.0.11", "127.0.0.12"]
        let dir: URL
        let keyFile: URL
        let regions: URL
        var backends: [String: (process: Process, port: Int)] = [:]
        var nodes: [MeridianProcess] = []
        var gossipPorts: [Int] = []
        /// Per region: the agent's command line (for a restart) and the running process.
        var agentArguments: [String: [String]] = [:]
        var agents: [String: Process] = [:]
        var extraNodes: [MeridianProcess] = []
        /// Agents started with another key.
        var impostors: [Process] = []

        var nodeNames: [String] { gossipPorts.map { "dns-127.0.0.1:\($0)" } }
        var memberNames: Set<String> { Set(nodeNames + Self.agentNames) }

        init() throws {
            dir = try Repo.temporaryDirectory()
            keyFile = try Self.keygen(in: dir, name: "gossip.key")
            regions = dir.appendingPathComponent("regions")
            try FileManager.default.createDirectory(at: regions, withIntermediateDirectories: true)
            do { try start() } catch { stop(); throw error }
        }

        static func keygen(in dir: URL, name: String) throws -> URL {
            let file = dir.appendingPathComponent(name)
            let result = try run(Repo.binary.path, ["keygen", "--out", file.path])
            guard result.status == 0 else { throw ProcessError("keygen failed: \(result.output)") }
            return file
        }

        private func start() throws {
            for name in ["use-a1", "use-a2", "use", "euw", "aps"] {
                let (process, port) = try AgentEndToEndTests.start(["backend", "--listen", "127.0.0.1:0", "--name", name])
                backends[name] = (process, port)
            }
            let urls = backends.mapValues { "http://127.0.0.1:\($0.port)" }
            try writeRegion("us-east", lat: 39.04, lon: -77.49, clients: "10.1.0.0/16", [
                ("use-www-a", "127.0.0.11", 2, [urls["use-a1"]!, urls["use-a2"]!]),
                ("use-www-b", "127.0.0.12", 1, [urls["use"]!]),
                ("use-www-v6", "\"::1\"", 1, [urls["use"]!]),
            ])
            try writeRegion("eu-west", lat: 53.35, lon: -6.26, clients: "10.2.0.0/16", [
                ("euw-www-a", "127.0.0.21", 1, [urls["euw"]!]),
                ("euw-www-b", "127.0.0.22", 1, [urls["euw"]!]),
            ])
            try writeRegion("ap-south", lat: 19.08, lon: 72.88, clients: "10.3.0.0/16", [("aps-www-a", "127.0.0.31", 1, [urls["aps"]!])])

            for _ in 0..<3 {
                let port = try freePort()
                gossipPorts.append(port)
                nodes.append(try node(gossipPort: port, keyFile: keyFile))
            }
            for region in ["us-east", "eu-west", "ap-south"] {
                agentArguments[region] = [
                    "agent", "--region", regions.appendingPathComponent("\(region).yaml").path,
                    "--join", "127.0.0.1:\(gossipPorts[0])", "--gossip-key-file", keyFile.path,
                ]
                try startAgent(region)
            }
        }

        /// A region file like the repo's, on free ports, over this cluster's backends.
        private func writeRegion(_ name: String, lat: Double, lon: Double, clients: String, _ endpoints: [(String, String, Int, [String])]) throws {
            var text = """
            region: \(name)
            location: { lat: \(lat), lon: \(lon) }
            clients: [ "\(clients)" ]
            agent: { gossip: "127.0.0.1:\(try freePort())", admin: "127.0.0.1:\(try freePort())" }
            endpoints:

            """
            for (endpoint, address, weight, backendURLs) in endpoints {
                text += """
                  - name: \(endpoint)
                    address: \(address)
                    port: \(try freePort())
                    weight: \(weight)
                    services: [ www.example.com ]
                    backends:
                \(backendURLs.map { "      - { url: \"\($0)\" }" }.joined(separator: "\n"))
                    health: { path: /healthz, interval: 250ms, timeout: 200ms, rise: 2, fall: 2 }

                """
            }
            try text.write(to: regions.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }

        /// A DNS node gossiping on `gossipPort`; every node but the first joins the first.
        func node(gossipPort: Int, keyFile: URL) throws -> MeridianProcess {
            let join = gossipPorts.first.flatMap { $0 == gossipPort ? nil : ["--join", "127.0.0.1:\($0)"] } ?? []
            return try MeridianProcess(zones: Repo.root.appendingPathComponent("zones"), arguments: [
                "--regions", regions.path, "--admin", "127.0.0.1:0", "--gossip", "127.0.0.1:\(gossipPort)", "--gossip-key-file", keyFile.path,
            ] + join)
        }

        func startAgent(_ region: String) throws {
            agents[region] = try AgentEndToEndTests.start(agentArguments[region]!).0
        }

        /// Every process, SIGTERM first, SIGKILL for any still running after 5 s.
        func stop() {
            let processes = Array(agents.values) + impostors + backends.values.map(\.process) + (nodes + extraNodes).map(\.process)
            for process in processes where process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(5)
            while processes.contains(where: \.isRunning), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: dir)
        }

        /// `GET /v1/members` of a node: its own name and the members by name.
        static func members(_ node: MeridianProcess) throws -> (me: String, members: [String: [String: Any]]) {
            let text = try run("curl", ["-sS", "-m", "2", "http://127.0.0.1:\(node.adminPort)/v1/members"]).output
            let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let list = json?["members"] as? [[String: Any]] ?? []
            return (json?["self"] as? String ?? "", Dictionary(list.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a }))
        }

        /// Whether every node sees exactly this cluster's six members alive, and (when asked)
        /// every agent's report with all its endpoints up.
        func converged(reports: Bool) throws -> Bool {
            try nodes.allSatisfy { node in
                let members = try Self.members(node).members
                guard Set(members.keys) == memberNames, members.values.allSatisfy({ $0["status"] as? String == "alive" }) else { return false }
                guard reports else { return true }
                return Self.agentNames.allSatisfy { name in
                    let endpoints = (members[name]?["report"] as? [String: Any])?["endpoints"] as? [[String: Any]] ?? []
                    return !endpoints.isEmpty && endpoints.allSatisfy { $0["up"] as? Bool == true }
                }
            }
        }

        /// The A records each node answers for www.example.com to a client in `subnet`.
        func answers(_ subnet: String) throws -> [Set<String>] {
            try nodes.map { Set(try dig($0, "www.example.com", "A", "+subnet=\(subnet)").answers(ofType: "A")) }
        }

        /// Waits (bounded) until the cluster has formed and us-east clients get both us-east endpoints.
        func waitUntilReady() throws {
            let ready = try secondsUntil(20) { try converged(reports: true) && answers("10.1.0.0/16").allSatisfy { $0 == Self.usEast } }
            guard ready != nil else { throw ProcessError("cluster not ready in 20 s: \(statuses), answers \(answersText("10.1.0.0/16"))") }
        }

        /// For failure messages: each node's view of the members' states, and its answers.
        var statuses: String { "\((try? nodes.map { try Self.members($0).members.mapValues { $0["status"] ?? "" } }) ?? [])" }
        func answersText(_ subnet: String) -> String { "\((try? answers(subnet)) ?? [])" }

        func post(_ backend: String, _ path: String) throws {
            _ = try run("curl", ["-sS", "-m", "2", "-X", "POST", "http://127.0.0.1:\(backends[backend]!.port)\(path)"])
        }
    }

    static func ms(_ seconds: TimeInterval?) -> String { seconds.map { String(format: "%.0f ms", $0 * 1000) } ?? "never" }

    @Test func everyNodeSeesAllSixMembersAlive() throws {
        let started = Date()
        let cluster = try Cluster()
        defer { cluster.stop() }
        let formed = try secondsUntil(10) { try cluster.converged(reports: false) }
        print("[gossip-e2e] 6 members alive on every DNS node after \(Self.ms(formed)) (\(Self.ms(Date().timeIntervalSince(started))) from the first process start)")
        #expect(formed != nil, "members: \(cluster.statuses)")
        for node in cluster.nodes {
            let (me, members) = try Cluster.members(node)
            #expect(me == "dns-127.0.0.1:\(cluster.gossipPorts[cluster.nodes.firstIndex { $0 === node }!])")
            #expect(members["agent-us-east"]?["role"] as? String == "agent" && members["agent-us-east"]?["region"] as? String == "us-east")
            #expect(members[me]?["role"] as? String == "dns")
        }
    }

    @Test func failedBackendsTakeTheEndpointOutOfEveryNodesAnswers() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.waitUntilReady()

        let failedAt = Date()
        try cluster.post("use-a1", "/admin/fail")
        try cluster.post("use-a2", "/admin/fail")
        // Only use-www-b is left in us-east: no 127.0.0.11, and a real answer (not a timeout).
        let out = try secondsUntil(10) { try cluster.answers("10.1.0.0/16").allSatisfy { $0 == ["127.0.0.12"] } }
        print("[gossip-e2e] use-www-a out of every node's answers \(Self.ms(out)) after failing its backends")
        #expect(out != nil, "answers: \(cluster.answersText("10.1.0.0/16"))")
        #expect((out ?? 99) < TestTime.seconds(3), "interval × fall + timeout (700 ms) plus a gossip hop: \(Self.ms(out))")
        #expect(Date().timeIntervalSince(failedAt) < TestTime.seconds(12))

        try cluster.post("use-a1", "/admin/recover")
        try cluster.post("use-a2", "/admin/recover")
        let back = try secondsUntil(10) { try cluster.answers("10.1.0.0/16").allSatisfy { $0 == Cluster.usEast } }
        print("[gossip-e2e] use-www-a back in every node's answers \(Self.ms(back)) after recovering its backends")
        #expect(back != nil, "answers: \(cluster.answersText("10.1.0.0/16"))")
    }

    @Test func aKilledAgentIsDeclaredDeadAndItsRegionFailsOverThenRejoins() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.waitUntilReady()
        let before = try cluster.nodes.map { try Cluster.members($0).members["agent-us-east"]?["incarnation"] as? Int ?? -1 }

        let agent = try #require(cluster.agents["us-east"])
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
        let usEast = Cluster.usEast
        let failedOver = try secondsUntil(10) {
            try cluster.nodes.allSatisfy { try Cluster.members($0).members["agent-us-east"]?["status"] as? String == "dead" }
                && cluster.answers("10.1.0.0/16").allSatisfy { !$0.isEmpty && $0.isDisjoint(with: usEast) }
        }
        print("[gossip-e2e] us-east agent dead and 10.1.0.0/16 failed over on every node \(Self.ms(failedOver)) after kill -9")
        #expect(failedOver != nil, "members: \(cluster.statuses), answers: \(cluster.answersText("10.1.0.0/16"))")
        #expect((failedOver ?? 99) < TestTime.seconds(5), "suspicion (1 s at 200 ms × 5) after a missed probe: \(Self.ms(failedOver))")
        // Nearest healthy region for Ashburn clients: eu-west.
        #expect(try cluster.answers("10.1.0.0/16").allSatisfy { $0 == ["127.0.0.21", "127.0.0.22"] })

        try cluster.startAgent("us-east")
        let rejoined = try secondsUntil(15) {
            try cluster.nodes.enumerated().allSatisfy { index, node in
                let member = try Cluster.members(node).members["agent-us-east"]
                return member?["status"] as? String == "alive" && (member?["incarnation"] as? Int ?? -1) > before[index]
            } && cluster.answers("10.1.0.0/16").allSatisfy { $0 == usEast }
        }
        print("[gossip-e2e] restarted us-east agent alive (higher incarnation) and answered on every node \(Self.ms(rejoined)) after its start")
        #expect(rejoined != nil, "members: \((try? cluster.nodes.map { try Cluster.members($0).members["agent-us-east"] ?? [:] }) ?? []), answers: \(cluster.answersText("10.1.0.0/16"))")
    }

    /// Found by `meridian drill --kill-agent`: a restarted agent used to be answered at once,
    /// on the report of its previous life and before checking its backends. Restarted while its
    /// backends are dead, it must not bring its region back, not even for a moment.
    @Test func anAgentRestartedWhileItsBackendsAreDeadNeverReadmitsThem() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.waitUntilReady()
        let agent = try #require(cluster.agents["us-east"])
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
        let usEast = Cluster.usEast
        let failedOver = try secondsUntil(10) { try cluster.answers("10.1.0.0/16").allSatisfy { !$0.isEmpty && $0.isDisjoint(with: usEast) } }
        #expect(failedOver != nil, "answers: \(cluster.answersText("10.1.0.0/16"))")
        for backend in ["use-a1", "use-a2", "use"] { try cluster.post(backend, "/admin/fail") }

        try cluster.startAgent("us-east")
        let restarted = Date()
        var leaked: [Set<String>] = []
        var rejoinedAt: Date?
        // Until 3 s after every node sees the agent alive again: long enough for it to check
        // its backends (fall 2 × 500 ms) and report. The start itself may take long on a busy
        // machine, so the watch is bounded by 20 s, not by the start.
        while Date().timeIntervalSince(rejoinedAt ?? restarted) < TestTime.seconds(rejoinedAt == nil ? 20 : 3) {
            let answers = try cluster.answers("10.1.0.0/16")
            leaked += answers.filter { !$0.isDisjoint(with: usEast) }
            if rejoinedAt == nil, try cluster.nodes.allSatisfy({ try Cluster.members($0).members["agent-us-east"]?["status"] as? String == "alive" }) {
                rejoinedAt = Date()
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(rejoinedAt != nil, "the agent never rejoined: \(cluster.statuses)")
        #expect(leaked.isEmpty, "us-east answered while its backends were dead: \(leaked)")
    }

    /// An impostor `agent-us-east` with another key, every us-east endpoint pointed at one
    /// backend URL, joining the cluster: its reports (all down, or all up) never change an
    /// answer, even though it uses the real agent's name. (With the cluster's key, the first
    /// check fails: the test can tell.)
    @Test func anAgentWithAnotherKeyCannotMarkEndpointsDownOrUp() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.waitUntilReady()
        let otherKey = try Cluster.keygen(in: cluster.dir, name: "impostor.key")
        let real = try String(contentsOf: cluster.regions.appendingPathComponent("us-east.yaml"), encoding: .utf8)
        func impostor(backend: String) throws -> Process {
            var text = real.replacingOccurrences(of: #"agent: \{[^}]*\}"#, with: "agent: { gossip: \"127.0.0.1:\(try freePort())\", admin: \"127.0.0.1:\(try freePort())\" }", options: .regularExpression)
            text = text.replacingOccurrences(of: #"url: "[^"]*""#, with: "url: \"\(backend)\"", options: .regularExpression)
            let file = cluster.dir.appendingPathComponent("impostor-\(UUID().uuidString).yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let (process, _) = try AgentEndToEndTests.start([
                "agent", "--region", file.path, "--join", "127.0.0.1:\(cluster.gossipPorts[0])", "--gossip-key-file", otherKey.path,
            ])
            cluster.impostors.append(process)
            return process
        }
        /// The us-east answers of every node, sampled for 3 s.
        func answersFor3Seconds() throws -> Set<Set<String>> {
            var seen: Set<Set<String>> = []
            let started = Date()
            while Date().timeIntervalSince(started) < 3 {
                seen.formUnion(try cluster.answers("10.1.0.0/16"))
                Thread.sleep(forTimeInterval: 0.1)
            }
            return seen
        }
        let usEast = Cluster.usEast

        // Reporting every endpoint down (its backend URL is a closed port).
        let down = try impostor(backend: "http://127.0.0.1:\(try freePort())")
        #expect(try answersFor3Seconds() == [usEast], "an impostor's down reports changed answers")
        down.terminate()

        // Reporting every endpoint up while use-www-a's real backends are failed.
        try cluster.post("use-a1", "/admin/fail")
        try cluster.post("use-a2", "/admin/fail")
        #expect(try secondsUntil(10) { try cluster.answers("10.1.0.0/16").allSatisfy { $0 == ["127.0.0.12"] } } != nil)
        _ = try impostor(backend: "http://127.0.0.1:\(cluster.backends["use"]!.port)")
        #expect(try answersFor3Seconds() == [["127.0.0.12"]], "an impostor's up reports changed answers")
        #expect(Set(try Cluster.members(cluster.nodes[0]).members.keys) == cluster.memberNames)
    }

    @Test func aNodeWithAnotherKeyNeverJoins() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.waitUntilReady()
        let otherKey = try Cluster.keygen(in: cluster.dir, name: "other.key")
        let port = try freePort()
        let outsider = try MeridianProcess(zones: Repo.root.appendingPathComponent("zones"), arguments: [
            "--regions", cluster.regions.path, "--admin", "127.0.0.1:0", "--gossip", "127.0.0.1:\(port)",
            "--join", "127.0.0.1:\(cluster.gossipPorts[0])", "--gossip-key-file", otherKey.path,
        ])
        cluster.extraNodes.append(outsider)
        let name = "dns-127.0.0.1:\(port)"

        // For 3 s, no node of the cluster ever lists it.
        let started = Date()
        var seen = false
        while Date().timeIntervalSince(started) < 3 {
            for node in cluster.nodes where try Cluster.members(node).members[name] != nil { seen = true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(!seen, "a member with another key appeared in the cluster")
        #expect(Set(try Cluster.members(cluster.nodes[0]).members.keys) == cluster.memberNames)
        let (me, members) = try Cluster.members(outsider)
        #expect(me == name)
        let known = members.keys.sorted()
        #expect(known == [name], "it knows only itself: \(known)")
    }
}
