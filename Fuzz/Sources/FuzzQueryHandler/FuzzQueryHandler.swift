import DNSWire
import FuzzSupport
import QueryEngine

/// Query bytes in, response bytes out, through `QueryProcessor.respond` against a real snapshot
/// (FuzzWorld). The input's first byte picks the client (transport, address) and the health
/// state; the rest is the query. Zone transfers it starts are run to the end.
///
/// What must hold for every input: nothing traps or touches memory it should not; a drop only
/// for what is not a query; every response fits the transport's limit, echoes the ID, opcode and
/// question, has QR set and the outcome's RCODE, carries OPT exactly when the query did, and is
/// itself a well-formed message (MessageWalk).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let (client, snapshot) = FuzzWorld.shared.pick(input.byte())
    let packet = input.rest
    let output = Output.shared.buffer
    let query = try? QueryParser.parse(packet)
    switch QueryProcessor.respond(to: packet, from: client, snapshot: snapshot, into: output) {
    case .drop:
        invariant(packet.count < Header.size || packet[2] & 0x80 != 0, "dropped a query")
    case .respond(let length, let rcode, _):
        invariant(length >= Header.size && length <= limit(client, query), "response of \(length) bytes, limit \(limit(client, query))")
        let response = UnsafeRawBufferPointer(rebasing: output[..<length])
        checkResponse(response, to: packet, query: query)
        invariant(Header(response)!.rcodeLow == rcode.rawValue & 0xF, "RCODE in the header is not \(rcode)")
    case .transfer(var transfer):
        invariant(client.transport == .tcp || query?.qtype == .ixfr, "a transfer over UDP")
        for _ in 0..<100_000 {
            let length = transfer.nextMessage(index: snapshot.index, into: output)
            if length == 0 { return 0 }
            invariant(length >= Header.size && length <= Int(UInt16.max), "transfer message of \(length) bytes")
            checkResponse(UnsafeRawBufferPointer(rebasing: output[..<length]), to: packet, query: query)
        }
        invariant(false, "a transfer of more than 100,000 messages")
    }
    return 0
}

/// The size a response to `query` may have (QueryProcessor's rule, RFC 1035 §4.2.1, RFC 6891 §6.2.5).
func limit(_ client: ClientContext, _ query: ParsedQuery?) -> Int {
    if client.transport == .tcp { return Int(UInt16.max) }
    guard let edns = query?.edns else { return QueryProcessor.classicUDPSize }
    return Int(min(edns.udpPayloadSize, FuzzWorld.maxUDPPayload))
}

func checkResponse(_ response: UnsafeRawBufferPointer, to packet: UnsafeRawBufferPointer, query: ParsedQuery?) {
    let header = Header(response)!
    invariant(header[.qr] && header.id == Header(packet)!.id, "QR clear or ID not echoed")
    invariant(header.opcode == Header(packet)!.opcode, "opcode not echoed")
    guard let query else {
        invariant(response.count == Header.size && header.rcodeLow == ResponseCode.formErr.rawValue, "a malformed query not answered FORMERR")
        return
    }
    guard header.qdCount == 1 else {
        invariant(header.qdCount == 0 && header.rcodeLow == ResponseCode.formErr.rawValue, "QDCOUNT \(header.qdCount)")
        return
    }
    let question = Header.size..<query.questionEnd
    invariant(response.count >= question.upperBound && response[question].elementsEqual(packet[question]), "question not echoed as sent")
    let optRecords = MessageWalk.optRecords(in: response)
    invariant(optRecords != nil, "the response is not a well-formed message")
    invariant(optRecords == (query.edns == nil ? 0 : 1), "\(optRecords!) OPT records in a response to a query with\(query.edns == nil ? "out" : "") one")
}

/// The response buffer every input reuses, as a UDP worker's is (64 KiB, the TCP maximum).
// @unchecked: libFuzzer runs one input at a time on one thread.
final class Output: @unchecked Sendable {
    static let shared = Output()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(UInt16.max), alignment: 16)
}

@_cdecl("FuzzQueryHandler_main")
public func main(_ argc: CInt, _ argv: FuzzerArguments) -> CInt {
    runLibFuzzer(argc, argv, seeds: seeds, fuzz)
}

/// DNSSeeds' queries behind client bytes that vary the transport, address and health; transfers
/// from a client allowed to make them, over TCP.
func seeds() -> [(name: String, bytes: [UInt8])] {
    DNSSeeds.queries.enumerated().map { index, seed in
        let transfer = seed.name.contains("xfr")
        let byte = transfer
            ? FuzzWorld.clientByte(tcp: index % 3 != 0, address: 6)
            : FuzzWorld.clientByte(tcp: index % 4 == 1, address: index % 8, snapshot: index / 8 % 4)
        return (seed.name, [byte] + seed.bytes)
    }
}
