import Foundation

/// `meridian <arguments>` run in the background, with stdout and stderr in a temporary file
/// (not a pipe: see `run`). The processes it starts (demo and drill deployments) are found by
/// the `MERIDIAN_PARENT_PID` every child gets, so they are found even once re-parented.
class MeridianBackground: @unchecked Sendable {
    let process = Process()
    let outputFile: URL

    init(_ arguments: [String]) throws {
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        process.executableURL = Repo.binary
        process.currentDirectoryURL = Repo.root
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { Foundation.kill(process.processIdentifier, sig) }

    /// The exit status, or nil when it still runs after `timeout`.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        guard secondsUntil(timeout, { !process.isRunning }) != nil else { return nil }
        return process.terminationStatus
    }

    /// Running (not zombie) processes this one started.
    func children() -> [Int32] {
        let marker = "MERIDIAN_PARENT_PID=\(process.processIdentifier)"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                  String(decoding: environment, as: UTF8.self).split(separator: "\0").contains(where: { $0 == marker })
            else { return false }
            return !((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ") Z ").contains(") Z ")
        }.sorted()
    }

    /// The children still running, with their command lines, for failure messages.
    func lingeringChildren() -> [String] {
        children().map { pid in
            "\(pid) " + ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").replacingOccurrences(of: "\0", with: " ")
        }
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputFile)
    }
}
