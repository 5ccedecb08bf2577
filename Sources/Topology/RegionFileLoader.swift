import DNSWire
import Foundation
import Yams

/// Reads one `regions/<name>.yaml` file into a `Region`, reporting every problem with its line.
enum RegionFileLoader {
    static let regionKeys: Set<String> = ["region", "location", "clients", "agent", "endpoints"]
    static let endpointKeys: Set<String> = ["name", "address", "port", "weight", "services", "balance", "backends", "health", "proxy"]
    static let healthKeys: Set<String> = ["path", "interval", "timeout", "rise", "fall", "type", "error-run"]
    static let proxyKeys: Set<String> = ["connect-timeout", "response-timeout", "header-timeout", "body-timeout", "max-header-bytes", "max-body-bytes", "max-connections", "max-idle-per-backend", "idle-timeout"]

    static func load(text: String, file: String) -> Result<Region, TopologyLoadFailure> {
        var reader = YAMLReader(file: file)
        guard let root = reader.document(text) else { return .failure(TopologyLoadFailure(reader.errors)) }
        guard let top = reader.mapping(root, "region file") else { return .failure(TopologyLoadFailure(reader.errors)) }
        reader.checkKeys(top, allowed: regionKeys, in: "region file")

        let name = reader.string(top, "region", in: "region file", at: root) ?? ""
        if !name.isEmpty, name.range(of: "^[a-z0-9][a-z0-9-]*$", options: .regularExpression) == nil {
            reader.fail(.badValue, at: reader.value(top, "region"), "region name '\(name)' must be lowercase letters, digits and '-'")
        }
        var location = GeoLocation(latitude: 0, longitude: 0)
        if let node = reader.value(top, "location"), let fields = reader.mapping(node, "location") {
            reader.checkKeys(fields, allowed: ["lat", "lon"], in: "location")
            location = GeoLocation(latitude: reader.double(fields, "lat", in: "location", at: node) ?? 0, longitude: reader.double(fields, "lon", in: "location", at: node) ?? 0)
            if !location.isValid { reader.fail(.badValue, at: node, "location \(location) is not a latitude/longitude") }
        } else if reader.value(top, "location") == nil {
            reader.fail(.missingField, at: root, "region file: missing 'location'")
        }
        var clients: [NetworkPrefix] = []
        for (text, node) in reader.strings(top, "clients", in: "region") {
            if let prefix = NetworkPrefix(text) { clients.append(prefix) } else {
                reader.fail(.badValue, at: node, "clients: '\(text)' is not a network in CIDR form (e.g. 10.1.0.0/16) with no host bits set")
            }
        }
        var agent = AgentAddresses()
        if let node = reader.value(top, "agent"), let fields = reader.mapping(node, "agent") {
            reader.checkKeys(fields, allowed: ["gossip", "admin"], in: "agent")
            agent.gossip = reader.string(fields, "gossip", in: "agent", at: node, required: false)
            agent.admin = reader.string(fields, "admin", in: "agent", at: node, required: false)
        }
        var endpoints: [Endpoint] = []
        if let node = reader.value(top, "endpoints") {
            if case .sequence(let items) = node {
                for item in items { if let endpoint = loadEndpoint(item, region: name, reader: &reader) { endpoints.append(endpoint) } }
            } else {
                reader.fail(.badValue, at: node, "endpoints must be a list")
            }
        }
        var names: Set<String> = []
        for endpoint in endpoints where !names.insert(endpoint.name).inserted {
            reader.errors.append(TopologyError(.duplicate, file: file, line: endpoint.line, "endpoint '\(endpoint.name)' defined twice"))
        }
        guard reader.errors.isEmpty else { return .failure(TopologyLoadFailure(reader.errors)) }
        return .success(Region(name: name, location: location, clients: clients, agent: agent, endpoints: endpoints, file: file, line: YAMLReader.line(root)))
    }

    static func loadEndpoint(_ node: Node, region: String, reader: inout YAMLReader) -> Endpoint? {
        guard let fields = reader.mapping(node, "endpoint") else { return nil }
        reader.checkKeys(fields, allowed: endpointKeys, in: "endpoint")
        let name = reader.string(fields, "name", in: "endpoint", at: node)
        let what = "endpoint \(name ?? "?")"
        let addressText = reader.string(fields, "address", in: what, at: node)
        let address = addressText.flatMap(NetworkAddress.init)
        if let addressText, address == nil { reader.fail(.badValue, at: reader.value(fields, "address"), "\(what): address '\(addressText)' is not an IPv4 or IPv6 address") }
        let port = reader.int(fields, "port", in: what, at: node, range: 1...65535)
        let weight = reader.int(fields, "weight", in: what, at: node, default: 1, range: 1...1_000_000)
        var services: [DNSName] = []
        for (text, item) in reader.strings(fields, "services", in: what) {
            do { services.append(try DNSName(text.hasSuffix(".") ? text : text + ".").lowercased()) } catch {
                reader.fail(.badValue, at: item, "\(what): service '\(text)': \(error)")
            }
        }
        var balance = BalancePolicy.roundRobin
        if let text = reader.string(fields, "balance", in: what, at: node, required: false) {
            if let policy = BalancePolicy(rawValue: text) { balance = policy } else {
                reader.fail(.badValue, at: reader.value(fields, "balance"), "\(what): balance '\(text)' is not one of \(BalancePolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var backends: [Backend] = []
        if let list = reader.value(fields, "backends") {
            if case .sequence(let items) = list {
                for item in items {
                    guard let b = reader.mapping(item, "backend") else { continue }
                    reader.checkKeys(b, allowed: ["url", "weight"], in: "backend")
                    guard let url = reader.string(b, "url", in: "\(what) backend", at: item) else { continue }
                    if !(url.hasPrefix("http://") || url.hasPrefix("tcp://")) {
                        reader.fail(.badValue, at: item, "\(what): backend url '\(url)' must start with http:// or tcp://")
                    }
                    let w = reader.int(b, "weight", in: "\(what) backend", at: item, default: 1, range: 1...1_000_000) ?? 1
                    backends.append(Backend(url: url, weight: w))
                }
            } else {
                reader.fail(.badValue, at: list, "\(what): backends must be a list")
            }
        }
        var health = HealthCheckSettings()
        if let node = reader.value(fields, "health"), let h = reader.mapping(node, "health") {
            reader.checkKeys(h, allowed: healthKeys, in: "health")
            health.path = reader.string(h, "path", in: "health", at: node, required: false)
            health.intervalMilliseconds = reader.milliseconds(h, "interval", in: "health", default: 1000)
            health.timeoutMilliseconds = reader.milliseconds(h, "timeout", in: "health", default: 500)
            health.rise = reader.int(h, "rise", in: "health", at: node, default: 2, range: 1...100) ?? 2
            health.fall = reader.int(h, "fall", in: "health", at: node, default: 2, range: 1...100) ?? 2
            health.errorRun = reader.int(h, "error-run", in: "health", at: node, default: 5, range: 0...1000) ?? 5
            if health.intervalMilliseconds < 100 { reader.fail(.badValue, at: node, "\(what): health interval must be at least 100ms") }
            if health.timeoutMilliseconds > health.intervalMilliseconds {
                reader.fail(.badValue, at: node, "\(what): health timeout must not exceed the interval")
            }
        }
        let proxy = reader.value(fields, "proxy").map { loadProxyLimits($0, what: what, reader: &reader) } ?? ProxyLimits()
        guard let name, let address, let port, let weight else { return nil }
        return Endpoint(
            name: name, region: region, address: address, port: port, weight: weight, services: services,
            balance: balance, backends: backends, health: health, proxy: proxy, line: YAMLReader.line(node)
        )
    }

    /// `proxy: { connect-timeout, response-timeout, header-timeout, body-timeout, max-header-bytes, max-body-bytes, max-connections,
    /// max-idle-per-backend, idle-timeout }`.
    static func loadProxyLimits(_ node: Node, what: String, reader: inout YAMLReader) -> ProxyLimits {
        var limits = ProxyLimits()
        guard let p = reader.mapping(node, "\(what): proxy") else { return limits }
        let what = "\(what) proxy"
        reader.checkKeys(p, allowed: proxyKeys, in: what)
        limits.connectTimeoutMilliseconds = reader.milliseconds(p, "connect-timeout", in: what, default: limits.connectTimeoutMilliseconds, range: 10...60_000)
        limits.responseTimeoutMilliseconds = reader.milliseconds(p, "response-timeout", in: what, default: limits.responseTimeoutMilliseconds, range: 10...3_600_000)
        limits.headerTimeoutMilliseconds = reader.milliseconds(p, "header-timeout", in: what, default: limits.headerTimeoutMilliseconds, range: 100...600_000)
        limits.bodyTimeoutMilliseconds = reader.milliseconds(p, "body-timeout", in: what, default: limits.bodyTimeoutMilliseconds, range: 100...600_000)
        // NIO's HTTP parser stops at 80 KiB of headers on its own, without a 431.
        limits.maxHeaderBytes = reader.bytes(p, "max-header-bytes", in: what, default: limits.maxHeaderBytes, range: 1024...65_536)
        limits.maxBodyBytes = reader.bytes(p, "max-body-bytes", in: what, default: limits.maxBodyBytes, range: 0...(1 << 40))
        limits.maxConnections = reader.int(p, "max-connections", in: what, at: node, default: limits.maxConnections, range: 1...1_000_000) ?? limits.maxConnections
        limits.maxIdlePerBackend = reader.int(p, "max-idle-per-backend", in: what, at: node, default: limits.maxIdlePerBackend, range: 0...10_000) ?? limits.maxIdlePerBackend
        limits.idleTimeoutMilliseconds = reader.milliseconds(p, "idle-timeout", in: what, default: limits.idleTimeoutMilliseconds, range: 100...3_600_000)
        return limits
    }
}

/// Every error found while loading topology files.
public struct TopologyLoadFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [TopologyError]
    public init(_ errors: [TopologyError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
