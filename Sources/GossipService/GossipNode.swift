import HealthGossip
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import ServiceSupport

/// A cluster member as a Service: SWIM over UDP on `listen`, full-state push-pull over TCP on
/// the same port (on joining and every `syncInterval`), all frames HMAC-authenticated. The
/// state machine runs on one event loop; `view` and `onChange` carry what it knows out.
public final class GossipNode: ServiceLifecycle.Service, Sendable {
    public struct Configuration: Sendable {
        public var name: String
        public var role: MemberRole
        public var region: String
        public var listen: GossipAddress
        public var seeds: [GossipAddress]
        public var keyring: GossipKeyring
        public var membership: MembershipConfiguration
        /// Milliseconds between full-state syncs with a random member (anti-entropy).
        public var syncInterval: UInt64

        public init(
            name: String, role: MemberRole, region: String = "", listen: GossipAddress, seeds: [GossipAddress], keyring: GossipKeyring,
            membership: MembershipConfiguration = MembershipConfiguration(), syncInterval: UInt64 = 10_000
        ) {
            self.name = name
            self.role = role
            self.region = region
            self.listen = listen
            self.seeds = seeds
            self.keyring = keyring
            self.membership = membership
            self.syncInterval = syncInterval
        }
    }

    public let configuration: Configuration
    private let metrics: GossipMetrics
    private let logger: Logger
    private let onChange: @Sendable (GossipView) -> Void
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let engine: NIOLoopBound<GossipEngine>
    private let currentView: NIOLockedValueBox<GossipView>
    private let bound = Latch<SocketAddress?>()

    public init(configuration: Configuration, metrics: GossipMetrics = GossipMetrics(), logger: Logger, onChange: @escaping @Sendable (GossipView) -> Void = { _ in }) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.onChange = onChange
        let loop = group.next()
        let now = Self.now()
        // Incarnations start at the start time in seconds: a restarted member outranks any
        // news of its own death from before.
        let me = MemberUpdate(
            name: configuration.name, address: configuration.listen, role: configuration.role, region: configuration.region,
            status: .alive, incarnation: UInt32(truncatingIfNeeded: now / 1000)
        )
        let membership = Membership(me: me, configuration: configuration.membership, seed: now ^ UInt64(bitPattern: Int64(configuration.name.hashValue)))
        // The engine belongs to its loop from birth (NIOLoopBound checks it is made there).
        let keyring = configuration.keyring
        let engine = try! loop.submit {
            NIOLoopBound(GossipEngine(membership: membership, keyring: keyring, metrics: metrics, logger: logger, now: now, onChange: onChange), eventLoop: loop)
        }.wait()
        currentView = try! loop.submit { engine.value.view }.wait()
        self.engine = engine
    }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
    }

    /// What this member knows now.
    public var view: GossipView { currentView.withLockedValue { $0 } }

    /// The UDP address once bound (port 0 resolved), or nil if binding failed.
    public func boundAddress() async -> SocketAddress? { await bound.value() }

    /// Publishes this agent's region report (any thread).
    public func publish(region: String, endpoints: [EndpointReport], roundTrips: [RegionRoundTrip] = []) {
        let engine = self.engine
        engine.eventLoop.execute { engine.value.publish(region: region, endpoints: endpoints, roundTrips: roundTrips, now: Self.now()) }
    }

    /// Round trips to the agents of other regions, from this member's probes.
    public var roundTripsToOtherRegions: [RegionRoundTrip] {
        let view = view
        let mine = view.members.first { $0.update.name == view.me }?.update.region ?? ""
        return view.members.compactMap { member in
            guard member.update.role == .agent, member.update.region != mine, member.update.status <= .suspect,
                  let rtt = member.roundTripMilliseconds else { return nil }
            return RegionRoundTrip(region: member.update.region, microseconds: UInt32(min(rtt * 1000, UInt64(UInt32.max))))
        }.sorted { $0.region < $1.region }
    }

    public func run() async throws {
        let loop = engine.eventLoop
        let engine = self.engine
        let listen = configuration.listen
        do {
            let (datagrams, sync) = try await Self.bind(listen, engine: engine)
            let port = datagrams.localAddress?.port ?? Int(listen.port)
            bound.open(datagrams.localAddress)
            logger.info("gossip listening", metadata: ["address": "\(listen.host):\(port)", "member": "\(configuration.name)"])
            let seeds = configuration.seeds
            let syncInterval = configuration.syncInterval
            try await loop.submit {
                let value = engine.value
                value.datagrams = datagrams
                if listen.port == 0 { value.advertise(GossipAddress(host: listen.host, port: UInt16(port))) }
                // Join: announce to the seeds and pull their full state.
                let joinSeeds: @Sendable () -> Void = {
                    engine.value.join(seeds, now: Self.now())
                    for seed in seeds { Self.sync(with: seed, engine: engine) }
                }
                joinSeeds()
                loop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { _ in engine.value.tick(now: Self.now()) }
                loop.scheduleRepeatedTask(initialDelay: .milliseconds(Int64(syncInterval)), delay: .milliseconds(Int64(syncInterval))) { _ in
                    if let partner = engine.value.syncPartner { Self.sync(with: partner, engine: engine) }
                }
                // Retry the seeds every second while nobody else is known: a member started
                // before its seeds (an agent before the DNS nodes) or cut off from every other
                // member would otherwise stay alone for good.
                if !seeds.isEmpty {
                    loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                        if engine.value.syncPartner == nil { joinSeeds() }
                    }
                }
            }.get()
            try? await gracefulShutdown()
            // Say goodbye so that others need not wait for a suspicion timeout.
            try? await loop.submit { engine.value.leave(now: Self.now()) }.get()
            try? await Task.sleep(for: .milliseconds(50))
            try? await sync.close()
            try? await datagrams.close()
        } catch {
            bound.open(nil)
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    /// UDP and TCP on one port. With port 0 the UDP port is picked first and TCP may find that
    /// number taken by another TCP socket: then both are tried again on another port.
    static func bind(_ listen: GossipAddress, engine: NIOLoopBound<GossipEngine>) async throws -> (any Channel, any Channel) {
        var attempt = 0
        while true {
            attempt += 1
            let datagrams = try await DatagramBootstrap(group: engine.eventLoop)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(GossipDatagramHandler(engine: engine)) }
                }
                .bind(host: listen.host, port: Int(listen.port)).get()
            do {
                let sync = try await ServerBootstrap(group: engine.eventLoop)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelOption(.allowRemoteHalfClosure, value: true)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(GossipSyncHandler(engine: engine, initiator: false))
                        }
                    }
                    .bind(host: listen.host, port: datagrams.localAddress?.port ?? Int(listen.port)).get()
                return (datagrams, sync)
            } catch {
                try? await datagrams.close()
                if listen.port != 0 || attempt >= 20 { throw error }
            }
        }
    }

    /// Push-pull: sends this member's full state to `address` over TCP and merges the reply.
    static func sync(with address: GossipAddress, engine: NIOLoopBound<GossipEngine>) {
        ClientBootstrap(group: engine.eventLoop)
            .connectTimeout(.seconds(2))
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(GossipSyncHandler(engine: engine, initiator: true))
                }
            }
            .connect(host: address.host, port: Int(address.port))
            .whenFailure { _ in }
    }
}

/// Datagrams in, to the engine on the same loop. A bad datagram is counted and dropped; the
/// channel keeps reading whatever arrives.
final class GossipDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let engine: NIOLoopBound<GossipEngine>

    init(engine: NIOLoopBound<GossipEngine>) { self.engine = engine }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        engine.value.receive(datagram: envelope.data, from: envelope.remoteAddress, now: GossipNode.now())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
