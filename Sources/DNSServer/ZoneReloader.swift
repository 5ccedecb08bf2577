import Logging
import QueryEngine
import Topology
import ServiceLifecycle
import ServiceSupport
import UnixSignals
import ZoneStore

/// Loads the zone folder (and the regions and services, when configured) into a new snapshot
/// and publishes it; on SIGHUP, again. A zone file that fails keeps its previous version and a
/// topology that fails keeps the previous topology (errors are logged with file and line), so
/// a bad edit never takes anything off the air, and queries in flight finish on the snapshot
/// they hold.
public struct ZoneReloader: ServiceLifecycle.Service {
    public let loader: ZoneDirectoryLoader
    public let topologyLoader: TopologyLoader?
    public let store: SnapshotStore
    public let metrics: DNSMetrics
    public let logger: Logger
    private let trapping = Latch<Bool>()
    /// Runs after each reload is published (gossip re-applies its view to a new topology).
    let afterReload: @Sendable () -> Void

    public init(
        loader: ZoneDirectoryLoader, topologyLoader: TopologyLoader? = nil, store: SnapshotStore, metrics: DNSMetrics, logger: Logger,
        afterReload: @escaping @Sendable () -> Void = {}
    ) {
        self.afterReload = afterReload
        self.loader = loader
        self.topologyLoader = topologyLoader
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    /// Builds a snapshot from disk, falling back per file to `previous`.
    public static func snapshot(from report: ZoneDirectoryLoader.Report, topology: Topology?, configuration: QueryEngineConfiguration, generation: Int) -> ServingSnapshot {
        ServingSnapshot(sources: report.zones, configuration: configuration, generation: generation, topology: topology)
    }

    /// Reloads every zone and publishes the result; returns the report.
    @discardableResult
    public func reload() -> ZoneDirectoryLoader.Report {
        let report = store.update { current in
            let report = loader.load(previous: current.sources)
            Self.log(report, logger: logger)
            var topology = current.steering?.topology
            if let topologyLoader {
                switch topologyLoader.load(zones: ZoneFacts(zones: report.zones.values)) {
                case .success(let loaded):
                    topology = loaded
                    logger.info("regions loaded", metadata: ["regions": "\(loaded.regions.count)", "services": "\(loaded.services.count)"])
                case .failure(let failure):
                    for error in failure.errors { logger.error("\(error)") }
                    logger.error("regions and services rejected", metadata: ["serving": "\(topology == nil ? "nothing" : "previous version")"])
                    metrics.reloadFailures.increment()
                }
            }
            let next = Self.snapshot(from: report, topology: topology, configuration: current.configuration, generation: current.generation + 1)
            return (next.carryingHealth(from: current), report)
        }
        metrics.reloads.increment()
        if !report.failures.isEmpty { metrics.reloadFailures.increment() }
        afterReload()
        // The parse's temporaries are garbage now: give their pages back (see FreedMemory).
        FreedMemory.release()
        return report
    }

    public static func log(_ report: ZoneDirectoryLoader.Report, logger: Logger) {
        for error in report.errors { logger.error("\(error)") }
        for file in report.failures.keys.sorted() {
            let kept = report.zones[file] != nil
            logger.error("zone file rejected", metadata: ["file": "\(file)", "serving": "\(kept ? "previous version" : "nothing")"])
        }
        for file in report.loaded {
            if let zone = report.zones[file] {
                logger.info("zone loaded", metadata: ["zone": "\(zone.origin)", "file": "\(file)", "records": "\(zone.records.count)"])
            }
        }
    }

    /// Returns once SIGHUP is trapped: before that, a SIGHUP would end the process (its default
    /// action), so the server only announces readiness after this.
    public func waitUntilTrapping() async { _ = await trapping.value() }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        trapping.open(true)
        for await _ in hangups.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading zones")
            reload()
        }
    }
}
