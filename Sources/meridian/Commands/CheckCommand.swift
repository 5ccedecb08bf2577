import ArgumentParser
import ZoneStore

/// `meridian check`: validates the configuration with exactly the loaders `serve` uses
/// (like `named-checkzone`/`nsd-checkzone`), printing `file:line: message` for each problem.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate zone files and exit non-zero on errors.")

    @Option(help: "Folder of *.zone files.")
    var zones: String = "zones"

    func run() throws {
        let report = ZoneDirectoryLoader(directory: zones).load()
        for error in report.errors { print("\(zones)/\(error)") }
        for file in report.loaded {
            let zone = report.zones[file]!
            print("\(zones)/\(file): zone \(zone.origin) OK, \(zone.records.count) records")
        }
        guard report.failures.isEmpty else {
            print("\(report.failures.count) of \(report.failures.count + report.loaded.count) zone files have errors")
            throw ExitCode(1)
        }
    }
}
