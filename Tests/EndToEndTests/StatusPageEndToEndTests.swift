import Foundation
import Testing

/// The status page as a browser renders it: headless Chromium loads it from a running demo,
/// its script fills in regions and endpoints from the admin API, and a region whose backends
/// all fail is shown down. Screenshots are kept in `.build/test-artifacts/`.
@Suite(.serialized) struct StatusPageEndToEndTests {
    static let artifacts = Repo.root.appendingPathComponent(".build/test-artifacts")

    @Test func chromiumShowsEveryRegionAndAFailedRegionAsDown() throws {
        let chromium = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }, "chromium is not installed (make deps installs it)")
        let demo = try DemoProcess()
        defer { demo.kill() }
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)

        let healthy = try render(chromium, demo.statusURL)
        #expect(healthy.contains(#"data-loaded="true""#), "the page never loaded its data:\n\(healthy.prefix(2000))")
        for region in ["us-east", "eu-west", "ap-south"] {
            #expect(Self.state(of: "data-region", region, in: healthy) == "up", "\(region) not shown up")
        }
        for endpoint in ["use-www-a", "use-www-b", "euw-www-a", "euw-www-b", "aps-www-a"] {
            #expect(Self.state(of: "data-endpoint", endpoint, in: healthy) == "up", "\(endpoint) not shown up")
        }
        try screenshot(chromium, demo.statusURL, to: Self.artifacts.appendingPathComponent("status-page.png"))

        // Fail every backend of us-east for real; the agent's checks and gossip carry it to the page.
        for backend in try demo.backendURLs(region: "us-east") {
            let result = try run("curl", ["-sS", "-m", "5", "-X", "POST", backend + "/admin/fail"])
            #expect(result.status == 0, "\(result.output)")
        }
        let admin = demo.statusURL
        let down = secondsUntil(30) {
            let state = (try? run("curl", ["-sS", "-m", "2", admin + "v1/state"]).output) ?? ""
            return state.components(separatedBy: #""up" : false"#).count - 1 >= 3
        }
        #expect(down != nil, "us-east's endpoints never went down in /v1/state")
        let failed = try render(chromium, demo.statusURL)
        #expect(Self.state(of: "data-region", "us-east", in: failed) == "down")
        for endpoint in ["use-www-a", "use-www-b"] {
            #expect(Self.state(of: "data-endpoint", endpoint, in: failed) == "down", "\(endpoint) not shown down")
        }
        #expect(Self.state(of: "data-region", "eu-west", in: failed) == "up")
        try screenshot(chromium, demo.statusURL, to: Self.artifacts.appendingPathComponent("status-page-us-east-down.png"))
    }

    /// The DOM after the page's script ran.
    func render(_ chromium: String, _ url: String) throws -> String {
        let result = try run(chromium, Self.headless + ["--virtual-time-budget=4000", "--dump-dom", url], timeout: 60)
        return result.output
    }

    func screenshot(_ chromium: String, _ url: String, to file: URL) throws {
        try? FileManager.default.removeItem(at: file)
        _ = try run(chromium, Self.headless + ["--virtual-time-budget=4000", "--window-size=1280,1100", "--screenshot=\(file.path)", url], timeout: 60)
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "no screenshot at \(file.path)")
    }

    static let headless = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + FileManager.default.temporaryDirectory.appendingPathComponent("meridian-chromium-\(getpid())").path]

    /// The `data-state` of the element whose `attribute` is `value`.
    static func state(of attribute: String, _ value: String, in dom: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: "<[^>]*\(attribute)=\"\(NSRegularExpression.escapedPattern(for: value))\"[^>]*>"),
              let match = regex.firstMatch(in: dom, range: NSRange(dom.startIndex..., in: dom)),
              let range = Range(match.range, in: dom)
        else { return nil }
        let tag = String(dom[range])
        guard let state = tag.range(of: #"data-state=""#) else { return nil }
        return String(tag[state.upperBound...].prefix { $0 != "\"" })
    }
}

extension DemoProcess {
    /// The backend URLs of a region, from the region file the demo rewrote with free ports.
    func backendURLs(region: String) throws -> [String] {
        guard let work = workDirectory else { throw ProcessError("no work folder in the demo's output") }
        let file = work.appendingPathComponent("regions/\(region).yaml").path
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            line.range(of: "http://").map { String(line[$0.lowerBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "," && $0 != "}" }) }
        }
    }
}
