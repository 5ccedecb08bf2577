import DNSWire

/// CHAOS-class server identification: `version.bind`, `version.server`, `id.server`,
/// `hostname.bind` (RFC 4892). Answers only what the operator configured, without allocating
/// (monitoring asks these over UDP like any other query).
enum ChaosResponder {
    private static let versionNames = ["version.bind", "version.server"].map(wire)
    private static let identityNames = ["id.server", "hostname.bind"].map(wire)

    static func answer(query: ParsedQuery, packet: UnsafeRawBufferPointer, configuration: QueryEngineConfiguration, writer: inout ResponseWriter) -> ResponseCode {
        guard query.qtype == .txt || query.qtype == .any else { return .refused }
        let qname = UnsafeRawBufferPointer(rebasing: packet[query.qnameRange])
        let text: String?
        if versionNames.contains(where: { matches(qname, $0) }) {
            text = configuration.version
        } else if identityNames.contains(where: { matches(qname, $0) }) {
            text = configuration.identity
        } else {
            text = nil
        }
        guard let text else { return .refused }
        writer.header[.aa] = true
        // TXT RDATA: one <character-string> of at most 255 bytes, built on the stack.
        _ = withUnsafeTemporaryAllocation(byteCount: 256, alignment: 1) { rdata in
            var length = 0
            for byte in text.utf8.prefix(255) {
                length += 1
                rdata[length] = byte
            }
            rdata[0] = UInt8(length)
            let bytes = UnsafeRawBufferPointer(rebasing: rdata[0...length])
            return writer.writeRecord(owner: qname, type: .txt, class: .chaos, ttl: 0, rdata: bytes, section: .answer)
        }
        return .noError
    }

    private static func wire(_ text: String) -> [UInt8] {
        // The names above are well formed.
        try! DNSName(text).wire
    }

    /// Case-insensitive: is the question name `qname` the (lowercase) name `wire`?
    private static func matches(_ qname: UnsafeRawBufferPointer, _ wire: [UInt8]) -> Bool {
        wire.count == qname.count && wire.indices.allSatisfy { asciiLowercase(qname[$0]) == wire[$0] }
    }
}
