import TestSupport
import Testing
@testable import DNSWire

private func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

/// `www.example.com. A IN`, ID 0xBEEF, RD. Written as a question it sits at 12..<33 with
/// `www` at 12, `example` at 16 and `com` at 24.
private let query = baseQuery().b

private func mixedCaseQuery() -> [UInt8] {
    let p = Bytes()
    p.header(id: 0x1234)
    p.name("WwW.ExAmPlE.cOm")
    p.u16(1); p.u16(1)
    return p.b
}

@Suite("ResponseWriter")
struct ResponseWriterTests {
    // MARK: Golden bytes

    @Test func goldenSmallResponse() throws {
        let (buf, length) = withWriter { w in
            w.header.id = 0xBEEF
            w.header.flags = 0x8500 // QR, AA, RD
            check(w.question(query))
            check(w.record("www.example.com.", .a, ttl: 300, rdata: [192, 0, 2, 1]))
            check(w.record("example.com.", .ns, ttl: 86400, rdata: wire("ns1.example.com."), names: RDataNames(first: 0), section: .authority))
        }
        let expected: [UInt8] = [
            0xBE, 0xEF, 0x85, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
            // question (12)
            0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 0x03, 0x63, 0x6F, 0x6D, 0x00,
            0x00, 0x01, 0x00, 0x01,
            // answer (33): www.example.com. → pointer to 12
            0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x04, 0xC0, 0x00, 0x02, 0x01,
            // authority (49): example.com. → pointer to 16; RDATA ns1 + pointer to 16
            0xC0, 0x10, 0x00, 0x02, 0x00, 0x01, 0x00, 0x01, 0x51, 0x80, 0x00, 0x06,
            0x03, 0x6E, 0x73, 0x31, 0xC0, 0x10,
        ]
        #expect(length == 67)
        #expect(Array(buf[0..<length]) == expected)
        #expect(buf[length...].allSatisfy { $0 == 0xEE })
    }

    @Test func emptyResponseIsJustTheHeader() {
        let (buf, length) = withWriter { w in
            w.header.id = 0x0102
            w.header.flags = 0x8183
        }
        #expect(length == 12)
        #expect(Array(buf[0..<12]) == [1, 2, 0x81, 0x83, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    // MARK: Round trip

    @Test func roundTrip() throws {
        let q = mixedCaseQuery()
        let soaRData = wire("ns1.example.com.") + wire("hostmaster.example.com.")
            + [0x78, 0x49, 0x1A, 0x01, 0, 0, 0x0E, 0x10, 0, 0, 0x02, 0x58, 0, 0x09, 0x3A, 0x80, 0, 0, 0x0E, 0x10]
        let (buf, length) = withWriter { w in
            w.header.id = 0x1234
            w.header[.qr] = true
            check(w.question(q))
            check(w.record("www.example.com.", .cname, rdata: wire("web.example.com."), names: RDataNames(first: 0)))
            check(w.record("web.example.com.", .a, ttl: 60, rdata: [198, 51, 100, 7]))
            check(w.record("web.example.com.", .aaaa, ttl: 60, rdata: [0x20, 1, 0xD, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]))
            check(w.record("example.com.", .soa, rdata: soaRData, names: RDataNames(first: 0, second: 17), section: .authority))
            check(w.record("example.com.", .mx, rdata: [0, 10] + wire("mail.example.net."), names: RDataNames(first: 2), section: .additional))
            check(w.record("mail.example.net.", .a, rdata: [203, 0, 113, 9], section: .additional))
        }
        let m = try decodeMessage(Array(buf[0..<length]))
        #expect(m.header == Header(id: 0x1234, flags: 0x8000, qdCount: 1, anCount: 3, nsCount: 1, arCount: 2))
        #expect(m.questions.count == 1)
        // Case as sent in the question.
        #expect(m.questions[0].name.wire == wire("WwW.ExAmPlE.cOm."))
        #expect(m.questions[0].type == 1 && m.questions[0].rrClass == 1)

        #expect(m.answers.map(\.type) == [5, 1, 28])
        #expect(m.answers.map(\.ttl) == [3600, 60, 60])
        #expect(m.answers.allSatisfy { $0.rrClass == 1 })
        // The owner is compressed against the mixed-case question, so it comes back in its case.
        #expect(m.answers[0].owner.wire == wire("WwW.ExAmPlE.cOm."))
        #expect(try m.answers[1].owner.equalsIgnoringCase(DNSName("web.example.com.")))
        #expect(m.answers[1].owner.wire == wire("web.ExAmPlE.cOm."))
        #expect(m.answers[1].rdata == [198, 51, 100, 7])
        #expect(m.answers[2].rdata.count == 16)
        #expect(m.name(at: m.answers[0].rdataOffset)?.0.description == "web.ExAmPlE.cOm.")

        let soa = m.authority[0]
        #expect(soa.type == 6)
        #expect(soa.owner.lowercased().wire == wire("example.com."))
        let mname = try #require(m.name(at: soa.rdataOffset))
        #expect(mname.0.lowercased().description == "ns1.example.com.")
        let rname = try #require(m.name(at: soa.rdataOffset + mname.1))
        #expect(rname.0.lowercased().description == "hostmaster.example.com.")
        #expect(Array(soa.rdata[(mname.1 + rname.1)...]) == Array(soaRData[(17 + 24)...]))

        let mx = m.additional[0]
        #expect(mx.type == 15)
        #expect(Array(mx.rdata[0..<2]) == [0, 10])
        #expect(m.name(at: mx.rdataOffset + 2)?.0.description == "mail.example.net.")
        #expect(m.additional[1].owner.description == "mail.example.net.")
        #expect(m.additional[1].ownerWireLength == 2)
    }

    // MARK: Compression

    @Test func secondOccurrenceIsAPointer() throws {
        let (buf, length) = withWriter { w in
            check(w.record("a.example.org.", .a, rdata: [1, 2, 3, 4]))
            #expect(w.position == 12 + 15 + 10 + 4)
            check(w.record("a.example.org.", .a, rdata: [5, 6, 7, 8]))
        }
        let bytes = Array(buf[0..<length])
        #expect(Array(bytes[12..<27]) == wire("a.example.org."))
        #expect(Array(bytes[41..<43]) == [0xC0, 12])
        #expect(length == 41 + 2 + 10 + 4)
        let m = try decodeMessage(bytes)
        #expect(m.answers.map { $0.owner.description } == ["a.example.org.", "a.example.org."])
    }

    @Test func suffixBecomesAPointer() throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.write(name: "mail.example.com."))
            check(w.write(name: "com."))
            check(w.write(name: "example.com."))
        }
        #expect(Array(buf[33..<length]) == [4, 0x6D, 0x61, 0x69, 0x6C, 0xC0, 16, 0xC0, 24, 0xC0, 16])
    }

    @Test func matchingIsCaseInsensitive() throws {
        let (buf, length) = withWriter { w in
            check(w.question(mixedCaseQuery()))
            check(w.write(name: "WWW.EXAMPLE.COM."))
            check(w.write(name: "ftp.eXample.COM."))
            check(w.write(name: "Com."))
        }
        #expect(Array(buf[33..<length]) == [0xC0, 12, 3, 0x66, 0x74, 0x70, 0xC0, 16, 0xC0, 24])
    }

    @Test func longestSuffixWins() throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))                   // www.example.com. at 12
            check(w.write(name: "a.b.example.com."))   // 33: 1a 1b → 16; b at 35
            check(w.write(name: "x.b.example.com."))   // 39: 1x → 35
            check(w.write(name: "b.example.com."))     // 43: → 35
            check(w.write(name: "x.b.example.com."))   // 45: → 39
        }
        #expect(Array(buf[33..<length]) == [
            1, 0x61, 1, 0x62, 0xC0, 16,
            1, 0x78, 0xC0, 35,
            0xC0, 35,
            0xC0, 39,
        ])
    }

    @Test func onlyWholeLabelsMatch() throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.write(name: "ample.com."))      // "ample" is not a label of example: only com matches
            check(w.write(name: "example.org."))    // different TLD: nothing matches
            check(w.write(name: "exampl.com."))
            check(w.write(name: "."))
        }
        #expect(Array(buf[33..<length]) ==
            [5] + ascii("ample") + [0xC0, 24]
            + [7] + ascii("example") + [3] + ascii("org") + [0]
            + [6] + ascii("exampl") + [0xC0, 24]
            + [0])
    }

    @Test func differentLabelCountsDoNotMatch() throws {
        // "example.com." as a two-label name must not match the three-label www.example.com.
        // at 12, only its own suffix at 16.
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.write(name: "example.com."))
            check(w.write(name: "www.example.com."))
        }
        #expect(Array(buf[33..<length]) == [0xC0, 16, 0xC0, 12])
    }

    // MARK: Names in RDATA

    @Test func nsRDataIsCompressed() throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("example.com.", .ns, rdata: wire("ns.example.com."), names: RDataNames(first: 0)))
        }
        // owner → 16; RDLENGTH 5; 2ns → 16
        #expect(Array(buf[33..<length]) == [0xC0, 16, 0, 2, 0, 1, 0, 0, 0x0E, 0x10, 0, 5, 2, 0x6E, 0x73, 0xC0, 16])
    }

    @Test func mxRDataIsCompressedAfterThePreference() throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("example.com.", .mx, rdata: [0, 10] + wire("mail.example.com."), names: RDataNames(first: 2)))
        }
        #expect(Array(buf[33..<length]) == [0xC0, 16, 0, 15, 0, 1, 0, 0, 0x0E, 0x10, 0, 9, 0, 10, 4] + ascii("mail") + [0xC0, 16])
    }

    @Test func soaBothNamesAreCompressed() throws {
        let tail: [UInt8] = [0, 0, 0, 1, 0, 0, 0x1C, 0x20, 0, 0, 0x0E, 0x10, 0, 0x12, 0x75, 0, 0, 0, 0x01, 0x2C]
        let rdata = wire("ns1.example.com.") + wire("hostmaster.example.com.") + tail
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("example.com.", .soa, rdata: rdata, names: RDataNames(first: 0, second: 17), section: .authority))
        }
        let rd: [UInt8] = [3] + ascii("ns1") + [0xC0, 16] + [10] + ascii("hostmaster") + [0xC0, 16] + tail
        #expect(rd.count == 39)
        #expect(Array(buf[33..<length]) == [0xC0, 16, 0, 6, 0, 1, 0, 0, 0x0E, 0x10, 0, 39] + rd)
        #expect(buf[6..<12] == [0, 0, 0, 1, 0, 0])
    }

    @Test func srvRDataIsNotCompressed() throws {
        // RFC 3597 §4 / RFC 2782: SRV targets are never compressed, even when the name is present.
        let rdata: [UInt8] = [0, 1, 0, 2, 0x13, 0xC4] + wire("www.example.com.")
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("_sip._tcp.example.com.", .srv, rdata: rdata, names: RDataNames(first: 6)))
            // Later names still compress against the question.
            check(w.record("x.www.example.com.", .a, rdata: [1, 2, 3, 4]))
        }
        let owner: [UInt8] = [4] + ascii("_sip") + [4] + ascii("_tcp") + [0xC0, 16]
        let srv = owner + [0, 33, 0, 1, 0, 0, 0x0E, 0x10, 0, UInt8(rdata.count)] + rdata
        #expect(Array(buf[33..<(33 + srv.count)]) == srv)
        #expect(Array(buf[(33 + srv.count)..<(33 + srv.count + 4)]) == [1, 0x78, 0xC0, 12])
        #expect(length == 33 + srv.count + 4 + 10 + 4)
        #expect(throws: Never.self) { try decodeMessage(Array(buf[0..<length])) }
    }

    @Test(arguments: [RRType.srv, .naptr, .svcb, .https, .rrsig, .nsec, .dname, RRType(0xFF00)])
    func nonRFC1035TypesAreNotCompressed(type: RRType) throws {
        let rdata: [UInt8] = [0, 1] + wire("www.example.com.")
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("www.example.com.", type, rdata: rdata, names: RDataNames(first: 2)))
        }
        #expect(Array(buf[(33 + 2 + 8)..<length]) == [0, UInt8(rdata.count)] + rdata)
    }

    @Test(arguments: [RRType.ns, .cname, .ptr, RRType(3), RRType(4), RRType(7), RRType(8), RRType(9)])
    func rfc1035SingleNameTypesAreCompressed(type: RRType) throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("a.example.com.", type, rdata: wire("b.example.com."), names: RDataNames(first: 0)))
        }
        #expect(Array(buf[33..<length]) == [1, 0x61, 0xC0, 16, 0, UInt8(type.rawValue), 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 1, 0x62, 0xC0, 16])
    }

    @Test func typeCompressibilityTable() {
        let compressible: Set<UInt16> = [2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15]
        for t in 0...300 {
            #expect(RRType(UInt16(t)).hasCompressibleRDataNames == compressible.contains(UInt16(t)), "type \(t)")
        }
    }

    @Test func rdataWithoutNameOffsetsIsCopied() throws {
        // NS RDATA given without offsets goes out verbatim.
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("example.com.", .ns, rdata: wire("ns.example.com.")))
        }
        #expect(Array(buf[(33 + 10)..<length]) == [0, 16] + wire("ns.example.com."))
    }

    @Test func namesInCompressedRDataBecomeTargets() throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))
            check(w.record("example.com.", .ns, rdata: wire("ns1.example.net."), names: RDataNames(first: 0), section: .authority))
            check(w.record("ns1.example.net.", .a, rdata: [192, 0, 2, 53], section: .additional))
            check(w.record("mail.example.net.", .a, rdata: [192, 0, 2, 25], section: .additional))
        }
        let m = try decodeMessage(Array(buf[0..<length]))
        let ns = m.authority[0]
        #expect(ns.rdata == wire("ns1.example.net."))
        #expect(m.additional[0].ownerWireLength == 2)
        #expect(Array(buf[m.additional[0].ownerOffset..<(m.additional[0].ownerOffset + 2)]) == [0xC0, UInt8(ns.rdataOffset)])
        // mail.example.net. → 4mail + pointer to "example.net" inside the NS RDATA.
        #expect(Array(buf[m.additional[1].ownerOffset..<(m.additional[1].ownerOffset + 7)]) == [4] + ascii("mail") + [0xC0, UInt8(ns.rdataOffset + 4)])
        #expect(m.additional[1].owner.description == "mail.example.net.")
    }

    @Test func targetsBeyondPointerRangeAreNotUsed() throws {
        let pad = [UInt8](repeating: 0xAB, count: 16_400)
        let (buf, length) = withWriter(size: 20_000) { w in
            check(w.question(query))
            check(w.record("pad.", RRType(0xFF00), rdata: pad))
            #expect(w.position > 0x3FFF)
            check(w.record("far.test.", .a, rdata: [1, 1, 1, 1]))
            check(w.record("far.test.", .a, rdata: [2, 2, 2, 2]))
            check(w.record("WWW.example.com.", .a, rdata: [3, 3, 3, 3]))
            check(w.record("x.pad.", .a, rdata: [4, 4, 4, 4]))
        }
        let m = try decodeMessage(Array(buf[0..<length]))
        #expect(m.answers.count == 5)
        #expect(m.answers[1].ownerWireLength == 10)
        #expect(m.answers[2].ownerWireLength == 10)
        #expect(m.answers[2].owner.description == "far.test.")
        #expect(m.answers[3].ownerWireLength == 2)
        #expect(m.answers[3].owner.description == "www.example.com.")
        #expect(Array(buf[m.answers[4].ownerOffset..<(m.answers[4].ownerOffset + 4)]) == [1, 0x78, 0xC0, 33])
    }

    @Test func compressionTableOverflowStaysCorrect() throws {
        // The question registers 3 targets; each new single-label owner registers one more.
        // Past 64 targets new names are simply not registered.
        let (buf, length) = withWriter(size: 4096) { w in
            check(w.question(query))
            for i in 0..<70 { check(w.record("l\(i).", .a, rdata: [0, 0, 0, UInt8(i)])) }
            check(w.record("l0.", .a, rdata: [9, 9, 9, 0]))
            check(w.record("l60.", .a, rdata: [9, 9, 9, 60]))
            check(w.record("l61.", .a, rdata: [9, 9, 9, 61]))
            check(w.record("l69.", .a, rdata: [9, 9, 9, 69]))
            check(w.record("www.example.com.", .a, rdata: [9, 9, 9, 99]))
        }
        let m = try decodeMessage(Array(buf[0..<length]))
        #expect(m.answers.count == 75)
        for i in 0..<70 { #expect(m.answers[i].owner.description == "l\(i).") }
        #expect(m.answers[70].ownerWireLength == 2)   // l0: registered
        #expect(m.answers[71].ownerWireLength == 2)   // l60: the 64th target
        #expect(m.answers[72].ownerWireLength == 5)   // l61: table full
        #expect(m.answers[73].ownerWireLength == 5)
        #expect(m.answers[74].ownerWireLength == 2)
        #expect(m.answers[72].owner.description == "l61.")
    }

    // MARK: Limits and rollback

    @Test func recordThatDoesNotFitReturnsFalseAndRollbackRestores() throws {
        // Full size of the answer after the question: 2 (pointer) + 10 + 4.
        for limit in 33..<49 {
            let (buf, length) = withWriter(limit: limit) { w in
                check(w.question(query))
                w.header.flags = 0x8400
                let mark = w.mark()
                check(!w.record("www.example.com.", .a, rdata: [192, 0, 2, 1]), "limit \(limit)")
                w.rollback(to: mark)
                #expect(w.position == 33)
                #expect(w.header == Header(flags: 0x8400, qdCount: 1))
                #expect(w.remaining == limit - 33)
            }
            #expect(length == 33)
            #expect(buf[limit...].allSatisfy { $0 == 0xEE }, "wrote past limit \(limit)")
        }
        let (_, length) = withWriter(limit: 49) { w in
            check(w.question(query))
            check(w.record("www.example.com.", .a, rdata: [192, 0, 2, 1]))
            #expect(w.remaining == 0)
            #expect(w.header.anCount == 1)
        }
        #expect(length == 49)
    }

    @Test func uncompressedRecordAtEveryLimit() throws {
        // owner 13 + 10 + RDATA 17 (compressed: 6) for an NS with a name that only partly compresses.
        let rdata = wire("ns.example.org.")
        var fullLength = 0
        _ = withWriter { w in
            check(w.record("example.org.", .ns, rdata: rdata, names: RDataNames(first: 0)))
            fullLength = w.position
        }
        #expect(fullLength == 12 + 13 + 10 + 5)
        for limit in 12..<fullLength {
            let (buf, _) = withWriter(limit: limit) { w in
                let mark = w.mark()
                check(!w.record("example.org.", .ns, rdata: rdata, names: RDataNames(first: 0)), "limit \(limit)")
                w.rollback(to: mark)
                #expect(w.position == 12)
                #expect(w.header.anCount == 0)
            }
            #expect(buf[limit...].allSatisfy { $0 == 0xEE }, "wrote past limit \(limit)")
        }
    }

    @Test func rollbackDropsAWholeRRsetAndItsCompressionTargets() throws {
        let (buf, length) = withWriter(limit: 90) { w in
            check(w.question(query))
            check(w.record("a.example.org.", .a, rdata: [1, 1, 1, 1]))    // 33..<62
            let mark = w.mark()
            check(!w.record("b.example.net.", .a, rdata: [2, 2, 2, 2]))   // would end at 91: does not fit
            w.rollback(to: mark)
            let mark2 = w.mark()
            check(w.record("c.test.", .a, rdata: [3, 3, 3, 3]))            // 62..<70
            #expect(w.header.anCount == 2)
            w.rollback(to: mark2)
            #expect(w.header.anCount == 1)
            #expect(w.position == 62)
            // "c.test." was rolled back: "d.test." must not point into the discarded bytes.
            check(w.record("d.test.", .a, rdata: [4, 4, 4, 4]))
        }
        let m = try decodeMessage(Array(buf[0..<length]))
        #expect(m.answers.map { $0.owner.description } == ["a.example.org.", "d.test."])
        #expect(m.answers[1].ownerWireLength == 8)
        #expect(length == 62 + 8 + 10 + 4)
    }

    @Test func rollbackThenSameNameIsNotSelfReferential() throws {
        let (buf, length) = withWriter { w in
            check(w.question(query))
            let mark = w.mark()
            check(w.record("a.example.org.", .a, rdata: [1, 1, 1, 1]))
            w.rollback(to: mark)
            check(w.record("b.example.org.", .a, rdata: [2, 2, 2, 2]))
        }
        #expect(Array(buf[33..<48]) == wire("b.example.org."))
        let m = try decodeMessage(Array(buf[0..<length]))
        #expect(m.answers.count == 1)
        #expect(m.answers[0].owner.description == "b.example.org.")
    }

    @Test func rawQuestionEntry() {
        // writeQuestion(_:) takes a question section entry as is (used for zone transfers).
        let question = Array(query[12..<33])
        let (buf, length) = withWriter { w in
            check(question.withUnsafeBytes { w.writeQuestion($0) })
            #expect(w.header.qdCount == 1)
            check(w.write(name: "mail.example.com."))
        }
        #expect(Array(buf[12..<33]) == question)
        #expect(Array(buf[33..<length]) == [4] + ascii("mail") + [0xC0, 16])
    }

    @Test func questionThatDoesNotFit() {
        let (_, length) = withWriter(limit: 32) { w in
            check(!w.question(query))
            #expect(w.position == 12)
            #expect(w.header.qdCount == 0)
        }
        #expect(length == 12)
    }

    @Test func limitIsClampedToTheBuffer() {
        _ = withWriter(size: 100, limit: 4096) { w in
            #expect(w.limit == 100)
            #expect(w.remaining == 88)
            #expect(w.position == 12)
        }
        _ = withWriter(size: 100, limit: 50) { w in
            #expect(w.limit == 50)
            #expect(w.remaining == 38)
        }
    }

    @Test func nameThatDoesNotFitWritesNothing() {
        let (buf, _) = withWriter(limit: 40) { w in
            check(w.question(query))
            // pointer branch: 4mail + pointer = 7 bytes, 7 left → fits exactly
            check(w.write(name: "mail.example.com."))
            #expect(w.remaining == 0)
        }
        #expect(buf[40...].allSatisfy { $0 == 0xEE })
        _ = withWriter(limit: 39) { w in
            check(w.question(query))
            check(!w.write(name: "mail.example.com."))
            #expect(w.position == 33)
            check(!w.write(name: "abcdefg."))
            #expect(w.position == 33)
            check(w.write(name: "abcd."))
            #expect(w.position == 39)
        }
    }

    // MARK: OPT

    @Test func optWithoutOptions() {
        let (buf, length) = withWriter { w in
            check(w.writeOPT(payloadSize: 1232, extendedRcode: 1, dnssecOK: true, nsid: nil, clientSubnet: nil))
            #expect(w.header.arCount == 1)
        }
        #expect(ResponseWriter.optSize(nsid: nil, clientSubnet: nil) == 11)
        #expect(length == 23)
        #expect(Array(buf[12..<23]) == [0, 0, 41, 0x04, 0xD0, 1, 0, 0x80, 0, 0, 0])
        #expect(Array(buf[10..<12]) == [0, 1])
    }

    @Test func optWithNSIDAndECSExactBytes() {
        let nsid = ascii("ns1")
        let ecs = ClientSubnet(family: 1, sourcePrefixLength: 24, scopePrefixLength: 24, addressHigh: 0xC000_0200_0000_0000, addressLow: 0)
        let (buf, length) = withWriter { w in
            w.header.arCount = 0
            let ok = nsid.withUnsafeBytes { w.writeOPT(payloadSize: 4096, extendedRcode: 0, dnssecOK: false, nsid: $0, clientSubnet: ecs) }
            #expect(ok)
        }
        let size = nsid.withUnsafeBytes { ResponseWriter.optSize(nsid: $0, clientSubnet: ecs) }
        #expect(size == 11 + 7 + 11)
        #expect(length == 12 + size)
        #expect(Array(buf[12..<length]) == [
            0x00,                               // root
            0x00, 0x29,                         // OPT
            0x10, 0x00,                         // 4096
            0x00, 0x00, 0x00, 0x00,             // ext RCODE 0, version 0, flags 0
            0x00, 0x12,                         // RDLENGTH 18
            0x00, 0x03, 0x00, 0x03, 0x6E, 0x73, 0x31,             // NSID "ns1"
            0x00, 0x08, 0x00, 0x07, 0x00, 0x01, 0x18, 0x18, 0xC0, 0x00, 0x02, // ECS 192.0.2.0/24/24
        ])
    }

    @Test func optWithIPv6ECSAndEmptyNSID() {
        let ecs = ClientSubnet(family: 2, sourcePrefixLength: 56, scopePrefixLength: 48, addressHigh: 0x2001_0DB8_ABCD_1200, addressLow: 0)
        let empty: [UInt8] = []
        let (buf, length) = withWriter { w in
            let ok = empty.withUnsafeBytes { w.writeOPT(payloadSize: 512, extendedRcode: 0, dnssecOK: true, nsid: $0, clientSubnet: ecs) }
            #expect(ok)
        }
        #expect(Array(buf[12..<length]) == [
            0, 0, 41, 0x02, 0x00, 0, 0, 0x80, 0, 0, 19,
            0, 3, 0, 0,
            0, 8, 0, 11, 0, 2, 56, 48, 0x20, 0x01, 0x0D, 0xB8, 0xAB, 0xCD, 0x12,
        ])
    }

    @Test func optECSSourceNotOnByteBoundary() {
        let ecs = ClientSubnet(family: 1, sourcePrefixLength: 20, scopePrefixLength: 0, addressHigh: 0xC000_2000_0000_0000, addressLow: 0)
        #expect(ResponseWriter.optSize(nsid: nil, clientSubnet: ecs) == 11 + 8 + 3)
        let (buf, length) = withWriter { w in
            check(w.writeOPT(payloadSize: 1232, extendedRcode: 0, dnssecOK: false, nsid: nil, clientSubnet: ecs))
        }
        #expect(Array(buf[(12 + 11)..<length]) == [0, 8, 0, 7, 0, 1, 20, 0, 0xC0, 0, 0x20])
        let zero = ClientSubnet(family: 1, sourcePrefixLength: 0, scopePrefixLength: 0, addressHigh: 0, addressLow: 0)
        let (buf0, length0) = withWriter { w in
            check(w.writeOPT(payloadSize: 1232, extendedRcode: 0, dnssecOK: false, nsid: nil, clientSubnet: zero))
        }
        #expect(Array(buf0[(12 + 9)..<length0]) == [0, 8, 0, 8, 0, 4, 0, 1, 0, 0])
    }

    @Test func optThatDoesNotFit() {
        let (buf, length) = withWriter(limit: 22) { w in
            check(!w.writeOPT(payloadSize: 1232, extendedRcode: 0, dnssecOK: false, nsid: nil, clientSubnet: nil))
            #expect(w.position == 12)
            #expect(w.header.arCount == 0)
        }
        #expect(length == 12)
        #expect(buf[12...].allSatisfy { $0 == 0xEE })
    }

    @Test func parsedQueryRoundTripsThroughOPT() throws {
        // The ECS parsed from a query, written back, gives the same option bytes (scope aside).
        let option = ecsOption(family: 2, source: 48, address: [0x20, 0x01, 0x0D, 0xB8, 0x00, 0x42])
        let q = try #require(parsed(queryWithOPT(option)))
        let ecs = try #require(q.edns?.clientSubnet)
        let (buf, length) = withWriter { w in
            check(w.writeOPT(payloadSize: 1232, extendedRcode: 0, dnssecOK: false, nsid: nil, clientSubnet: ecs))
        }
        #expect(Array(buf[(12 + 11)..<length]) == option)
    }

    // MARK: reserve / release

    @Test func reserveKeepsRoomForOPT() throws {
        let optSize = ResponseWriter.optSize(nsid: nil, clientSubnet: nil)
        // Question (33) + A record (16) = 49; with an OPT 60. A second A fits only without the reservation.
        let (buf, length) = withWriter(limit: 60) { w in
            check(w.question(query))
            w.reserve(optSize)
            #expect(w.limit == 49)
            #expect(w.remaining == 16)
            check(w.record("www.example.com.", .a, rdata: [1, 2, 3, 4]))
            let mark = w.mark()
            check(!w.record("www.example.com.", .a, rdata: [5, 6, 7, 8]))
            w.rollback(to: mark)
            check(!w.writeOPT(payloadSize: 1232, extendedRcode: 0, dnssecOK: false, nsid: nil, clientSubnet: nil))
            w.release(optSize)
            #expect(w.limit == 60)
            check(w.writeOPT(payloadSize: 1232, extendedRcode: 0, dnssecOK: false, nsid: nil, clientSubnet: nil))
            #expect(w.remaining == 0)
        }
        #expect(length == 60)
        let m = try decodeMessage(Array(buf[0..<length]))
        #expect(m.answers.count == 1)
        #expect(m.additional.count == 1)
        #expect(m.additional[0].type == 41)
        #expect(buf[60...].allSatisfy { $0 == 0xEE })
    }

    @Test func releaseNeverExceedsTheBuffer() {
        _ = withWriter(size: 100) { w in
            w.reserve(10)
            #expect(w.limit == 90)
            w.release(25)
            #expect(w.limit == 100)
        }
    }

    /// With `stableNames` a repeated name is found by address; the message must be byte for
    /// byte the one the comparing writer makes, also after a rollback drops a remembered name.
    @Test func stableNamesGiveTheSameMessage() throws {
        // Long-lived names, as the zone index holds them: the owner twice, a CNAME target.
        let owners = wire("www.example.com.") + wire("web.example.com.") + wire("mail.example.net.")
        func build(stable: Bool) -> [UInt8] {
            var storage = [UInt8](repeating: 0, count: 512)
            var length = 0
            query.withUnsafeBytes { packet in
                owners.withUnsafeBytes { names in
                    let www = UnsafeRawBufferPointer(rebasing: names[0..<17])
                    let web = UnsafeRawBufferPointer(rebasing: names[17..<34])
                    let mail = UnsafeRawBufferPointer(rebasing: names[34...])
                    storage.withUnsafeMutableBytes { buf in
                        var w = ResponseWriter(buffer: buf, limit: 512, stableNames: stable)
                        let q = try! QueryParser.parse(packet)
                        check(w.writeQuestion(from: packet, query: q))
                        let qname = UnsafeRawBufferPointer(rebasing: packet[12..<q.questionEnd - 4])
                        [UInt8](web).withUnsafeBytes { target in
                            check(w.writeRecord(owner: qname, type: .cname, ttl: 60, rdata: target, nameOffsets: RDataNames(first: 0), section: .answer))
                        }
                        for first in stride(from: 0, to: 12, by: 4) {
                            check(w.writeRecord(owner: web, type: .a, ttl: 60, rdata: UnsafeRawBufferPointer(rebasing: names[first..<first + 4]), section: .answer))
                        }
                        // A record written then rolled back: its owner must not be pointed at later.
                        let mark = w.mark()
                        check(w.writeRecord(owner: mail, type: .a, ttl: 60, rdata: UnsafeRawBufferPointer(rebasing: names[0..<4]), section: .additional))
                        w.rollback(to: mark)
                        check(w.writeRecord(owner: www, type: .a, ttl: 60, rdata: UnsafeRawBufferPointer(rebasing: names[0..<4]), section: .additional))
                        check(w.writeRecord(owner: mail, type: .a, ttl: 60, rdata: UnsafeRawBufferPointer(rebasing: names[4..<8]), section: .additional))
                        check(w.writeRecord(owner: mail, type: .a, ttl: 60, rdata: UnsafeRawBufferPointer(rebasing: names[8..<12]), section: .additional))
                        length = w.finish()
                    }
                }
            }
            return Array(storage[0..<length])
        }
        let stable = build(stable: true)
        #expect(stable == build(stable: false))
        let m = try decodeMessage(stable)
        #expect(m.answers.count == 4 && m.additional.count == 3)
        #expect(m.additional.map(\.owner.description) == ["www.example.com.", "mail.example.net.", "mail.example.net."])
    }
}
