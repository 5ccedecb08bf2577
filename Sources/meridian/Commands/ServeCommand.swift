import Admin
import ArgumentParser
import HTTPService
import DNSServer
import DNSWire
import GossipService
import MetricsExport
import NIOConcurrencyHelpers
import Foundation
import Logging
import NIOCore
import QueryEngine
import ServiceLifecycle
import ServiceSupport
import Topology
import ZoneStore

/// `meridian serve`: the authoritative DNS server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the zones over UDP and TCP.")

    @Option(help: "Folder of *.zone files (origin = file name without .zone unless the file sets $ORIGIN).")
    var zones: String = "zones"

    @Option(help: "Folder of region files (*.yaml); service names from zones/*.services.yaml are then steered.")
    var regions: String?

    @Option(help: ArgumentHelp("Address to listen on, UDP and TCP (repeatable; port 0 picks a free port).", valueName: "host:port"))
    var listen: [String] = ["127.0.0.1:5353"]

    @Option(help: "Event loops (each with its own UDP socket per address). Default: one per core.")
    var threads: Int = System.coreCount

    @Option(help: "Largest UDP response, whatever the client advertises (RFC 6891).")
    var maxUDPSize: UInt16 = 1232

    @Option(help: "Answer for CHAOS TXT id.server and hostname.bind (unset: REFUSED).")
    var identity: String?

    @Option(help: "Answer for CHAOS TXT version.bind and version.server (unset: REFUSED).")
    var versionString: String?

    @Option(help: "NSID (RFC 5001) returned to clients that ask; text, or hex with a 0x prefix.")
    var nsid: String?

    @Option(help: ArgumentHelp("Client network allowed to AXFR (repeatable; default: none).", valueName: "cidr"))
    var allowTransfer: [String] = []

    @Option(help: "Seconds before an idle TCP connection is closed (RFC 7766 §6.2.3).")
    var tcpIdleTimeout: Int = 10

    @Option(help: ArgumentHelp("Milliseconds a TCP message may take to arrive whole, from its first byte; slower clients are disconnected.", valueName: "ms"))
    var tcpReadTimeout: Int = 2000

    @Option(help: ArgumentHelp("At shutdown (SIGTERM), seconds open TCP connections get to answer what they received and finish transfers.", valueName: "s"))
    var shutdownGrace: Int = 5

    @Option(help: "Concurrent TCP connections allowed.")
    var tcpMaxConnections: Int = 1000

    @Option(help: "Concurrent TCP connections allowed from one client address (0: no per-client limit).")
    var tcpMaxConnectionsPerClient: Int = 32

    @Option(help: ArgumentHelp("UDP responses per second to one client network (IPv4 /24, IPv6 /56), per UDP worker; 0 = no limit.", valueName: "n"))
    var rateLimit: Int = 0

    @Option(help: ArgumentHelp("Over the rate limit, every n-th response goes out truncated (TC) so real clients retry over TCP; 0 drops them all.", valueName: "n"))
    var rateLimitSlip: Int = 2

    @OptionGroup var steering: SteeringOptions

    @OptionGroup var gossip: GossipOptions

    @Option(help: ArgumentHelp("Admin HTTP API (health reports, state). Loopback unless a token file is given.", valueName: "host:port"))
    var admin: String?

    @Option(help: "File holding the bearer token that admin writes (PUT) must carry.")
    var adminTokenFile: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        for text in listen where DNSServerConfiguration.ListenAddress(text) == nil {
            throw ValidationError("--listen \(text): expected host:port, e.g. 127.0.0.1:5353 or [::1]:5353")
        }
        for text in allowTransfer where NetworkPrefix(text) == nil {
            throw ValidationError("--allow-transfer \(text): expected an address or CIDR network, e.g. 127.0.0.1 or 10.0.0.0/8")
        }
        if let admin {
            guard let address = DNSServerConfiguration.ListenAddress(admin) else { throw ValidationError("--admin \(admin): expected host:port") }
            let loopback = address.host == "localhost" || address.host.hasPrefix("127.") || address.host == "::1"
            if !loopback, adminTokenFile == nil { throw ValidationError("--admin on \(address.host) needs --admin-token-file: health reports steer traffic") }
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel): unknown level") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must not be negative") }
        guard tcpReadTimeout > 0 else { throw ValidationError("--tcp-read-timeout must be positive") }
        guard tcpMaxConnectionsPerClient >= 0 else { throw ValidationError("--tcp-max-connections-per-client must not be negative") }
        guard rateLimit >= 0, rateLimitSlip >= 0 else { throw ValidationError("--rate-limit and --rate-limit-slip must not be negative") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "meridian")

        // Metrics go to a Prometheus registry, served on the admin API's /metrics.
        let exporter = MetricsExporter()
        exporter.bootstrapMetricsSystem()
        let metrics = DNSMetrics()
        let failedOpen = metrics.steeringFailedOpen
        let engine = QueryEngineConfiguration(
            maxUDPPayload: maxUDPSize, nsid: nsid.map(Self.nsidBytes), identity: identity, version: versionString,
            allowTransfer: allowTransfer.compactMap(NetworkPrefix.init), defaultLocation: try steering.location(),
            failOpen: !steering.failClosed, onFailOpen: { failedOpen.increment() },
            steeredAnswerCounter: { service, region in
                let counter = metrics.steeredAnswerCounter(service: service, region: region)
                return { counter.increment() }
            }
        )
        let loader = ZoneDirectoryLoader(directory: zones)
        let report = loader.load()
        if let unreadable = report.failures[zones] {
            throw ValidationError(unreadable.map(\.description).joined(separator: "\n"))
        }
        ZoneReloader.log(report, logger: logger)
        let topologyLoader = regions.map { TopologyLoader(regionsDirectory: $0, zonesDirectory: zones) }
        var topology: Topology?
        if let topologyLoader {
            // At startup a bad region or services file is fatal: there is no previous version to keep.
            topology = try topologyLoader.load(zones: ZoneFacts(zones: report.zones.values)).mapError { ValidationError($0.description) }.get()
        }
        let store = SnapshotStore(ZoneReloader.snapshot(from: report, topology: topology, configuration: engine, generation: 1))
        FreedMemory.release()
        let events = HealthEventLog(initial: store.snapshot)
        let server = DNSServer(
            configuration: DNSServerConfiguration(
                listen: listen.compactMap(DNSServerConfiguration.ListenAddress.init), threads: threads,
                tcpIdleTimeout: .seconds(Int64(tcpIdleTimeout)), tcpReadTimeout: .milliseconds(Int64(tcpReadTimeout)), tcpMaxConnections: tcpMaxConnections,
                tcpMaxConnectionsPerClient: tcpMaxConnectionsPerClient, rateLimit: .init(responsesPerSecond: rateLimit, slip: rateLimitSlip),
                shutdownGrace: .seconds(Int64(shutdownGrace))
            ),
            store: store, metrics: metrics, logger: logger
        )
        var adminServer: HTTPListener?
        let gossipFeed = try gossip.configuration(role: .dns).map { Self.gossipFeed($0, store: store, events: events, logger: logger) }
        let (gossipNode, hooks) = (gossipFeed?.0, gossipFeed?.1)
        let reloader = ZoneReloader(
            loader: loader, topologyLoader: topologyLoader, store: store, metrics: metrics, logger: logger, afterReload: { hooks?.reapply() }
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: server), .init(service: reloader)]
        if let gossipNode { services.append(.init(service: gossipNode)) }
        if let admin, let address = DNSServerConfiguration.ListenAddress(admin) {
            let token = try adminTokenFile.map { try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
            let server = HTTPListener.admin(
                host: address.host, port: address.port,
                router: AdminRouter(store: store, token: token, gossip: hooks, metrics: exporter, queryMetrics: metrics, events: events),
                logger: logger
            )
            services.append(.init(service: server))
            adminServer = server
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // One line per address on stdout once bound, for scripts and tests that start on port 0.
        Task {
            await reloader.waitUntilTrapping()
            var printed: Set<String> = []
            func line(_ label: String, _ address: SocketAddress) -> String {
                "\(label) \(HostPort.format(host: address.ipAddress ?? "", port: address.port ?? 0))\n"
            }
            for address in await server.boundAddresses() {
                let text = line("listening", address)
                if printed.insert(text).inserted { FileHandle.standardOutput.write(Data(text.utf8)) }
            }
            if let adminServer, let address = await adminServer.boundAddress() { FileHandle.standardOutput.write(Data(line("admin", address).utf8)) }
            if let gossipNode, let address = await gossipNode.boundAddress() { FileHandle.standardOutput.write(Data(line("gossip", address).utf8)) }
        }
        try await group.run()
    }

    /// The DNS node's gossip member, feeding what it learns into the serving snapshot's health
    /// (operator overrides from the admin API on top), each change logged with its source.
    static func gossipFeed(_ configuration: GossipNode.Configuration, store: SnapshotStore, events: HealthEventLog, logger: Logger) -> (GossipNode, GossipHooks) {
        let overrides = NIOLockedValueBox<[String: GossipHealth.Override]>([:])
        let apply: @Sendable (GossipView) -> Void = { view in
            let verdicts = GossipHealth.verdicts(view, overrides: overrides.withLockedValue { $0 })
            store.updateHealth(logging: events, source: { verdicts[$0]?.source ?? .gossip }) { snapshot in
                guard let table = snapshot.steering else { return (snapshot, ()) }
                let health = GossipHealth.apply(verdicts, from: view, to: snapshot.health, table: table)
                return (health == snapshot.health ? snapshot : snapshot.with(health: health), ())
            }
        }
        let node = GossipNode(configuration: configuration, logger: logger, onChange: apply)
        return (node, GossipHooks(overrides: overrides, view: { node.view }, reapply: { apply(node.view) }))
    }

    static func nsidBytes(_ text: String) -> [UInt8] {
        guard text.hasPrefix("0x"), text.count % 2 == 0 else { return Array(text.utf8) }
        var bytes: [UInt8] = []
        var digits = text.dropFirst(2)
        while !digits.isEmpty {
            guard let byte = UInt8(digits.prefix(2), radix: 16) else { return Array(text.utf8) }
            bytes.append(byte)
            digits = digits.dropFirst(2)
        }
        return bytes
    }
}
