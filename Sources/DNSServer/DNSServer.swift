import Atomics
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The DNS listeners as a Service: binds UDP (one socket per event loop and address, with
/// SO_REUSEPORT so the kernel spreads datagrams over cores) and TCP on the same port, runs until
/// graceful shutdown, then stops accepting and lets TCP connections finish what they were sent.
public final class DNSServer: Service, Sendable {
    public let configuration: DNSServerConfiguration
    public let store: SnapshotStore
    public let metrics: DNSMetrics
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let tcpConnections = ManagedAtomic(0)
    private let bound: NIOLockedValueBox<[SocketAddress]> = .init([])
    private let ready: NIOLockedValueBox<[CheckedContinuation<[SocketAddress], Never>]> = .init([])

    public init(configuration: DNSServerConfiguration, store: SnapshotStore, metrics: DNSMetrics, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    }

    /// The addresses actually bound (ports resolved when 0 was asked), once listening.
    public func boundAddresses() async -> [SocketAddress] {
        await withCheckedContinuation { continuation in
            let now: [SocketAddress]? = ready.withLockedValue { waiting in
                let current = bound.withLockedValue { $0 }
                if !current.isEmpty { return current }
                waiting.append(continuation)
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    public func run() async throws {
        var channels: [any Channel] = []
        do {
            for address in configuration.listen {
                channels += try await bind(address)
            }
        } catch {
            for channel in channels { try? await channel.close() }
            try? await group.shutdownGracefully()
            throw error
        }
        let addresses = channels.compactMap(\.localAddress)
        bound.withLockedValue { $0 = addresses }
        for waiter in ready.withLockedValue({ w in defer { w = [] }; return w }) { waiter.resume(returning: addresses) }

        try? await gracefulShutdown()
        logger.info("DNS server stopping")
        // Stop listening; accepted TCP connections are closed once idle, UDP sockets at once.
        for channel in channels { try? await channel.close() }
        try? await group.shutdownGracefully()
        logger.info("DNS server stopped")
    }

    /// Binds UDP on every event loop and TCP once, all on one port (the first bind picks it when 0).
    private func bind(_ address: DNSServerConfiguration.ListenAddress) async throws -> [any Channel] {
        var lastError: (any Error)?
        // With port 0 the UDP port the kernel picks may be taken for TCP: try a few times.
        for _ in 0..<(address.port == 0 ? 8 : 1) {
            var channels: [any Channel] = []
            do {
                var port = address.port
                for loop in group.makeIterator() {
                    let channel = try await udpBootstrap(loop).bind(host: address.host, port: port).get()
                    port = channel.localAddress?.port ?? port
                    channels.append(channel)
                }
                let tcp = try await tcpBootstrap().bind(host: address.host, port: port).get()
                channels.append(tcp)
                logger.info("listening", metadata: ["udp": "\(address.host):\(port)", "tcp": "\(address.host):\(port)", "threads": "\(configuration.threads)"])
                return channels
            } catch {
                lastError = error
                for channel in channels { try? await channel.close() }
            }
        }
        throw lastError!
    }

    private func udpBootstrap(_ loop: any EventLoop) -> DatagramBootstrap {
        let (store, metrics, logger) = (store, metrics, logger)
        return DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.socket(SocketOptionLevel(SOL_SOCKET), SO_REUSEPORT), value: 1)
            .channelOption(.maxMessagesPerRead, value: 32)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4096))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DNSDatagramHandler(store: store, metrics: metrics, logger: logger))
                }
            }
    }

    private func tcpBootstrap() -> ServerBootstrap {
        let (store, metrics, logger, counter, limit, idle) = (store, metrics, logger, tcpConnections, configuration.tcpMaxConnections, configuration.tcpIdleTimeout)
        return ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                if counter.wrappingIncrementThenLoad(ordering: .relaxed) > limit {
                    counter.wrappingDecrement(ordering: .relaxed)
                    metrics.tcpRejected.increment()
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in counter.wrappingDecrement(ordering: .relaxed) }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idle))
                    try sync.addHandler(ByteToMessageHandler(DNSMessageFrameDecoder()))
                    try sync.addHandler(DNSStreamHandler(store: store, metrics: metrics, logger: logger))
                }
            }
    }
}
