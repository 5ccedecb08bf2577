/// RCODE (RFC 1035 §4.1.1, extended by RFC 6891 §6.1.3 to 12 bits with the OPT record).
public struct ResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let noError = ResponseCode(0)
    public static let formErr = ResponseCode(1)
    public static let servFail = ResponseCode(2)
    public static let nxDomain = ResponseCode(3)
    public static let notImp = ResponseCode(4)
    public static let refused = ResponseCode(5)
    public static let notAuth = ResponseCode(9)
    /// RFC 6891 §9: needs the OPT record's extended RCODE bits.
    public static let badVers = ResponseCode(16)

    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        case 9: "NOTAUTH"
        case 16: "BADVERS"
        default: "RCODE\(rawValue)"
        }
    }
}

/// OPCODE (RFC 1035 §4.1.1). Open code set.
public struct Opcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let query = Opcode(0)
    public static let notify = Opcode(4)
    public static let update = Opcode(5)

    public var description: String {
        switch rawValue {
        case 0: "QUERY"
        case 4: "NOTIFY"
        case 5: "UPDATE"
        default: "OPCODE\(rawValue)"
        }
    }
}
