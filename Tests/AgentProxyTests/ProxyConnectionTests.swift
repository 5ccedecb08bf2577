import Foundation
import HTTPService
import Logging
import NIOCore
import NIOHTTP1
import Testing
import Topology
@testable import AgentProxy
import RegionAgent

/// What the proxy does with connections: the shared backend pool, stale pooled connections,
/// `Upgrade` (WebSocket) pass-through, least-connections against a slow backend, and request
/// smuggling attempts, all over raw sockets or curl.
@Suite(.serialized)
struct ProxyConnectionTests {
    // MARK: - Raw sockets

    /// Sends `request` on a new connection and reads until the proxy closes it or `wait` passes.
    static func exchange(_ port: Int, _ request: [UInt8], wait: Int32 = 3000) -> (reply: String, closed: Bool) {
        let fd = ProxyTests.openConnection(port)
        defer { close(fd) }
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, wait) == 1 else { return (String(decoding: reply, as: UTF8.self), false) }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (String(decoding: reply, as: UTF8.self), true) }
            reply += buffer[0..<n]
        }
    }

    static func exchange(_ port: Int, _ request: String) -> (reply: String, closed: Bool) { exchange(port, Array(request.utf8)) }

    /// Reads from `fd` until `count` bytes arrived (or 3 s passed).
    static func receive(_ fd: Int32, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while out.count < count {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 3000) == 1 else { break }
            let n = recv(fd, &buffer, min(buffer.count, count - out.count), 0)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// Reads a response head (through the blank line) byte by byte, so nothing after it is consumed.
    static func receiveHead(_ fd: Int32) -> String {
        var head: [UInt8] = []
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            let byte = receive(fd, count: 1)
            guard let first = byte.first else { break }
            head.append(first)
        }
        return String(decoding: head, as: UTF8.self)
    }

    /// A client WebSocket frame (RFC 6455 §5.2): masked, as clients must.
    static func maskedFrame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return frame
    }

    // MARK: - The backend connection pool

    @Test func separateClientConnectionsShareBackendConnections() async throws {
        try await ProxyTests.withProxy(backends: ["b0"]) { port, _, _ in
            // Three curl runs: three client connections, one after the other.
            var counts: [String] = []
            for _ in 0..<3 { counts.append(try ProxyTests.get("http://127.0.0.1:\(port)/").headers["x-connection-requests"] ?? "?") }
            #expect(counts == ["1", "2", "3"], "the pooled backend connection served every client: \(counts)")
        }
    }

    @Test func idlePooledConnectionsAreClosedAfterTheIdleTimeout() async throws {
        let configuration = ProxyLimits(idleTimeoutMilliseconds: 200)
        try await ProxyTests.withProxy(backends: ["b0"], configuration: configuration) { port, _, _ in
            #expect(try ProxyTests.get("http://127.0.0.1:\(port)/").headers["x-connection-requests"] == "1")
            try await Task.sleep(for: .milliseconds(600))
            #expect(try ProxyTests.get("http://127.0.0.1:\(port)/").headers["x-connection-requests"] == "1", "a fresh connection after the timeout")
        }
    }

    /// A backend that answers a connection's first request with keep-alive, and closes the
    /// connection without answering when a second request arrives on it: a pooled connection
    /// that went stale just as it was reused.
    @Test func staleConnectionsAreRetriedFreshForIdempotentRequestsOnly() async throws {
        try await Self.withProxy(over: { StaleBackendHandler() }) { port in
            #expect(try ProxyTests.get("http://127.0.0.1:\(port)/").status == 200, "first request: a fresh connection, then pooled")
            let retried = try ProxyTests.get("http://127.0.0.1:\(port)/")
            #expect(retried.status == 200 && retried.body == "fresh\n", "the GET found the pooled connection stale and was resent on a new one")
            let post = try ProxyTests.get("http://127.0.0.1:\(port)/", ["-X", "POST", "-d", "x"])
            #expect(post.status == 502, "a POST is never sent twice")
        }
    }

    /// A proxy over one backend whose connections `backendHandler` serves; `body` gets the proxy's port.
    static func withProxy(over backendHandler: @escaping @Sendable () -> any ChannelHandler, _ body: (_ proxyPort: Int) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let backend = HTTPListener(host: "127.0.0.1", port: 0, label: "backend", logger: logger, handler: backendHandler)
        try await ProxyTests.serving([backend]) {
            let backendPort = await backend.boundAddress()!.port!
            let selector = BackendSelector(targets: [.init(host: "127.0.0.1", port: backendPort)], weights: [1], policy: makeBalancingPolicy("round-robin")!, fall: 3)
            let proxy = HTTPListener.proxy(host: "127.0.0.1", port: 0, name: "test", selector: selector, logger: logger)
            try await ProxyTests.serving([proxy]) { try await body(await proxy.boundAddress()!.port!) }
        }
    }

    // MARK: - Headers

    /// Hop-by-hop headers (RFC 9110 §7.6.1), fixed or named by Connection, stop at the proxy
    /// both ways; X-Forwarded-For gets the client appended, X-Forwarded-Proto is the proxy's.
    @Test func hopByHopHeadersAreNotForwarded() async throws {
        try await Self.withProxy(over: { HeaderEchoHandler() }) { port in
            let r = try ProxyTests.get("http://127.0.0.1:\(port)/", [
                "-H", "Connection: keep-alive, X-Secret", "-H", "X-Secret: 1", "-H", "TE: trailers", "-H", "Proxy-Authorization: x",
                "-H", "X-Forwarded-For: 10.0.0.1", "-H", "X-Forwarded-Proto: https", "-H", "X-Kept: yes",
            ])
            let received = Set(r.body.split(separator: "\n").map { $0.lowercased() })
            for header in ["x-kept: yes", "x-forwarded-for: 10.0.0.1, 127.0.0.1", "x-forwarded-proto: http", "via: 1.1 meridian", "connection: keep-alive"] {
                #expect(received.contains(header), "\(header) in \(received)")
            }
            for name in ["x-secret", "te", "proxy-authorization", "keep-alive"] {
                #expect(!received.contains { $0.hasPrefix("\(name):") }, "\(name) in \(received)")
            }
            #expect(received.filter { $0.hasPrefix("x-forwarded-") }.count == 2, "one of each: \(received)")
            #expect(r.headers["x-backend-private"] == nil && r.headers["keep-alive"] == nil, "\(r.headers)")
            #expect(r.headers["x-public"] == "1" && r.headers["via"] == "1.1 meridian" && r.headers["connection"] == "keep-alive", "\(r.headers)")
        }
    }

    // MARK: - Pipelining

    /// Five requests in one write, the first and fourth to a slow backend: the answers come in
    /// the order of the requests, the body of the fourth reaches its backend, and the last
    /// one's `Connection: close` closes the connection.
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await ProxyTests.withProxy(backends: ["b0", "b1", "b2"]) { port, backends, _ in
            _ = try ProxyTests.get("http://127.0.0.1:\(backends[0])/admin/slow?ms=300", ["-X", "POST"])
            let requests = "GET /1 HTTP/1.1\r\nHost: t\r\n\r\nGET /2 HTTP/1.1\r\nHost: t\r\n\r\nGET /3 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /4 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /5 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            let r = Self.exchange(port, requests)
            let bodies = r.reply.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.prefix { $0 != "\n" } }
            #expect(bodies == ["backend b0: GET /1", "backend b1: GET /2", "backend b2: GET /3", "backend b0: POST /4, received 5 bytes", "backend b1: GET /5"], "\(r.reply)")
            #expect(r.closed)
        }
    }

    /// A malformed request pipelined behind one still waiting for its backend: the first is
    /// answered, then the 400, then the connection closes.
    @Test func aMalformedPipelinedRequestIsAnsweredAfterThoseBeforeIt() async throws {
        try await ProxyTests.withProxy(backends: ["b0"]) { port, backends, _ in
            _ = try ProxyTests.get("http://127.0.0.1:\(backends[0])/admin/slow?ms=300", ["-X", "POST"])
            let r = Self.exchange(port, "GET /1 HTTP/1.1\r\nHost: t\r\n\r\nGET /2 HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n")
            let statuses = r.reply.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            #expect(statuses == ["200", "400"], "\(r.reply)")
            #expect(r.reply.contains("backend b0: GET /1"))
            #expect(r.closed)
        }
    }

    // MARK: - Upgrade

    @Test func webSocketsPassThroughBothWays() async throws {
        try await ProxyTests.withProxy(backends: ["b0"]) { port, _, selector in
            let fd = ProxyTests.openConnection(port)
            defer { close(fd) }
            let handshake = "GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            // The first frame goes in the same write as the handshake: it must not be lost
            // while the proxy waits for the backend's 101.
            let hello = Self.maskedFrame(opcode: 0x1, Array("hello".utf8))
            let bytes = Array(handshake.utf8) + hello
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            let head = Self.receiveHead(fd)
            #expect(head.hasPrefix("HTTP/1.1 101"), "\(head)")
            #expect(head.lowercased().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), "RFC 6455's example key: \(head)")
            #expect(head.lowercased().contains("upgrade: websocket"))
            #expect(head.lowercased().contains("x-backend: b0"))
            #expect(Self.receive(fd, count: 7) == [0x81, 5] + Array("hello".utf8), "echoed through the tunnel")
            #expect(selector.pool.members[0].active == 1, "an open tunnel counts as in flight")

            let big = (0..<4000).map { UInt8($0 % 251) }
            let frame = Self.maskedFrame(opcode: 0x2, big)
            _ = frame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            let echoed = Self.receive(fd, count: 4 + big.count)
            #expect(echoed.count == 4 + big.count && echoed == [0x82, 126, UInt8(big.count >> 8), UInt8(big.count & 0xFF)] + big, "a 4000-byte binary frame echoed whole (\(echoed.count) bytes)")

            let closeFrame = Self.maskedFrame(opcode: 0x8, [0x03, 0xE8])
            _ = closeFrame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            #expect(Self.receive(fd, count: 4) == [0x88, 2, 0x03, 0xE8])
            var byte: UInt8 = 0
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            #expect(poll(&pfd, 1, 3000) == 1 && recv(fd, &byte, 1, 0) == 0, "the backend's close reaches the client")
            for _ in 0..<50 where selector.pool.members[0].active != 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(selector.pool.members[0].active == 0, "released when the tunnel closed")
        }
    }

    @Test func aDeclinedUpgradeIsAnsweredAndTheConnectionClosed() async throws {
        try await ProxyTests.withProxy(backends: ["b0"]) { port, _, _ in
            let r = Self.exchange(port, "GET / HTTP/1.1\r\nHost: test\r\nUpgrade: foo/1\r\nConnection: Upgrade\r\n\r\n")
            #expect(r.reply.hasPrefix("HTTP/1.1 200"), "\(r.reply)")
            #expect(r.reply.lowercased().contains("connection: close"))
            #expect(r.closed)
        }
    }

    // MARK: - Least connections

    @Test func leastConnectionsSendsMostRequestsAwayFromASlowBackend() async throws {
        try await ProxyTests.withProxy(backends: ["slow", "fast"], policy: "least-connections") { port, backends, _ in
            _ = try ProxyTests.get("http://127.0.0.1:\(backends[0])/admin/slow?ms=300", ["-X", "POST"])
            // 40 requests, 4 at a time: the slow backend holds its requests, so it is busier.
            let urls = (0..<40).map { "http://127.0.0.1:\(port)/\($0)" }
            let out = try ProxyTests.curlAll(["-s", "--parallel", "--parallel-max", "4", "-w", "%header{x-backend}\n"] + urls.flatMap { ["-o", "/dev/null", $0] })
            let seen = out.split(separator: "\n").map(String.init)
            #expect(seen.count == 40)
            let slow = seen.filter { $0 == "slow" }.count
            #expect(slow >= 1 && slow <= 10, "the slow backend got \(slow) of 40 (round robin would give 20)")
        }
    }

    // MARK: - Weights and client affinity

    @Test(arguments: ["weighted", "round-robin"])
    func weightsSetTheShares(_ policy: String) async throws {
        try await ProxyTests.withProxy(backends: ["heavy", "light"], weights: [3, 1], policy: policy) { port, _, _ in
            var seen: [String] = []
            for _ in 0..<40 { seen.append(try ProxyTests.get("http://127.0.0.1:\(port)/").headers["x-backend"] ?? "?") }
            #expect(seen.filter { $0 == "heavy" }.count == 30 && seen.filter { $0 == "light" }.count == 10, "\(policy): 3:1 exactly")
            if policy == "weighted" {
                // nginx's smooth order spreads the light backend out: never twice in a row.
                #expect(!zip(seen, seen.dropFirst()).contains { $0 == "light" && $1 == "light" })
            }
        }
    }

    @Test func ipHashKeepsClientsAndRemapsOnlyTheRemovedBackendsShare() async throws {
        try await ProxyTests.withProxy(backends: ["b0", "b1", "b2", "b3"], policy: "ip-hash") { port, _, selector in
            // Twenty clients, each its own loopback source address.
            let clients = (40..<60).map { "127.0.0.\($0)" }
            func backends() throws -> [String] {
                try clients.map { try ProxyTests.get("http://127.0.0.1:\(port)/", ["--interface", $0]).headers["x-backend"] ?? "?" }
            }
            let before = try backends()
            #expect(try backends() == before, "the same client always reaches the same backend")
            #expect(Set(before).count >= 3, "clients spread over the backends: \(before)")
            let removed = before[0]
            selector.setDrained(Int(removed.dropFirst())!, true)
            let after = try backends()
            for (old, new) in zip(before, after) {
                if old == removed { #expect(new != removed, "a client of the removed backend moves") } else { #expect(new == old, "other clients stay") }
            }
        }
    }

    // MARK: - Request smuggling (RFC 9112 §6.3, §7.1): 400 and the connection closed

    @Test(arguments: [
        ("both framings", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("differing lengths", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcd"),
        ("length list", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4, 40\r\n\r\nabcd"),
        ("bad chunk size", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabcd\r\n0\r\n\r\n"),
        ("chunked not last", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"),
        ("space before colon", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length : 4\r\n\r\nabcd"),
        ("obsolete line folding", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 4\r\n\r\nabcd"),
        ("negative length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n"),
        ("unknown coding", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n"),
    ])
    func smugglingAttemptsAreRejected(_ name: String, _ request: String) async throws {
        try await ProxyTests.withProxy(backends: ["b0"]) { port, _, _ in
            let r = Self.exchange(port, request)
            #expect(r.reply.hasPrefix("HTTP/1.1 400"), "\(name): \(r.reply)")
            #expect(r.reply.components(separatedBy: "HTTP/1.1 ").count == 2, "\(name): exactly one response")
            #expect(r.closed, "\(name): connection closed")
        }
    }
}

/// See `ProxyConnectionTests.hopByHopHeadersAreNotForwarded`: answers with the request's
/// headers, one per line, and with hop-by-hop headers of its own.
final class HeaderEchoHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var head: HTTPRequestHead?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break
        case .end:
            let body = head.map { $0.headers.map { "\($0.name): \($0.value)\n" }.joined() } ?? ""
            let extra: HTTPHeaders = ["connection": "X-Backend-Private", "x-backend-private": "1", "keep-alive": "timeout=5", "x-public": "1"]
            context.writeWholeResponse(status: 200, body: body, version: .http1_1, keepAlive: true, extraHeaders: extra)
        }
    }
}

/// See `ProxyConnectionTests.staleConnectionsAreRetriedFreshForIdempotentRequestsOnly`.
final class StaleBackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var requests = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        requests += 1
        if requests > 1 { return context.close(promise: nil) }
        context.writeWholeResponse(status: 200, body: "fresh\n", version: .http1_1, keepAlive: true)
    }
}
