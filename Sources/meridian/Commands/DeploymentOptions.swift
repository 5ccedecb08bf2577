import ArgumentParser
import Drill
import Foundation

/// Options shared by `demo` and `drill` for the local deployment they start.
struct DeploymentOptions: ParsableArguments {
    @Option(help: "Folder of zone files the DNS nodes serve.")
    var zones: String = "zones"

    @Option(help: "Folder of region files: one agent per region, a demo backend per backend URL.")
    var regions: String = "regions"

    @Option(help: "DNS nodes to run (node i on 127.0.0.i), joined into one gossip cluster with the agents.")
    var dnsNodes: Int = 2

    @Option(help: "Folder for rewritten region files, the gossip key and the processes' logs (default: a new temporary folder, removed at the end).")
    var workDirectory: String?

    @Flag(help: "Keep the work folder (logs) after stopping.")
    var keepLogs = false

    func validateCount() throws {
        guard (1...9).contains(dnsNodes) else { throw ValidationError("--dns-nodes must be between 1 and 9") }
    }

    /// The folder to work in, and whether it is ours to remove at the end.
    func makeWorkDirectory(prefix: String) throws -> (path: String, removeAtEnd: Bool) {
        if let workDirectory {
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
            return (workDirectory, false)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return (path, !keepLogs)
    }

    /// This very binary: the deployment's processes run the same `meridian`.
    static var binary: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
