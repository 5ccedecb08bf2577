import DNSWire
import ZoneStore

/// An outgoing AXFR (RFC 5936): the SOA, every other record of the zone, the SOA again, packed
/// into as few messages as fit. A value the TCP handler advances one message at a time, so a
/// large zone never needs to be encoded at once.
public struct ZoneTransfer: Sendable, Equatable {
    public let zone: Int32
    public let generation: Int
    let id: UInt16
    let question: [UInt8]
    /// Position: next node, RRset within it, record within the RRset.
    var node: Int32
    var rrset: Int32 = 0
    var record: Int32 = 0
    var sentLeadingSOA = false
    public private(set) var finished = false

    /// Messages are filled up to this size (RFC 5936 §2.2: any size up to 65535).
    static let messageSize = 16_384

    /// Checks the transfer is allowed: TCP, a zone we serve (apex), a client in `allowTransfer`.
    static func start(query: ParsedQuery, packet: UnsafeRawBufferPointer, client: ClientContext, snapshot: ServingSnapshot) -> ZoneTransfer? {
        guard client.transport == .tcp, let address = client.address,
              snapshot.configuration.allowTransfer.contains(where: { $0.contains(address) })
        else { return nil }
        let qname = UnsafeRawBufferPointer(rebasing: packet[query.qnameRange])
        let node = snapshot.index.node(named: qname)
        guard node >= 0, snapshot.index.nodes[Int(node)].isApex else { return nil }
        let zone = snapshot.index.nodes[Int(node)].zone
        return ZoneTransfer(
            zone: zone, generation: snapshot.generation, id: query.header.id,
            question: Array(UnsafeRawBufferPointer(rebasing: packet[Header.size..<query.questionEnd])),
            node: snapshot.index.zones[Int(zone)].nodeRange.lowerBound
        )
    }

    /// Writes the next message into `buffer` and returns its length; 0 once finished.
    public mutating func nextMessage(index: ZoneIndex, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !finished else { return 0 }
        let z = index.zones[Int(zone)]
        var writer = ResponseWriter(buffer: buffer, limit: Self.messageSize)
        writer.header.id = id
        writer.header[.qr] = true
        writer.header[.aa] = true
        if !sentLeadingSOA {
            // RFC 5936 §2.2.1: the first message repeats the question.
            _ = question.withUnsafeBytes { writer.writeQuestion($0) }
            _ = writeSOA(z, index: index, writer: &writer)
            sentLeadingSOA = true
        }
        while node < z.nodeRange.upperBound {
            let n = index.nodes[Int(node)]
            let owner = index.name(of: node)
            while rrset < n.rrsetCount {
                let setIndex = n.rrsetStart + rrset
                let set = index.rrsets[Int(setIndex)]
                if setIndex == z.soa { rrset += 1; continue }
                while record < set.recordCount {
                    let r = index.records[Int(set.recordStart + record)]
                    let rdata = index.rdata(of: r)
                    if !writer.writeRecord(owner: owner, type: set.type, ttl: set.ttl, rdata: rdata, nameOffsets: r.names, section: .answer) {
                        guard writer.header.anCount == 0 else { return writer.finish() }
                        // A record larger than `messageSize` goes alone in a message of up to
                        // 65535 bytes: waiting for an emptier message would never end.
                        writer.release(Int(UInt16.max) - writer.limit)
                        guard writer.writeRecord(owner: owner, type: set.type, ttl: set.ttl, rdata: rdata, nameOffsets: r.names, section: .answer) else {
                            // Cannot be sent at all: stop rather than loop; without the closing
                            // SOA the client fails the transfer.
                            finished = true
                            return 0
                        }
                        record += 1
                        return writer.finish()
                    }
                    record += 1
                }
                record = 0
                rrset += 1
            }
            rrset = 0
            node += 1
        }
        guard writeSOA(z, index: index, writer: &writer) else { return writer.finish() }
        finished = true
        return writer.finish()
    }

    private func writeSOA(_ z: IndexedZone, index: ZoneIndex, writer: inout ResponseWriter) -> Bool {
        let set = index.rrsets[Int(z.soa)]
        let r = index.records[Int(set.recordStart)]
        return writer.writeRecord(owner: index.name(of: z.apex), type: .soa, ttl: set.ttl, rdata: index.rdata(of: r), nameOffsets: r.names, section: .answer)
    }
}
