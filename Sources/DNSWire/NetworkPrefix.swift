#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as 128 bits (IPv4 left-aligned in `high`), cheap to copy and compare.
public struct NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Family: UInt8, Sendable { case ipv4 = 4, ipv6 = 6 }

    public var family: Family
    public var high: UInt64
    public var low: UInt64

    public init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    public init(ipv4 bytes: (UInt8, UInt8, UInt8, UInt8)) {
        self.init(family: .ipv4, high: UInt64(bytes.0) << 56 | UInt64(bytes.1) << 48 | UInt64(bytes.2) << 40 | UInt64(bytes.3) << 32, low: 0)
    }

    public init(ipv6 bytes: some Collection<UInt8>) {
        var high: UInt64 = 0, low: UInt64 = 0
        for (i, b) in bytes.prefix(16).enumerated() {
            if i < 8 { high |= UInt64(b) << (56 - 8 * UInt64(i)) } else { low |= UInt64(b) << (56 - 8 * UInt64(i - 8)) }
        }
        self.init(family: .ipv6, high: high, low: low)
    }

    /// Parses `192.0.2.1` or `2001:db8::1`.
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            let b = withUnsafeBytes(of: v4) { Array($0) }
            self.init(ipv4: (b[0], b[1], b[2], b[3]))
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self.init(ipv6: withUnsafeBytes(of: v6) { Array($0) })
        } else {
            return nil
        }
    }

    /// The address carried by an EDNS Client Subnet option.
    public init(_ subnet: ClientSubnet) {
        self.init(family: subnet.family == 1 ? .ipv4 : .ipv6, high: subnet.addressHigh, low: subnet.addressLow)
    }

    public var bitCount: Int { family == .ipv4 ? 32 : 128 }

    public var description: String {
        if family == .ipv4 {
            return (0..<4).map { String(UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0)))) }.joined(separator: ".")
        }
        var addr = in6_addr()
        withUnsafeMutableBytes(of: &addr) { raw in
            for i in 0..<16 { raw[i] = UInt8(truncatingIfNeeded: (i < 8 ? high : low) >> (56 - 8 * UInt64(i % 8))) }
        }
        var out = [UInt8](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        out.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = inet_ntop(AF_INET6, &addr, $0.baseAddress, socklen_t($0.count)) }
        }
        return String(decoding: out.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// A network in CIDR form (`10.1.0.0/16`, `2001:db8:1::/48`); a bare address is a host prefix.
public struct NetworkPrefix: Hashable, Sendable, CustomStringConvertible {
    public var address: NetworkAddress
    public var length: Int

    public init(address: NetworkAddress, length: Int) {
        self.address = address
        self.length = length
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = NetworkAddress(String(first)) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= address.bitCount else { return nil }
            length = n
        } else {
            length = address.bitCount
        }
        let (maskHigh, maskLow) = Self.mask(length)
        // Host bits set (`10.1.2.3/16`) are a typo more often than not: refuse them.
        guard address.high & ~maskHigh == 0, address.low & ~maskLow == 0 else { return nil }
        self.init(address: address, length: length)
    }

    @inline(__always)
    public static func mask(_ length: Int) -> (UInt64, UInt64) {
        let high: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~0 << (64 - UInt64(length)))
        let low: UInt64 = length <= 64 ? 0 : (length >= 128 ? ~0 : ~0 << (128 - UInt64(length)))
        return (high, low)
    }

    @inline(__always)
    public func contains(_ other: NetworkAddress) -> Bool {
        guard other.family == address.family else { return false }
        let (mh, ml) = Self.mask(length)
        return other.high & mh == address.high && other.low & ml == address.low
    }

    public var description: String { "\(address)/\(length)" }
}
