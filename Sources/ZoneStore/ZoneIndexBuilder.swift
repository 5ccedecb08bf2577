import DNSWire

/// Compiles validated zones into a `ZoneIndex`: RRsets deduplicated (RFC 2181 §5), empty
/// non-terminals added so that they answer NODATA, wildcards linked to their parents.
public enum ZoneIndexBuilder {
    /// `services` maps steered names (lowercase) to their service id: each gets a node, marked,
    /// so that lookup finds it without any other data there.
    public static func build(_ zones: [ZoneData], services: [DNSName: Int32] = [:]) -> ZoneIndex {
        var indexedZones: [IndexedZone] = []
        var nodes: [IndexedNode] = []
        var rrsets: [IndexedRRSet] = []
        var records: [IndexedRecord] = []
        var arena: [UInt8] = []

        for zone in zones.sorted(by: { $0.origin.wire.count < $1.origin.wire.count }) {
            let zoneIndex = Int32(indexedZones.count)
            var byOwner: [DNSName: [RRType: [ZoneRecord]]] = [:]
            byOwner.reserveCapacity(zone.records.count)
            for record in zone.records {
                if byOwner[record.owner]?[record.type]?.contains(where: { $0.sameData(as: record) }) == true { continue }
                // Appended in place: reading the set out and writing it back would copy it.
                byOwner[record.owner, default: [:]][record.type, default: []].append(record)
            }
            for name in services.keys where name.isSubdomain(of: zone.origin) && byOwner[name] == nil {
                byOwner[name] = [:]
            }
            // Empty non-terminals: every name between the apex and an owner exists.
            for owner in Array(byOwner.keys) {
                var name = owner
                while name != zone.origin, let parent = name.parent {
                    if byOwner[parent] == nil { byOwner[parent] = [:] }
                    name = parent
                }
            }

            let firstNode = Int32(nodes.count)
            var nodeOfName: [DNSName: Int32] = [:]
            nodeOfName.reserveCapacity(byOwner.count)
            var soaIndex: Int32 = -1
            var negativeTTL: UInt32 = 0
            var serial: UInt32 = 0
            // Canonical order, with each name's sort key computed once (comparing names directly
            // recomputes both keys per comparison: most of a million-record zone's load time).
            let owners = byOwner.keys.map { (key: $0.canonicalSortKey, name: $0) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.name)
            for owner in owners {
                let types = byOwner[owner]!
                let nodeIndex = Int32(nodes.count)
                nodeOfName[owner] = nodeIndex
                let nameOffset = Int32(arena.count)
                arena.append(contentsOf: owner.wire)
                let rrsetStart = Int32(rrsets.count)
                for type in types.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                    let set = types[type]!
                    let recordStart = Int32(records.count)
                    for record in set {
                        records.append(IndexedRecord(
                            rdataOffset: Int32(arena.count), rdataLength: UInt16(record.rdata.count),
                            names: record.names, additionalName: record.additionalName
                        ))
                        arena.append(contentsOf: record.rdata)
                    }
                    // RFC 2181 §5.2: one TTL per RRset; differing ones are treated as the lowest.
                    let ttl = set.map(\.ttl).min()!
                    if type == .soa, owner == zone.origin, let soa = set.first, soa.rdata.count >= 20 {
                        soaIndex = Int32(rrsets.count)
                        let tail = soa.rdata.count - 20
                        serial = soa.rdata[tail..<(tail + 4)].reduce(0) { $0 << 8 | UInt32($1) }
                        let minimum = soa.rdata[(tail + 16)...].reduce(0) { $0 << 8 | UInt32($1) }
                        negativeTTL = min(ttl, minimum)
                    }
                    rrsets.append(IndexedRRSet(type: type, ttl: ttl, recordStart: recordStart, recordCount: Int32(set.count)))
                }
                let isApex = owner == zone.origin
                nodes.append(IndexedNode(
                    nameOffset: nameOffset, nameLength: UInt16(owner.wire.count), zone: zoneIndex,
                    rrsetStart: rrsetStart, rrsetCount: Int32(rrsets.count) - rrsetStart, wildcard: -1,
                    isApex: isApex, isDelegation: !isApex && types[.ns] != nil, service: services[owner] ?? -1
                ))
            }
            for (name, index) in nodeOfName where name.isWildcard {
                if let parent = name.parent, let parentIndex = nodeOfName[parent] { nodes[Int(parentIndex)].wildcard = index }
            }
            indexedZones.append(IndexedZone(
                origin: zone.origin, file: zone.file, apex: nodeOfName[zone.origin] ?? -1, soa: soaIndex,
                nodeRange: firstNode..<Int32(nodes.count), negativeTTL: negativeTTL, serial: serial,
                recordCount: records.count
            ))
        }
        var counted = 0
        for i in indexedZones.indices {
            let total = indexedZones[i].recordCount
            indexedZones[i].recordCount = total - counted
            counted = total
        }
        return ZoneIndex(zones: indexedZones, nodes: nodes, rrsets: rrsets, records: records, arena: arena)
    }
}
