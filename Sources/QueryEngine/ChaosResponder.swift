import DNSWire

/// CHAOS-class server identification: `version.bind`, `version.server`, `id.server`,
/// `hostname.bind` (RFC 4892). Answers only what the operator configured.
enum ChaosResponder {
    static func answer(query: ParsedQuery, packet: UnsafeRawBufferPointer, configuration: QueryEngineConfiguration, writer: inout ResponseWriter) -> ResponseCode {
        guard query.qtype == .txt || query.qtype == .any else { return .refused }
        let qname = UnsafeRawBufferPointer(rebasing: packet[query.qnameRange])
        let text: String?
        if matches(qname, "version.bind") || matches(qname, "version.server") {
            text = configuration.version
        } else if matches(qname, "id.server") || matches(qname, "hostname.bind") {
            text = configuration.identity
        } else {
            text = nil
        }
        guard let text else { return .refused }
        // TXT RDATA: one <character-string> of at most 255 bytes.
        var rdata = [UInt8](text.utf8.prefix(255))
        rdata.insert(UInt8(rdata.count), at: 0)
        writer.header[.aa] = true
        _ = rdata.withUnsafeBytes { bytes in
            writer.writeRecord(owner: qname, type: .txt, class: .chaos, ttl: 0, rdata: bytes, section: .answer)
        }
        return .noError
    }

    private static func matches(_ qname: UnsafeRawBufferPointer, _ text: String) -> Bool {
        guard let name = try? DNSName(text) else { return false }
        return name.wire.count == qname.count && name.wire.indices.allSatisfy { asciiLowercase(qname[$0]) == name.wire[$0] }
    }
}
