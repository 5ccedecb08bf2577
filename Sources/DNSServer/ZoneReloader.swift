import Logging
import QueryEngine
import ServiceLifecycle
import UnixSignals
import ZoneStore

/// Loads the zone folder into a new snapshot and publishes it; on SIGHUP, again. A zone file
/// that fails keeps its previous version (the error is logged with file and line), so a bad
/// edit never takes a zone off the air, and queries in flight finish on the snapshot they hold.
public struct ZoneReloader: Service {
    public let loader: ZoneDirectoryLoader
    public let store: SnapshotStore
    public let metrics: DNSMetrics
    public let logger: Logger

    public init(loader: ZoneDirectoryLoader, store: SnapshotStore, metrics: DNSMetrics, logger: Logger) {
        self.loader = loader
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    /// Builds a snapshot from disk, falling back per file to `previous`.
    public static func snapshot(from report: ZoneDirectoryLoader.Report, configuration: QueryEngineConfiguration, generation: Int) -> ServingSnapshot {
        ServingSnapshot(sources: report.zones, configuration: configuration, generation: generation)
    }

    /// Reloads every zone and publishes the result; returns the report.
    @discardableResult
    public func reload() -> ZoneDirectoryLoader.Report {
        let current = store.snapshot
        let report = loader.load(previous: current.sources)
        Self.log(report, logger: logger)
        store.publish(Self.snapshot(from: report, configuration: current.configuration, generation: current.generation + 1))
        metrics.reloads.increment()
        if !report.failures.isEmpty { metrics.reloadFailures.increment() }
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

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading zones")
            reload()
        }
    }
}
