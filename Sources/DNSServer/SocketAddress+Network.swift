import DNSWire
import NIOCore

extension SocketAddress {
    /// The peer address as a `NetworkAddress`, read straight from the sockaddr (no strings).
    var networkAddress: NetworkAddress? {
        switch self {
        case .v4(let a):
            let raw = UInt32(bigEndian: a.address.sin_addr.s_addr)
            return NetworkAddress(family: .ipv4, high: UInt64(raw) << 32, low: 0)
        case .v6(let a):
            return withUnsafeBytes(of: a.address.sin6_addr) { NetworkAddress(ipv6: $0) }
        default:
            return nil
        }
    }
}
