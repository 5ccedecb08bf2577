import DNSWire
import Foundation

/// Loads `regions/*.yaml` and `zones/*.services.yaml` and checks them against each other and
/// the zones: the one loader both `serve` and `check` use.
public struct TopologyLoader: Sendable {
    public var regionsDirectory: String
    public var zonesDirectory: String

    public init(regionsDirectory: String, zonesDirectory: String) {
        self.regionsDirectory = regionsDirectory
        self.zonesDirectory = zonesDirectory
    }

    public func load(zones: ZoneFacts) -> Result<Topology, TopologyLoadFailure> {
        var errors: [TopologyError] = []
        var regions: [Region] = []
        for file in Self.files(in: regionsDirectory, suffix: ".yaml", errors: &errors) {
            guard let text = Self.read(regionsDirectory, file, errors: &errors) else { continue }
            switch RegionFileLoader.load(text: text, file: file) {
            case .success(let region): regions.append(region)
            case .failure(let failure): errors += failure.errors
            }
        }
        var services: [DNSName: Service] = [:]
        for file in Self.files(in: zonesDirectory, suffix: ".services.yaml", errors: &errors) {
            guard let text = Self.read(zonesDirectory, file, errors: &errors) else { continue }
            switch ServiceFileLoader.load(text: text, file: file) {
            case .success(let list):
                for service in list {
                    if let other = services[service.name] {
                        errors.append(TopologyError(.duplicate, file: file, line: service.line, "service \(service.name) is already defined in \(other.file):\(other.line)"))
                    } else {
                        services[service.name] = service
                    }
                }
            case .failure(let failure): errors += failure.errors
            }
        }
        errors += Self.crossCheck(regions: regions, services: services, zones: zones)
        guard errors.isEmpty else { return .failure(TopologyLoadFailure(errors.sorted { ($0.file, $0.line) < ($1.file, $1.line) })) }
        return .success(Topology(regions: regions, services: services))
    }

    /// One region file on its own (what `meridian agent --region FILE` runs).
    public static func loadRegion(path: String) -> Result<Region, TopologyLoadFailure> {
        let file = (path as NSString).lastPathComponent
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(TopologyLoadFailure([TopologyError(.unreadable, file: file, line: 0, "cannot read file")]))
        }
        return RegionFileLoader.load(text: text, file: file)
    }

    static func crossCheck(regions: [Region], services: [DNSName: Service], zones: ZoneFacts) -> [TopologyError] {
        var errors: [TopologyError] = []
        var regionFiles: [String: Region] = [:]
        var endpointNames: [String: (Region, Endpoint)] = [:]
        var endpointSockets: [String: (Region, Endpoint)] = [:]
        for region in regions {
            if let other = regionFiles[region.name] {
                errors.append(TopologyError(.duplicate, file: region.file, line: region.line, "region '\(region.name)' is already defined in \(other.file)"))
            }
            regionFiles[region.name] = region
            for endpoint in region.endpoints {
                if let (r, e) = endpointNames[endpoint.name], r.file != region.file {
                    errors.append(TopologyError(.duplicate, file: region.file, line: endpoint.line, "endpoint '\(endpoint.name)' is already defined in \(r.file):\(e.line)"))
                }
                endpointNames[endpoint.name] = (region, endpoint)
                let socket = "\(endpoint.address):\(endpoint.port)"
                if let (r, e) = endpointSockets[socket], e.name != endpoint.name {
                    errors.append(TopologyError(.duplicate, file: region.file, line: endpoint.line, "endpoint '\(endpoint.name)' uses \(socket), as '\(e.name)' in \(r.file):\(e.line) does"))
                }
                endpointSockets[socket] = (region, endpoint)
                for service in endpoint.services where services[service] == nil {
                    errors.append(TopologyError(.badValue, file: region.file, line: endpoint.line, "endpoint '\(endpoint.name)' serves \(service), which no *.services.yaml declares"))
                }
            }
        }
        for service in services.values {
            if !zones.origins.contains(where: { service.name.isSubdomain(of: $0) }) {
                errors.append(TopologyError(.serviceOutsideZones, file: service.file, line: service.line, "service \(service.name) is not inside any served zone"))
            }
            if zones.addressOwners.contains(service.name) {
                errors.append(TopologyError(.serviceHasAddressRecords, file: service.file, line: service.line, "service \(service.name) also has A/AAAA records in its zone file; steering answers it, so remove them"))
            }
            if zones.cnameOwners.contains(service.name) {
                errors.append(TopologyError(.serviceHasAddressRecords, file: service.file, line: service.line, "service \(service.name) is also a CNAME in its zone file; a name is either an alias or a service"))
            }
            if let cut = zones.cuts.first(where: { service.name.isSubdomain(of: $0) }) {
                errors.append(TopologyError(.serviceOutsideZones, file: service.file, line: service.line, "service \(service.name) is at or below the delegation \(cut), so it is never answered here"))
            }
            for name in service.failover where regionFiles[name] == nil {
                errors.append(TopologyError(.unknownRegion, file: service.file, line: service.line, "service \(service.name): unknown region '\(name)' in failover"))
            }
        }
        return errors
    }

    static func files(in directory: String, suffix: String, errors: inout [TopologyError]) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            errors.append(TopologyError(.unreadable, file: directory, line: 0, "cannot list folder"))
            return []
        }
        return names.filter { $0.hasSuffix(suffix) }.sorted()
    }

    static func read(_ directory: String, _ file: String, errors: inout [TopologyError]) -> String? {
        guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else {
            errors.append(TopologyError(.unreadable, file: file, line: 0, "cannot read file"))
            return nil
        }
        return text
    }
}
