/// A resource record CLASS (RFC 1035 §3.2.4). Open code set.
public struct RRClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let `in` = RRClass(1)
    public static let chaos = RRClass(3)
    public static let none = RRClass(254)
    public static let any = RRClass(255)

    public var description: String {
        switch self {
        case .in: "IN"
        case .chaos: "CH"
        case .none: "NONE"
        case .any: "ANY"
        default: "CLASS\(rawValue)"
        }
    }
}
