import Foundation
import TestSupport

/// `dnsperf` running in the background against one server, for faults-under-load tests: start
/// it, do something to the system, then `finish()` for what it counted. Bounded by `seconds`.
final class DNSPerfLoad: @unchecked Sendable {
    struct Result: CustomStringConvertible {
        var sent = 0
        var completed = 0
        var lost = 0
        /// Responses by RCODE name (`NOERROR`, `SERVFAIL`, ...).
        var rcodes: [String: Int] = [:]
        var output = ""

        /// Lost queries plus answers that are not NOERROR: what a client would see as failures.
        var failed: Int { lost + rcodes.filter { $0.key != "NOERROR" }.values.reduce(0, +) }
        var description: String { "sent \(sent), completed \(completed), lost \(lost), rcodes \(rcodes)" }
    }

    private let process = Process()
    private let outputFile: URL

    /// `queries`: lines of dnsperf's input (`www.example.com A`); `qps`: the offered rate, divided
    /// by `TestTime.scale` (a sanitized server is slower; the test is about losing nothing).
    init(host: String, port: Int, queries: [String], seconds: Int, qps: Int, extra: [String] = []) throws {
        let dir = try Repo.temporaryDirectory()
        let input = dir.appendingPathComponent("queries")
        try (queries.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        outputFile = dir.appendingPathComponent("output")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // -t 2: a query unanswered for 2 s counts as lost (a resolver would have retried by then).
        process.arguments = ["dnsperf", "-s", host, "-p", "\(port)", "-d", input.path, "-l", "\(seconds)", "-Q", "\(Int(Double(qps) / TestTime.scale))", "-c", "4", "-t", "2"] + extra
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
    }

    /// Waits for dnsperf to end (its time limit plus its timeout) and parses its report.
    func finish() throws -> Result {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        var result = Result()
        result.output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: outputFile.deletingLastPathComponent())
        for line in result.output.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            func number(after label: String) -> Int? { fields.firstIndex(of: label).flatMap { fields.indices.contains($0 + 1) ? Int(fields[$0 + 1]) : nil } }
            if line.contains("Queries sent:") { result.sent = number(after: "sent:") ?? 0 }
            if line.contains("Queries completed:") { result.completed = number(after: "completed:") ?? 0 }
            if line.contains("Queries lost:") { result.lost = number(after: "lost:") ?? 0 }
            if line.contains("Response codes:") {
                // "Response codes:       NOERROR 30000 (100.00%), SERVFAIL 2 (0.01%)"
                let codes = fields.drop { $0 != "codes:" }.dropFirst()
                var iterator = codes.makeIterator()
                while let name = iterator.next(), let count = iterator.next().flatMap({ Int($0) }) {
                    result.rcodes[name] = count
                    _ = iterator.next()  // the percentage
                }
            }
        }
        guard result.sent > 0 else { throw ProcessError("dnsperf sent nothing:\n\(result.output)") }
        return result
    }

    deinit { if process.isRunning { process.terminate() } }
}
