import Foundation
import HTTPService
import Logging
import MetricsExport
import NIOCore
import RegionAgent
import ServiceLifecycle
import Testing
import Topology
@testable import AgentProxy
@testable import DemoBackend

/// The endpoint proxy in front of real demo backends, driven by curl over loopback.
@Suite(.serialized)
struct ProxyTests {
    /// Starts `backends` demo backends (nil = a port nobody listens on) and a proxy over them,
    /// counting into `metrics` (endpoint `test`, backends `http://127.0.0.1:PORT`) when given.
    static func withProxy(
        backends names: [String?], weights: [Int]? = nil, policy: String = "round-robin", configuration: ProxyLimits = ProxyLimits(),
        metrics: MetricsExporter? = nil,
        _ body: @Sendable (_ proxyPort: Int, _ backendPorts: [Int], _ selector: BackendSelector) async throws -> Void
    ) async throws {
        let logger = Logger(label: "test")
        let listeners = names.compactMap { $0 }.map { HTTPListener.demoBackend(host: "127.0.0.1", port: 0, name: $0, logger: logger) }
        try await serving(listeners) {
            var ports: [Int] = []
            var live = listeners.makeIterator()
            for name in names {
                if name != nil { ports.append(await live.next()!.boundAddress()!.port!) } else { ports.append(1) }  // port 1: refused
            }
            let selector = BackendSelector(
                targets: ports.map { BackendSelector.Target(host: "127.0.0.1", port: $0) }, weights: weights ?? ports.map { _ in 1 },
                policy: makeBalancingPolicy(policy)!,
                metrics: metrics.map { ProxyMetrics(endpoint: "test", backends: ports.map { "http://127.0.0.1:\($0)" }, factory: $0.factory) }
            )
            let proxy = HTTPListener.proxy(host: "127.0.0.1", port: 0, name: "test", selector: selector, configuration: configuration, logger: logger)
            try await serving([proxy]) { try await body(await proxy.boundAddress()!.port!, ports, selector) }
        }
    }

    /// Runs `listeners` while `body` runs, then shuts them down.
    static func serving(_ listeners: [HTTPListener], _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(services: listeners, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do { try await body() } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// curl's status, headers (lowercased names) and body.
    static func get(_ url: String, _ extra: [String] = []) throws -> (status: Int, headers: [String: String], body: String) {
        let text = try curlAll(["-s", "-m", "5", "-i"] + extra + [url])
        let parts = text.components(separatedBy: "\r\n\r\n")
        let headLines = (parts.first ?? "").components(separatedBy: "\r\n")
        let status = headLines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test func roundRobinInExactOrderWithForwardingHeaders() async throws {
        try await Self.withProxy(backends: ["b0", "b1", "b2"]) { port, _, _ in
            var order: [String] = []
            for _ in 0..<6 {
                let r = try Self.get("http://127.0.0.1:\(port)/hello")
                #expect(r.status == 200)
                order.append(r.headers["x-backend"] ?? "?")
                #expect(r.headers["x-echo-x-forwarded-for"] == "127.0.0.1")
                #expect(r.headers["x-echo-x-forwarded-proto"] == "http")
                #expect(r.headers["x-echo-via"] == "1.1 meridian")
                #expect(r.headers["via"] == "1.1 meridian")
            }
            #expect(order == ["b0", "b1", "b2", "b0", "b1", "b2"])
        }
    }

    @Test func backendConnectionsAreReusedAcrossKeepAliveRequests() async throws {
        try await Self.withProxy(backends: ["b0"]) { port, _, _ in
            // curl sends the three requests on one client connection.
            let out = try Self.curlAll(["-s", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(port)/a", "http://127.0.0.1:\(port)/b", "http://127.0.0.1:\(port)/c"])
            let counts = out.split(separator: "\r\n").filter { $0.lowercased().hasPrefix("x-connection-requests:") }.map { $0.split(separator: " ").last.map(String.init) ?? "" }
            #expect(counts == ["1", "2", "3"], "one backend connection served all three: \(counts)")
        }
    }

    static func curlAll(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString)")
        process.arguments = ["sh", "-c", "curl \"$@\" > \(out.path)", "curl"] + arguments
        try process.run()
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: out) }
        return (try? String(contentsOf: out, encoding: .utf8)) ?? ""
    }

    @Test func noHealthyBackendIs503() async throws {
        try await Self.withProxy(backends: ["b0", "b1"]) { port, _, selector in
            selector.setHealthy(0, false)
            selector.setHealthy(1, false)
            let r = try Self.get("http://127.0.0.1:\(port)/")
            #expect(r.status == 503)
        }
    }

    @Test func idempotentRequestsAreRetriedOnceElsewhereOthersGet502() async throws {
        try await Self.withProxy(backends: [nil, "b1"]) { port, _, _ in
            // POSTs first, while the refusing backend is still in rotation (passive checks
            // take it out after `fall` refusals).
            var statuses: [Int] = []
            for _ in 0..<2 { statuses.append(try Self.get("http://127.0.0.1:\(port)/", ["-X", "POST", "-d", "x"]).status) }
            #expect(statuses == [502, 200], "a POST whose connect fails is never retried")
            for _ in 0..<4 {
                let r = try Self.get("http://127.0.0.1:\(port)/")
                #expect(r.status == 200 && r.headers["x-backend"] == "b1", "GET retried on b1")
            }
        }
    }

    @Test func passiveChecksTakeOutRefusingAndErroringBackends() async throws {
        try await Self.withProxy(backends: [nil, "b1"]) { port, _, selector in
            for _ in 0..<4 { _ = try Self.get("http://127.0.0.1:\(port)/") }
            #expect(selector.pool.members[0].healthy == false, "connection refused twice (fall 2) takes it out")
        }
        try await Self.withProxy(backends: ["b0", "b1"]) { port, backends, selector in
            _ = try Self.get("http://127.0.0.1:\(backends[0])/admin/fail", ["-X", "POST"])
            var seen: [String] = []
            for _ in 0..<14 { seen.append(try Self.get("http://127.0.0.1:\(port)/").headers["x-backend"] ?? "?") }
            #expect(seen.filter { $0 == "b0" }.count == 5, "a run of five 5xx takes b0 out: \(seen)")
            #expect(seen.suffix(4) == ["b1", "b1", "b1", "b1"])
            #expect(selector.pool.members[0].healthy == false)
        }
    }

    @Test func drainedBackendsTakeNoNewRequests() async throws {
        try await Self.withProxy(backends: ["b0", "b1"]) { port, _, selector in
            selector.setDrained(0, true)
            var seen: Set<String> = []
            for _ in 0..<4 { seen.insert(try Self.get("http://127.0.0.1:\(port)/").headers["x-backend"] ?? "?") }
            #expect(seen == ["b1"])
            selector.setDrained(0, false)
            seen = []
            for _ in 0..<4 { seen.insert(try Self.get("http://127.0.0.1:\(port)/").headers["x-backend"] ?? "?") }
            #expect(seen == ["b0", "b1"])
        }
    }

    @Test func hangingBackendIs504() async throws {
        try await Self.withProxy(backends: ["b0"], configuration: ProxyLimits(responseTimeoutMilliseconds: 300)) { port, backends, _ in
            _ = try Self.get("http://127.0.0.1:\(backends[0])/admin/hang", ["-X", "POST"])
            let started = Date()
            let r = try Self.get("http://127.0.0.1:\(port)/")
            #expect(r.status == 504)
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test func requestBodiesStreamThrough() async throws {
        try await Self.withProxy(backends: ["b0"]) { port, _, _ in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("body-\(UUID().uuidString)")
            try Data(count: 5_000_000).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let r = try Self.get("http://127.0.0.1:\(port)/upload", ["-X", "POST", "--data-binary", "@\(file.path)"])
            #expect(r.status == 200)
            #expect(r.body == "backend b0: POST /upload, received 5000000 bytes\n")
            let chunked = try Self.get("http://127.0.0.1:\(port)/upload", ["-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(file.path)"])
            #expect(chunked.body == "backend b0: POST /upload, received 5000000 bytes\n")
        }
    }

    @Test func aHundredMegabyteBodyPassesThrough() async throws {
        try await Self.withProxy(backends: ["b0"]) { port, _, _ in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            let handle = try FileHandle(forWritingTo: file)
            let chunk = Data(count: 1 << 20)
            for _ in 0..<100 { handle.write(chunk) }
            try handle.close()
            defer { try? FileManager.default.removeItem(at: file) }
            let r = try Self.get("http://127.0.0.1:\(port)/upload", ["-m", "60", "-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(file.path)"])
            #expect(r.body == "backend b0: POST /upload, received 104857600 bytes\n")
        }
    }

    @Test func oversizedHeadersGet431() async throws {
        try await Self.withProxy(backends: ["b0"], configuration: ProxyLimits(maxHeaderBytes: 4096)) { port, _, _ in
            let r = try Self.get("http://127.0.0.1:\(port)/", ["-H", "X-Big: \(String(repeating: "a", count: 5000))"])
            #expect(r.status == 431)
            let fine = try Self.get("http://127.0.0.1:\(port)/", ["-H", "X-Small: \(String(repeating: "a", count: 1000))"])
            #expect(fine.status == 200)
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        try await Self.withProxy(backends: ["b0"], configuration: ProxyLimits(maxBodyBytes: 10_000)) { port, _, _ in
            let body = String(repeating: "x", count: 20_000)
            let declared = try Self.get("http://127.0.0.1:\(port)/", ["-X", "POST", "-d", body])
            #expect(declared.status == 413, "declared length")
            let chunked = try Self.get("http://127.0.0.1:\(port)/", ["-X", "POST", "-H", "Transfer-Encoding: chunked", "-d", body])
            #expect(chunked.status == 413, "chunked")
            let small = try Self.get("http://127.0.0.1:\(port)/", ["-X", "POST", "-d", "small"])
            #expect(small.status == 200)
        }
    }

    @Test func connectionsBeyondTheCapAreClosed() async throws {
        try await Self.withProxy(backends: ["b0"], configuration: ProxyLimits(maxConnections: 1)) { port, _, _ in
            let first = Self.openConnection(port)
            defer { close(first) }
            // A full exchange on the first connection: it is accepted and counted, and stays open.
            let request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            _ = request.withCString { send(first, $0, strlen($0), 0) }
            var reply = [UInt8](repeating: 0, count: 512)
            #expect(recv(first, &reply, reply.count, 0) > 0)
            let second = Self.openConnection(port)
            defer { close(second) }
            var pfd = pollfd(fd: second, events: Int16(POLLIN), revents: 0)
            #expect(poll(&pfd, 1, 3000) == 1)
            var byte: UInt8 = 0
            #expect(recv(second, &byte, 1, 0) == 0, "the second connection is closed at accept")
        }
    }

    static func openConnection(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        return fd
    }

    @Test func slowHeadersAreCutOff() async throws {
        try await Self.withProxy(backends: ["b0"], configuration: ProxyLimits(headerTimeoutMilliseconds: 300)) { port, _, _ in
            // Open a connection, send half a request line, then nothing (slowloris).
            let fd = Self.openConnection(port)
            defer { close(fd) }
            _ = "GET / HT".withCString { send(fd, $0, 8, 0) }
            let started = Date()
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            #expect(poll(&pfd, 1, 5000) == 1)
            var byte: UInt8 = 0
            #expect(recv(fd, &byte, 1, 0) == 0, "closed by the proxy")
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test func conflictingFramingIsRejected() async throws {
        try await Self.withProxy(backends: ["b0"]) { port, _, _ in
            let r = try Self.get("http://127.0.0.1:\(port)/", ["-X", "POST", "-H", "Content-Length: 3", "-H", "Transfer-Encoding: chunked", "-d", "abc"])
            #expect(r.status == 400, "\(r)")
        }
    }
}
