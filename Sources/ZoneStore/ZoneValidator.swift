import DNSWire

/// Checks that loaded records make a servable zone. ldns accepts things an authoritative server
/// must not: a zone without SOA, data outside the zone, a CNAME beside other data.
public enum ZoneValidator {
    public static func validate(_ zone: ZoneData) -> [ZoneError] {
        var errors: [ZoneError] = []
        let origin = zone.origin
        var soaCount = 0
        var apexHasNS = false
        // Owners with a CNAME, and the index in `records` of their first one.
        var firstCNAME: [DNSName: Int] = [:]
        var accepted = [Bool](repeating: false, count: zone.records.count)

        for (i, record) in zone.records.enumerated() {
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
            accepted[i] = true
            if record.type == .soa {
                if record.owner != origin {
                    fail(.outOfZone, "SOA owner \(record.owner) is not the zone apex \(origin)")
                } else {
                    soaCount += 1
                    if soaCount > 1 { fail(.multipleSOA, "more than one SOA record") }
                }
            }
            if record.type == .ns, record.owner == origin { apexHasNS = true }
            if record.type == .cname, firstCNAME[record.owner] == nil { firstCNAME[record.owner] = i }
        }

        // RFC 1034 §3.6.2 / RFC 2181 §10.1: a CNAME owner has no other data (DNSSEC types aside).
        // Only the owners with a CNAME are looked at again, in a second pass over the records.
        if !firstCNAME.isEmpty {
            var reported: (secondCNAME: Set<DNSName>, otherData: Set<DNSName>) = ([], [])
            for (i, record) in zone.records.enumerated() where accepted[i] {
                guard let f = firstCNAME[record.owner], f != i else { continue }
                let first = zone.records[f]
                if record.type == .cname {
                    // An identical copy is a duplicate, not a second CNAME (RFC 2181 §5; the index drops it).
                    if record.rdata != first.rdata, reported.secondCNAME.insert(record.owner).inserted {
                        errors.append(ZoneError(.cnameAndOtherData, file: record.file, line: record.line, "\(record.owner) has more than one CNAME"))
                    }
                } else if record.type != .rrsig, record.type != .nsec, reported.otherData.insert(record.owner).inserted {
                    let at = record.line > first.line ? record : first
                    errors.append(ZoneError(.cnameAndOtherData, file: at.file, line: at.line, "\(record.owner) has a CNAME and other data (\(record.type))"))
                }
            }
        }

        if soaCount == 0 { errors.append(ZoneError(.missingSOA, file: zone.file, line: 0, "no SOA record at the apex \(origin)")) }
        if !apexHasNS { errors.append(ZoneError(.missingApexNS, file: zone.file, line: 0, "no NS records at the apex \(origin)")) }
        return errors.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }
}
