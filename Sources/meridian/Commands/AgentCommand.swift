import AgentProxy
import GossipService
import HealthGossip
import NIOConcurrencyHelpers
import NIOCore
import ArgumentParser
import DNSServer
import Foundation
import HTTPService
import Logging
import MetricsExport
import NIOPosix
import RegionAgent
import ServiceLifecycle
import Topology

/// `meridian agent --region FILE`: runs the region's endpoint proxies over their backends, with
/// active health checks, and the agent admin API (state, drains, Prometheus `/metrics`).
/// (Gossip to the DNS tier comes next.)
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent", abstract: "Run a region's endpoint proxies with health checks.")

    @Option(help: "The region file, e.g. regions/us-east.yaml.")
    var region: String

    @Option(help: ArgumentHelp("Admin API address, instead of the region file's agent.admin (port 0 picks one).", valueName: "host:port"))
    var admin: String?

    @OptionGroup var gossip: GossipOptions

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "meridian-agent")
        let config = try TopologyLoader.loadRegion(path: region).mapError { ValidationError($0.description) }.get()
        let metrics = MetricsExporter()
        metrics.bootstrapMetricsSystem()
        let checkLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()
        var proxies: [HTTPListener] = []
        var checkers: [ActiveHealthChecker] = []
        var adminEndpoints: [AgentAdminRouter.Endpoint] = []
        for endpoint in config.endpoints {
            let targets = try endpoint.backends.map { backend -> BackendSelector.Target in
                guard let address = backend.hostPort else {
                    throw ValidationError("\(region): endpoint \(endpoint.name): backend \(backend.url) needs a host and a port")
                }
                return BackendSelector.Target(host: address.host, port: address.port)
            }
            guard !targets.isEmpty else { throw ValidationError("\(region): endpoint \(endpoint.name) has no backends") }
            let selector = BackendSelector(
                targets: targets, weights: endpoint.backends.map(\.weight), policy: makeBalancingPolicy(endpoint.balance.rawValue)!,
                rise: endpoint.health.rise, fall: endpoint.health.fall, errorRun: endpoint.health.errorRun,
                metrics: ProxyMetrics(endpoint: endpoint.name, backends: endpoint.backends.map(\.url), factory: metrics.factory)
            )
            proxies.append(.proxy(
                host: endpoint.address.description, port: endpoint.port, name: endpoint.name, selector: selector,
                configuration: endpoint.proxy, logger: logger
            ))
            adminEndpoints.append(.init(name: endpoint.name, address: endpoint.address.description, port: endpoint.port, backendURLs: endpoint.backends.map(\.url), selector: selector))
            for index in targets.indices {
                let health = endpoint.health
                let path = endpoint.backends[index].url.hasPrefix("tcp://") ? nil : (health.path ?? "/")
                checkers.append(ActiveHealthChecker(
                    selector: selector, index: index, path: path, intervalMilliseconds: health.intervalMilliseconds,
                    timeoutMilliseconds: health.timeoutMilliseconds, loop: checkLoop, logger: logger
                ))
            }
        }
        for checker in checkers { checker.start() }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = proxies.map { .init(service: $0) }
        var adminListener: HTTPListener?
        let router = AgentAdminRouter(region: config.name, endpoints: adminEndpoints, metrics: metrics)
        if let gossipConfiguration = try gossip.configuration(role: .agent, region: config.name, defaultAddress: config.agent.gossip) {
            let node = GossipNode(configuration: gossipConfiguration, logger: logger)
            services.append(.init(service: node))
            Self.publishReports(RegionReporter(endpoints: adminEndpoints, drained: router.drainedEndpoints), region: config.name, to: node, on: checkLoop)
        }
        if let text = admin ?? config.agent.admin {
            guard let address = DNSServerConfiguration.ListenAddress(text) else { throw ValidationError("admin address \(text): expected host:port") }
            let listener = HTTPListener.router(host: address.host, port: address.port, label: "agent admin API", router: router, logger: logger)
            services.append(.init(service: listener))
            adminListener = listener
        }
        Task {
            for (proxy, endpoint) in zip(proxies, config.endpoints) {
                if let address = await proxy.boundAddress() {
                    FileHandle.standardOutput.write(Data("listening \(endpoint.name) \(endpoint.address):\(address.port ?? 0)\n".utf8))
                }
            }
            if let adminListener, let address = await adminListener.boundAddress() {
                FileHandle.standardOutput.write(Data("admin \(adminListener.host):\(address.port ?? 0)\n".utf8))
            }
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        for checker in checkers { checker.stop() }
    }

    /// Looks at the endpoints every 25 ms and publishes the region's report when it changed
    /// (a backend's fall is in the DNS tier's hands one gossip hop later). The first report
    /// waits until every backend has been checked, for at most `firstReportDeadline` ms.
    static func publishReports(_ reporter: RegionReporter, region: String, to node: GossipNode, on loop: any EventLoop, firstReportDeadline: UInt64 = 5000) {
        let last = NIOLockedValueBox<(report: [EndpointReport]?, roundTrips: [RegionRoundTrip], at: UInt64)>((nil, [], 0))
        let started = UInt64(NIODeadline.now().uptimeNanoseconds / 1_000_000)
        loop.scheduleRepeatedTask(initialDelay: .milliseconds(25), delay: .milliseconds(25)) { _ in
            let now = UInt64(NIODeadline.now().uptimeNanoseconds / 1_000_000)
            if last.withLockedValue({ $0.report == nil }), !reporter.verified, now - started < firstReportDeadline { return }
            let current = reporter.current()
            let roundTrips = node.roundTripsToOtherRegions
            let publish = last.withLockedValue { last -> Bool in
                guard reporter.shouldPublish(current, roundTrips: roundTrips, last: last.report, lastRoundTrips: last.roundTrips, sinceLast: now - last.at) else {
                    return false
                }
                last = (current, roundTrips, now)
                return true
            }
            if publish { node.publish(region: region, endpoints: current, roundTrips: roundTrips) }
        }
    }
}
