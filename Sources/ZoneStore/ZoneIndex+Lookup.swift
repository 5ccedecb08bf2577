import DNSWire

/// Where a name falls in the served zones (RFC 1034 §4.3.2 steps 2–3). Indices into the `ZoneIndex`.
public enum LookupResult: Equatable, Sendable {
    /// No served zone contains the name.
    case notAuthoritative
    /// The name is at or below a zone cut: refer to the child's name servers.
    case referral(zone: Int32, cut: Int32)
    /// The name exists (possibly as an empty non-terminal).
    case exact(zone: Int32, node: Int32)
    /// The name does not exist but a wildcard covers it (RFC 4592 §3.3.1).
    case wildcard(zone: Int32, node: Int32)
    /// The name does not exist; `encloser` is its closest existing ancestor.
    case nxDomain(zone: Int32, encloser: Int32)
}

extension ZoneIndex {
    /// Finds `name` (uncompressed wire, any case). `stopAtCutForDS` follows RFC 4035 §3.1.4.1:
    /// a DS query for a cut is answered by the parent, not referred.
    public func lookup(_ name: UnsafeRawBufferPointer, dsAtCut: Bool = false) -> LookupResult {
        // Label offsets and the node found at each suffix, longest first (level 0 is the name).
        var starts: InlineArray<128, UInt8> = .init(repeating: 0)
        var found: InlineArray<128, Int32> = .init(repeating: -1)
        var labels = 0
        var offset = 0
        while true {
            starts[labels] = UInt8(offset)
            let len = Int(name[offset])
            labels += 1
            if len == 0 || labels == 128 { break }
            offset += 1 + len
        }

        // Deepest apex among the suffixes decides the zone.
        var zone: Int32 = -1
        var apexLevel = -1
        for level in 0..<labels {
            let node = node(named: name, from: Int(starts[level]))
            found[level] = node
            if zone < 0, node >= 0, nodes[Int(node)].isApex {
                zone = nodes[Int(node)].zone
                apexLevel = level
                break
            }
        }
        guard zone >= 0 else { return .notAuthoritative }
        // RFC 4035 §3.1.4.1: DS for a child apex we also serve is the parent's data.
        if dsAtCut, apexLevel == 0, case let cut = nodes[Int(found[0])].parentCut, cut >= 0 {
            return .exact(zone: nodes[Int(cut)].zone, node: cut)
        }

        // Walk down from the apex: stop at a cut, or where the tree ends.
        var encloser = zones[Int(zone)].apex
        var level = apexLevel - 1
        while level >= 0 {
            let node = found[level]
            guard node >= 0, nodes[Int(node)].zone == zone else { break }
            if nodes[Int(node)].isDelegation, !(dsAtCut && level == 0) {
                return .referral(zone: zone, cut: node)
            }
            encloser = node
            level -= 1
        }
        if level < 0 { return .exact(zone: zone, node: encloser) }
        let wildcard = nodes[Int(encloser)].wildcard
        return wildcard >= 0 ? .wildcard(zone: zone, node: wildcard) : .nxDomain(zone: zone, encloser: encloser)
    }
}
