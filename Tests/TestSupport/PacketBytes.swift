/// Hand-made DNS packets for tests: a byte builder, and the malformed queries every layer that
/// reads queries must refuse (parser tests, the live server over UDP and TCP).

import DNSWire

/// A tiny big-endian byte builder for hand-made packets. Everything is appended verbatim:
/// no validation, so malformed packets are as easy to build as good ones. A class so that
/// calls chain (`p.u8(0).rr(...)`).
public final class Bytes {
    public var b: [UInt8] = []

    public init() {}

    public var count: Int { b.count }

    @discardableResult
    public func u8(_ v: UInt8...) -> Bytes { b.append(contentsOf: v); return self }
    @discardableResult
    public func u16(_ v: UInt16) -> Bytes { b.append(UInt8(v >> 8)); b.append(UInt8(v & 0xFF)); return self }
    @discardableResult
    public func u32(_ v: UInt32) -> Bytes {
        b.append(UInt8(v >> 24)); b.append(UInt8((v >> 16) & 0xFF)); b.append(UInt8((v >> 8) & 0xFF)); b.append(UInt8(v & 0xFF))
        return self
    }
    @discardableResult
    public func bytes(_ v: [UInt8]) -> Bytes { b.append(contentsOf: v); return self }
    /// One length-prefixed label.
    @discardableResult
    public func label(_ s: String) -> Bytes { b.append(UInt8(s.utf8.count)); b.append(contentsOf: s.utf8); return self }
    /// Uncompressed name from dotted text ("www.example.com"), root-terminated.
    @discardableResult
    public func name(_ s: String) -> Bytes {
        for l in s.split(separator: ".") { label(String(l)) }
        b.append(0)
        return self
    }
    @discardableResult
    public func header(id: UInt16 = 0xBEEF, flags: UInt16 = 0x0100, qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> Bytes {
        u16(id); u16(flags); u16(qd); u16(an); u16(ns); return u16(ar)
    }
    /// Fixed part of a resource record after the owner name.
    @discardableResult
    public func rr(type: UInt16, class c: UInt16 = 1, ttl: UInt32 = 3600, rdata: [UInt8]) -> Bytes {
        u16(type); u16(c); u32(ttl); u16(UInt16(rdata.count)); return bytes(rdata)
    }
    /// A complete OPT record (owner root).
    @discardableResult
    public func opt(udp: UInt16 = 1232, extRcode: UInt8 = 0, version: UInt8 = 0, doBit: Bool = false, rdata: [UInt8] = []) -> Bytes {
        u8(0)
        return rr(type: 41, class: udp, ttl: UInt32(extRcode) << 24 | UInt32(version) << 16 | (doBit ? 0x8000 : 0), rdata: rdata)
    }
}

/// One EDNS option: code, length, body.
public func ednsOption(_ code: UInt16, _ body: [UInt8]) -> [UInt8] {
    [UInt8(code >> 8), UInt8(code & 0xFF), UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
}

/// ECS option with explicit fields (the address bytes are taken as given).
public func ecsOption(family: UInt16, source: UInt8, scope: UInt8 = 0, address: [UInt8]) -> [UInt8] {
    ednsOption(8, [UInt8(family >> 8), UInt8(family & 0xFF), source, scope] + address)
}

/// Header + question `www.example.com. A IN` (33 bytes: qname at 12..<29, qtype at 29, qclass at 31).
public func baseQuery(qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0, flags: UInt16 = 0x0100) -> Bytes {
    let p = Bytes()
    p.header(flags: flags, qd: qd, an: an, ns: ns, ar: ar)
    p.name("www.example.com")
    p.u16(1); p.u16(1)
    return p
}

/// Base query with one OPT record in the additional section whose RDATA is `rdata`.
public func queryWithOPT(_ rdata: [UInt8], udp: UInt16 = 1232, version: UInt8 = 0, doBit: Bool = false) -> [UInt8] {
    let p = baseQuery(ar: 1)
    p.opt(udp: udp, version: version, doBit: doBit, rdata: rdata)
    return p.b
}

/// A query for `name` IN A, RD set.
public func makeQuery(_ name: String, id: UInt16, type: UInt16 = 1) -> [UInt8] {
    var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
    bytes += try! DNSName(name).wire
    bytes += [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
    return bytes
}
