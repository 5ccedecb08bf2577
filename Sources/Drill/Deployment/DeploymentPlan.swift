import DNSWire
import Foundation
import Topology

/// A complete local Meridian deployment laid out on 127.0.0.x: DNS nodes, one agent per region
/// and a demo backend behind every backend URL, with every address decided up front. `demo`
/// keeps the ports of the repo's region files (so the README's `dig` and `curl` lines work);
/// `drill` and tests move every port to a free one so runs never collide.
public struct DeploymentPlan: Sendable {
    public struct DNSNode: Sendable, Equatable {
        public var name: String
        public var listen: String
        public var admin: String
        public var gossip: String
    }

    public struct Agent: Sendable, Equatable {
        public var region: String
        /// The region file the agent runs with (the original, or a rewritten copy).
        public var regionFile: String
        public var admin: String
        public var gossip: String
    }

    public struct BackendProcess: Sendable, Equatable {
        public var name: String
        public var region: String
        public var endpoint: String
        public var listen: String
    }

    /// An endpoint as DNS answers name it (its address) and as clients reach it (its port).
    public struct ProxyEndpoint: Sendable, Equatable {
        public var name: String
        public var region: String
        public var address: String
        public var port: Int

        public init(_ endpoint: Endpoint) {
            name = endpoint.name
            region = endpoint.region
            address = endpoint.address.description
            port = endpoint.port
        }
    }

    public struct ClientRegion: Sendable, Equatable {
        public var name: String
        /// The network a drill's queries carry as EDNS Client Subnet (the region's first IPv4
        /// client network), so the DNS tier steers them as clients of this region.
        public var subnet: NetworkPrefix

        /// Nil for a region with no client networks: nobody is steered there first.
        public init?(_ region: Region) {
            guard let subnet = region.clients.first(where: { $0.address.family == .ipv4 }) ?? region.clients.first else { return nil }
            name = region.name
            self.subnet = subnet
        }
    }

    public var zonesDirectory: String
    public var regionsDirectory: String
    public var dnsNodes: [DNSNode]
    public var agents: [Agent]
    public var backends: [BackendProcess]
    public var endpoints: [ProxyEndpoint]
    public var clients: [ClientRegion]
    public var keyFile: String

    /// Where each port comes from.
    public enum Ports: Sendable {
        /// The region files' own ports; DNS node i listens on 127.0.0.(1+i) at `dnsPort`, with
        /// its admin API on `adminPort` and gossip on `gossipPort` of the same address.
        case asConfigured(dnsPort: Int, adminPort: Int, gossipPort: Int)
        /// A free port for everything (region files are rewritten into the work folder).
        case free
    }

    /// Reads `regionsDirectory/*.yaml` and lays the deployment out; rewritten region files and
    /// the gossip key go into `workDirectory`.
    public static func make(
        regionsDirectory: String, zonesDirectory: String, dnsNodes count: Int, ports: Ports, workDirectory: String
    ) throws -> DeploymentPlan {
        let files = try FileManager.default.contentsOfDirectory(atPath: regionsDirectory).filter { $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else { throw DeploymentError("\(regionsDirectory): no region files (*.yaml)") }
        let free = FreePorts()
        defer { free.release() }
        // One new port per old host:port, so a backend URL that two endpoints share stays shared.
        var moved: [String: Int] = [:]
        let move: (String, Int, Bool) throws -> Int = { host, port, udpToo in
            let key = HostPort.format(host: host, port: port)
            if let port = moved[key] { return port }
            let new = try free.pick(host: host, udpToo: udpToo)
            moved[key] = new
            return new
        }
        var plan = DeploymentPlan(
            zonesDirectory: zonesDirectory, regionsDirectory: regionsDirectory, dnsNodes: [], agents: [], backends: [], endpoints: [], clients: [],
            keyFile: workDirectory + "/gossip.key"
        )
        for index in 0..<count {
            let host = "127.0.0.\(1 + index)"
            let node: DNSNode
            switch ports {
            case .asConfigured(let dns, let admin, let gossip):
                node = DNSNode(name: "dns-\(index + 1)", listen: HostPort.format(host: host, port: dns), admin: HostPort.format(host: host, port: admin), gossip: HostPort.format(host: host, port: gossip))
            case .free:
                // DNS and gossip listen on UDP and TCP: both must be free.
                node = DNSNode(
                    name: "dns-\(index + 1)", listen: HostPort.format(host: host, port: try free.pick(host: host, udpToo: true)),
                    admin: HostPort.format(host: host, port: try free.pick(host: host)), gossip: HostPort.format(host: host, port: try free.pick(host: host, udpToo: true))
                )
            }
            plan.dnsNodes.append(node)
        }
        var rewrittenDirectory: String?
        if case .free = ports {
            rewrittenDirectory = workDirectory + "/regions"
            try FileManager.default.createDirectory(atPath: rewrittenDirectory!, withIntermediateDirectories: true)
            plan.regionsDirectory = rewrittenDirectory!
        }
        for file in files {
            let path = regionsDirectory + "/" + file
            var region = try TopologyLoader.loadRegion(path: path).mapError { DeploymentError($0.description) }.get()
            var regionFile = path
            if let rewrittenDirectory {
                regionFile = rewrittenDirectory + "/" + file
                try RegionFileRewriter.rewrite(path: path, move: move).write(toFile: regionFile, atomically: true, encoding: .utf8)
                region = try TopologyLoader.loadRegion(path: regionFile).mapError { DeploymentError($0.description) }.get()
            }
            guard let admin = region.agent.admin, let gossip = region.agent.gossip else {
                throw DeploymentError("\(path): a local deployment needs agent.admin and agent.gossip")
            }
            plan.agents.append(Agent(region: region.name, regionFile: regionFile, admin: admin, gossip: gossip))
            if let client = ClientRegion(region) { plan.clients.append(client) }
            for endpoint in region.endpoints {
                plan.endpoints.append(ProxyEndpoint(endpoint))
                for (index, backend) in endpoint.backends.enumerated() {
                    guard let address = backend.hostPort else { throw DeploymentError("\(path): backend \(backend.url) names no host:port") }
                    let listen = HostPort.format(host: address.host, port: address.port)
                    // Two endpoints may share a backend URL: one process serves both.
                    guard !plan.backends.contains(where: { $0.listen == listen }) else { continue }
                    plan.backends.append(BackendProcess(name: "\(endpoint.name)-\(index + 1)", region: region.name, endpoint: endpoint.name, listen: listen))
                }
            }
        }
        return plan
    }

    /// Backends behind the given endpoints.
    public func backends(of endpointNames: Set<String>) -> [BackendProcess] { backends.filter { endpointNames.contains($0.endpoint) } }

    public func endpoints(inRegion region: String) -> [ProxyEndpoint] { endpoints.filter { $0.region == region } }
}

public struct DeploymentError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
