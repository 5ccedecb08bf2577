import Foundation
import Testing
import Topology
@testable import AgentProxy

/// Clients that upload slowly, against the endpoint proxy over raw sockets: a stalled upload is
/// the client's fault, a slow but steady one is served. (Slow headers, oversized heads and
/// bodies, the connection cap and a hanging backend are in `ProxyTests`; request smuggling in
/// `ProxyConnectionTests`.)
@Suite(.serialized)
struct ProxyAbuseTests {
    /// An upload that stops halfway gets 408 after `body-timeout`, and the connection closes;
    /// the backend is not counted as failing, however many clients do it.
    @Test func aStalledUploadGets408AndTheBackendIsNotBlamed() async throws {
        let limits = ProxyLimits(responseTimeoutMilliseconds: 10_000, bodyTimeoutMilliseconds: 300)
        try await ProxyTests.withProxy(backends: ["b0"], configuration: limits) { port, _, selector in
            for _ in 0..<3 {
                let started = Date()
                let (reply, closed) = ProxyConnectionTests.exchange(port, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
                #expect(reply.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(reply)")
                #expect(closed)
                #expect(Date().timeIntervalSince(started) < 3)
            }
            #expect(selector.pool.members[0].healthy, "three stalled clients (fall 2) did not take the backend out")
            let after = try ProxyTests.get("http://127.0.0.1:\(port)/")
            #expect(after.status == 200)
        }
    }

    /// An upload slower than `response-timeout` in total, but never pausing longer than
    /// `body-timeout`, goes through: the backend's time to answer starts when the request ends.
    @Test func aSlowButSteadyUploadGoesThrough() async throws {
        // A body timeout well above the pauses: a loaded machine (a sanitizer run) delays them.
        let limits = ProxyLimits(responseTimeoutMilliseconds: 300, bodyTimeoutMilliseconds: 5_000)
        try await ProxyTests.withProxy(backends: ["b0"], configuration: limits) { port, _, _ in
            let fd = ProxyTests.openConnection(port)
            defer { close(fd) }
            _ = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\n\r\n".withCString { send(fd, $0, strlen($0), 0) }
            for _ in 0..<6 {
                usleep(150_000)  // not Task.sleep: a starved test pool could pause far longer
                _ = "0123456789".withCString { send(fd, $0, 10, 0) }
            }
            let head = ProxyConnectionTests.receiveHead(fd)
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(head)")
        }
    }
}
