import DNSWire
import Yams

/// Reads `zones/<origin>.services.yaml`: service name → steering settings.
enum ServiceFileLoader {
    static let keys: Set<String> = ["policy", "ttl", "answers", "sticky", "failover"]

    static func load(text: String, file: String) -> Result<[Service], TopologyLoadFailure> {
        var reader = YAMLReader(file: file)
        guard let root = reader.document(text) else { return .failure(TopologyLoadFailure(reader.errors)) }
        guard let entries = reader.mapping(root, "services file") else { return .failure(TopologyLoadFailure(reader.errors)) }
        var services: [Service] = []
        for (nameText, node) in entries {
            let what = "service \(nameText)"
            let name: DNSName
            do { name = try DNSName(nameText.hasSuffix(".") ? nameText : nameText + ".").lowercased() } catch {
                reader.fail(.badValue, at: node, "\(what): \(error)")
                continue
            }
            guard let fields = reader.mapping(node, what) else { continue }
            reader.checkKeys(fields, allowed: keys, in: what)
            var policy = SteeringPolicy.nearest
            if let text = reader.string(fields, "policy", in: what, at: node, required: false) {
                if let p = SteeringPolicy(rawValue: text) { policy = p } else {
                    reader.fail(.badValue, at: reader.value(fields, "policy"), "\(what): policy '\(text)' is not one of \(SteeringPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            let ttl = reader.int(fields, "ttl", in: what, at: node, default: 30, range: 0...86_400) ?? 30
            let answers = reader.int(fields, "answers", in: what, at: node, default: 2, range: 1...16) ?? 2
            let sticky = reader.bool(fields, "sticky", in: what, default: false)
            let failover = reader.strings(fields, "failover", in: what).map(\.0)
            if policy == .failover, failover.isEmpty {
                reader.fail(.missingField, at: node, "\(what): policy failover needs a 'failover' region order")
            }
            services.append(Service(
                name: name, policy: policy, ttl: UInt32(ttl), answers: answers, sticky: sticky, failover: failover,
                file: file, line: YAMLReader.line(node)
            ))
        }
        guard reader.errors.isEmpty else { return .failure(TopologyLoadFailure(reader.errors)) }
        return .success(services)
    }
}
