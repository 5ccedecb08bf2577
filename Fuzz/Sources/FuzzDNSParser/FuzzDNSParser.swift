import DNSWire
import FuzzSupport

/// The DNS query parser (QueryParser) on arbitrary bytes. It must never trap or read out of
/// bounds (AddressSanitizer watches the reads), and what it accepts must be what its contract
/// says: one question whose uncompressed name lies inside the packet, labels of at most 63
/// bytes, at most 255 bytes in all, and nothing after the last record.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let packet = UnsafeRawBufferPointer(start: data, count: size)
    do {
        check(try QueryParser.parse(packet), packet)
    } catch {
        // Drop (tooShort, notAQuery) or FORMERR (malformed); which one is the engine's concern.
        invariant((error.code == .tooShort) == (size < Header.size), "tooShort iff shorter than a header: \(error)")
        _ = error.description  // builds the reason text: every message's parts must render
    }
    return 0
}

func check(_ query: ParsedQuery, _ packet: UnsafeRawBufferPointer) {
    invariant(!query.header[.qr] && query.header.qdCount == 1, "accepted a response or QDCOUNT \(query.header.qdCount)")
    let name = query.qnameRange
    invariant(name.lowerBound == Header.size && name.upperBound <= packet.count, "qname \(name) outside \(packet.count) bytes")
    invariant(query.qnameLength >= 1 && query.qnameLength <= DNSName.maxWireLength, "qname of \(query.qnameLength) bytes")
    invariant(query.questionEnd == name.upperBound + 4 && query.questionEnd <= packet.count, "question ends at \(query.questionEnd)")
    // Walk the labels: lengths ≤ 63, none compressed, and the root label exactly at the end.
    var p = name.lowerBound
    while packet[p] != 0 {
        invariant(packet[p] <= DNSName.maxLabelLength, "label of \(packet[p]) bytes at \(p)")
        p += 1 + Int(packet[p])
        invariant(p < name.upperBound, "label runs past the qname at \(p)")
    }
    invariant(p == name.upperBound - 1, "root label at \(p), qname ends at \(name.upperBound)")
    invariant(query.qtype.rawValue == packet.loadUInt16(at: query.questionEnd - 4), "qtype not the question's")
    // The question name must read back as a valid name (DNSName's own checks).
    invariant(DNSName(wire: Array(UnsafeRawBufferPointer(rebasing: packet[name]))) != nil, "qname is not a valid DNSName")
    if let edns = query.edns {
        invariant(edns.udpPayloadSize >= EDNS.minimumPayloadSize, "payload size \(edns.udpPayloadSize) under 512")
        if let subnet = edns.clientSubnet {
            invariant(subnet.scopePrefixLength == 0 && subnet.sourcePrefixLength <= subnet.maxPrefixLength, "ECS \(subnet)")
        }
    }
}

@_cdecl("FuzzDNSParser_main")
public func main(_ argc: CInt, _ argv: FuzzerArguments) -> CInt {
    runLibFuzzer(argc, argv, seeds: { DNSSeeds.queries }, fuzz)
}
