import DNSWire

/// Checks that loaded records make a servable zone. ldns accepts things an authoritative server
/// must not: a zone without SOA, data outside the zone, a CNAME beside other data.
public enum ZoneValidator {
    public static func validate(_ zone: ZoneData) -> [ZoneError] {
        var errors: [ZoneError] = []
        let origin = zone.origin
        var soaCount = 0
        var apexHasNS = false
        var typesByOwner: [DNSName: [(RRType, ZoneRecord)]] = [:]

        for record in zone.records {
            func fail(_ code: ZoneErrorCode, _ message: String) {
                errors.append(ZoneError(code, file: record.file, line: record.line, message))
            }
            guard record.owner.isSubdomain(of: origin) else {
                fail(.outOfZone, "\(record.owner) \(record.type) is outside the zone \(origin)")
                continue
            }
            guard record.rrClass == .in else {
                fail(.badClass, "class \(record.rrClass) in an IN zone")
                continue
            }
            guard !record.type.isMetaType, record.type.rawValue != 0 else {
                fail(.badType, "type \(record.type) cannot be stored in a zone")
                continue
            }
            if record.type == .soa {
                if record.owner != origin {
                    fail(.outOfZone, "SOA owner \(record.owner) is not the zone apex \(origin)")
                } else {
                    soaCount += 1
                    if soaCount > 1 { fail(.multipleSOA, "more than one SOA record") }
                }
            }
            if record.type == .ns, record.owner == origin { apexHasNS = true }
            typesByOwner[record.owner, default: []].append((record.type, record))
        }

        // RFC 1034 §3.6.2 / RFC 2181 §10.1: a CNAME owner has no other data (DNSSEC types aside).
        for (owner, entries) in typesByOwner {
            let cnames = entries.filter { $0.0 == .cname }
            guard let first = cnames.first else { continue }
            // An identical copy is a duplicate, not a second CNAME (RFC 2181 §5; the index drops it).
            if let second = cnames.first(where: { $0.1.rdata != first.1.rdata }) {
                errors.append(ZoneError(.cnameAndOtherData, file: second.1.file, line: second.1.line, "\(owner) has more than one CNAME"))
            }
            if let other = entries.first(where: { ![RRType.cname, .rrsig, .nsec].contains($0.0) }) {
                let at = other.1.line > first.1.line ? other.1 : first.1
                errors.append(ZoneError(.cnameAndOtherData, file: at.file, line: at.line, "\(owner) has a CNAME and other data (\(other.0))"))
            }
        }

        if soaCount == 0 { errors.append(ZoneError(.missingSOA, file: zone.file, line: 0, "no SOA record at the apex \(origin)")) }
        if !apexHasNS { errors.append(ZoneError(.missingApexNS, file: zone.file, line: 0, "no NS records at the apex \(origin)")) }
        return errors.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }
}
