import DNSWire
import Foundation
import Testing
@testable import Topology

/// Region and services files: what loads, and every error with its file and line.
struct TopologyLoaderTests {
    static let usEast = """
    region: us-east
    location: { lat: 39.04, lon: -77.49 }
    clients: [ "10.1.0.0/16", "2001:db8:1::/48" ]
    agent: { gossip: "127.0.0.1:7101", admin: "127.0.0.1:9101" }
    endpoints:
      - name: use-www-a
        address: 127.0.0.11
        port: 8080
        weight: 2
        services: [ www.example.com ]
        balance: least-connections
        backends:
          - { url: "http://127.0.0.1:9111", weight: 1 }
        health: { path: /healthz, interval: 500ms, timeout: 300ms, rise: 2, fall: 2 }
      - name: use-www-b
        address: "2001:db8:1::11"
        port: 8080
        services: [ www.example.com ]
    """

    static let euWest = """
    region: eu-west
    location: { lat: 53.35, lon: -6.26 }
    clients: [ "10.2.0.0/16" ]
    endpoints:
      - { name: euw-www-a, address: 127.0.0.21, port: 8080, services: [ www.example.com ] }
    """

    static let services = """
    www.example.com:
      policy: failover
      ttl: 30
      answers: 2
      sticky: false
      failover: [ us-east, eu-west ]
    """

    /// A service that names no region, for region files tested on their own.
    static let nearest = ["example.com.services.yaml": "www.example.com:\n  policy: nearest\n"]

    static let zones = ZoneFacts(origins: [try! DNSName("example.com.")], addressOwners: [try! DNSName("mail.example.com.")])

    /// Writes `regions` and `zones` folders and loads them.
    static func load(regions: [String: String], services: [String: String], zones: ZoneFacts = zones) throws -> Result<Topology, TopologyLoadFailure> {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-topology-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let regionDir = root.appendingPathComponent("regions"), zoneDir = root.appendingPathComponent("zones")
        try FileManager.default.createDirectory(at: regionDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: zoneDir, withIntermediateDirectories: true)
        for (name, text) in regions { try text.write(to: regionDir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        for (name, text) in services { try text.write(to: zoneDir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return TopologyLoader(regionsDirectory: regionDir.path, zonesDirectory: zoneDir.path).load(zones: zones)
    }

    static func errors(regions: [String: String], services: [String: String], zones: ZoneFacts = zones) throws -> [String] {
        switch try load(regions: regions, services: services, zones: zones) {
        case .success: return []
        case .failure(let failure): return failure.errors.map(\.description)
        }
    }

    @Test func loadsRegionsEndpointsAndServices() throws {
        let topology = try Self.load(regions: ["us-east.yaml": Self.usEast, "eu-west.yaml": Self.euWest], services: ["example.com.services.yaml": Self.services]).get()
        let east = try #require(topology.region(named: "us-east"))
        #expect(east.location == GeoLocation(latitude: 39.04, longitude: -77.49))
        #expect(east.clients == [NetworkPrefix("10.1.0.0/16")!, NetworkPrefix("2001:db8:1::/48")!])
        #expect(east.agent == AgentAddresses(gossip: "127.0.0.1:7101", admin: "127.0.0.1:9101"))
        #expect(east.endpoints.map(\.name) == ["use-www-a", "use-www-b"])
        let a = east.endpoints[0]
        #expect(a.address == NetworkAddress("127.0.0.11"))
        #expect(a.port == 8080 && a.weight == 2 && a.balance == .leastConnections)
        #expect(a.backends == [Backend(url: "http://127.0.0.1:9111", weight: 1)])
        #expect(a.health == HealthCheckSettings(path: "/healthz", intervalMilliseconds: 500, timeoutMilliseconds: 300, rise: 2, fall: 2))
        #expect(a.line == 6)
        #expect(east.endpoints[1].address.family == .ipv6)
        #expect(east.endpoints[1].weight == 1, "default weight")
        let www = try #require(topology.services[try DNSName("www.example.com.")])
        #expect(www.policy == .failover && www.ttl == 30 && www.answers == 2 && !www.sticky)
        #expect(www.failover == ["us-east", "eu-west"])
        #expect(topology.endpoints(for: www.name).map(\.name).sorted() == ["euw-www-a", "use-www-a", "use-www-b"])
    }

    @Test func reportsBadValuesWithLines() throws {
        let bad = """
        region: us-east
        location: { lat: 139.0, lon: -77.49 }
        clients: [ "10.1.2.3/16", "not-a-network" ]
        endpoints:
          - name: e1
            address: 127.0.0.999
            port: 70000
            weight: 0
            services: [ www.example.com ]
            balance: fastest
            colour: blue
        """
        let errors = try Self.errors(regions: ["us-east.yaml": bad], services: ["example.com.services.yaml": Self.services])
        #expect(errors.contains("us-east.yaml:2: location 139.0,-77.49 is not a latitude/longitude"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:3: clients: '10.1.2.3/16' is not a network") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:3: clients: 'not-a-network'") }, "\(errors)")
        #expect(errors.contains("us-east.yaml:6: endpoint e1: address '127.0.0.999' is not an IPv4 or IPv6 address"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:7: endpoint e1: 'port' must be a whole number in 1...65535") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:8: endpoint e1: 'weight' must be a whole number in 1...") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:10: endpoint e1: balance 'fastest' is not one of") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:11: endpoint: unknown key 'colour'") }, "\(errors)")
    }

    /// `usEast` with `lines` added to its last endpoint, use-www-b: they start on line 19.
    static func usEast(adding lines: String) -> [String: String] { ["us-east.yaml": usEast + "\n" + lines] }

    @Test func proxyLimitsAndErrorRunFromTheRegionFile() throws {
        func endpoints(_ lines: String) throws -> [Endpoint] {
            try #require(try Self.load(regions: Self.usEast(adding: lines), services: Self.nearest).get().region(named: "us-east")).endpoints
        }
        let tuned = try endpoints("""
            health: { path: /healthz, error-run: 0 }
            proxy:
              connect-timeout: 500ms
              response-timeout: 1m
              header-timeout: 3s
              body-timeout: 20s
              max-header-bytes: 32k
              max-body-bytes: 10M
              max-connections: 250
              max-idle-per-backend: 8
              idle-timeout: 5s
        """)
        #expect(tuned[1].proxy == ProxyLimits(
            connectTimeoutMilliseconds: 500, responseTimeoutMilliseconds: 60_000, headerTimeoutMilliseconds: 3_000, bodyTimeoutMilliseconds: 20_000,
            maxHeaderBytes: 32 * 1024, maxBodyBytes: 10 * 1024 * 1024, maxConnections: 250, maxIdlePerBackend: 8, idleTimeoutMilliseconds: 5_000
        ))
        #expect(tuned[1].health.errorRun == 0, "0 turns the 5xx run off")
        let plain = try endpoints("""
            health: { error-run: 3 }
            proxy: { connect-timeout: 750, max-header-bytes: 8192, max-body-bytes: 2g }
        """)
        #expect(plain[1].proxy == ProxyLimits(connectTimeoutMilliseconds: 750, maxHeaderBytes: 8192, maxBodyBytes: 2 << 30), "bare numbers are milliseconds and bytes; the rest default")
        #expect(plain[1].health.errorRun == 3)
    }

    @Test func proxyLimitsAndErrorRunDefaultToTheProxysOwn() throws {
        let topology = try Self.load(regions: ["us-east.yaml": Self.usEast], services: Self.nearest).get()
        for endpoint in try #require(topology.region(named: "us-east")).endpoints {
            #expect(endpoint.proxy == ProxyLimits())
            #expect(endpoint.health.errorRun == 5)
        }
        // The numbers the README gives.
        let defaults = ProxyLimits()
        #expect(defaults.connectTimeoutMilliseconds == 2_000 && defaults.responseTimeoutMilliseconds == 30_000 && defaults.headerTimeoutMilliseconds == 10_000)
        #expect(defaults.bodyTimeoutMilliseconds == 10_000)
        #expect(defaults.maxHeaderBytes == 16_384 && defaults.maxBodyBytes == 1_073_741_824 && defaults.maxConnections == 10_000)
        #expect(defaults.maxIdlePerBackend == 64 && defaults.idleTimeoutMilliseconds == 30_000)
    }

    @Test func reportsBadProxyLimitsWithLines() throws {
        let errors = try Self.errors(regions: Self.usEast(adding: """
            health: { error-run: -1 }
            proxy:
              connect-timeout: 2h
              response-timeout: soon
              header-timeout: 0s
              max-header-bytes: 1m
              max-body-bytes: 12x
              max-connections: 0
              keep-alive: 5s
        """), services: Self.nearest)
        #expect(errors.contains("us-east.yaml:19: health: 'error-run' must be a whole number in 0...1000, not '-1'"), "\(errors)")
        #expect(errors.contains("us-east.yaml:21: endpoint use-www-b proxy: 'connect-timeout' must be a duration from 10ms to 1m, like 500ms, 2s or 1m, not '2h'"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:22: endpoint use-www-b proxy: 'response-timeout' must be a duration from 10ms to 60m,") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:23: endpoint use-www-b proxy: 'header-timeout' must be a duration from 100ms to 10m,") }, "\(errors)")
        #expect(errors.contains("us-east.yaml:24: endpoint use-www-b proxy: 'max-header-bytes' must be a size in bytes from 1k to 64k, like 65536, 64k, 16m or 1g, not '1m'"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:25: endpoint use-www-b proxy: 'max-body-bytes' must be a size in bytes from 0 to 1024g,") }, "\(errors)")
        #expect(errors.contains("us-east.yaml:26: endpoint use-www-b proxy: 'max-connections' must be a whole number in 1...1000000, not '0'"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("us-east.yaml:27: endpoint use-www-b proxy: unknown key 'keep-alive'") }, "\(errors)")
        #expect(errors.count == 8, "\(errors)")
        let notAMapping = try Self.errors(regions: Self.usEast(adding: "    proxy: [ 1s ]"), services: Self.nearest)
        #expect(notAMapping == ["us-east.yaml:19: endpoint use-www-b: proxy must be a mapping"])
    }

    @Test func reportsYAMLSyntaxErrorsWithLines() throws {
        let errors = try Self.errors(regions: ["broken.yaml": "region: x\nlocation: { lat: 1, lon: 2\nclients: []\n"], services: [:])
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("broken.yaml:") == true && errors.first?.contains("YAML:") == true, "\(errors)")
    }

    @Test func crossChecksRegionsServicesAndZones() throws {
        let services = """
        www.example.com:
          policy: failover
          failover: [ us-east, mars ]
        mail.example.com:
          policy: nearest
        api.example.org:
          policy: weighted
        """
        let duplicate = """
        region: us-east
        location: { lat: 1, lon: 2 }
        endpoints:
          - { name: use-www-a, address: 127.0.0.11, port: 8080, services: [ www.example.com, other.example.com ] }
        """
        let errors = try Self.errors(regions: ["us-east.yaml": Self.usEast, "z-copy.yaml": duplicate], services: ["example.com.services.yaml": services])
        #expect(errors.contains("example.com.services.yaml:2: service www.example.com.: unknown region 'mars' in failover"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("example.com.services.yaml:5: service mail.example.com. also has A/AAAA records") }, "\(errors)")
        #expect(errors.contains("example.com.services.yaml:7: service api.example.org. is not inside any served zone"), "\(errors)")
        #expect(errors.contains("z-copy.yaml:1: region 'us-east' is already defined in us-east.yaml"), "\(errors)")
        #expect(errors.contains("z-copy.yaml:4: endpoint 'use-www-a' is already defined in us-east.yaml:6"), "\(errors)")
        #expect(errors.contains("z-copy.yaml:4: endpoint 'use-www-a' serves other.example.com., which no *.services.yaml declares"), "\(errors)")
    }

    @Test func servicesCannotBeAliasesOrBelowADelegation() throws {
        let services = "www.example.com:\n  policy: nearest\nx.lab.example.com:\n  policy: nearest\n"
        let zones = ZoneFacts(
            origins: [try DNSName("example.com.")], addressOwners: [],
            cnameOwners: [try DNSName("www.example.com.")], cuts: [try DNSName("lab.example.com.")]
        )
        let errors = try Self.errors(regions: ["us-east.yaml": Self.usEast], services: ["example.com.services.yaml": services], zones: zones)
        #expect(errors.contains { $0.hasPrefix("example.com.services.yaml:2: service www.example.com. is also a CNAME") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("example.com.services.yaml:4: service x.lab.example.com. is at or below the delegation lab.example.com.") }, "\(errors)")
    }

    @Test func failoverPolicyNeedsAnOrder() throws {
        let errors = try Self.errors(regions: ["us-east.yaml": Self.usEast], services: ["example.com.services.yaml": "www.example.com:\n  policy: failover\n"])
        #expect(errors.first == "example.com.services.yaml:2: service www.example.com: policy failover needs a 'failover' region order", "\(errors)")
    }

    @Test func greatCircleDistance() {
        let ashburn = GeoLocation(latitude: 39.04, longitude: -77.49)
        let dublin = GeoLocation(latitude: 53.35, longitude: -6.26)
        #expect(abs(ashburn.distanceKilometers(to: dublin) - 5_450) < 50)
        #expect(ashburn.distanceKilometers(to: ashburn) == 0)
    }
}
