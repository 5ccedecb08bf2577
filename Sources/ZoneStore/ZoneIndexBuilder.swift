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
            // Each owner's records in one array (an index into `groups`): a dictionary per owner
            // cost a million allocations, and their frees, for a million-name zone.
            var groupOf: [DNSName: Int] = [:]
            groupOf.reserveCapacity(zone.records.count)
            var groups: [[ZoneRecord]] = []
            groups.reserveCapacity(zone.records.count)
            func group(_ name: DNSName) -> Int {
                if let existing = groupOf[name] { return existing }
                groupOf[name] = groups.count
                groups.append([])
                return groups.count - 1
            }
            for record in zone.records {
                let g = group(record.owner)
                // RFC 2181 §5: a record repeated in an RRset is one record.
                if groups[g].contains(where: { $0.type == record.type && $0.sameData(as: record) }) { continue }
                groups[g].append(record)
            }
            for name in services.keys where name.isSubdomain(of: zone.origin) { _ = group(name) }
            // Empty non-terminals: every name between the apex and an owner exists. A walk stops
            // at a name already there: its own walk covers what is above it.
            for owner in Array(groupOf.keys) {
                var name = owner
                while name != zone.origin, let parent = name.parent, groupOf[parent] == nil {
                    _ = group(parent)
                    name = parent
                }
            }

            let firstNode = Int32(nodes.count)
            var nodeOfName: [DNSName: Int32] = [:]
            nodeOfName.reserveCapacity(groupOf.count)
            var soaIndex: Int32 = -1
            var negativeTTL: UInt32 = 0
            var serial: UInt32 = 0
            // Canonical order, with each name's sort key computed once (comparing names directly
            // recomputes both keys per comparison: most of a million-record zone's load time).
            let owners = canonicalOrder(Array(groupOf.keys))
            for owner in owners {
                // By type, in file order within a type (the sort is stable).
                let ownerRecords = groups[groupOf[owner]!].sorted { $0.type.rawValue < $1.type.rawValue }
                let nodeIndex = Int32(nodes.count)
                nodeOfName[owner] = nodeIndex
                let nameOffset = Int32(arena.count)
                arena.append(contentsOf: owner.wire)
                let rrsetStart = Int32(rrsets.count)
                var runStart = 0
                while runStart < ownerRecords.count {
                    let type = ownerRecords[runStart].type
                    var runEnd = runStart + 1
                    while runEnd < ownerRecords.count, ownerRecords[runEnd].type == type { runEnd += 1 }
                    let set = ownerRecords[runStart..<runEnd]
                    runStart = runEnd
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
                    isApex: isApex, isDelegation: !isApex && ownerRecords.contains { $0.type == .ns }, service: services[owner] ?? -1
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

    /// `names` in canonical order (RFC 4034 §6.1). Every name's sort key goes once into one
    /// flat array, and the sort moves plain indices and compares keys in place: sorting names
    /// or (key, name) pairs retained and released arrays at every move, a third of the load
    /// of a million-record zone.
    static func canonicalOrder(_ names: [DNSName]) -> [DNSName] {
        var keys: [UInt16] = []
        var bounds: [Int] = [0]
        bounds.reserveCapacity(names.count + 1)
        for name in names {
            keys.append(contentsOf: name.canonicalSortKey)
            bounds.append(keys.count)
        }
        let order = keys.withUnsafeBufferPointer { keys in
            bounds.withUnsafeBufferPointer { bounds in
                Array(names.indices).sorted { a, b in
                    var (i, j) = (bounds[a], bounds[b])
                    let (endA, endB) = (bounds[a + 1], bounds[b + 1])
                    while i < endA, j < endB {
                        if keys[i] != keys[j] { return keys[i] < keys[j] }
                        i += 1
                        j += 1
                    }
                    return endA - bounds[a] < endB - bounds[b]
                }
            }
        }
        return order.map { names[$0] }
    }
}
