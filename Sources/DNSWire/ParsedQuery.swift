/// A query message, parsed without allocation. The question name stays in the packet:
/// `qnameLength` bytes at offset 12, uncompressed, case as sent (RFC 4343, "0x20").
public struct ParsedQuery: Sendable {
    public var header: Header
    public var qnameLength: Int
    public var qtype: RRType
    public var qclass: RRClass
    /// Offset just past the question; the question is bytes 12..<questionEnd.
    public var questionEnd: Int
    public var edns: EDNS?
    /// Serial of an SOA in the authority section: the version an IXFR client has (RFC 1995 §3).
    public var authoritySOASerial: UInt32?

    public var qnameRange: Range<Int> { Header.size..<(Header.size + qnameLength) }
}

/// Why a message could not be parsed as a query, and what the server should do about it.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// Shorter than a header: nothing to answer to (dropped).
        case tooShort
        /// QR=1: a response sent to a server is dropped, never answered (RFC 1035 §4.1.1, reflection defence).
        case notAQuery
        /// Malformed: answered with FORMERR.
        case malformed
    }

    public var code: Code
    public var reason: String
    /// Byte offset where the problem was found.
    public var offset: Int

    public init(_ code: Code, _ reason: String, at offset: Int) {
        self.code = code
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason) at offset \(offset)" }

    static func formErr(_ reason: String, at offset: Int) -> WireError { WireError(.malformed, reason, at: offset) }
}
