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
/// Built without allocating (malformed queries are answered on the hot path too): the reason
/// is kept as literal parts and numbers, and only becomes a `String` when read.
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
    public var message: Message
    /// Byte offset where the problem was found.
    public var offset: Int

    public init(_ code: Code, _ message: Message, at offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var reason: String { message.description }
    public var description: String { "\(reason) at offset \(offset)" }

    static func formErr(_ message: Message, at offset: Int) -> WireError { WireError(.malformed, message, at: offset) }

    /// A reason written as a string literal whose interpolations are integers
    /// (`"QDCOUNT is \(count), not 1"`, `"label type 0x\(hex: type)"`), stored inline.
    public struct Message: ExpressibleByStringInterpolation, Hashable, Sendable, CustomStringConvertible {
        enum Part: Sendable {
            case text(StaticString)
            case number(Int, radix: Int)
        }

        public static let maxParts = 6
        var parts: InlineArray<6, Part> = .init(repeating: .text(""))
        var count = 0

        init() {}

        public init(stringLiteral value: StaticString) {
            parts[0] = .text(value)
            count = 1
        }

        public init(stringInterpolation: StringInterpolation) {
            self = stringInterpolation.message
        }

        public struct StringInterpolation: StringInterpolationProtocol, Sendable {
            var message = Message()

            public init(literalCapacity: Int, interpolationCount: Int) {}

            public mutating func appendLiteral(_ literal: StaticString) {
                if literal.utf8CodeUnitCount > 0 { append(.text(literal)) }
            }
            public mutating func appendInterpolation(_ value: some BinaryInteger) { append(.number(Int(value), radix: 10)) }
            public mutating func appendInterpolation(hex value: some BinaryInteger) { append(.number(Int(value), radix: 16)) }

            /// Parts past `maxParts` are dropped (no message here has that many).
            private mutating func append(_ part: Part) {
                guard message.count < Message.maxParts else { return }
                message.parts[message.count] = part
                message.count += 1
            }
        }

        public var description: String {
            var out = ""
            for i in 0..<count {
                switch parts[i] {
                case .text(let text): out += text.description
                case .number(let value, let radix): out += String(value, radix: radix)
                }
            }
            return out
        }

        public static func == (lhs: Message, rhs: Message) -> Bool { lhs.description == rhs.description }
        public func hash(into hasher: inout Hasher) { hasher.combine(description) }
    }
}
