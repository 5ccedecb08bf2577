import ArgumentParser
import GossipService
import HealthGossip

/// Gossip settings shared by `serve` and `agent`.
struct GossipOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Gossip address, UDP and TCP (agents default to the region file's agent.gossip).", valueName: "host:port"))
    var gossip: String?

    @Option(help: ArgumentHelp("Members to join through (repeatable, or comma-separated).", valueName: "host:port"))
    var join: [String] = []

    @Option(help: "File with the cluster's gossip key (32 random bytes, base64; `meridian keygen` writes one). A second line holds the old key during a rotation.")
    var gossipKeyFile: String?

    @Option(help: "This member's name in the cluster (default: dns-HOST:PORT or agent-REGION).")
    var name: String?

    var seeds: [GossipAddress] {
        get throws {
            try join.flatMap { $0.split(separator: ",") }.map { text in
                guard let address = GossipAddress(String(text)) else { throw ValidationError("--join \(text): expected host:port") }
                return address
            }
        }
    }

    /// The gossip configuration, or nil when this process does not gossip.
    func configuration(role: MemberRole, region: String = "", defaultAddress: String? = nil) throws -> GossipNode.Configuration? {
        guard let text = gossip ?? defaultAddress else {
            if !join.isEmpty || gossipKeyFile != nil { throw ValidationError("--join and --gossip-key-file need a gossip address (--gossip)") }
            return nil
        }
        guard let listen = GossipAddress(text, allowingPortZero: true) else { throw ValidationError("gossip address \(text): expected host:port") }
        guard let gossipKeyFile else { throw ValidationError("gossip needs --gossip-key-file: every message is authenticated") }
        let keyring: GossipKeyring
        do { keyring = try GossipKeyring.load(path: gossipKeyFile) } catch { throw ValidationError("\(error)") }
        let memberName = name ?? (role == .dns ? "dns-\(listen)" : "agent-\(region)")
        guard (1...GossipWireLimits.maxNameBytes).contains(memberName.utf8.count) else {
            throw ValidationError("member name '\(memberName)' must be 1 to \(GossipWireLimits.maxNameBytes) bytes")
        }
        return GossipNode.Configuration(name: memberName, role: role, region: region, listen: listen, seeds: try seeds, keyring: keyring)
    }
}
