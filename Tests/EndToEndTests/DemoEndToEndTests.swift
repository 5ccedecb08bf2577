import Foundation
import Testing

/// `meridian demo` as a user runs it: a whole deployment that answers `dig` and `curl`, and
/// leaves no process behind when stopped with Ctrl-C or killed outright.
@Suite(.serialized) struct DemoEndToEndTests {
    @Test func demoAnswersAsEveryRegionAndStopsEveryProcessOnCtrlC() throws {
        let demo = try DemoProcess()
        defer { demo.kill() }
        #expect(demo.dnsNodes.count == 2)
        for node in demo.dnsNodes {
            let usEast = try digShort(node, "www.example.com", "+subnet=10.1.0.0/16")
            let euWest = try digShort(node, "www.example.com", "+subnet=10.2.0.0/16")
            #expect(!usEast.isEmpty && Set(usEast).isSubset(of: ["127.0.0.11", "127.0.0.12"]), "us-east clients got \(usEast)")
            #expect(!euWest.isEmpty && Set(euWest).isSubset(of: ["127.0.0.21", "127.0.0.22"]), "eu-west clients got \(euWest)")
        }
        // The guide's curl line goes through a real proxy to a real backend.
        let curlLine = try #require(demo.output.split(separator: "\n").first { $0.contains("curl -H 'Host: www.example.com'") })
        let url = try #require(curlLine.split(separator: " ").first { $0.hasPrefix("http://") })
        let fetched = try run("curl", ["-sS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: www.example.com", String(url)])
        #expect(fetched.output == "200")

        let children = demo.children()
        #expect(children.count == 15, "2 DNS nodes + 3 agents + 10 backends, got \(children.count)")
        demo.signal(SIGINT)
        #expect(demo.waitForExit(timeout: 20) == 0, "\(demo.output)")
        let lingering = children.filter { kill($0, 0) == 0 }
        #expect(lingering.isEmpty, "still running after Ctrl-C: \(lingering)")
    }

    @Test func childrenExitWhenTheDemoIsKilledOutright() throws {
        let demo = try DemoProcess()
        defer { demo.kill() }
        let children = demo.children()
        #expect(!children.isEmpty)
        demo.signal(SIGKILL)
        _ = demo.waitForExit(timeout: 5)
        let gone = secondsUntil(15) { children.allSatisfy { kill($0, 0) != 0 || isZombie($0) } }
        #expect(gone != nil, "children outlived a SIGKILLed demo: \(children.filter { kill($0, 0) == 0 })")
    }

    func digShort(_ node: String, _ arguments: String...) throws -> [String] {
        let colon = node.lastIndex(of: ":")!
        let result = try run("dig", ["@" + node[..<colon], "-p", String(node[node.index(after: colon)...]), "+time=2", "+tries=2", "+short"] + arguments)
        return result.output.split(separator: "\n").map(String.init)
    }

    func isZombie(_ pid: Int32) -> Bool {
        ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "").contains(") Z ")
    }
}

/// `meridian demo --free-ports` in the background, parsed once it prints `ready`.
final class DemoProcess: MeridianBackground, @unchecked Sendable {
    private(set) var dnsNodes: [String] = []
    private(set) var statusURL = ""

    init(arguments: [String] = []) throws {
        try super.init(["demo", "--free-ports"] + arguments)
        guard secondsUntil(120, { output.contains("\nready\n") || !process.isRunning }) != nil, output.contains("\nready\n") else {
            kill()
            throw ProcessError("meridian demo did not get ready:\n\(output)")
        }
        for line in output.split(separator: "\n") {
            if line.hasPrefix("dns ") { dnsNodes.append(String(line.split(separator: " ")[1])) }
            if line.hasPrefix("status ") { statusURL = String(line.dropFirst(7)) }
        }
    }

    /// The demo's work folder (rewritten region files, logs), from its first line.
    var workDirectory: URL? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("logs in ") }),
              let start = line.range(of: "logs in ")
        else { return nil }
        return URL(fileURLWithPath: String(line[start.upperBound...])).deletingLastPathComponent()
    }

    func kill() {
        guard process.isRunning else { return }
        signal(SIGINT)
        if waitForExit(timeout: 15) == nil { signal(SIGKILL) }
    }
}
