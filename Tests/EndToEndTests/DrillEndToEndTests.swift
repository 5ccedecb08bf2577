import Foundation
import Testing
import TestSupport

/// `meridian drill` on the repo's demo topology, as CI and operators run it: a self-contained
/// deployment on free ports, the fault, the recovery, a JSON report and a plot, and nothing left
/// running afterwards.
@Suite(.serialized) struct DrillEndToEndTests {
    /// The issue's acceptance drill: every client region converges within the SLO, no stale
    /// answers after convergence, and full recovery. The SLOs are the drill's defaults (3 s and
    /// 5 s), stretched by `TestTime.scale` in sanitizer runs.
    @Test func failRegionDrillMeetsItsSLOs() throws {
        let (excludeSLO, readmitSLO) = (TestTime.seconds(3) * 1000, TestTime.seconds(5) * 1000)
        let drill = try runDrill([
            "--fail-region", "us-east", "--http", "--slo-exclude", "\(Int(excludeSLO))ms", "--slo-readmit", "\(Int(readmitSLO))ms",
        ])
        #expect(drill.status == 0, "drill failed:\n\(drill.output)")
        let report = try #require(drill.report)
        #expect(report["passed"] as? Bool == true)
        let regions = try #require(report["regions"] as? [[String: Any]])
        #expect(Set(regions.compactMap { $0["region"] as? String }) == ["us-east", "eu-west", "ap-south"])
        for region in regions {
            let name = region["region"] as? String ?? "?"
            #expect(region["staleAnswers"] as? Int == 0, "\(name) got stale answers")
            if name == "us-east" {
                // us-east's own clients were answered with us-east's endpoints, then moved away and back.
                #expect(region["affected"] as? Bool == true)
                let exclude = try #require(region["excludeMs"] as? Double, "us-east never converged")
                #expect(exclude <= excludeSLO)
                let readmit = try #require(region["readmitMs"] as? Double, "us-east never readmitted")
                #expect(readmit <= readmitSLO)
                #expect(region["recoveredFully"] as? Bool == true)
            } else {
                #expect(region["affected"] as? Bool == false, "\(name) never had us-east's endpoints")
            }
        }
        // Clients following the answers really fetched through the proxies.
        let http = try #require(regions.first?["http"] as? [String: Any])
        #expect((http["requests"] as? Int ?? 0) > 0)
        #expect(drill.svg.hasPrefix("<svg") || drill.svg.hasPrefix("<?xml"))
        #expect(drill.svg.contains("us-east") && drill.svg.contains("eu-west") && drill.svg.contains("ap-south"))
        #expect(drill.output.contains("PASS"))
        #expect(drill.lingering.isEmpty, "processes outlived the drill: \(drill.lingering)")
    }

    /// The agent process really dies (SIGKILL) and is restarted: gossip must notice the death.
    @Test func killAgentDrillFailsOverAndBack() throws {
        let drill = try runDrill(["--kill-agent", "eu-west", "--http", "--slo-exclude", "4s", "--slo-readmit", "8s", "--recovery-duration", "9s"])
        #expect(drill.status == 0, "drill failed:\n\(drill.output)")
        let regions = try #require(drill.report?["regions"] as? [[String: Any]])
        let euWest = try #require(regions.first { $0["region"] as? String == "eu-west" })
        #expect(euWest["affected"] as? Bool == true)
        #expect(euWest["excludeMs"] as? Double != nil)
        #expect(euWest["recoveredFully"] as? Bool == true)
        #expect(drill.lingering.isEmpty, "processes outlived the drill: \(drill.lingering)")
    }

    /// An SLO that cannot be met makes the drill exit 1 and say what was missed.
    @Test func missedSLOFailsTheDrill() throws {
        let drill = try runDrill(["--fail-endpoint", "aps-www-a", "--slo-exclude", "1ms", "--fault-duration", "3s", "--recovery-duration", "3s"])
        #expect(drill.status == 1, "\(drill.output)")
        #expect(drill.report?["passed"] as? Bool == false)
        let regions = try #require(drill.report?["regions"] as? [[String: Any]])
        let missed = regions.flatMap { region in
            ((region["verdicts"] as? [[String: Any]]) ?? []).filter { $0["met"] as? Bool == false }.map { "\(region["region"] ?? "") \($0["objective"] ?? "")" }
        }
        #expect(missed == ["ap-south exclude"], "only ap-south's exclusion can miss 1 ms: \(missed)")
        #expect(drill.output.contains("FAIL"))
    }

    /// Against a running deployment (`--server`), a drill only uses admin APIs: it fails an
    /// endpoint as an override on every DNS node, drops the override on recovery, and kills
    /// nothing.
    @Test func drillAgainstARunningDeploymentUsesOnlyAdminAPIs() throws {
        let demo = try DemoProcess()
        defer { demo.kill() }
        let children = demo.children()
        let lines = demo.output.split(separator: "\n").filter { $0.hasPrefix("dns ") }.map { $0.split(separator: " ").map(String.init) }
        let targets = lines.flatMap { ["--server", $0[1], "--admin", $0[3]] }
        let regions = try #require(demo.workDirectory).appendingPathComponent("regions").path
        let dir = try Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("remote.json").path
        let result = try run(
            Repo.binary.path,
            ["drill", "--fail-endpoint", "euw-www-a", "--regions", regions, "--baseline", "1s", "--fault-duration", "3s", "--recovery-duration", "3s", "--json", json] + targets,
            timeout: 120
        )
        #expect(result.status == 0, "\(result.output)")
        let report = try #require(FileManager.default.contents(atPath: json).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        let euWest = try #require((report["regions"] as? [[String: Any]])?.first { $0["region"] as? String == "eu-west" })
        #expect(euWest["affected"] as? Bool == true)
        #expect(euWest["recoveredFully"] as? Bool == true)
        #expect(children.allSatisfy { kill($0, 0) == 0 }, "a process of the deployment died")
        // The overrides are gone: every node serves every endpoint up again.
        for line in lines {
            let state = try run("curl", ["-sS", "-m", "5", "http://\(line[3])/v1/state"]).output
            #expect(!state.contains(#""up" : false"#), "\(line[1]) still has an endpoint down: \(state)")
        }
    }

    /// Ctrl-C in the middle of the fault stops the drill and every process it started.
    @Test func interruptedDrillStopsItsDeployment() throws {
        let dir = try Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let drill = try MeridianBackground(["drill", "--fail-region", "us-east", "--work-directory", dir.appendingPathComponent("work").path, "--fault-duration", "30s"])
        #expect(secondsUntil(90) { drill.output.contains("[fault") } != nil, "the drill never reached its fault phase:\n\(drill.output)")
        kill(drill.process.processIdentifier, SIGINT)
        #expect(drill.waitForExit(timeout: 20) == 130, "\(drill.output)")
        #expect(drill.output.contains("interrupted"))
        #expect(drill.lingeringChildren().isEmpty, "processes outlived the interrupted drill: \(drill.lingeringChildren())")
    }

    /// Ctrl-C during a drill of a running deployment undoes the fault: the deployment outlives
    /// the drill and must not be left failed.
    @Test func interruptedDrillOfARunningDeploymentUndoesItsFault() throws {
        let demo = try DemoProcess()
        defer { demo.kill() }
        let lines = demo.output.split(separator: "\n").filter { $0.hasPrefix("dns ") }.map { $0.split(separator: " ").map(String.init) }
        let regions = try #require(demo.workDirectory).appendingPathComponent("regions").path
        let drill = try MeridianBackground(
            ["drill", "--fail-region", "eu-west", "--regions", regions, "--fault-duration", "30s"] + lines.flatMap { ["--server", $0[1], "--admin", $0[3]] }
        )
        let downEverywhere = {
            lines.allSatisfy { line in
                let state = (try? run("curl", ["-sS", "-m", "2", "http://\(line[3])/v1/state"]).output) ?? ""
                return state.components(separatedBy: #""up" : false"#).count - 1 == 2
            }
        }
        #expect(secondsUntil(60) { drill.output.contains("[fault") && downEverywhere() } != nil, "the fault never showed:\n\(drill.output)")
        kill(drill.process.processIdentifier, SIGINT)
        #expect(drill.waitForExit(timeout: 20) == 130, "\(drill.output)")
        for line in lines {
            let state = try run("curl", ["-sS", "-m", "5", "http://\(line[3])/v1/state"]).output
            #expect(!state.contains(#""up" : false"#), "\(line[1]) was left with eu-west down: \(state)")
        }
    }

    struct DrillRun {
        var status: Int32
        var output: String
        var report: [String: Any]?
        var svg: String
        var lingering: [String]
    }

    func runDrill(_ arguments: [String]) throws -> DrillRun {
        let dir = try Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("drill.json").path
        let svg = dir.appendingPathComponent("drill.svg").path
        let drill = try MeridianBackground(
            [
                "drill", "--zones", Repo.root.appendingPathComponent("zones").path, "--regions", Repo.root.appendingPathComponent("regions").path,
                "--work-directory", dir.appendingPathComponent("work").path, "--baseline", "2s", "--fault-duration", "6s", "--recovery-duration", "6s",
                "--json", json, "--svg", svg,
            ] + arguments
        )
        let status = drill.waitForExit(timeout: 180)
        let report = FileManager.default.contents(atPath: json).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return DrillRun(
            status: status ?? -1, output: drill.output, report: report, svg: (try? String(contentsOfFile: svg, encoding: .utf8)) ?? "",
            lingering: drill.lingeringChildren()
        )
    }
}
