import DNSWire
import Foundation

/// Loads every `*.zone` file in a folder: the one loader both `serve` and `check` use (as NSD's
/// `nsd-checkzone` shares `zonec_read`). A file that fails keeps its previous good version when
/// there is one, so a reload with a broken file never takes a zone away.
public struct ZoneDirectoryLoader: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public struct Report: Sendable {
        /// The zones to serve, by file name.
        public var zones: [String: ZoneData] = [:]
        /// Files loaded fresh from disk.
        public var loaded: [String] = []
        /// Files that failed, with every error; a failed file's previous version, if any, is in `zones`.
        public var failures: [String: [ZoneError]] = [:]

        public var errors: [ZoneError] { failures.keys.sorted().flatMap { failures[$0]! } }
    }

    public func load(previous: [String: ZoneData] = [:]) -> Report {
        var report = Report()
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".zone") }.sorted()
        } catch {
            report.failures[directory] = [ZoneError(.unreadable, file: directory, line: 0, "cannot list zone folder: \(error.localizedDescription)")]
            report.zones = previous
            return report
        }
        let fileLoader = ZoneFileLoader(directory: directory)
        var origins: [DNSName: String] = [:]
        for file in files {
            let result = fileLoader.load(fileNamed: file).flatMap { zone -> Result<ZoneData, ZoneLoadFailure> in
                let errors = ZoneValidator.validate(zone)
                return errors.isEmpty ? .success(zone) : .failure(ZoneLoadFailure(errors))
            }
            switch result {
            case .success(let zone):
                if let other = origins[zone.origin] {
                    report.failures[file] = [ZoneError(.syntax, file: file, line: 0, "zone \(zone.origin) is already loaded from \(other)")]
                    continue
                }
                origins[zone.origin] = file
                report.zones[file] = zone
                report.loaded.append(file)
            case .failure(let failure):
                report.failures[file] = failure.errors
                if let old = previous[file], origins[old.origin] == nil {
                    origins[old.origin] = file
                    report.zones[file] = old
                }
            }
        }
        return report
    }
}
