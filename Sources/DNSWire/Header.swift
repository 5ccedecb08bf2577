/// The fixed 12-byte message header (RFC 1035 §4.1.1).
public struct Header: Hashable, Sendable {
    public static let size = 12

    public var id: UInt16
    /// The 16 flag bits as on the wire: QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE.
    public var flags: UInt16
    public var qdCount: UInt16
    public var anCount: UInt16
    public var nsCount: UInt16
    public var arCount: UInt16

    public init(id: UInt16 = 0, flags: UInt16 = 0, qdCount: UInt16 = 0, anCount: UInt16 = 0, nsCount: UInt16 = 0, arCount: UInt16 = 0) {
        self.id = id
        self.flags = flags
        self.qdCount = qdCount
        self.anCount = anCount
        self.nsCount = nsCount
        self.arCount = arCount
    }

    public enum Flag: UInt16, Sendable {
        case qr = 0x8000
        case aa = 0x0400
        case tc = 0x0200
        case rd = 0x0100
        case ra = 0x0080
        case ad = 0x0020
        case cd = 0x0010
    }

    public subscript(flag: Flag) -> Bool {
        get { flags & flag.rawValue != 0 }
        set { flags = newValue ? flags | flag.rawValue : flags & ~flag.rawValue }
    }

    public var opcode: Opcode {
        get { Opcode(UInt8((flags >> 11) & 0xF)) }
        set { flags = (flags & ~0x7800) | (UInt16(newValue.rawValue & 0xF) << 11) }
    }

    /// The low four bits of the RCODE; the upper eight live in the OPT record (RFC 6891 §6.1.3).
    public var rcodeLow: UInt16 {
        get { flags & 0xF }
        set { flags = (flags & ~0xF) | (newValue & 0xF) }
    }

    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size else { return nil }
        id = bytes.loadUInt16(at: 0)
        flags = bytes.loadUInt16(at: 2)
        qdCount = bytes.loadUInt16(at: 4)
        anCount = bytes.loadUInt16(at: 6)
        nsCount = bytes.loadUInt16(at: 8)
        arCount = bytes.loadUInt16(at: 10)
    }

    public func write(to bytes: UnsafeMutableRawBufferPointer) {
        bytes.storeUInt16(id, at: 0)
        bytes.storeUInt16(flags, at: 2)
        bytes.storeUInt16(qdCount, at: 4)
        bytes.storeUInt16(anCount, at: 6)
        bytes.storeUInt16(nsCount, at: 8)
        bytes.storeUInt16(arCount, at: 10)
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    public func loadUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    @inline(__always)
    public func loadUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always)
    public func storeUInt16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always)
    public func storeUInt32(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}
