public struct MalformedPacket: Sendable, CustomStringConvertible {
    public var name: String
    public var bytes: [UInt8]
    /// Where the parser must report the defect.
    public var offset: Int
    public var description: String { name }
}

public enum MalformedPackets {
    /// One query per defect (RFC 1035 §4.1, RFC 6891 §6.1.1, RFC 7871 §6), each otherwise valid.
    public static let all: [MalformedPacket] = {
        var cases: [MalformedPacket] = []
        func add(_ name: String, _ offset: Int, _ build: (inout Bytes) -> Void) {
            var p = Bytes()
            build(&p)
            cases.append(MalformedPacket(name: name, bytes: p.b, offset: offset))
        }

        // Counts and question.
        add("QDCOUNT 0", 4) { $0 = Bytes(); $0.header(qd: 0) }
        add("QDCOUNT 0 with a question", 4) { $0 = baseQuery(qd: 0) }
        add("QDCOUNT 2", 4) { $0 = baseQuery(qd: 2); $0.name("www.example.org"); $0.u16(1); $0.u16(1) }
        add("question missing", 12) { $0.header() }
        add("question truncated in QTYPE/QCLASS", 29) { $0 = baseQuery(); $0.b.removeLast(2) }
        add("question without QTYPE/QCLASS", 29) { $0 = baseQuery(); $0.b.removeLast(4) }
        add("question name cut inside a label", 16) { $0.header(); $0.u8(3, 0x77, 0x77) }
        add("question name without terminator", 28) { $0.header(); $0.label("www").label("example").label("com") }
        add("label length 64", 12) { $0.header(); $0.label(String(repeating: "a", count: 64)); $0.u8(0); $0.u16(1); $0.u16(1) }
        add("label type 0x40", 12) { $0.header(); $0.u8(0x41, 0x61, 0); $0.u16(1); $0.u16(1) }
        add("label type 0x80 in second label", 14) { $0.header(); $0.u8(1, 0x61, 0x81, 0x61, 0); $0.u16(1); $0.u16(1) }
        add("question name of 256 bytes", 267) {
            $0.header()
            for _ in 0..<3 { $0.label(String(repeating: "a", count: 63)) }
            $0.label(String(repeating: "b", count: 62)); $0.u8(0); $0.u16(1); $0.u16(1)
        }
        add("compression pointer as question name", 12) { $0.header(); $0.u8(0xC0, 0x0C); $0.u16(1); $0.u16(1) }
        add("compression pointer inside question name", 16) { $0.header(); $0.label("www"); $0.u8(0xC0, 0x0C); $0.u16(1); $0.u16(1) }

        // Names in the other sections.
        add("forward pointer", 33) { $0 = baseQuery(ar: 1); $0.u8(0xC0, 45).rr(type: 2, rdata: [1, 0x61, 0]) }
        add("self pointer", 33) { $0 = baseQuery(ar: 1); $0.u8(0xC0, 33).rr(type: 1, rdata: [1, 2, 3, 4]) }
        add("pointer to the start of its own name (loop)", 35) { $0 = baseQuery(ar: 1); $0.u8(1, 0x61, 0xC0, 33).rr(type: 1, rdata: [1, 2, 3, 4]) }
        add("two-pointer loop", 44) {
            $0 = baseQuery(ar: 2)
            $0.u8(0).rr(type: 0xFF00, rdata: [0xC0, 46])   // RDATA at 44 points forward to the next owner
            $0.u8(0xC0, 44).rr(type: 1, rdata: [1, 2, 3, 4]) // owner at 46 points back to 44
        }
        add("pointer out of range", 33) { $0 = baseQuery(ar: 1); $0.u8(0xFF, 0xFF).rr(type: 1, rdata: [1, 2, 3, 4]) }
        add("pointer just past the end", 33) { $0 = baseQuery(ar: 1); $0.u8(0xC0, 48).rr(type: 1, rdata: []) }
        add("pointer into the header", 33) { $0 = baseQuery(ar: 1); $0.u8(0xC0, 0x05).rr(type: 1, rdata: [1, 2, 3, 4]) }
        add("pointer truncated", 33) { $0 = baseQuery(ar: 1); $0.u8(0xC0) }
        add("label type 0x40 in additional", 33) { $0 = baseQuery(ar: 1); $0.u8(0x41, 0x61, 0).rr(type: 1, rdata: [1, 2, 3, 4]) }
        add("label type 0x80 in answer", 33) { $0 = baseQuery(an: 1); $0.u8(0x80, 0).rr(type: 1, rdata: [1, 2, 3, 4]) }
        add("label length 64 in authority", 33) { $0 = baseQuery(ns: 1); $0.label(String(repeating: "a", count: 64)).u8(0).rr(type: 1, rdata: [1, 2, 3, 4]) }
        add("compressed name of 256 bytes", 24) {
            // 239 bytes of labels + pointer to www.example.com. (16 more bytes + root) = 256.
            $0 = baseQuery(ar: 1)
            for _ in 0..<3 { $0.label(String(repeating: "x", count: 60)) }
            $0.label(String(repeating: "y", count: 55))
            $0.u8(0xC0, 0x0C).rr(type: 1, rdata: [1, 2, 3, 4])
        }
        add("uncompressed name of 256 bytes in answer", 225) {
            $0 = baseQuery(an: 1)
            for _ in 0..<3 { $0.label(String(repeating: "a", count: 63)) }
            $0.label(String(repeating: "b", count: 62)).u8(0).rr(type: 1, rdata: [1, 2, 3, 4])
        }
        add("owner name runs past the end", 37) { $0 = baseQuery(ar: 1); $0.u8(3, 0x61, 0x62, 0x63) }

        // Counts and lengths.
        add("ANCOUNT beyond data", 33) { $0 = baseQuery(an: 1) }
        add("NSCOUNT beyond data", 33) { $0 = baseQuery(ns: 1) }
        add("ARCOUNT beyond data", 33) { $0 = baseQuery(ar: 1) }
        add("ARCOUNT 2 with one OPT", 44) { $0 = baseQuery(ar: 2); $0.opt() }
        add("record header truncated", 34) { $0 = baseQuery(ar: 1); $0.u8(0, 0, 1, 0, 1, 0) }
        add("RDATA runs past the end", 44) { $0 = baseQuery(ar: 1); $0.u8(0).u16(1).u16(1).u32(0).u16(10).u8(1, 2, 3, 4) }
        add("OPT RDATA runs past the end", 44) { $0 = baseQuery(ar: 1); $0.u8(0).u16(41).u16(1232).u32(0).u16(4).u8(0, 3) }
        add("trailing byte", 33) { $0 = baseQuery(); $0.u8(0) }
        add("trailing bytes after OPT", 44) { $0 = baseQuery(ar: 1); $0.opt(); $0.u8(0, 0, 0) }

        // OPT placement.
        add("OPT in answer section", 33) { $0 = baseQuery(an: 1); $0.opt() }
        add("OPT in authority section", 33) { $0 = baseQuery(ns: 1); $0.opt() }
        add("two OPT records", 44) { $0 = baseQuery(ar: 2); $0.opt(); $0.opt() }
        add("OPT owner not root", 33) { $0 = baseQuery(ar: 1); $0.name("a"); $0.rr(type: 41, class: 1232, ttl: 0, rdata: []) }
        add("OPT owner compressed", 33) { $0 = baseQuery(ar: 1); $0.u8(0xC0, 0x0C); $0.rr(type: 41, class: 1232, ttl: 0, rdata: []) }

        // EDNS options.
        add("EDNS option runs past the OPT RDATA", 44) {
            // The option claims 8 bytes, the OPT RDATA has 2 after its header; the packet has more.
            $0 = baseQuery(ar: 2)
            $0.opt(rdata: [0x00, 0x0A, 0x00, 0x08, 1, 2])
            $0.u8(0).rr(type: 0xFF00, rdata: [1, 2, 3, 4, 5, 6])
        }
        add("NSID option runs past the OPT RDATA", 44) { $0 = baseQuery(ar: 1); $0.opt(rdata: [0x00, 0x03, 0x00, 0x01]) }
        add("EDNS option header truncated", 44) { $0 = baseQuery(ar: 1); $0.opt(rdata: [0x00, 0x03, 0x00]) }
        add("second option header truncated", 48) { $0 = baseQuery(ar: 1); $0.opt(rdata: ednsOption(3, []) + [0x00]) }

        // Client Subnet (RFC 7871 §6, §7.1.1).
        add("ECS shorter than 4 bytes", 48) { $0 = baseQuery(ar: 1); $0.opt(rdata: ednsOption(8, [0, 1, 24])) }
        add("ECS family 0", 48) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 0, source: 0, address: [])) }
        add("ECS family 3", 48) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 3, source: 24, address: [1, 2, 3])) }
        add("ECS IPv4 source /33", 50) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 33, address: [1, 2, 3, 4, 0])) }
        add("ECS IPv6 source /129", 50) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 2, source: 129, address: [UInt8](repeating: 0, count: 17))) }
        add("ECS scope not 0", 51) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 24, scope: 24, address: [192, 0, 2])) }
        add("ECS /24 with 4 address bytes", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 24, address: [192, 0, 2, 0])) }
        add("ECS /24 with 2 address bytes", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 24, address: [192, 0])) }
        add("ECS /0 with 1 address byte", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 0, address: [0])) }
        add("ECS IPv6 /56 with 8 address bytes", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 2, source: 56, address: [0x20, 1, 0xD, 0xB8, 0, 0, 0, 0])) }
        add("ECS /23 with bit 24 set", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 23, address: [192, 0, 3])) }
        add("ECS /20 with bit 24 set", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 20, address: [192, 0, 0x21])) }
        add("ECS /1 with bit 2 set", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 1, source: 1, address: [0xC0])) }
        add("ECS IPv6 /57 with bit 58 set", 52) { $0 = baseQuery(ar: 1); $0.opt(rdata: ecsOption(family: 2, source: 57, address: [0x20, 1, 0xD, 0xB8, 0, 0, 0, 0x40])) }
        add("two ECS options", 55) {
            $0 = baseQuery(ar: 1)
            $0.opt(rdata: ecsOption(family: 1, source: 24, address: [192, 0, 2]) + ecsOption(family: 1, source: 24, address: [192, 0, 2]))
        }
        return cases
    }()
}
