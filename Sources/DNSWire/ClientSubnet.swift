/// The EDNS Client Subnet option (RFC 7871 §6), stored without allocation.
public struct ClientSubnet: Hashable, Sendable, CustomStringConvertible {
    public static let optionCode: UInt16 = 8

    /// Address family (RFC 7871 §6: 1 = IPv4, 2 = IPv6).
    public var family: UInt16
    public var sourcePrefixLength: UInt8
    public var scopePrefixLength: UInt8
    /// Address bytes, left-aligned, zero beyond the source prefix. IPv4 uses the first four.
    public var addressHigh: UInt64
    public var addressLow: UInt64

    public init(family: UInt16, sourcePrefixLength: UInt8, scopePrefixLength: UInt8, addressHigh: UInt64, addressLow: UInt64) {
        self.family = family
        self.sourcePrefixLength = sourcePrefixLength
        self.scopePrefixLength = scopePrefixLength
        self.addressHigh = addressHigh
        self.addressLow = addressLow
    }

    public var maxPrefixLength: UInt8 { family == 1 ? 32 : 128 }

    /// Address bytes carried on the wire for a prefix (RFC 7871 §6: ceil(prefix / 8)).
    public static func addressLength(prefix: UInt8) -> Int { (Int(prefix) + 7) / 8 }

    public func addressByte(_ i: Int) -> UInt8 {
        i < 8 ? UInt8(truncatingIfNeeded: addressHigh >> (56 - 8 * i)) : UInt8(truncatingIfNeeded: addressLow >> (56 - 8 * (i - 8)))
    }

    public var description: String {
        if family == 1 {
            return (0..<4).map { String(addressByte($0)) }.joined(separator: ".") + "/\(sourcePrefixLength)/\(scopePrefixLength)"
        }
        let groups = (0..<8).map { String(UInt16(addressByte(2 * $0)) << 8 | UInt16(addressByte(2 * $0 + 1)), radix: 16) }
        return groups.joined(separator: ":") + "/\(sourcePrefixLength)/\(scopePrefixLength)"
    }
}
