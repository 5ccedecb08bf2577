import DNSWire
import ZoneStore

/// An outgoing AXFR (RFC 5936): the SOA, every other record of the zone, the SOA again, packed
/// into as few messages as fit. A value the TCP handler advances one message at a time, so a
/// large zone never needs to be encoded at once.
public struct ZoneTransfer: Sendable, Equatable {
    public let zone: Int32
    public let generation: Int
    let id: UInt16
    let recursionDesired: Bool
    /// RFC 6891 §7: every response to an EDNS query carries an OPT record.
    let edns: EDNS?
    let payloadSize: UInt16
    let question: [UInt8]
    /// Position: next node, RRset within it, record within the RRset.
    var node: Int32
    var rrset: Int32 = 0
    var record: Int32 = 0
    var sentLeadingSOA = false
    public private(set) var finished = false

    /// Messages are filled up to this size (RFC 5936 §2.2: any size up to 65535).
    static let messageSize = 16_384

    /// What a transfer request (AXFR, RFC 5936; IXFR, RFC 1995) gets.
    enum Decision: Equatable {
        case refuse(ResponseCode)
        /// Only the zone's SOA: the client is up to date, or must retry an IXFR over TCP.
        case soaOnly(zone: Int32)
        case transfer(ZoneTransfer)
    }

    /// Checks the request: a client in `allowTransfer`, a zone we serve (its apex), AXFR over TCP.
    /// IXFR is answered with the SOA when the client's serial is current (RFC 1995 §2) or over
    /// UDP, and otherwise with the whole zone, as RFC 1995 §4 allows.
    static func decide(query: ParsedQuery, packet: UnsafeRawBufferPointer, client: ClientContext, snapshot: ServingSnapshot) -> Decision {
        guard let address = client.address, snapshot.configuration.allowTransfer.contains(where: { $0.contains(address) }) else {
            return .refuse(.refused)
        }
        if query.qtype == .axfr, client.transport == .udp { return .refuse(.notImp) }
        let index = snapshot.index
        let node = index.node(named: UnsafeRawBufferPointer(rebasing: packet[query.qnameRange]))
        guard node >= 0, index.nodes[Int(node)].isApex else { return .refuse(.notAuth) }
        let zone = index.nodes[Int(node)].zone
        if query.qtype == .ixfr {
            // RFC 1982 serial arithmetic: the client's copy is current unless ours is newer.
            if let theirs = query.authoritySOASerial, Int32(bitPattern: index.zones[Int(zone)].serial &- theirs) <= 0 {
                return .soaOnly(zone: zone)
            }
            if client.transport == .udp { return .soaOnly(zone: zone) }
        }
        return .transfer(ZoneTransfer(
            zone: zone, generation: snapshot.generation, id: query.header.id, recursionDesired: query.header[.rd],
            edns: query.edns, payloadSize: snapshot.configuration.maxUDPPayload,
            question: Array(UnsafeRawBufferPointer(rebasing: packet[Header.size..<query.questionEnd])),
            node: index.zones[Int(zone)].nodeRange.lowerBound
        ))
    }

    /// Writes the next message into `buffer` and returns its length; 0 once finished.
    public mutating func nextMessage(index: ZoneIndex, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !finished else { return 0 }
        let z = index.zones[Int(zone)]
        var writer = ResponseWriter(buffer: buffer, limit: Self.messageSize)
        writer.header.id = id
        writer.header[.qr] = true
        writer.header[.aa] = true
        writer.header[.rd] = recursionDesired
        let optSize = edns == nil ? 0 : ResponseWriter.optSize(nsid: nil, clientSubnet: nil)
        writer.reserve(optSize)
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
                        guard writer.header.anCount == 0 else { return finish(&writer, reserved: optSize) }
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
                        return finish(&writer, reserved: optSize)
                    }
                    record += 1
                }
                record = 0
                rrset += 1
            }
            rrset = 0
            node += 1
        }
        guard writeSOA(z, index: index, writer: &writer) else { return finish(&writer, reserved: optSize) }
        finished = true
        return finish(&writer, reserved: optSize)
    }

    private func writeSOA(_ z: IndexedZone, index: ZoneIndex, writer: inout ResponseWriter) -> Bool {
        let set = index.rrsets[Int(z.soa)]
        let r = index.records[Int(set.recordStart)]
        return writer.writeRecord(owner: index.name(of: z.apex), type: .soa, ttl: set.ttl, rdata: index.rdata(of: r), nameOffsets: r.names, section: .answer)
    }

    /// Adds the OPT record (room was reserved) and closes the message.
    private func finish(_ writer: inout ResponseWriter, reserved: Int) -> Int {
        if let edns {
            writer.release(reserved)
            _ = writer.writeOPT(payloadSize: payloadSize, extendedRcode: 0, dnssecOK: edns.dnssecOK, nsid: nil, clientSubnet: nil)
        }
        return writer.finish()
    }
}
