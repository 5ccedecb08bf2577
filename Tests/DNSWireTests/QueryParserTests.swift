import TestSupport
import Testing
@testable import DNSWire

/// Offsets in the packets below: header 0..<12, question name `www.example.com.` 12..<29,
/// QTYPE 29..<31, QCLASS 31..<33, first record at 33. An OPT record there has its RDATA at 44,
/// so the first EDNS option body starts at 48 and an ECS address at 52.
@Suite("QueryParser")
struct QueryParserTests {
    // MARK: Golden packets

    @Test func goldenQuery() throws {
        let packet: [UInt8] = [
            0xAB, 0xCD,             // ID
            0x01, 0x20,             // RD, AD
            0x00, 0x01,             // QDCOUNT
            0x00, 0x00,             // ANCOUNT
            0x00, 0x00,             // NSCOUNT
            0x00, 0x00,             // ARCOUNT
            0x03, 0x77, 0x77, 0x77, // "www"
            0x07, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, // "example"
            0x03, 0x63, 0x6F, 0x6D, // "com"
            0x00,                   // root
            0x00, 0x1C,             // QTYPE AAAA
            0x00, 0x01,             // QCLASS IN
        ]
        let q = try #require(parsed(packet))
        #expect(q.header == Header(id: 0xABCD, flags: 0x0120, qdCount: 1, anCount: 0, nsCount: 0, arCount: 0))
        #expect(q.header[.rd])
        #expect(q.header[.ad])
        #expect(!q.header[.qr])
        #expect(q.header.opcode == .query)
        #expect(q.qnameLength == 17)
        #expect(q.qnameRange == 12..<29)
        #expect(Array(packet[q.qnameRange]) == wire("www.example.com."))
        #expect(q.qtype == .aaaa)
        #expect(q.qclass == .in)
        #expect(q.questionEnd == 33)
        #expect(q.edns == nil)
    }

    @Test func goldenQueryWithEDNS() throws {
        let packet: [UInt8] = [
            0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            0x07, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 0x03, 0x6F, 0x72, 0x67, 0x00, // example.org.
            0x00, 0x06, 0x00, 0x01,  // SOA IN
            0x00,                    // OPT owner: root
            0x00, 0x29,              // TYPE OPT
            0x10, 0x00,              // UDP payload 4096
            0x00, 0x00, 0x80, 0x00,  // ext RCODE 0, version 0, DO
            0x00, 0x0B,              // RDLENGTH 11
            0x00, 0x08, 0x00, 0x07,  // ECS, length 7
            0x00, 0x01, 0x18, 0x00,  // family IPv4, source /24, scope 0
            0xC6, 0x33, 0x64,        // 198.51.100
        ]
        let q = try #require(parsed(packet))
        #expect(q.header.id == 7)
        #expect(q.header.arCount == 1)
        #expect(q.qnameLength == 13)
        #expect(q.qtype == .soa)
        #expect(q.questionEnd == 29)
        let ecs = ClientSubnet(family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, addressHigh: 0xC633_6400_0000_0000, addressLow: 0)
        #expect(q.edns == EDNS(udpPayloadSize: 4096, version: 0, dnssecOK: true, nsidRequested: false, clientSubnet: ecs))
        #expect(q.edns?.clientSubnet?.description == "198.51.100.0/24/0")
    }

    @Test func mixedCaseQNameIsKeptAsSent() throws {
        let p = Bytes()
        p.header()
        p.name("wWw.ExAmPlE.cOm")
        p.u16(1); p.u16(1)
        let q = try #require(parsed(p.b))
        #expect(Array(p.b[q.qnameRange]) == [3, 0x77, 0x57, 0x77, 7, 0x45, 0x78, 0x41, 0x6D, 0x50, 0x6C, 0x45, 3, 0x63, 0x4F, 0x6D, 0])
        #expect(q.qnameLength == 17)
    }

    @Test func rootQuestion() throws {
        let p = Bytes()
        p.header()
        p.u8(0)
        p.u16(2); p.u16(1)
        let q = try #require(parsed(p.b))
        #expect(q.qnameLength == 1)
        #expect(q.qnameRange == 12..<13)
        #expect(q.qtype == .ns)
        #expect(q.questionEnd == 17)
    }

    @Test func anyTypeAndClassValuesPassThrough() throws {
        let p = Bytes()
        p.header(flags: 0x2000) // OPCODE 4 (NOTIFY): the parser does not judge opcodes
        p.name("a")
        p.u16(0xFFFF); p.u16(3)
        let q = try #require(parsed(p.b))
        #expect(q.qtype == RRType(0xFFFF))
        #expect(q.qclass == .chaos)
        #expect(q.header.opcode == .notify)
    }

    @Test func longestLegalQuestionName() throws {
        let p = Bytes()
        p.header()
        for _ in 0..<3 { p.label(String(repeating: "a", count: 63)) }
        p.label(String(repeating: "b", count: 61))
        p.u8(0)
        p.u16(1); p.u16(1)
        let q = try #require(parsed(p.b))
        #expect(q.qnameLength == 255)
        #expect(q.questionEnd == 12 + 255 + 4)
    }

    @Test func recordsInOtherSectionsAreWalked() throws {
        // A NOTIFY-style query with an SOA in the answer section, an NS in authority,
        // then OPT and one more additional record after it; all owners compressed.
        let p = baseQuery(an: 1, ns: 1, ar: 2)
        p.u8(0xC0, 0x0C).rr(type: 6, rdata: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        p.label("ns").u8(0xC0, 0x10).rr(type: 2, rdata: [0xC0, 67]) // ns.example.com. NS ns.example.com.
        p.opt(udp: 1400)
        p.u8(0xC0, 0x0C).rr(type: 250, class: 255, ttl: 0, rdata: [1, 2, 3])
        let q = try #require(parsed(p.b))
        #expect(q.edns == EDNS(udpPayloadSize: 1400))
        #expect(q.questionEnd == 33)
    }

    @Test func compressedOwnerInAdditionalPointingIntoQuestion() throws {
        let p = baseQuery(ar: 1)
        p.label("x").u8(0xC0, 0x10).rr(type: 1, rdata: [1, 2, 3, 4]) // x.example.com
        #expect(parsed(p.b) != nil)
    }

    // MARK: EDNS

    @Test func ednsVersionDOAndPayloadSize() throws {
        let q = try #require(parsed(queryWithOPT([], udp: 4096, version: 0, doBit: true)))
        #expect(q.edns == EDNS(udpPayloadSize: 4096, version: 0, dnssecOK: true, nsidRequested: false, clientSubnet: nil))

        let v1 = try #require(parsed(queryWithOPT([], udp: 1232, version: 1, doBit: false)))
        #expect(v1.edns == EDNS(udpPayloadSize: 1232, version: 1, dnssecOK: false))

        let v255 = try #require(parsed(queryWithOPT([], udp: 65535, version: 255)))
        #expect(v255.edns?.version == 255)
        #expect(v255.edns?.udpPayloadSize == 65535)
    }

    @Test(arguments: [(UInt16(0), UInt16(512)), (1, 512), (100, 512), (511, 512), (512, 512), (513, 513), (1232, 1232)])
    func smallPayloadSizesAreRaisedTo512(sent: UInt16, expected: UInt16) throws {
        let q = try #require(parsed(queryWithOPT([], udp: sent)))
        #expect(q.edns?.udpPayloadSize == expected)
    }

    @Test func onlyTheDOBitCountsInTheFlags() throws {
        // Extended RCODE byte and the other Z bits set, DO clear.
        let p = baseQuery(ar: 1)
        p.u8(0).rr(type: 41, class: 1232, ttl: 0xFF00_7FFF, rdata: [])
        let q = try #require(parsed(p.b))
        #expect(q.edns == EDNS(udpPayloadSize: 1232, version: 0, dnssecOK: false))

        let p2 = baseQuery(ar: 1)
        p2.u8(0).rr(type: 41, class: 1232, ttl: 0x0002_8000, rdata: [])
        let q2 = try #require(parsed(p2.b))
        #expect(q2.edns == EDNS(udpPayloadSize: 1232, version: 2, dnssecOK: true))
    }

    @Test func nsidRequested() throws {
        let q = try #require(parsed(queryWithOPT(ednsOption(3, []))))
        #expect(q.edns == EDNS(udpPayloadSize: 1232, nsidRequested: true))
        let none = try #require(parsed(queryWithOPT([])))
        #expect(none.edns?.nsidRequested == false)
    }

    @Test func ecsIPv4Slash24() throws {
        let q = try #require(parsed(queryWithOPT(ecsOption(family: 1, source: 24, address: [192, 0, 2]))))
        let ecs = try #require(q.edns?.clientSubnet)
        #expect(ecs == ClientSubnet(family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, addressHigh: 0xC000_0200_0000_0000, addressLow: 0))
        #expect(ecs.maxPrefixLength == 32)
        #expect((0..<4).map { ecs.addressByte($0) } == [192, 0, 2, 0])
        #expect(ecs.description == "192.0.2.0/24/0")
        #expect(q.edns?.nsidRequested == false)
    }

    @Test func ecsIPv6Slash56() throws {
        let q = try #require(parsed(queryWithOPT(ecsOption(family: 2, source: 56, address: [0x20, 0x01, 0x0D, 0xB8, 0xAB, 0xCD, 0x12]))))
        let ecs = try #require(q.edns?.clientSubnet)
        #expect(ecs == ClientSubnet(family: 2, sourcePrefixLength: 56, scopePrefixLength: 0, addressHigh: 0x2001_0DB8_ABCD_1200, addressLow: 0))
        #expect(ecs.maxPrefixLength == 128)
        #expect(ecs.description == "2001:db8:abcd:1200:0:0:0:0/56/0")
    }

    @Test func ecsIPv6Slash128UsesBothHalves() throws {
        let addr: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
        let q = try #require(parsed(queryWithOPT(ecsOption(family: 2, source: 128, address: addr))))
        let ecs = try #require(q.edns?.clientSubnet)
        #expect(ecs.addressHigh == 0x2001_0DB8_0000_0001)
        #expect(ecs.addressLow == 0x1122_3344_5566_7788)
        #expect((0..<16).map { ecs.addressByte($0) } == addr)
    }

    @Test func ecsEdgePrefixes() throws {
        // /0: no address bytes.
        let zero = try #require(parsed(queryWithOPT(ecsOption(family: 1, source: 0, address: []))))
        #expect(zero.edns?.clientSubnet == ClientSubnet(family: 1, sourcePrefixLength: 0, scopePrefixLength: 0, addressHigh: 0, addressLow: 0))
        // /32.
        let full = try #require(parsed(queryWithOPT(ecsOption(family: 1, source: 32, address: [10, 1, 2, 3]))))
        #expect(full.edns?.clientSubnet?.addressHigh == 0x0A01_0203_0000_0000)
        // /20 with the last byte's low nibble clear.
        let twenty = try #require(parsed(queryWithOPT(ecsOption(family: 1, source: 20, address: [192, 0, 0x20]))))
        #expect(twenty.edns?.clientSubnet?.addressHigh == 0xC000_2000_0000_0000)
        #expect(twenty.edns?.clientSubnet?.description == "192.0.32.0/20/0")
        // /1 with the top bit set.
        let one = try #require(parsed(queryWithOPT(ecsOption(family: 2, source: 1, address: [0x80]))))
        #expect(one.edns?.clientSubnet?.addressHigh == 0x8000_0000_0000_0000)
    }

    @Test func unknownOptionsAreIgnored() throws {
        let rdata = ednsOption(10, [1, 2, 3, 4, 5, 6, 7, 8])   // COOKIE
            + ednsOption(0xFDE9, [0xFF])                       // private use
            + ednsOption(12, [])                               // padding, empty
        let q = try #require(parsed(queryWithOPT(rdata)))
        #expect(q.edns == EDNS(udpPayloadSize: 1232))
    }

    @Test func knownOptionsAmongUnknownOnes() throws {
        let rdata = ednsOption(10, [1, 2, 3, 4, 5, 6, 7, 8])
            + ecsOption(family: 1, source: 16, address: [172, 16])
            + ednsOption(0xFDE9, [0x00, 0x08])
            + ednsOption(3, [])
        let q = try #require(parsed(queryWithOPT(rdata, doBit: true)))
        let ecs = ClientSubnet(family: 1, sourcePrefixLength: 16, scopePrefixLength: 0, addressHigh: 0xAC10_0000_0000_0000, addressLow: 0)
        #expect(q.edns == EDNS(udpPayloadSize: 1232, version: 0, dnssecOK: true, nsidRequested: true, clientSubnet: ecs))
    }

    // MARK: Dropped, not answered

    @Test(arguments: [0, 1, 11])
    func shorterThanAHeaderIsTooShort(length: Int) throws {
        let e = try #require(parseError([UInt8](repeating: 0, count: length)))
        #expect(e.code == .tooShort)
        #expect(e.offset == 0)
    }

    @Test func twelveBytesIsNotTooShort() throws {
        let p = Bytes()
        p.header(qd: 0)
        let e = try #require(parseError(p.b))
        #expect(e.code == .malformed)
    }

    @Test func responsesAreNotQueries() throws {
        var p = baseQuery(flags: 0x8100)
        let e = try #require(parseError(p.b))
        #expect(e.code == .notAQuery)
        #expect(e.offset == 2)
        // QR wins over every other problem, even a bad count.
        p = Bytes()
        p.header(flags: 0x8000, qd: 0)
        #expect(parseError(p.b)?.code == .notAQuery)
        #expect(p.count == 12)
    }

    // MARK: Malformed → FORMERR

    static let malformed = MalformedPackets.all

    @Test(arguments: malformed)
    func malformedIsFormErr(_ c: MalformedPacket) throws {
        let e = try #require(parseError(c.bytes), "parsed: \(c.name)")
        #expect(e.code == .malformed, "\(c.name): \(e)")
        #expect(e.offset == c.offset, "\(c.name): \(e)")
        #expect(!e.reason.isEmpty)
    }

    // Reasons keep their numbers (they are stored as parts, not built as strings, when parsing).
    @Test func reasonsNameTheNumbers() throws {
        let qd = try #require(parseError(baseQuery(qd: 2).b))
        #expect(qd.reason == "QDCOUNT is 2, not 1")
        #expect(qd.description == "QDCOUNT is 2, not 1 at offset 4")
        let ecs = try #require(parseError(queryWithOPT(ecsOption(family: 1, source: 24, address: [192, 0]))))
        #expect(ecs.reason == "Client Subnet address is 2 bytes, prefix needs 3")
        let label = try #require(parseError(baseQuery(an: 1).u8(0x80, 0).b))
        #expect(label.reason == "unsupported label type 0x80")
        let trailing = try #require(parseError(baseQuery().u8(0, 0).b))
        #expect(trailing.reason == "2 bytes after the last record")
        #expect(trailing == WireError(.malformed, "\(2) bytes after the last record", at: 33))
        #expect(trailing != WireError(.malformed, "\(3) bytes after the last record", at: 33))
    }

    // Controls: the same packets with the one defect removed do parse, so the table above
    // fails for the reason it names.
    @Test func controlsParse() throws {
        var p = baseQuery(ar: 1)
        p.u8(0xC0, 12).rr(type: 2, rdata: [1, 0x61, 0])        // backward pointer
        #expect(parsed(p.b) != nil)

        p = baseQuery(ar: 1)
        p.u8(1, 0x61, 0xC0, 12).rr(type: 1, rdata: [1, 2, 3, 4]) // label then backward pointer
        #expect(parsed(p.b) != nil)

        p = baseQuery(ar: 2)
        p.u8(0).rr(type: 0xFF00, rdata: [0xC0, 12])
        p.u8(0xC0, 44).rr(type: 1, rdata: [1, 2, 3, 4])          // chain 46 → 44 → 12
        #expect(parsed(p.b) != nil)

        // 238 bytes of labels + 16 + root = 255: accepted.
        p = baseQuery(ar: 1)
        for _ in 0..<3 { p.label(String(repeating: "x", count: 60)) }
        p.label(String(repeating: "y", count: 54))
        p.u8(0xC0, 0x0C).rr(type: 1, rdata: [1, 2, 3, 4])
        #expect(parsed(p.b) != nil)

        p = baseQuery(ar: 2)
        p.opt(rdata: [0x00, 0x0A, 0x00, 0x02, 1, 2])
        p.u8(0).rr(type: 0xFF00, rdata: [1, 2, 3, 4, 5, 6])
        #expect(parsed(p.b) != nil)

        #expect(parsed(queryWithOPT(ecsOption(family: 1, source: 24, address: [192, 0, 2]) + ednsOption(3, []))) != nil)
        #expect(parsed(queryWithOPT(ecsOption(family: 1, source: 23, address: [192, 0, 2]))) != nil)
        #expect(parsed(queryWithOPT(ecsOption(family: 1, source: 32, address: [1, 2, 3, 4]))) != nil)
        #expect(parsed(queryWithOPT(ecsOption(family: 2, source: 57, address: [0x20, 1, 0xD, 0xB8, 0, 0, 0, 0x80]))) != nil)
    }

    // MARK: Header

    @Test func headerAccessors() {
        var h = Header(id: 1)
        h[.qr] = true
        h[.aa] = true
        h.opcode = .update
        h.rcodeLow = ResponseCode.nxDomain.rawValue
        #expect(h.flags == 0x8000 | 0x2800 | 0x0400 | 0x0003)
        h.rcodeLow = ResponseCode.badVers.rawValue // only the low four bits fit
        #expect(h.rcodeLow == 0)
        h[.aa] = false
        h.opcode = .query
        #expect(h.flags == 0x8000)
        // RCODE is only the low four bits: CD (0x0010) next to it is not part of it.
        h[.cd] = true
        h.rcodeLow = 3
        #expect(h.flags == 0x8013)
        #expect(h.rcodeLow == 3)
        #expect(h[.cd])
        #expect(!h[.tc] && !h[.ra] && !h[.ad] && !h[.rd])
    }

    @Test func headerWireRoundTrip() {
        let h = Header(id: 0x0102, flags: 0x0304, qdCount: 0x0506, anCount: 0x0708, nsCount: 0x090A, arCount: 0x0B0C)
        var bytes = [UInt8](repeating: 0xEE, count: 13)
        bytes.withUnsafeMutableBytes { h.write(to: $0) }
        #expect(bytes == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xEE])
        #expect(bytes.withUnsafeBytes { Header($0) } == h)
        #expect([UInt8](repeating: 0, count: 11).withUnsafeBytes { Header($0) } == nil)
    }
}
