import DNSWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// All served zones, compiled into flat arrays for lookup without allocation: one byte arena for
/// names and RDATA, nodes/RRsets/records as plain structs, and an open-addressing hash table from
/// canonical owner name to node. Immutable once built; a reload builds a new one.
// @unchecked: every stored property is immutable after init; the arena is written once there.
public final class ZoneIndex: @unchecked Sendable {
    public let zones: [IndexedZone]
    public let nodes: [IndexedNode]
    public let rrsets: [IndexedRRSet]
    public let records: [IndexedRecord]
    /// Owner names (lowercase wire) and RDATA, addressed by offset.
    public let arena: UnsafeRawBufferPointer
    private let table: [Int32]
    private let tableMask: Int

    init(zones: [IndexedZone], nodes: [IndexedNode], rrsets: [IndexedRRSet], records: [IndexedRecord], arena: [UInt8]) {
        var nodes = nodes
        self.zones = zones
        self.rrsets = rrsets
        self.records = records
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(arena.count, 1), alignment: 8)
        storage.copyBytes(from: arena)
        self.arena = UnsafeRawBufferPointer(storage)

        var size = 16
        while size < nodes.count * 2 { size <<= 1 }
        var table = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for index in nodes.indices {
            let node = nodes[index]
            let name = UnsafeRawBufferPointer(rebasing: self.arena[Int(node.nameOffset)..<(Int(node.nameOffset) + Int(node.nameLength))])
            var slot = Int(truncatingIfNeeded: Self.hash(name)) & mask
            while table[slot] >= 0, !Self.isName(name, from: 0, of: nodes[Int(table[slot])], in: self.arena) {
                slot = (slot + 1) & mask
            }
            // A name in two served zones (a parent's cut or glue, and the child's apex or data)
            // resolves to the deeper zone: the server is authoritative there, and `lookup` treats
            // the parent's copy below the child apex as absent anyway.
            let current = table[slot]
            let deeper = current < 0 || zones[Int(node.zone)].origin.wire.count > zones[Int(nodes[Int(current)].zone)].origin.wire.count
            let (winner, loser) = deeper ? (Int32(index), current) : (current, Int32(index))
            table[slot] = winner
            // The parent's side of a cut stays reachable from the child's apex, for DS.
            if loser >= 0, nodes[Int(winner)].isApex, nodes[Int(loser)].isDelegation {
                nodes[Int(winner)].parentCut = loser
            }
        }
        self.nodes = nodes
        self.table = table
        self.tableMask = mask
    }

    deinit { UnsafeMutableRawBufferPointer(mutating: arena).deallocate() }

    public var isEmpty: Bool { zones.isEmpty }

    // MARK: - Name table

    /// Fills `starts` (room for 128) with the offsets of `name`'s labels, first label first,
    /// and returns how many there are, counting the root label. Names are at most 255 bytes, so
    /// at most 128 labels.
    @inline(__always)
    static func labelStarts(of name: UnsafeRawBufferPointer, into starts: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var labels = 0
        var offset = 0
        while true {
            starts[labels] = UInt8(offset)
            let len = Int(name[offset])
            labels += 1
            if len == 0 || labels == 128 { return labels }
            offset += 1 + len
        }
    }

    static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a of one label of a lowercase name (its length byte, then its bytes) on top of `hash`.
    ///
    /// A name hashes from its root label towards its first label, so the hash of each suffix
    /// extends the next shorter one's: `lookup` hashes every suffix of a name in one pass.
    @inline(__always)
    static func hash(label name: UnsafeRawBufferPointer, at offset: Int, onto hash: UInt64) -> UInt64 {
        let len = Int(name[offset])
        var h = (hash ^ UInt64(len)) &* 0x100_0000_01b3
        var k = offset + 1
        while k <= offset + len {
            h = (h ^ UInt64(name[k])) &* 0x100_0000_01b3
            k &+= 1
        }
        return h
    }

    /// The hash of the whole of the lowercase `name`, root label first (see `hash(label:at:onto:)`).
    static func hash(_ name: UnsafeRawBufferPointer) -> UInt64 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { starts in
            var h = hashSeed
            for level in stride(from: labelStarts(of: name, into: starts) - 1, through: 0, by: -1) {
                h = hash(label: name, at: Int(starts[level]), onto: h)
            }
            return h
        }
    }

    /// Calls `body` with `name` (uncompressed wire, any case) lowercased into scratch memory on
    /// the stack: owner names in the arena are lowercase, so hashing and comparing then read
    /// plain bytes. Names are at most 255 bytes (RFC 1035 §3.1); the parser and the zone loader
    /// check it.
    @inline(__always)
    static func withLowercase<R>(_ name: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var length = 0
        while name[length] != 0 { length += 1 + Int(name[length]) }
        length += 1
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { scratch in
            for i in 0..<length { scratch[i] = asciiLowercase(name[i]) }
            return body(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: scratch[0..<length])))
        }
    }

    /// Whether the lowercase `name[start...]` is the owner name of `node`: same length, same
    /// bytes (one memcmp).
    @inline(__always)
    static func isName(_ name: UnsafeRawBufferPointer, from start: Int, of node: IndexedNode, in arena: UnsafeRawBufferPointer) -> Bool {
        let length = name.count - start
        return Int(node.nameLength) == length && memcmp(name.baseAddress! + start, arena.baseAddress! + Int(node.nameOffset), length) == 0
    }

    /// The node owning exactly `name` (any case), or -1.
    public func node(named name: UnsafeRawBufferPointer) -> Int32 {
        Self.withLowercase(name) { lower in node(lowercased: lower, from: 0, hash: Self.hash(lower)) }
    }

    /// The node owning exactly the lowercase `name[start...]`, whose hash is `hash`, or -1.
    @inline(__always)
    func node(lowercased name: UnsafeRawBufferPointer, from start: Int, hash: UInt64) -> Int32 {
        var slot = Int(truncatingIfNeeded: hash) & tableMask
        while true {
            let index = table[slot]
            if index < 0 { return -1 }
            if Self.isName(name, from: start, of: nodes[Int(index)], in: arena) { return index }
            slot = (slot + 1) & tableMask
        }
    }

    // MARK: - Accessors

    public func name(of node: Int32) -> UnsafeRawBufferPointer {
        let n = nodes[Int(node)]
        return UnsafeRawBufferPointer(rebasing: arena[Int(n.nameOffset)..<(Int(n.nameOffset) + Int(n.nameLength))])
    }

    public func rdata(of record: IndexedRecord) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: arena[Int(record.rdataOffset)..<(Int(record.rdataOffset) + Int(record.rdataLength))])
    }

    /// The RRset of `type` at `node`, or -1.
    @inline(__always)
    public func rrset(at node: Int32, type: RRType) -> Int32 {
        let n = nodes[Int(node)]
        var i = n.rrsetStart
        let end = n.rrsetStart + n.rrsetCount
        while i < end {
            if rrsets[Int(i)].type == type { return i }
            i += 1
        }
        return -1
    }
}

/// A zone inside a `ZoneIndex`.
public struct IndexedZone: Sendable {
    public var origin: DNSName
    public var file: String
    public var apex: Int32
    public var soa: Int32
    /// Nodes of this zone, in canonical order.
    public var nodeRange: Range<Int32>
    /// RFC 2308 §5: min(SOA TTL, SOA MINIMUM), the TTL of the SOA in negative answers.
    public var negativeTTL: UInt32
    public var serial: UInt32
    public var recordCount: Int
}

/// An owner name, possibly an empty non-terminal (no RRsets).
public struct IndexedNode: Sendable {
    public var nameOffset: Int32
    public var nameLength: UInt16
    public var zone: Int32
    public var rrsetStart: Int32
    public var rrsetCount: Int32
    /// `*.<this name>` in the same zone, or -1.
    public var wildcard: Int32
    public var isApex: Bool
    /// Has NS and is not the apex: a zone cut (RFC 1034 §4.2.1).
    public var isDelegation: Bool
    /// A steered service at this name (id into the steering table), or -1.
    public var service: Int32 = -1
    /// For the apex of a served child zone: the parent zone's node for the same name (the cut),
    /// or -1. DS lives there (RFC 4035 §3.1.4.1).
    public var parentCut: Int32 = -1
}

public struct IndexedRRSet: Sendable {
    public var type: RRType
    public var ttl: UInt32
    public var recordStart: Int32
    public var recordCount: Int32
}

public struct IndexedRecord: Sendable {
    public var rdataOffset: Int32
    public var rdataLength: UInt16
    public var names: RDataNames
    public var additionalName: Int16
}
