/// Parses a query message (RFC 1035 §4.1) with every read bounds-checked and no allocation.
///
/// Rules, in the spirit of NSD and Knot:
/// - exactly one question, its name uncompressed and well formed (labels ≤ 63, name ≤ 255);
/// - records in the other sections are walked (names may be compressed, pointers must point
///   backwards inside the message) so that malformed counts or lengths are caught;
/// - at most one OPT record, only in the additional section, owned by the root (RFC 6891 §6.1.1);
/// - no bytes after the last record.
public enum QueryParser {
    public static func parse(_ packet: UnsafeRawBufferPointer) throws(WireError) -> ParsedQuery {
        guard let header = Header(packet) else { throw WireError(.tooShort, "message shorter than a header", at: 0) }
        if header[.qr] { throw WireError(.notAQuery, "QR bit set", at: 2) }
        guard header.qdCount == 1 else { throw .formErr("QDCOUNT is \(header.qdCount), not 1", at: 4) }

        // Question name: uncompressed labels only.
        var p = Header.size
        while true {
            guard p < packet.count else { throw .formErr("question name runs past the end", at: p) }
            let len = Int(packet[p])
            if len == 0 { p += 1; break }
            guard len <= DNSName.maxLabelLength else { throw .formErr("bad label type or length \(len) in question", at: p) }
            p += 1 + len
            guard p - Header.size < DNSName.maxWireLength else { throw .formErr("question name longer than 255 bytes", at: p) }
        }
        let qnameLength = p - Header.size
        guard p + 4 <= packet.count else { throw .formErr("question truncated", at: p) }
        let qtype = RRType(packet.loadUInt16(at: p))
        let qclass = RRClass(packet.loadUInt16(at: p + 2))
        p += 4
        let questionEnd = p

        var edns: EDNS?
        var authoritySOASerial: UInt32?
        let nonAdditional = Int(header.anCount) + Int(header.nsCount)
        let total = nonAdditional + Int(header.arCount)
        var index = 0
        while index < total {
            let ownerStart = p
            p = try skipName(packet, at: p)
            guard p + 10 <= packet.count else { throw .formErr("record header truncated", at: p) }
            let type = RRType(packet.loadUInt16(at: p))
            let rdLength = Int(packet.loadUInt16(at: p + 8))
            let rdStart = p + 10
            guard rdStart + rdLength <= packet.count else { throw .formErr("RDATA runs past the end", at: rdStart) }
            if type == .soa, index >= Int(header.anCount), index < nonAdditional, rdLength >= 22 {
                authoritySOASerial = packet.loadUInt32(at: rdStart + rdLength - 20)
            }
            if type == .opt {
                guard index >= nonAdditional else { throw .formErr("OPT record outside the additional section", at: ownerStart) }
                guard edns == nil else { throw .formErr("more than one OPT record", at: ownerStart) }
                guard p - ownerStart == 1 else { throw .formErr("OPT owner is not the root", at: ownerStart) }
                edns = try parseOPT(packet, classField: packet.loadUInt16(at: p + 2), ttl: packet.loadUInt32(at: p + 4), rdata: rdStart..<(rdStart + rdLength))
            }
            p = rdStart + rdLength
            index += 1
        }
        guard p == packet.count else { throw .formErr("\(packet.count - p) bytes after the last record", at: p) }
        return ParsedQuery(
            header: header, qnameLength: qnameLength, qtype: qtype, qclass: qclass, questionEnd: questionEnd,
            edns: edns, authoritySOASerial: authoritySOASerial
        )
    }

    /// Walks a possibly compressed name and returns the offset after it in the record.
    /// Pointers must point strictly backwards (which also rules out loops), and the decompressed
    /// name must stay within 255 bytes.
    static func skipName(_ packet: UnsafeRawBufferPointer, at start: Int) throws(WireError) -> Int {
        var p = start
        var end = -1
        var decoded = 0
        var lowestJump = start
        while true {
            guard p < packet.count else { throw .formErr("name runs past the end", at: p) }
            let len = Int(packet[p])
            switch len & 0xC0 {
            case 0x00:
                if len == 0 { return end >= 0 ? end : p + 1 }
                decoded += 1 + len
                guard decoded < DNSName.maxWireLength else { throw .formErr("name longer than 255 bytes", at: p) }
                p += 1 + len
            case 0xC0:
                guard p + 1 < packet.count else { throw .formErr("compression pointer truncated", at: p) }
                let target = (len & 0x3F) << 8 | Int(packet[p + 1])
                guard target < lowestJump, target >= Header.size else { throw .formErr("compression pointer does not point backwards", at: p) }
                if end < 0 { end = p + 2 }
                lowestJump = target
                p = target
            default:
                throw .formErr("unsupported label type 0x\(hex: len & 0xC0)", at: p)
            }
        }
    }

    /// RFC 6891 §6.1.2–6.1.3 and the options Meridian understands: NSID (RFC 5001) and
    /// Client Subnet (RFC 7871 §6, validated as §7.1.1 requires). Unknown options are ignored.
    static func parseOPT(_ packet: UnsafeRawBufferPointer, classField: UInt16, ttl: UInt32, rdata: Range<Int>) throws(WireError) -> EDNS {
        var edns = EDNS(
            udpPayloadSize: max(classField, EDNS.minimumPayloadSize),
            version: UInt8(truncatingIfNeeded: ttl >> 16),
            dnssecOK: ttl & 0x8000 != 0
        )
        var p = rdata.lowerBound
        while p < rdata.upperBound {
            guard p + 4 <= rdata.upperBound else { throw .formErr("EDNS option header truncated", at: p) }
            let code = packet.loadUInt16(at: p)
            let length = Int(packet.loadUInt16(at: p + 2))
            let body = p + 4
            guard body + length <= rdata.upperBound else { throw .formErr("EDNS option runs past the OPT record", at: p) }
            switch code {
            case EDNS.nsidOptionCode:
                edns.nsidRequested = true
            case ClientSubnet.optionCode:
                guard edns.clientSubnet == nil else { throw .formErr("more than one Client Subnet option", at: p) }
                edns.clientSubnet = try parseClientSubnet(packet, body: body, length: length)
            default:
                break
            }
            p = body + length
        }
        return edns
    }

    static func parseClientSubnet(_ packet: UnsafeRawBufferPointer, body: Int, length: Int) throws(WireError) -> ClientSubnet {
        guard length >= 4 else { throw .formErr("Client Subnet option shorter than 4 bytes", at: body) }
        let family = packet.loadUInt16(at: body)
        let source = packet[body + 2]
        let scope = packet[body + 3]
        guard family == 1 || family == 2 else { throw .formErr("Client Subnet family \(family) unknown", at: body) }
        var subnet = ClientSubnet(family: family, sourcePrefixLength: source, scopePrefixLength: scope, addressHigh: 0, addressLow: 0)
        guard source <= subnet.maxPrefixLength else { throw .formErr("Client Subnet source prefix \(source) too long", at: body + 2) }
        guard scope == 0 else { throw .formErr("Client Subnet scope prefix must be 0 in a query", at: body + 3) }
        let addressLength = ClientSubnet.addressLength(prefix: source)
        guard length - 4 == addressLength else { throw .formErr("Client Subnet address is \(length - 4) bytes, prefix needs \(addressLength)", at: body + 4) }
        for i in 0..<addressLength {
            let byte = UInt64(packet[body + 4 + i])
            if i < 8 { subnet.addressHigh |= byte << (56 - 8 * UInt64(i)) } else { subnet.addressLow |= byte << (56 - 8 * UInt64(i - 8)) }
        }
        // RFC 7871 §6: address bits beyond the source prefix must be zero.
        if addressLength > 0, source % 8 != 0 {
            let last = packet[body + 4 + addressLength - 1]
            let mask = UInt8(0xFF) >> (source % 8)
            guard last & mask == 0 else { throw .formErr("Client Subnet address has bits set beyond the source prefix", at: body + 4) }
        }
        return subnet
    }
}
