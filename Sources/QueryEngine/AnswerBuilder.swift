import DNSWire
import ZoneStore

/// Fills the answer, authority and additional sections for an IN query (RFC 1034 §4.3.2),
/// following CNAMEs through the served zones, synthesising wildcards (RFC 4592), referring at
/// zone cuts, and truncating by whole RRsets (RFC 2181 §9).
enum AnswerBuilder {
    /// A CNAME chain longer than this (or a loop) is cut short, as NSD does.
    static let maxChain = 8

    static func answer(
        qname: UnsafeRawBufferPointer, qtype: RRType, index: ZoneIndex, steering: SteeringInput,
        writer: inout ResponseWriter, ecsScope: inout UInt8
    ) -> ResponseCode {
        var name = qname
        // Nodes answered from so far: a CNAME that leads back to one is a loop, cut there so
        // that no RRset goes in twice (as Knot's `cname_chain_loop`).
        var visited: InlineArray<9, Int32> = .init(repeating: -1)  // maxChain + 1
        var additional = AdditionalTargets()
        for hop in 0...maxChain {
            switch index.lookup(name, dsAtCut: qtype == .ds) {
            case .notAuthoritative:
                // Outside every served zone: never recurse (REFUSED); after a CNAME, stop there.
                return hop == 0 ? .refused : .noError
            case .referral(_, let cut):
                // RFC 1034 §4.3.2 step 3b: NS in authority, glue in additional. Not authoritative
                // when the query itself is delegated; after a CNAME the chain so far stays AA.
                let ns = index.rrset(at: cut, type: .ns)
                guard put(rrset: ns, owner: index.name(of: cut), index: index, section: .authority, writer: &writer) else { return .noError }
                addAdditional(for: ns, index: index, writer: &writer, cut: cut, added: &additional)
                return .noError
            case .exact(let zone, let node), .wildcard(let zone, let node):
                for earlier in 0..<hop where visited[earlier] == node { return .noError }
                visited[hop] = node
                if hop == 0 { writer.header[.aa] = true }
                let n = index.nodes[Int(node)]
                if n.service >= 0, qtype == .a || qtype == .aaaa || qtype == .any,
                   let scope = steering.answer(service: Int(n.service), ipv6: qtype == .aaaa, owner: name, writer: &writer) {
                    ecsScope = scope
                    return .noError
                }
                if let target = answerNode(node, owner: name, qtype: qtype, zone: zone, index: index, writer: &writer, added: &additional) {
                    name = target
                    continue
                }
                return .noError
            case .nxDomain(let zone, _):
                if hop == 0 { writer.header[.aa] = true }
                putNegativeSOA(zone: zone, index: index, writer: &writer)
                return .nxDomain
            }
        }
        return .noError
    }

    /// Answers from one node; returns the CNAME target when the chain goes on.
    private static func answerNode(
        _ node: Int32, owner: UnsafeRawBufferPointer, qtype: RRType, zone: Int32, index: ZoneIndex,
        writer: inout ResponseWriter, added: inout AdditionalTargets
    ) -> UnsafeRawBufferPointer? {
        let n = index.nodes[Int(node)]
        var rrset: Int32 = -1
        if qtype == .any {
            // RFC 8482 §4.2: answer ANY with one RRset of the name rather than all of them.
            rrset = n.rrsetCount > 0 ? n.rrsetStart : -1
        } else {
            rrset = index.rrset(at: node, type: qtype)
        }
        if rrset >= 0 {
            if put(rrset: rrset, owner: owner, index: index, section: .answer, writer: &writer) {
                addAdditional(for: rrset, index: index, writer: &writer, cut: -1, added: &added)
            }
            return nil
        }
        let cname = index.rrset(at: node, type: .cname)
        if cname >= 0 {
            guard put(rrset: cname, owner: owner, index: index, section: .answer, writer: &writer) else { return nil }
            let record = index.records[Int(index.rrsets[Int(cname)].recordStart)]
            return index.rdata(of: record)
        }
        // NODATA (RFC 2308 §2.2): the name exists, the type does not.
        putNegativeSOA(zone: zone, index: index, writer: &writer)
        return nil
    }

    /// RFC 2308 §3: the SOA goes in authority with TTL = min(SOA TTL, MINIMUM).
    private static func putNegativeSOA(zone: Int32, index: ZoneIndex, writer: inout ResponseWriter) {
        let z = index.zones[Int(zone)]
        _ = put(rrset: z.soa, owner: index.name(of: z.apex), index: index, section: .authority, writer: &writer, ttl: z.negativeTTL)
    }

    /// Writes a whole RRset or nothing. A set that does not fit in the answer or authority
    /// section sets TC; the caller stops adding records then.
    @discardableResult
    static func put(rrset: Int32, owner: UnsafeRawBufferPointer, index: ZoneIndex, section: ResponseWriter.Section, writer: inout ResponseWriter, ttl: UInt32? = nil) -> Bool {
        guard rrset >= 0, !writer.header[.tc] else { return false }
        let set = index.rrsets[Int(rrset)]
        let mark = writer.mark()
        for r in set.recordStart..<(set.recordStart + set.recordCount) {
            let record = index.records[Int(r)]
            let ok = writer.writeRecord(
                owner: owner, type: set.type, ttl: ttl ?? set.ttl,
                rdata: index.rdata(of: record), nameOffsets: record.names, section: section
            )
            if !ok {
                writer.rollback(to: mark)
                if section != .additional { writer.header[.tc] = true }
                return false
            }
        }
        return true
    }

    /// RFC 1034 §4.3.2 step 6 / RFC 1035 §3.3: A and AAAA of NS, MX and SRV targets that are in
    /// a served zone (glue included), each target once. In a referral (`cut` ≥ 0), glue below the
    /// cut that does not fit sets TC (RFC 9471 §3); other additional data is just left out.
    private static func addAdditional(for rrset: Int32, index: ZoneIndex, writer: inout ResponseWriter, cut: Int32, added: inout AdditionalTargets) {
        let set = index.rrsets[Int(rrset)]
        guard set.type == .ns || set.type == .mx || set.type == .srv else { return }
        for r in set.recordStart..<(set.recordStart + set.recordCount) {
            let record = index.records[Int(r)]
            guard record.additionalName >= 0 else { continue }
            let rdata = index.rdata(of: record)
            let target = UnsafeRawBufferPointer(rebasing: rdata[Int(record.additionalName)...])
            guard target[0] != 0 else { continue }
            let node = index.node(named: target)
            guard node >= 0, added.insert(node) else { continue }
            for pass in 0..<2 {
                let type: RRType = pass == 0 ? .a : .aaaa
                let glue = index.rrset(at: node, type: type)
                guard glue >= 0 else { continue }
                let mark = writer.mark()
                if !put(rrset: glue, owner: index.name(of: node), index: index, section: .additional, writer: &writer) {
                    writer.rollback(to: mark)
                    if cut >= 0, isName(target, below: index.name(of: cut)) { writer.header[.tc] = true }
                    return
                }
            }
        }
    }

    /// Case-insensitive: is the uncompressed `name` equal to or below `ancestor` (lowercase)?
    static func isName(_ name: UnsafeRawBufferPointer, below ancestor: UnsafeRawBufferPointer) -> Bool {
        let length = uncompressedNameLength(name, at: 0)
        var i = 0
        while length - i > ancestor.count, name[i] != 0 { i += 1 + Int(name[i]) }
        guard length - i == ancestor.count else { return false }
        for k in 0..<ancestor.count where asciiLowercase(name[i + k]) != ancestor[k] { return false }
        return true
    }
}

/// Nodes whose addresses are already in the additional section (RFC 2181 §5: no repeats).
struct AdditionalTargets {
    private var nodes: InlineArray<16, Int32> = .init(repeating: -1)
    private var count = 0

    /// False when `node` was added before; past 16 targets, repeats are no longer caught.
    mutating func insert(_ node: Int32) -> Bool {
        for i in 0..<count where nodes[i] == node { return false }
        if count < 16 {
            nodes[count] = node
            count += 1
        }
        return true
    }
}
