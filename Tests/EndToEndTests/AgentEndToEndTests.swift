import Foundation
import Testing
import TestSupport

/// `meridian agent` in front of `meridian backend` processes: balancing through the endpoint,
/// and active health checks taking a failing backend out and bringing it back.
@Suite(.serialized)
struct AgentEndToEndTests {
    /// Starts a `meridian` subcommand that prints `listening … HOST:PORT`, and returns it with the port.
    static func start(_ arguments: [String]) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = Repo.binary
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = try MeridianProcess.readLine(out.fileHandleForReading, timeout: 30), let port = Int(line.split(separator: ":").last ?? "") else {
            process.terminate()
            throw ProcessError("\(arguments.first ?? "") did not start")
        }
        return (process, port)
    }

    static func backendOf(_ url: String) throws -> String {
        let r = try run("curl", ["-sS", "-m", "2", "-D", "-", "-o", "/dev/null", url])
        return r.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-backend:") }.map { String($0.split(separator: " ").last ?? "") } ?? "none"
    }

    /// A region file with one endpoint `ep` on `endpointPort` over backends on `ports`, checked
    /// every 100 ms (rise 2, fall 2), with an optional `proxy:` mapping.
    static func regionFile(endpointPort: Int, backendPorts ports: [Int], proxy: String? = nil) throws -> URL {
        let file = try Repo.temporaryDirectory().appendingPathComponent("test-region.yaml")
        try """
        region: test-region
        location: { lat: 0, lon: 0 }
        endpoints:
          - name: ep
            address: 127.0.0.1
            port: \(endpointPort)
            services: [ www.example.com ]
            balance: round-robin
            backends:
        \(ports.map { "      - { url: \"http://127.0.0.1:\($0)\" }" }.joined(separator: "\n"))
            health: { path: /healthz, interval: 100ms, timeout: 100ms, rise: 2, fall: 2 }
        \(proxy.map { "    proxy: \($0)" } ?? "")
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Demo backends b1 and b2, and a region file over them with its endpoint on a free port.
    static func twoBackends() throws -> (processes: [Process], ports: [Int], endpointPort: Int, regionFile: URL) {
        let (b1, port1) = try start(["backend", "--listen", "127.0.0.1:0", "--name", "b1"])
        let (b2, port2) = try start(["backend", "--listen", "127.0.0.1:0", "--name", "b2"])
        let endpointPort = try freePort()
        return ([b1, b2], [port1, port2], endpointPort, try regionFile(endpointPort: endpointPort, backendPorts: [port1, port2]))
    }

    @Test func healthChecksTakeAFailingBackendOutAndBringItBack() throws {
        let (backends, ports, endpointPort, regionFile) = try Self.twoBackends()
        defer { for backend in backends { backend.terminate() } }
        let port2 = ports[1]
        let (agent, port) = try Self.start(["agent", "--region", regionFile.path])
        defer { agent.terminate(); agent.waitUntilExit() }
        #expect(port == endpointPort)
        let url = "http://127.0.0.1:\(port)/"

        #expect(Set(try (0..<4).map { _ in try Self.backendOf(url) }) == ["b1", "b2"])

        // Readiness by polling, bounded: interval × fall + timeout is 300 ms.
        _ = try run("curl", ["-sS", "-X", "POST", "http://127.0.0.1:\(port2)/admin/fail"])
        let detected = try secondsUntil(3) { try (0..<4).map { _ in try Self.backendOf(url) } == ["b1", "b1", "b1", "b1"] }
        #expect(detected != nil, "b2 taken out after fall checks")
        #expect((detected ?? 99) < TestTime.seconds(1.5), "within interval × fall + timeout, plus scheduling: \(detected ?? -1) s")
        #expect(try (0..<6).map { _ in try Self.backendOf(url) } == Array(repeating: "b1", count: 6), "and kept out")

        _ = try run("curl", ["-sS", "-X", "POST", "http://127.0.0.1:\(port2)/admin/recover"])
        #expect(try secondsUntil(3) { Set(try (0..<4).map { _ in try Self.backendOf(url) }) == ["b1", "b2"] } != nil, "back after rise checks")
    }

    /// `meridian agent` with its admin API on a free port, and the admin API's base URL.
    static func startAgentWithAdmin(_ regionFile: URL) throws -> (Process, String) {
        let agent = Process()
        agent.executableURL = Repo.binary
        agent.arguments = ["agent", "--region", regionFile.path, "--admin", "127.0.0.1:0"]
        let out = Pipe()
        agent.standardOutput = out
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        while let line = try MeridianProcess.readLine(out.fileHandleForReading, timeout: 30) {
            if line.hasPrefix("admin "), let port = Int(line.split(separator: ":").last ?? "") { return (agent, "http://127.0.0.1:\(port)") }
        }
        agent.terminate()
        throw ProcessError("agent printed no admin address")
    }

    @Test func drainAndUndrainThroughTheAdminAPI() throws {
        let (backends, ports, endpointPort, regionFile) = try Self.twoBackends()
        defer { for backend in backends { backend.terminate() } }
        let port2 = ports[1]
        let (agent, admin) = try Self.startAgentWithAdmin(regionFile)
        defer { agent.terminate(); agent.waitUntilExit() }
        let url = "http://127.0.0.1:\(endpointPort)/"
        func post(_ path: String, _ body: String) throws -> String {
            try run("curl", ["-sS", "-X", "POST", "-d", body, "-w", "\n%{http_code}", admin + path]).output
        }

        #expect(try post("/v1/drain", "{\"endpoint\": \"ep\", \"backend\": \"http://127.0.0.1:\(port2)\"}").hasSuffix("200"))
        #expect(try (0..<4).map { _ in try Self.backendOf(url) } == ["b1", "b1", "b1", "b1"], "a drained backend takes no new requests")
        let state = try run("curl", ["-sS", admin + "/v1/state"]).output
        #expect(state.contains("\"drained\" : true"), "\(state)")
        #expect(state.contains("\"latencyMs\""), "response times are measured: \(state)")
        #expect(try post("/v1/undrain", "{\"endpoint\": \"ep\", \"backend\": \"http://127.0.0.1:\(port2)\"}").hasSuffix("200"))
        #expect(Set(try (0..<4).map { _ in try Self.backendOf(url) }) == ["b1", "b2"])

        // Draining the endpoint reports it down (for the DNS tier) but keeps serving.
        #expect(try post("/v1/drain", "{\"endpoint\": \"ep\"}").hasSuffix("200"))
        #expect(try Self.backendOf(url) != "none")
        let drainedState = try JSONSerialization.jsonObject(with: Data(try run("curl", ["-sS", admin + "/v1/state"]).output.utf8)) as? [String: Any]
        let endpoint = (drainedState?["endpoints"] as? [[String: Any]])?.first
        #expect(endpoint?["drained"] as? Bool == true)
        #expect(endpoint?["totalBackends"] as? Int == 2 && endpoint?["healthyBackends"] as? Int == 2)
        #expect((endpoint?["latencyMs"] as? [String: Any])?["ewma"] is Double, "the endpoint's latency for the DNS tier")
        #expect(try post("/v1/drain", "{\"endpoint\": \"nope\"}").hasSuffix("404"))
        #expect(try post("/v1/drain", "{\"endpont\": \"ep\"}").hasSuffix("400"))
    }

    @Test func proxyLimitsComeFromTheRegionFile() throws {
        let (b1, port1) = try Self.start(["backend", "--listen", "127.0.0.1:0", "--name", "b1"])
        defer { b1.terminate() }
        let regionFile = try Self.regionFile(endpointPort: try freePort(), backendPorts: [port1], proxy: "{ max-header-bytes: 1k, max-body-bytes: 100 }")
        let (agent, port) = try Self.start(["agent", "--region", regionFile.path])
        defer { agent.terminate(); agent.waitUntilExit() }
        func status(_ arguments: [String]) throws -> String {
            try run("curl", ["-sS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}"] + arguments + ["http://127.0.0.1:\(port)/"]).output
        }
        #expect(try status([]) == "200")
        #expect(try status(["-H", "X-Big: \(String(repeating: "a", count: 2000))"]) == "431", "max-header-bytes: 1k")
        #expect(try status(["-d", String(repeating: "x", count: 200)]) == "413", "max-body-bytes: 100")
    }

    @Test func metricsInPrometheusFormat() throws {
        let (b1, port1) = try Self.start(["backend", "--listen", "127.0.0.1:0", "--name", "b1"])
        defer { b1.terminate() }
        let endpointPort = try freePort()
        let (agent, admin) = try Self.startAgentWithAdmin(try Self.regionFile(endpointPort: endpointPort, backendPorts: [port1]))
        defer { agent.terminate(); agent.waitUntilExit() }
        #expect(try Self.backendOf("http://127.0.0.1:\(endpointPort)/") == "b1")

        let response = try run("curl", ["-sS", "-m", "5", "-D", "-", admin + "/metrics"]).output
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response)")
        #expect(response.lowercased().contains("content-type: text/plain; version=0.0.4; charset=utf-8"), "\(response)")
        let backend = "{endpoint=\"ep\",backend=\"http://127.0.0.1:\(port1)\"}"
        #expect(response.contains("meridian_agent_backend_up\(backend) 1"), "\(response)")
        #expect(response.contains("meridian_agent_requests_total{endpoint=\"ep\",backend=\"http://127.0.0.1:\(port1)\",code=\"2xx\"} 1"), "\(response)")
    }
}
