import Atomics
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import ServiceSupport

/// A small HTTP/1.1 listener as a Service, on its own event loop: the shell of the admin API
/// of the demo backend and of the agent's proxies. `configure` sets up each accepted connection's
/// pipeline (on its event loop); the common case is NIOHTTP1's server codec plus one handler.
public final class HTTPListener: ServiceLifecycle.Service, Sendable {
    public let host: String
    public let port: Int
    let label: String
    let logger: Logger
    let configure: @Sendable (any Channel) throws -> Void
    /// Concurrent connections allowed; more are closed at accept (nil: no cap).
    let maxConnections: Int?
    private let connections = ManagedAtomic(0)
    private let bound = Latch<SocketAddress?>()

    public init(host: String, port: Int, label: String, logger: Logger, maxConnections: Int? = nil, configure: @escaping @Sendable (any Channel) throws -> Void) {
        self.maxConnections = maxConnections
        self.host = host
        self.port = port
        self.label = label
        self.logger = logger
        self.configure = configure
    }

    /// NIOHTTP1's server codec (pipelining assistance, 400 on parse errors) and `handler()`.
    public convenience init(host: String, port: Int, label: String, logger: Logger, maxConnections: Int? = nil, handler: @escaping @Sendable () -> any ChannelHandler) {
        self.init(host: host, port: port, label: label, logger: logger, maxConnections: maxConnections) { channel in
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(handler())
        }
    }

    /// The bound address once listening (port 0 resolved), or nil if binding failed.
    public func boundAddress() async -> SocketAddress? { await bound.value() }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (configure, connections, maxConnections, logger) = (configure, connections, maxConnections, logger)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    if let maxConnections {
                        guard connections.wrappingIncrementThenLoad(ordering: .relaxed) <= maxConnections else {
                            connections.wrappingDecrement(ordering: .relaxed)
                            logger.debug("connection refused: at the cap", metadata: ["cap": "\(maxConnections)"])
                            return channel.close()
                        }
                        channel.closeFuture.whenComplete { _ in connections.wrappingDecrement(ordering: .relaxed) }
                    }
                    return channel.eventLoop.makeCompletedFuture { try configure(channel) }
                }
                .bind(host: host, port: port).get()
            bound.open(channel.localAddress)
            logger.info("\(label) listening", metadata: ["address": "\(host):\(channel.localAddress?.port ?? port)"])
            try? await gracefulShutdown()
            try? await channel.close()
        } catch {
            bound.open(nil)
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }
}
