import DNSServer
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The admin HTTP listener as a Service (NIOHTTP1 on its own event loop).
public final class AdminServer: ServiceLifecycle.Service, Sendable {
    public let host: String
    public let port: Int
    let router: AdminRouter
    let logger: Logger
    private let bound: NIOLockedValueBox<(SocketAddress?, [CheckedContinuation<SocketAddress?, Never>])> = .init((nil, []))

    public init(host: String, port: Int, router: AdminRouter, logger: Logger) {
        self.host = host
        self.port = port
        self.router = router
        self.logger = logger
    }

    /// The bound address, once listening (nil if binding failed).
    public func boundAddress() async -> SocketAddress? {
        await withCheckedContinuation { continuation in
            let now: SocketAddress?? = bound.withLockedValue { state in
                if let address = state.0 { return .some(address) }
                state.1.append(continuation)
                return .none
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let router = router
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                        try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(router: router))
                    }
                }
                .bind(host: host, port: port).get()
            let address = channel.localAddress
            for waiter in bound.withLockedValue({ state in state.0 = address; defer { state.1 = [] }; return state.1 }) { waiter.resume(returning: address) }
            logger.info("admin API listening", metadata: ["address": "\(host):\(address?.port ?? port)"])
            try? await gracefulShutdown()
            try? await channel.close()
        } catch {
            for waiter in bound.withLockedValue({ state in defer { state.1 = [] }; return state.1 }) { waiter.resume(returning: nil) }
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }
}
