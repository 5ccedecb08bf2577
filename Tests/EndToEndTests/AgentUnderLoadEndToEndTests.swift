import Foundation
import Testing
import TestSupport

/// A backend killed (SIGKILL) while `meridian agent` carries load: it is taken out within
/// interval × fall + timeout, every idempotent request sent after that succeeds, and a
/// restarted backend comes back after `rise` checks.
@Suite(.serialized)
struct AgentUnderLoadEndToEndTests {
    /// Whether the agent's /v1/state shows the backend on `port` healthy.
    static func healthy(admin: String, backendPort: Int) throws -> Bool? {
        let text = try run("curl", ["-sS", "-m", "2", admin + "/v1/state"]).output
        let state = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let backends = ((state?["endpoints"] as? [[String: Any]])?.first?["backends"] as? [[String: Any]]) ?? []
        return backends.first { ($0["url"] as? String)?.hasSuffix(":\(backendPort)") == true }?["healthy"] as? Bool
    }

    @Test func aBackendKilledUnderLoadIsTakenOutAndComesBack() throws {
        let (b1, port1) = try AgentEndToEndTests.start(["backend", "--listen", "127.0.0.1:0", "--name", "b1"])
        var (b2, port2) = try AgentEndToEndTests.start(["backend", "--listen", "127.0.0.1:0", "--name", "b2"])
        defer { b1.terminate(); b2.terminate() }
        let endpointPort = try freePort()
        // Checks every 100 ms, timeout 100 ms, rise 2, fall 2: out within 300 ms of the kill.
        let regionFile = try AgentEndToEndTests.regionFile(endpointPort: endpointPort, backendPorts: [port1, port2])
        let (agent, admin) = try AgentEndToEndTests.startAgentWithAdmin(regionFile)
        defer { agent.terminate(); agent.waitUntilExit() }
        let url = "http://127.0.0.1:\(endpointPort)/"
        #expect(Set(try (0..<4).map { _ in try AgentEndToEndTests.backendOf(url) }) == ["b1", "b2"])

        // Load: 4 clients in parallel, 2,000 GETs at most, stopped when the test is done.
        let load = Process()
        load.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        load.arguments = ["curl", "-s", "-m", "2", "--parallel", "--parallel-max", "4"] + (0..<2000).flatMap { ["-o", "/dev/null", url + "\($0)"] }
        load.standardOutput = FileHandle.nullDevice
        load.standardError = FileHandle.nullDevice
        try load.run()
        defer { if load.isRunning { load.terminate() } }
        Thread.sleep(forTimeInterval: 0.3)

        kill(b2.processIdentifier, SIGKILL)
        b2.waitUntilExit()
        let detected = try secondsUntil(5) { try Self.healthy(admin: admin, backendPort: port2) == false }
        #expect(detected != nil, "b2 marked down")
        // interval × fall + timeout = 300 ms; passive checks (refused connects under load)
        // usually beat it. The margin covers scheduling on a busy 2-core machine.
        #expect((detected ?? 99) < TestTime.seconds(1.0), "detected after \(detected ?? -1) s")

        // Every GET after detection succeeds, from b1.
        let after = try run("curl", ["-s", "--no-progress-meter", "-m", "2", "--parallel", "--parallel-max", "4", "-w", "%{http_code} %header{x-backend}\n"] + (0..<100).flatMap { ["-o", "/dev/null", url + "after\($0)"] }).output
        let results = after.split(separator: "\n").map(String.init)
        #expect(results.count == 100)
        #expect(results.allSatisfy { $0 == "200 b1" }, "not all 200 from b1: \(Set(results))")
        load.terminate()
        load.waitUntilExit()

        // Restarted on the same port, b2 is back after `rise` (2) good checks.
        (b2, _) = try AgentEndToEndTests.start(["backend", "--listen", "127.0.0.1:\(port2)", "--name", "b2"])
        let back = try secondsUntil(5) { try Self.healthy(admin: admin, backendPort: port2) == true }
        #expect(back != nil && (back ?? 99) < TestTime.seconds(1.5), "back after \(back ?? -1) s")
        #expect(Set(try (0..<4).map { _ in try AgentEndToEndTests.backendOf(url) }) == ["b1", "b2"])
    }
}
