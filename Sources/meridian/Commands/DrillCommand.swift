import ArgumentParser
import DNSWire
import Drill
import Foundation
import NIOConcurrencyHelpers
import Topology
import UnixSignals

/// `meridian drill`: a multi-region failover drill. Without `--server` it starts its own local
/// deployment on free ports, applies the fault, recovers, reports and tears everything down;
/// with `--server` it drills a real deployment through admin APIs and drains only.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Run a failover drill and report how fast answers moved away and back, against SLOs.",
        discussion: "Exactly one of --fail-region, --kill-agent, --drain or --fail-endpoint. Exit status 1 when an SLO is missed, 2 when the drill could not run, 130 when interrupted."
    )

    @Option(help: ArgumentHelp("Fail every backend of a region (health checks fail).", valueName: "region"))
    var failRegion: String?

    @Option(help: ArgumentHelp("SIGKILL a region's agent (local deployment only); recovery restarts it.", valueName: "region"))
    var killAgent: String?

    @Option(help: ArgumentHelp("Drain a region through its agent's admin API (planned maintenance).", valueName: "region"))
    var drain: String?

    @Option(help: ArgumentHelp("Fail every backend of one endpoint.", valueName: "endpoint"))
    var failEndpoint: String?

    @Option(help: "The steered name the clients resolve.")
    var service: String = "www.example.com"

    @Option(help: ArgumentHelp("A DNS node of a real deployment to drill (repeatable). Without it the drill starts its own.", valueName: "host:port"))
    var server: [String] = []

    @Option(help: ArgumentHelp("Admin API of each DNS node, with --server: failing a region or endpoint is an override there (repeatable).", valueName: "host:port"))
    var admin: [String] = []

    @Option(help: "Bearer token file for the admin APIs, with --server.")
    var adminTokenFile: String?

    @OptionGroup var deployment: DeploymentOptions

    @Option(help: ArgumentHelp("Time between queries of each client region to each node.", valueName: "duration"))
    var interval: String = "20ms"

    @Option(help: ArgumentHelp("Recording before the fault.", valueName: "duration"))
    var baseline: String = "2s"

    @Option(help: ArgumentHelp("How long the fault is held.", valueName: "duration"))
    var faultDuration: String = "8s"

    @Option(help: ArgumentHelp("Recording after recovery.", valueName: "duration"))
    var recoveryDuration: String = "8s"

    @Flag(help: "Also follow the answers over HTTP, as clients would (honouring the TTL), and count their errors.")
    var http = false

    @Option(help: ArgumentHelp("SLO: every node stops answering the failed endpoints within this.", valueName: "duration"))
    var sloExclude: String = "3s"

    @Option(help: "SLO: answers with failed endpoints a node may give after it first excluded them.")
    var sloStale: Int = 0

    @Option(help: ArgumentHelp("SLO: every node answers the recovered endpoints again within this.", valueName: "duration"))
    var sloReadmit: String = "5s"

    @Option(help: "SLO: HTTP errors a client region may see (needs --http; default: not judged).")
    var sloHttpErrors: Int?

    @Option(help: ArgumentHelp("Write the report (and, with --samples, every answer) as JSON.", valueName: "file"))
    var json: String?

    @Flag(help: "Include every DNS answer and HTTP request in the JSON.")
    var samples = false

    @Option(help: ArgumentHelp("Write the timeline plot as SVG.", valueName: "file"))
    var svg: String?

    func validate() throws {
        let chosen = [failRegion, killAgent, drain, failEndpoint].compactMap { $0 }
        guard chosen.count == 1 else { throw ValidationError("give exactly one of --fail-region, --kill-agent, --drain or --fail-endpoint") }
        for (name, text) in [("--interval", interval), ("--baseline", baseline), ("--fault-duration", faultDuration), ("--recovery-duration", recoveryDuration), ("--slo-exclude", sloExclude), ("--slo-readmit", sloReadmit)] {
            guard let ms = DurationText.milliseconds(text), ms > 0 else { throw ValidationError("\(name) \(text): expected a duration like 500ms or 2s") }
        }
        guard (try? DNSName(service)) != nil else { throw ValidationError("--service \(service): not a domain name") }
        for text in server + admin where HostPort.parse(text) == nil { throw ValidationError("\(text): expected host:port") }
        if server.isEmpty, !admin.isEmpty { throw ValidationError("--admin goes with --server (a local drill knows its own admin APIs)") }
        if !server.isEmpty, admin.isEmpty, failRegion != nil || failEndpoint != nil {
            throw ValidationError("against --server, failing a region or an endpoint is an override on each DNS node: give their --admin addresses")
        }
        if !server.isEmpty, killAgent != nil { throw ValidationError("--kill-agent needs a local deployment: against --server a drill never kills anything") }
        if sloHttpErrors != nil, !http { throw ValidationError("--slo-http-errors needs --http") }
        try deployment.validateCount()
    }

    var scenario: DrillScenario {
        if let failRegion { return DrillScenario(kind: .failRegion, target: failRegion) }
        if let killAgent { return DrillScenario(kind: .killAgent, target: killAgent) }
        if let drain { return DrillScenario(kind: .drain, target: drain) }
        return DrillScenario(kind: .failEndpoint, target: failEndpoint!)
    }

    static func duration(_ text: String) -> Duration { .milliseconds(DurationText.milliseconds(text)!) }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        var options = DrillOptions(scenario: scenario, service: try DNSName(service))
        options.interval = Self.duration(interval)
        options.baseline = Self.duration(baseline)
        options.faultDuration = Self.duration(faultDuration)
        options.recoveryDuration = Self.duration(recoveryDuration)
        options.http = http
        let slo = SLO(
            excludeMs: Double(DurationText.milliseconds(sloExclude)!), staleAnswers: sloStale,
            readmitMs: Double(DurationText.milliseconds(sloReadmit)!), httpErrors: sloHttpErrors
        )
        let drill = Task { try await server.isEmpty ? runLocal(options) : runRemote(options) }
        let interrupted = Task {
            for await _ in signals {
                drill.cancel()
                return
            }
        }
        defer { interrupted.cancel() }
        let recording: DrillRecording
        do {
            recording = try await drill.value
        } catch is CancellationError {
            status(server.isEmpty ? "interrupted; every process the drill started is stopped" : "interrupted; the fault, if applied, was undone")
            throw ExitCode(130)
        } catch {
            // Status 1 means an SLO was missed; a drill that could not run says so with 2.
            status("error: \(error)")
            throw ExitCode(2)
        }
        let report = DrillReport(recording: recording, slo: slo)
        print("")
        print(report.table(color: isatty(STDOUT_FILENO) == 1))
        if let json {
            try report.json(recording: recording, includeSamples: samples).write(to: URL(fileURLWithPath: json))
            print("JSON report: \(json)")
        }
        if let svg {
            try DrillTimeline.svg(recording: recording, report: report).write(toFile: svg, atomically: true, encoding: .utf8)
            print("Timeline:    \(svg)")
        }
        if !report.passed { throw ExitCode(1) }
    }

    /// Starts a deployment on free ports, drills it and always tears it down.
    private func runLocal(_ options: DrillOptions) async throws -> DrillRecording {
        let work = try deployment.makeWorkDirectory(prefix: "meridian-drill")
        let plan = try DeploymentPlan.make(
            regionsDirectory: deployment.regions, zonesDirectory: deployment.zones, dnsNodes: deployment.dnsNodes, ports: .free, workDirectory: work.path
        )
        status("starting \(plan.dnsNodes.count) DNS node(s), \(plan.agents.count) agents, \(plan.backends.count) backends (logs: \(work.path)/logs)")
        let local = try await LocalDeployment.start(plan: plan, binary: DeploymentOptions.binary, workDirectory: work.path)
        do {
            try await local.waitUntilServing()
            status("deployment up; drilling: \(options.scenario.description)")
            let recording = try await DrillRunner.run(target: DrillTarget(plan: plan), faults: LocalFaults(deployment: local), options: options, progress: progress)
            await local.stop()
            if work.removeAtEnd { try? FileManager.default.removeItem(atPath: work.path) }
            return recording
        } catch {
            await local.stop()
            status("logs kept in \(work.path)/logs")
            throw error
        }
    }

    /// Drills a real deployment: the topology comes from --regions, faults go through admin APIs.
    private func runRemote(_ options: DrillOptions) async throws -> DrillRecording {
        let files = try FileManager.default.contentsOfDirectory(atPath: deployment.regions).filter { $0.hasSuffix(".yaml") }.sorted()
        let regions = try files.map { try TopologyLoader.loadRegion(path: deployment.regions + "/" + $0).mapError { ValidationError($0.description) }.get() }
        let token = try adminTokenFile.map { try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
        let target = DrillTarget(nodes: server, regions: regions)
        status("drilling \(server.joined(separator: ", ")): \(options.scenario.description)")
        return try await DrillRunner.run(target: target, faults: AdminAPIFaults(dnsAdmins: admin, regions: regions, token: token), options: options, progress: progress)
    }

    private func status(_ line: String) {
        FileHandle.standardError.write(Data("drill: \(line)\n".utf8))
    }

    /// One line per update; on a terminal it rewrites itself in place.
    private var progress: @Sendable (DrillProgress) -> Void {
        let terminal = isatty(STDERR_FILENO) == 1
        // Off a terminal (CI logs) a line every 2 s and at each phase change is enough.
        let last = NIOLockedValueBox<(phase: DrillProgress.Phase?, at: Double)>((nil, 0))
        return { progress in
            let due = last.withLockedValue { last in
                guard terminal || last.phase != progress.phase || progress.elapsed - last.at >= 2 else { return false }
                last = (progress.phase, progress.elapsed)
                return true
            }
            guard due else { return }
            let clients = progress.answeredRegions.map { "\($0.client)→\($0.regions.isEmpty ? "-" : $0.regions.joined(separator: "+"))" }.joined(separator: "  ")
            let line = "[\(progress.phase.rawValue) " + String(format: "%5.1fs] t=%5.1fs answers %6d  ", progress.inPhase, progress.elapsed, progress.answers) + clients
            FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
    }
}
