import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import ServiceSupport

#if canImport(Glibc)
import Glibc
#endif

/// The DNS listeners as a Service: UDP served by `DatagramWorker` threads (one SO_REUSEPORT
/// socket each, so the kernel spreads datagrams over cores) and TCP by SwiftNIO on the same port.
/// Runs until graceful shutdown, then stops the workers and the TCP listener.
public final class DNSServer: Service, Sendable {
    public let configuration: DNSServerConfiguration
    public let store: SnapshotStore
    public let metrics: DNSMetrics
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    /// Open TCP connections: capped at accept, told to finish and close at shutdown.
    private let openConnections: OpenConnections
    private let bound = Latch<[SocketAddress]>()

    public init(configuration: DNSServerConfiguration, store: SnapshotStore, metrics: DNSMetrics, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        self.openConnections = OpenConnections(limit: configuration.tcpMaxConnections)
    }

    /// The addresses actually bound (ports resolved when 0 was asked), once listening.
    public func boundAddresses() async -> [SocketAddress] { await bound.value() }

    public func run() async throws {
        var channels: [any Channel] = []
        var workers: [DatagramWorker] = []
        do {
            for address in configuration.listen {
                let (tcp, udp) = try await bind(address)
                channels.append(tcp)
                workers += udp
            }
        } catch {
            for worker in workers { await worker.stop() }
            for channel in channels { try? await channel.close() }
            try? await group.shutdownGracefully()
            throw error
        }
        let addresses = channels.compactMap(\.localAddress)
        bound.open(addresses)

        try? await gracefulShutdown()
        logger.info("DNS server stopping")
        // Stop listening: UDP workers finish the batch in hand; TCP stops accepting, and open
        // connections answer what they have received, then close (bounded by the grace period).
        for worker in workers { await worker.stop() }
        for channel in channels { try? await channel.close() }
        await openConnections.quiesce(within: configuration.shutdownGrace)
        try? await group.shutdownGracefully()
        logger.info("DNS server stopped")
    }

    /// Binds one UDP socket per thread (SO_REUSEPORT) and one TCP listener, all on one port
    /// (the first bind picks it when the port is 0), and starts the UDP workers.
    private func bind(_ address: DNSServerConfiguration.ListenAddress) async throws -> (any Channel, [DatagramWorker]) {
        var lastError: (any Error)?
        // With port 0 the UDP port the kernel picks may be taken for TCP: try a few times.
        for _ in 0..<(address.port == 0 ? 8 : 1) {
            do {
                var sockets: [DatagramSocket] = []
                var port = address.port
                for _ in 0..<max(1, configuration.threads) {
                    let socket = try DatagramSocket(host: address.host, port: port, receiveTimeoutMilliseconds: DatagramWorker.pollMilliseconds)
                    port = socket.port
                    sockets.append(socket)
                }
                let tcp = try await tcpBootstrap().bind(host: address.host, port: port).get()
                let workers = sockets.map { DatagramWorker(socket: $0, store: store, metrics: metrics, rateLimit: configuration.rateLimit, logger: logger) }
                for (i, worker) in workers.enumerated() { worker.start(name: "meridian-udp-\(port)-\(i)") }
                logger.info("listening", metadata: ["udp": "\(address.host):\(port)", "tcp": "\(address.host):\(port)", "udp-workers": "\(workers.count)"])
                return (tcp, workers)
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    private func tcpBootstrap() -> ServerBootstrap {
        let (store, metrics, logger, open) = (store, metrics, logger, openConnections)
        let (idle, read) = (configuration.tcpIdleTimeout, configuration.tcpReadTimeout)
        let perClient = ClientConnectionCounts(limit: configuration.tcpMaxConnectionsPerClient)
        return ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard open.admit(channel) else {
                    metrics.tcpRejected.increment()
                    return channel.close()
                }
                if let client = channel.remoteAddress?.networkAddress {
                    guard perClient.open(client) else {
                        metrics.tcpRejected.increment()
                        return channel.close()
                    }
                    channel.closeFuture.whenComplete { _ in perClient.close(client) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idle))
                    try sync.addHandler(ByteToMessageHandler(DNSMessageFrameDecoder(readTimeout: read) { metrics.tcpReadTimeouts.increment() }))
                    try sync.addHandler(DNSStreamHandler(store: store, metrics: metrics, logger: logger))
                }
            }
    }
}
