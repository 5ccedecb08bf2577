import Foundation

/// One process of a local deployment (`meridian serve`, `agent` or `backend`). Its stdout and
/// stderr go to `<logs>/<name>.log`. The children announce their bound addresses on stdout
/// (`listening …`, `admin …`), and that is how readiness is known: from the log file, not a
/// pipe, because a pipe's write end would leak into every child spawned after it. The child
/// gets `MERIDIAN_PARENT_PID`, and exits by itself if this process goes away.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let logPath: String
    private let process = Process()
    /// Where this run's output starts in the log (a restarted agent appends to its old log).
    private let logStart: Int

    init(name: String, binary: String, arguments: [String], logDirectory: String) throws {
        self.name = name
        logPath = logDirectory + "/" + name + ".log"
        // A restarted agent appends to the log of its earlier life.
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw DeploymentError("cannot write \(logPath)") }
        defer { try? log.close() }
        logStart = Int(log.seekToEndOfFile())
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["MERIDIAN_PARENT_PID"] = String(getpid())
        process.environment = environment
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The stdout lines starting with `prefix`, once there are `count` of them.
    func lines(startingWith prefix: String, count: Int = 1, timeout: Duration) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let output = (FileManager.default.contents(atPath: logPath) ?? Data()).dropFirst(logStart)
            let text = String(decoding: output, as: UTF8.self)
            let found = text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map(String.init)
            if found.count >= count { return found }
            guard process.isRunning else { throw DeploymentError("\(name) exited (status \(process.terminationStatus)); see \(logPath):\n\(Self.tail(logPath))") }
            guard ContinuousClock.now < deadline else { throw DeploymentError("\(name) did not print '\(prefix)' within \(timeout); see \(logPath)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func kill(_ signal: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// SIGTERM, then SIGKILL after `grace`; returns once the process is gone.
    func stop(grace: Duration = .seconds(3)) async {
        kill(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(SIGKILL)
            process.waitUntilExit()
        }
    }

    static func tail(_ path: String, lines count: Int = 15) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(count).joined(separator: "\n")
    }
}
