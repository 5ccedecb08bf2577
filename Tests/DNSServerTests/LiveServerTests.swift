import CoreMetrics
import TestSupport
import DNSWire
import Foundation
import Logging
import NIOCore
import QueryEngine
import ServiceLifecycle
import Testing
import ZoneStore
@testable import DNSServer

/// The real server in-process on 127.0.0.1:0, driven through real sockets.
@Suite(.serialized)
struct LiveServerTests {
    static let zones = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zones").path

    /// Runs `body` against a server in a ServiceGroup, then shuts it down gracefully.
    static func withServer(
        idle: TimeAmount = .seconds(10), read: TimeAmount = .seconds(2), maxConnections: Int = 100, maxPerClient: Int = 32, threads: Int = 2, rateLimit: DNSServerConfiguration.RateLimit = .init(),
        metrics: DNSMetrics = DNSMetrics(), _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let report = ZoneDirectoryLoader(directory: zones).load()
        #expect(report.failures.isEmpty)
        let store = SnapshotStore(ServingSnapshot(sources: report.zones, configuration: QueryEngineConfiguration(), generation: 1))
        let logger = Logger(label: "test")
        let server = DNSServer(
            configuration: DNSServerConfiguration(
                listen: [.init(host: "127.0.0.1", port: 0)], threads: threads, tcpIdleTimeout: idle, tcpReadTimeout: read, tcpMaxConnections: maxConnections,
                tcpMaxConnectionsPerClient: maxPerClient, rateLimit: rateLimit
            ),
            store: store, metrics: metrics, logger: logger
        )
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = await server.boundAddresses()[0].port!
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func answersPipelinedTCPQueriesInOrder() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(tcpPort: port)
            var stream: [UInt8] = []
            let names = ["status.example.com", "mail.example.com", "missing.example.com"]
            for (i, name) in names.enumerated() {
                let query = makeQuery(name, id: UInt16(100 + i))
                stream += [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
            }
            try client.send(stream)  // all three in one segment
            for i in names.indices {
                let length = try client.receive(exactly: 2)
                let response = try client.receive(exactly: Int(length[0]) << 8 | Int(length[1]))
                #expect(UInt16(response[0]) << 8 | UInt16(response[1]) == UInt16(100 + i))
                #expect(response[3] & 0x0F == (i == 2 ? 3 : 0), "NOERROR, NOERROR, NXDOMAIN")
            }
        }
    }

    @Test func malformedDatagramsNeverStopTheServer() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(udpPort: port)
            let good = makeQuery("status.example.com", id: 7)
            var loop = good
            loop.replaceSubrange(12..<(12 + 17), with: [0xC0, 0x0C])  // question name pointing at itself
            loop.removeLast(15)
            let garbage: [[UInt8]] = [
                [], [1, 2, 3],
                Array(good.prefix(14)),  // truncated question
                loop,
                good + [0, 0, 0],  // trailing bytes
                [0x12, 0x34, 0x01, 0, 0, 2] + Array(good[6...]),  // QDCOUNT 2
            ] + (0..<200).map { _ in (0..<Int.random(in: 12...80)).map { _ in UInt8.random(in: 0...255) } }
            for packet in garbage { try client.send(packet) }
            // Still answering, and answering correctly.
            try client.send(good)
            var answered = false
            for _ in 0..<400 {
                guard let response = try? client.receive(timeout: 2) else { break }
                if response.count > 12, response[0] == 0, response[1] == 7 {
                    #expect(response[3] & 0x0F == 0)
                    answered = true
                    break
                }
            }
            #expect(answered)
        }
    }

    /// A burst from one client over the rate limit: `rate` full answers a second; of the rest,
    /// every second one goes out truncated (header and question, TC set), the others dropped.
    @Test func rateLimitingAnswersTheRateThenSlipsEverySecondResponse() async throws {
        let metrics = DNSMetrics(factory: NOOPMetricsHandler.instance)
        try await Self.withServer(threads: 1, rateLimit: .init(responsesPerSecond: 10, slip: 2), metrics: metrics) { port in
            let client = try LoopbackSocket(udpPort: port)
            let burst = 60
            for i in 0..<burst { try client.send(makeQuery("status.example.com", id: UInt16(1000 + i))) }
            var full = 0, truncated = 0
            while let response = try? client.receive(timeout: 1) {
                let answers = Int(response[6]) << 8 | Int(response[7])
                if response[2] & 0x02 != 0 {
                    truncated += 1
                    #expect(answers == 0 && response[5] == 1, "question only")
                    #expect(response.count == 12 + 20 + 4, "header and the question of status.example.com")
                } else {
                    full += 1
                    #expect(answers > 0)
                }
            }
            // The burst may straddle a second boundary: then two seconds' worth are answered.
            #expect(full == 10 || full == 20, "full answers: \(full)")
            let limited = burst - full
            #expect(abs(truncated - limited / 2) <= 1, "\(truncated) truncated of \(limited) limited")
            let text = metrics.exposition()
            #expect(text.contains("meridian_dns_rate_limited_total{action=\"slip\"} \(truncated)\n"))
            #expect(text.contains("meridian_dns_rate_limited_total{action=\"drop\"} \(limited - truncated)\n"))
            #expect(metrics.responseCount == full + truncated, "truncated answers are sent; dropped ones are not")
        }
    }

    @Test func closesIdleTCPConnections() async throws {
        try await Self.withServer(idle: .milliseconds(300)) { port in
            let client = try LoopbackSocket(tcpPort: port)
            let started = Date()
            #expect(try client.receive(timeout: 5).isEmpty, "EOF from the server")
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test func capsConcurrentTCPConnections() async throws {
        try await Self.withServer(maxConnections: 2) { port in
            let a = try LoopbackSocket(tcpPort: port)
            let b = try LoopbackSocket(tcpPort: port)
            for client in [a, b] {
                let query = makeQuery("status.example.com", id: 1)
                try client.send([0, UInt8(query.count)] + query)
                #expect(try client.receive(exactly: 2).count == 2)
            }
            let c = try LoopbackSocket(tcpPort: port)
            #expect(try c.receive(timeout: 5).isEmpty, "third connection closed at accept")
        }
    }

    /// A client that trickles a query a byte at a time, faster than the idle timeout, is cut off
    /// at the read timeout and counted; a prompt client on the same server is still answered.
    @Test func slowTCPClientsAreCutOffAtTheReadTimeout() async throws {
        let metrics = DNSMetrics()
        try await Self.withServer(idle: .seconds(10), read: .milliseconds(600), metrics: metrics) { port in
            let slow = try LoopbackSocket(tcpPort: port)
            let query = makeQuery("status.example.com", id: 3)
            let started = Date()
            var closed = false
            for byte in [0, UInt8(query.count)] + query {
                guard (try? slow.send([byte])) != nil else { closed = true; break }
                var pfd = pollfd(fd: slow.fd, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, 150) > 0 { closed = try slow.receive().isEmpty; break }
            }
            #expect(closed, "the server closed the slow connection")
            let elapsed = Date().timeIntervalSince(started)
            #expect(elapsed > 0.5 && elapsed < 3, "cut off after \(elapsed) s")
            #expect(metrics.tcpReadTimeouts.value == 1)
            let prompt = try LoopbackSocket(tcpPort: port)
            try prompt.send([0, UInt8(query.count)] + query)
            #expect(try prompt.receive(exactly: 2).count == 2)
        }
    }

    /// One client address cannot hold more than its share of connections; others still get in,
    /// and a closed connection gives its place back.
    @Test func capsTCPConnectionsPerClient() async throws {
        try await Self.withServer(maxConnections: 100, maxPerClient: 2) { port in
            func answers(_ client: LoopbackSocket) throws -> Bool {
                let query = makeQuery("status.example.com", id: 9)
                try client.send([0, UInt8(query.count)] + query)
                return try client.receive(exactly: 2).count == 2
            }
            var first: LoopbackSocket? = try LoopbackSocket(tcpPort: port)
            let second = try LoopbackSocket(tcpPort: port)
            #expect(try answers(first!) && answers(second))
            let third = try LoopbackSocket(tcpPort: port)
            #expect(try third.receive(timeout: 5).isEmpty, "a third connection from 127.0.0.1 is closed at accept")
            let other = try LoopbackSocket(tcpPort: port, from: "127.0.0.2")
            #expect(try answers(other), "another client is not held back")
            first = nil  // closes it
            try await Task.sleep(for: .milliseconds(200))
            let again = try LoopbackSocket(tcpPort: port)
            #expect(try answers(again), "the closed connection's place is free again")
        }
    }
}


/// RFC 7766 edge cases on a real connection.
@Suite(.serialized)
struct TCPEdgeCaseTests {
    @Test func halfCloseGetsTheAnswerThenTheConnectionCloses() async throws {
        try await LiveServerTests.withServer { port in
            let client = try LoopbackSocket(tcpPort: port)
            let query = makeQuery("status.example.com", id: 9)
            try client.send([0, UInt8(query.count)] + query)
            shutdown(client.fd, Int32(SHUT_WR))
            let started = Date()
            let length = try client.receive(exactly: 2)
            let response = try client.receive(exactly: Int(length[0]) << 8 | Int(length[1]))
            #expect(response[0] == 0 && response[1] == 9)
            #expect(try client.receive(timeout: 5).isEmpty, "closed after answering")
            #expect(Date().timeIntervalSince(started) < 3, "not held until the idle timeout")
        }
    }

    @Test func zeroLengthMessageClosesTheConnection() async throws {
        try await LiveServerTests.withServer { port in
            let client = try LoopbackSocket(tcpPort: port)
            try client.send([0, 0])
            #expect(try client.receive(timeout: 5).isEmpty)
        }
    }
}
