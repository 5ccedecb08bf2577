import Foundation
import Testing

/// `meridian backend`, the demo HTTP backend, through curl.
@Test func demoBackendNamesItselfAndSwitchesModes() throws {
    let process = Process()
    process.executableURL = Repo.binary
    process.arguments = ["backend", "--listen", "127.0.0.1:0", "--name", "use-1"]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { process.terminate(); process.waitUntilExit() }
    let line = try #require(try MeridianProcess.readLine(out.fileHandleForReading, timeout: 30))
    let base = "http://127.0.0.1:" + line.split(separator: ":").last!
    func curl(_ arguments: String...) throws -> String { try run("curl", ["-sS", "-m", "2", "-w", "\n%{http_code}"] + arguments).output }

    #expect(try curl("\(base)/hello") == "backend use-1: GET /hello\n\n200")
    #expect(try curl("\(base)/healthz") == "ok\n\n200")
    let upload = try Repo.temporaryDirectory().appendingPathComponent("body")
    try Data(count: 1_000_000).write(to: upload)
    #expect(try curl("-X", "POST", "--data-binary", "@\(upload.path)", "\(base)/upload") == "backend use-1: POST /upload, received 1000000 bytes\n\n200")

    #expect(try curl("-X", "POST", "\(base)/admin/fail").hasSuffix("200"))
    #expect(try curl("\(base)/healthz").hasSuffix("503"))
    #expect(try curl("-X", "POST", "\(base)/admin/slow?ms=300").hasSuffix("200"))
    let started = Date()
    #expect(try curl("\(base)/").hasSuffix("200"))
    #expect(Date().timeIntervalSince(started) >= 0.3)
    #expect(try curl("-X", "POST", "\(base)/admin/hang").hasSuffix("200"))
    #expect(try run("curl", ["-sS", "-m", "1", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/"]).output.hasSuffix("000"), "no answer while hanging")
    #expect(try curl("-X", "POST", "\(base)/admin/recover").hasSuffix("200"))
    #expect(try curl("\(base)/healthz") == "ok\n\n200")
}
