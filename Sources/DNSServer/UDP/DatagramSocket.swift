import DNSWire
#if canImport(Glibc)
import Glibc
#endif

/// A bound UDP socket (IPv4 or IPv6, SO_REUSEPORT so that every worker gets its own socket on
/// the same address and the kernel spreads datagrams over them).
final class DatagramSocket: Sendable {
    let fd: Int32
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Binds `host` (an address literal) and `port` (0 picks one).
    init(host: String, port: Int, receiveTimeoutMilliseconds: Int) throws(Failure) {
        guard let address = NetworkAddress(host) else { throw Failure(description: "\(host) is not an IP address") }
        let family = address.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(Self.lastError())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size)) }
        // Wake up now and then even when idle, so that a stop request is noticed.
        var timeout = timeval(tv_sec: receiveTimeoutMilliseconds / 1000, tv_usec: (receiveTimeoutMilliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var storage = sockaddr_storage()
        let length: socklen_t
        if family == AF_INET {
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = in_port_t(port).bigEndian
                _ = inet_pton(AF_INET, host, &sin.pointee.sin_addr)
            }
        } else {
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                sin6.pointee.sin6_port = in_port_t(port).bigEndian
                _ = inet_pton(AF_INET6, host, &sin6.pointee.sin6_addr)
            }
        }
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else {
            let reason = Self.lastError()
            close(fd)
            throw Failure(description: "bind \(host):\(port) (UDP): \(reason)")
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) } }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: withUnsafeBytes(of: &actual) { raw in
            family == AF_INET ? raw.load(as: sockaddr_in.self).sin_port : raw.load(as: sockaddr_in6.self).sin6_port
        }))
    }

    deinit { close(fd) }

    static func lastError() -> String {
        guard let text = strerror(errno) else { return "errno \(errno)" }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: strlen(text)), as: UTF8.self)
    }
}

extension NetworkAddress {
    /// Reads the peer address out of a `sockaddr_storage` filled in by the kernel.
    @inline(__always)
    init?(sockaddr raw: UnsafeRawPointer) {
        switch Int32(raw.load(as: sa_family_t.self)) {
        case AF_INET:
            let s = UInt32(bigEndian: raw.load(as: sockaddr_in.self).sin_addr.s_addr)
            self.init(family: .ipv4, high: UInt64(s) << 32, low: 0)
        case AF_INET6:
            let a = raw.load(as: sockaddr_in6.self).sin6_addr
            self = withUnsafeBytes(of: a) { NetworkAddress(ipv6: $0) }
        default:
            return nil
        }
    }
}
