import DNSWire
import ZoneStore

/// Query in, response out: the transport-agnostic core of the DNS server (NSD's `query_process`,
/// Knot's `process_query`). Pure and synchronous; writes into memory the caller owns and reuses.
public enum QueryProcessor {
    /// UDP without EDNS: RFC 1035 §4.2.1.
    public static let classicUDPSize = 512

    public static func respond(
        to packet: UnsafeRawBufferPointer, from client: ClientContext,
        snapshot: ServingSnapshot, into buffer: UnsafeMutableRawBufferPointer
    ) -> QueryOutcome {
        let query: ParsedQuery
        do {
            query = try QueryParser.parse(packet)
        } catch {
            guard error.code == .malformed, let header = Header(packet) else { return .drop }
            return formErr(header, into: buffer)
        }
        let configuration = snapshot.configuration
        let limit: Int
        if client.transport == .tcp {
            limit = Int(UInt16.max)
        } else if let edns = query.edns {
            limit = Int(min(edns.udpPayloadSize, max(configuration.maxUDPPayload, UInt16(classicUDPSize))))
        } else {
            limit = classicUDPSize
        }
        // Every name written comes from `packet` or the snapshot's zone index, both unchanged
        // until this returns: the writer may recognise repeated names by address.
        var writer = ResponseWriter(buffer: buffer, limit: limit, stableNames: true)
        writer.header.id = query.header.id
        writer.header.opcode = query.header.opcode
        writer.header[.qr] = true
        writer.header[.rd] = query.header[.rd]
        writer.header[.cd] = query.header[.cd]

        // The OPT record goes last but its room is kept from the start.
        var optSize = 0
        if let edns = query.edns {
            optSize = ResponseWriter.optSize(nsid: nil, clientSubnet: edns.clientSubnet)
            if edns.nsidRequested, let id = configuration.nsid { optSize += 4 + id.count }
            writer.reserve(optSize)
        }
        guard writer.writeQuestion(from: packet, query: query) else {
            return formErr(query.header, into: buffer)
        }

        var rcode = ResponseCode.noError
        // RFC 7871 §7.2.1: static data does not depend on the subnet (scope 0); steering says otherwise.
        var ecsScope: UInt8 = 0
        if let edns = query.edns, edns.version > 0 {
            // RFC 6891 §6.1.3: unknown version → BADVERS, answering as version 0.
            rcode = .badVers
        } else if query.header.opcode != .query {
            rcode = .notImp
        } else {
            switch query.qclass {
            case .in, .any:
                if query.qtype == .axfr || query.qtype == .ixfr {
                    switch ZoneTransfer.decide(query: query, packet: packet, client: client, snapshot: snapshot) {
                    case .transfer(let transfer):
                        return .transfer(transfer)
                    case .soaOnly(let zone):
                        let z = snapshot.index.zones[Int(zone)]
                        writer.header[.aa] = true
                        AnswerBuilder.put(rrset: z.soa, owner: snapshot.index.name(of: z.apex), index: snapshot.index, section: .answer, writer: &writer)
                    case .refuse(let code):
                        rcode = code
                    }
                } else {
                    let qname = UnsafeRawBufferPointer(rebasing: packet[query.qnameRange])
                    let steering = SteeringInput(snapshot: snapshot, client: client, clientSubnet: query.edns?.clientSubnet)
                    rcode = AnswerBuilder.answer(qname: qname, qtype: query.qtype, index: snapshot.index, steering: steering, writer: &writer, ecsScope: &ecsScope)
                }
            case .chaos:
                rcode = ChaosResponder.answer(query: query, packet: packet, configuration: configuration, writer: &writer)
            default:
                rcode = .refused
            }
        }

        // A server is not authoritative for every class at once (RFC 6895 §3.2): no AA for QCLASS=ANY.
        if query.qclass == .any { writer.header[.aa] = false }
        writer.header.rcodeLow = rcode.rawValue & 0xF
        if let edns = query.edns {
            writer.release(optSize)
            var ecs = edns.clientSubnet
            ecs?.scopePrefixLength = ecsScope
            let written: Bool = if edns.nsidRequested, let id = configuration.nsid {
                id.withUnsafeBytes { bytes in
                    writer.writeOPT(payloadSize: configuration.maxUDPPayload, extendedRcode: UInt8(rcode.rawValue >> 4), dnssecOK: edns.dnssecOK, nsid: bytes, clientSubnet: ecs)
                }
            } else {
                writer.writeOPT(payloadSize: configuration.maxUDPPayload, extendedRcode: UInt8(rcode.rawValue >> 4), dnssecOK: edns.dnssecOK, nsid: nil, clientSubnet: ecs)
            }
            assert(written, "room for OPT was reserved")
        }
        return .respond(length: writer.finish(), rcode: rcode, qtype: query.qtype)
    }

    /// FORMERR: header only, ID and opcode echoed (RFC 1035 §4.1.1).
    static func formErr(_ query: Header, into buffer: UnsafeMutableRawBufferPointer) -> QueryOutcome {
        var header = Header(id: query.id)
        header.opcode = query.opcode
        header[.qr] = true
        header[.rd] = query[.rd]
        header.rcodeLow = ResponseCode.formErr.rawValue
        header.write(to: buffer)
        return .respond(length: Header.size, rcode: .formErr, qtype: RRType(0))
    }
}
