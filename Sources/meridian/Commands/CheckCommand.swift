import ArgumentParser
import QueryEngine
import Topology
import ZoneStore

/// `meridian check`: validates the configuration with exactly the loaders `serve` uses
/// (like `named-checkzone`/`nsd-checkzone`), printing `file:line: message` for each problem.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate zone, region and services files; exit non-zero on errors.")

    @Option(help: "Folder of *.zone files (and *.services.yaml).")
    var zones: String = "zones"

    @Option(help: "Folder of region files (*.yaml), to validate with the services files.")
    var regions: String?

    func run() throws {
        let report = ZoneDirectoryLoader(directory: zones).load()
        for error in report.errors { print("\(zones)/\(error)") }
        for file in report.loaded {
            let zone = report.zones[file]!
            print("\(zones)/\(file): zone \(zone.origin) OK, \(zone.records.count) records")
        }
        var failed = !report.failures.isEmpty
        if !report.failures.isEmpty {
            print("\(report.failures.count) of \(report.failures.count + report.loaded.count) zone files have errors")
        }
        if let regions {
            switch TopologyLoader(regionsDirectory: regions, zonesDirectory: zones).load(zones: ZoneFacts(zones: report.zones.values)) {
            case .success(let topology):
                print("\(regions): \(topology.regions.count) regions, \(topology.regions.reduce(0) { $0 + $1.endpoints.count }) endpoints, \(topology.services.count) services OK")
            case .failure(let failure):
                failed = true
                for error in failure.errors { print(error.file.hasSuffix(".services.yaml") ? "\(zones)/\(error)" : "\(regions)/\(error)") }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
