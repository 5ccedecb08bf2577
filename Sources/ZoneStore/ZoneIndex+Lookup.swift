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
        // One pass over the suffixes of `name`, from the root label to the whole name, each
        // hashed on top of the one before. The deepest apex decides the zone; below it the walk
        // ends at a cut, or where the tree ends (the closest encloser). A deeper apex met later
        // (a child zone we also serve) starts the walk again from there.
        Self.withLowercase(name) { name in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { starts in
                let labels = Self.labelStarts(of: name, into: starts)
                var result = LookupResult.notAuthoritative
                var zone: Int32 = -1
                var encloser: Int32 = -1
                var walking = false
                var hash = Self.hashSeed
                var level = labels - 1
                while level >= 0 {
                    defer { level -= 1 }
                    let start = Int(starts[level])
                    hash = Self.hash(label: name, at: start, onto: hash)
                    let node = node(lowercased: name, from: start, hash: hash)
                    if node >= 0, nodes[Int(node)].isApex {
                        zone = nodes[Int(node)].zone
                        encloser = node
                        walking = true
                        guard level == 0 else { continue }
                        // RFC 4035 §3.1.4.1: DS for a child apex we also serve is the parent's data.
                        let cut = nodes[Int(node)].parentCut
                        result = dsAtCut && cut >= 0 ? .exact(zone: nodes[Int(cut)].zone, node: cut) : .exact(zone: zone, node: node)
                        continue
                    }
                    guard walking else { continue }
                    guard node >= 0, nodes[Int(node)].zone == zone else {
                        let wildcard = nodes[Int(encloser)].wildcard
                        result = wildcard >= 0 ? .wildcard(zone: zone, node: wildcard) : .nxDomain(zone: zone, encloser: encloser)
                        walking = false
                        continue
                    }
                    if nodes[Int(node)].isDelegation, !(dsAtCut && level == 0) {
                        result = .referral(zone: zone, cut: node)
                        walking = false
                        continue
                    }
                    encloser = node
                    if level == 0 { result = .exact(zone: zone, node: node) }
                }
                return result
            }
        }
    }
}
