import NIOCore

/// What a drill needs from a response: its ID, RCODE, the A/AAAA addresses of the answer
/// section and their smallest TTL. Bounds-checked throughout; a malformed response is nil.
struct ProbeResponse: Equatable {
    var id: UInt16
    var rcode: Int
    var addresses: [String]
    var ttl: UInt32

    init?(_ bytes: [UInt8]) {
        var reader = Reader(bytes: bytes)
        guard let id = reader.u16(), let flags = reader.u16(), let qd = reader.u16(), let an = reader.u16(), reader.skip(4) else { return nil }
        guard flags & 0x8000 != 0 else { return nil }  // not a response
        self.id = id
        rcode = Int(flags & 0x000F)
        addresses = []
        ttl = .max
        for _ in 0..<qd {
            guard reader.skipName(), reader.skip(4) else { return nil }
        }
        for _ in 0..<an {
            guard reader.skipName(), let type = reader.u16(), reader.skip(2), let ttl = reader.u32(), let length = reader.u16(),
                  let rdata = reader.take(Int(length))
            else { return nil }
            guard (type == 1 && length == 4) || (type == 28 && length == 16) else { continue }
            guard let text = try? SocketAddress(packedIPAddress: ByteBuffer(bytes: rdata), port: 0).ipAddress else { return nil }
            addresses.append(text)
            self.ttl = min(self.ttl, ttl)
        }
        if addresses.isEmpty { ttl = 0 }
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, at + count <= bytes.count else { return nil }
            defer { at += count }
            return bytes[at..<(at + count)]
        }

        mutating func skip(_ count: Int) -> Bool { take(count) != nil }

        mutating func u16() -> UInt16? { take(2).map { UInt16($0[$0.startIndex]) << 8 | UInt16($0[$0.startIndex + 1]) } }

        mutating func u32() -> UInt32? {
            guard let high = u16(), let low = u16() else { return nil }
            return UInt32(high) << 16 | UInt32(low)
        }

        /// A name ends at a zero byte or at a compression pointer; its target is not needed.
        mutating func skipName() -> Bool {
            while let length = take(1)?.first {
                if length == 0 { return true }
                if length & 0xC0 == 0xC0 { return skip(1) }
                guard length & 0xC0 == 0, skip(Int(length)) else { return false }
            }
            return false
        }
    }
}
