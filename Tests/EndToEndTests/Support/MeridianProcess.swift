import Foundation
import Testing
import TestSupport

/// Paths of the repository and the `meridian` binary the tests drive.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary: URL = {
        // scripts/sanitize.sh points the tests at its sanitizer build of the binary.
        if let path = ProcessInfo.processInfo.environment["MERIDIAN_TEST_BINARY"] { return URL(fileURLWithPath: path) }
        return root.appendingPathComponent(".build/debug/meridian")
    }()

    /// A fresh temporary folder, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the repo's `zones/` folder plus extra files, so tests can edit zones freely.
    static func zonesCopy(extra: [String: String] = [:]) throws -> URL {
        let dir = try temporaryDirectory()
        let zones = dir.appendingPathComponent("zones")
        try FileManager.default.copyItem(at: root.appendingPathComponent("zones"), to: zones)
        for (name, text) in extra {
            try text.write(to: zones.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return zones
    }
}

/// The real `meridian serve` process on an ephemeral loopback port, stopped with SIGTERM.
final class MeridianProcess: @unchecked Sendable {
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private(set) var port = 0
    private(set) var host = "127.0.0.1"
    /// The admin API's port, when started with `--admin`.
    private(set) var adminPort = 0
    private let errLock = NSLock()
    private var errText = ""

    /// Starts `meridian serve --listen <listen> <arguments>` and waits for its "listening" line.
    init(zones: URL, listen: String = "127.0.0.1:0", arguments: [String] = []) throws {
        process.executableURL = Repo.binary
        // The repo's regions/ unless a test brings its own, so that www.example.com is steered.
        let regions = arguments.contains("--regions") ? [] : ["--regions", Repo.root.appendingPathComponent("regions").path]
        process.arguments = ["serve", "--zones", zones.path, "--listen", listen, "--threads", "2"] + regions + arguments
        process.standardOutput = stdout
        process.standardError = stderr
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.errLock.withLock { self.errText += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let line = try Self.readLine(stdout.fileHandleForReading, timeout: 30)
        guard let line, line.hasPrefix("listening ") else {
            process.terminate()
            throw ProcessError("meridian did not start listening; stderr:\n\(log)")
        }
        let address = line.dropFirst("listening ".count)
        let colon = address.lastIndex(of: ":")!
        host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        port = Int(address[address.index(after: colon)...])!
        if arguments.contains("--admin") {
            while let next = try Self.readLine(stdout.fileHandleForReading, timeout: 30) {
                guard next.hasPrefix("admin ") else { continue }
                adminPort = Int(next[next.index(after: next.lastIndex(of: ":")!)...])!
                break
            }
            guard adminPort > 0 else { throw ProcessError("meridian did not start its admin API; stderr:\n\(log)") }
        }
    }

    /// Everything the server logged so far.
    var log: String { errLock.withLock { errText } }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits until the log contains `text` (a readiness check instead of a sleep).
    func waitForLog(_ text: String, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(TestTime.seconds(timeout))
        while Date() < deadline {
            if log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop(timeout: TimeInterval = 10) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); return nil }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    static func readLine(_ handle: FileHandle, timeout: TimeInterval) throws -> String? {
        var buffer = Data()
        let deadline = Date().addingTimeInterval(TestTime.seconds(timeout))
        let fd = handle.fileDescriptor
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                var byte: UInt8 = 0
                let n = read(fd, &byte, 1)
                if n <= 0 { return nil }
                if byte == UInt8(ascii: "\n") { return String(decoding: buffer, as: UTF8.self) }
                buffer.append(byte)
            }
        }
        return nil
    }
}

struct ProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command to completion (killed after `timeout`) and returns its exit status and output.
/// Output goes through a temporary file rather than a pipe: a pipe's write end can leak into a
/// long-lived process spawned at the same moment by a parallel test, and then EOF never comes.
@discardableResult
func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> (status: Int32, output: String) {
    let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-run-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outputFile) }
    let handle = try FileHandle(forWritingTo: outputFile)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try? handle.close()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
}

/// Seconds until `condition` holds, polling every 10 ms; nil if it does not within `limit`
/// (stretched by `TestTime.scale`).
func secondsUntil(_ limit: TimeInterval, _ condition: () throws -> Bool) rethrows -> TimeInterval? {
    let started = Date()
    while Date().timeIntervalSince(started) < TestTime.seconds(limit) {
        if try condition() { return Date().timeIntervalSince(started) }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return nil
}
