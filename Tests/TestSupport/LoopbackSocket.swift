import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking loopback socket with timeouts, the plainest possible client.
public final class LoopbackSocket {
    public let fd: Int32

    /// `source`: the loopback address to connect from (127.0.0.0/8 all reaches the server).
    /// `receiveBuffer`: SO_RCVBUF in bytes, set before connecting, for a client that takes data
    /// slowly (the server's writes then stay in flight).
    public init(tcpPort port: Int, from source: String = "127.0.0.1", receiveBuffer: Int? = nil) throws {
        fd = try Self.connect(type: Int32(SOCK_STREAM.rawValue), port: port, from: source, receiveBuffer: receiveBuffer)
    }
    public init(udpPort port: Int) throws { fd = try Self.connect(type: Int32(SOCK_DGRAM.rawValue), port: port) }
    deinit { close(fd) }

    static func connect(type: Int32, port: Int, from source: String = "127.0.0.1", receiveBuffer: Int? = nil) throws -> Int32 {
        let fd = socket(AF_INET, type, 0)
        if var size = receiveBuffer.map(Int32.init) { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { close(fd); throw SocketError(message: "bind to \(source) failed: \(errno)") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw SocketError(message: "connect failed: \(errno)") }
        return fd
    }

    public func send(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard n == bytes.count else { throw SocketError(message: "send failed: \(errno)") }
    }

    /// One read (a datagram, or what a stream has); empty on EOF.
    public func receive(timeout: TimeInterval = 5) throws -> [UInt8] {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { throw SocketError(message: "timeout") }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw SocketError(message: "recv failed: \(errno)") }
        return Array(buffer.prefix(n))
    }

    public func receive(exactly count: Int, timeout: TimeInterval = 5) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { throw SocketError(message: "timeout") }
            var buffer = [UInt8](repeating: 0, count: count - out.count)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw SocketError(message: "EOF after \(out.count) bytes") }
            out += buffer.prefix(n)
        }
        return out
    }
}

public struct SocketError: Error { public var message: String }
