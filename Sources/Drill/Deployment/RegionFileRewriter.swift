import DNSWire
import Topology
import Foundation
import Yams

/// Moves every port of a region file (agent admin and gossip, endpoint ports, backend URLs) to
/// the one `move` gives for the old host and port (and whether it must be free for UDP too, as
/// gossip needs), keeping everything else. Works on the YAML tree rather than the text
/// so that flow and block style, comments aside, are all handled alike.
enum RegionFileRewriter {
    static func rewrite(path: String, move: (String, Int, Bool) throws -> Int) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard var root = try Yams.compose(yaml: text) else { throw DeploymentError("\(path): empty region file") }
        for key in ["admin", "gossip"] {
            guard let value = root["agent"]?[key]?.string, let old = HostPort.parse(value) else { continue }
            root["agent"]?[key] = Node(HostPort.format(host: old.host, port: try move(old.host, old.port, key == "gossip")))
        }
        let endpointCount = root["endpoints"]?.sequence?.count ?? 0
        for e in 0..<endpointCount {
            guard let address = root["endpoints"]?[e]?["address"]?.string, let port = root["endpoints"]?[e]?["port"]?.int else { continue }
            root["endpoints"]?[e]?["port"] = Node(String(try move(address, port, false)))
            let backendCount = root["endpoints"]?[e]?["backends"]?.sequence?.count ?? 0
            for b in 0..<backendCount {
                guard let url = root["endpoints"]?[e]?["backends"]?[b]?["url"]?.string, let old = Backend(url: url).hostPort,
                      let moved = Backend(url: url).url(withPort: try move(old.host, old.port, false))
                else { continue }
                root["endpoints"]?[e]?["backends"]?[b]?["url"] = Node(moved)
            }
        }
        return "# Rewritten from \(path) with free ports for a local deployment.\n" + (try Yams.serialize(node: root))
    }
}
