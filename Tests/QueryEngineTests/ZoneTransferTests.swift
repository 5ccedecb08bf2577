import Testing
import DNSWire
import ZoneStore
@testable import QueryEngine

/// A record as `owner TTL TYPE rdata-hex`, ASCII lowercased (names in RDATA may be compressed
/// against a mixed-case question), for comparing AXFR output with the zone.
private func key(owner: String, ttl: UInt32, type: RRType, rdata: [UInt8]) -> String {
    "\(owner.lowercased()) \(ttl) \(type) " + rdata.map { String(asciiLowercase($0), radix: 16) }.joined(separator: ":")
}

private func zoneKeys(_ file: String) -> [String] {
    Fixture.sources[file]!.records.filter { $0.type != .soa }.map {
        key(owner: $0.owner.description, ttl: $0.ttl, type: $0.type, rdata: $0.rdata)
    }.sorted()
}

private let notAllowedTCP = ClientContext(address: NetworkAddress("198.51.100.9"), transport: .tcp)
private let allowedV6 = ClientContext(address: NetworkAddress("2001:db8::5"), transport: .tcp)

@Suite("Zone transfer (RFC 5936)")
struct ZoneTransferTests {
    private func expectRefused(
        _ query: TestQuery, snapshot: ServingSnapshot = Fixture.snapshot, client: ClientContext, rcode: ResponseCode = .refused,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let x = try exchange(query, snapshot: snapshot, client: client)
        let response = try x.response(sourceLocation: sourceLocation)
        #expect(x.outcome == .respond(length: response.size, rcode: rcode, qtype: query.type), sourceLocation: sourceLocation)
        #expect(response.rcode == rcode, sourceLocation: sourceLocation)
        #expect(!response.aa, sourceLocation: sourceLocation)
        #expect(response.id == query.id, sourceLocation: sourceLocation)
        #expect(response.question == [DecodedQuestion(name: presentation(query.name), type: query.type, qclass: query.qclass)], sourceLocation: sourceLocation)
        #expect(response.answer.isEmpty && response.authority.isEmpty && response.additional.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func refusedOverUDP() throws {
        // 192.0.2.200 is in allowTransfer, but AXFR is TCP only: NOTIMP over UDP, as NSD.
        try expectRefused(TestQuery("example.com.", .axfr), client: udpClient, rcode: .notImp)
    }

    @Test func refusedForClientsNotAllowed() throws {
        try expectRefused(TestQuery("example.com.", .axfr), client: notAllowedTCP)
        try expectRefused(TestQuery("example.com.", .axfr), client: ClientContext(address: nil, transport: .tcp))
        try expectRefused(TestQuery("example.com.", .axfr), client: ClientContext(address: NetworkAddress("2001:db9::1"), transport: .tcp))
        // Closed by default.
        try expectRefused(TestQuery("example.com.", .axfr), snapshot: Fixture.bare, client: tcpClient)
    }

    @Test func refusedForNamesThatAreNotAZoneApex() throws {
        // Not a zone we serve: NOTAUTH, as NSD and Knot.
        try expectRefused(TestQuery("www.example.com.", .axfr), client: tcpClient, rcode: .notAuth)
        try expectRefused(TestQuery("nothere.example.com.", .axfr), client: tcpClient, rcode: .notAuth)
        try expectRefused(TestQuery("lab.example.com.", .axfr), client: tcpClient, rcode: .notAuth)
        try expectRefused(TestQuery("example.org.", .axfr), client: tcpClient, rcode: .notAuth)
    }

    private func startTransfer(_ name: String, id: UInt16 = 0x5A5A, client: ClientContext = tcpClient, snapshot: ServingSnapshot = Fixture.snapshot) throws -> ZoneTransfer {
        let x = try exchange(TestQuery(name, .axfr, id: id), snapshot: snapshot, client: client)
        guard case .transfer(let transfer) = x.outcome else {
            Issue.record("expected a transfer, got \(x.outcome)")
            throw DecodeError("no transfer")
        }
        return transfer
    }

    /// Checks a finished transfer's messages and returns the records between the two SOAs.
    private func checkTransfer(_ messages: [DecodedMessage], name: String, id: UInt16, zoneFile: String, maxSize: Int = 16_384, sourceLocation: SourceLocation = #_sourceLocation) -> [DecodedRecord] {
        guard let first = messages.first else {
            Issue.record("no messages", sourceLocation: sourceLocation)
            return []
        }
        // RFC 5936 §2.2.1: the first message repeats the question.
        #expect(first.question == [DecodedQuestion(name: name, type: .axfr, qclass: .in)], sourceLocation: sourceLocation)
        for (i, m) in messages.enumerated() {
            #expect(m.id == id, sourceLocation: sourceLocation)
            #expect(m.qr && m.aa && !m.tc && !m.ra, "message \(i)", sourceLocation: sourceLocation)
            #expect(m.opcode == 0, sourceLocation: sourceLocation)
            #expect(m.rcode == .noError, sourceLocation: sourceLocation)
            #expect(m.size <= maxSize, "message \(i) is \(m.size) bytes", sourceLocation: sourceLocation)
            if i > 0 { #expect(m.question.isEmpty, "message \(i)", sourceLocation: sourceLocation) }
            #expect(m.authority.isEmpty && m.additional.isEmpty && m.opt == nil, sourceLocation: sourceLocation)
            #expect(!m.answer.isEmpty, "message \(i) is empty", sourceLocation: sourceLocation)
        }
        let records = messages.flatMap(\.answer)
        guard let head = records.first, let tail = records.last, records.count >= 2 else {
            Issue.record("transfer has \(records.count) records", sourceLocation: sourceLocation)
            return []
        }
        let zone = Fixture.sources[zoneFile]!
        let soa = zone.records.first { $0.type == .soa }!
        // First and last record: the zone's SOA, identical.
        for end in [head, tail] {
            #expect(end.type == .soa, sourceLocation: sourceLocation)
            #expect(end.name.lowercased() == zone.origin.description, sourceLocation: sourceLocation)
            #expect(end.rdata.map(asciiLowercase) == soa.rdata.map(asciiLowercase), sourceLocation: sourceLocation)
            #expect(end.ttl == soa.ttl, sourceLocation: sourceLocation)
            #expect(end.rrClass == .in, sourceLocation: sourceLocation)
        }
        let body = Array(records.dropFirst().dropLast())
        #expect(!body.contains { $0.type == .soa }, "SOA only at both ends", sourceLocation: sourceLocation)
        // Every record of the zone exactly once.
        let got = body.map { key(owner: $0.name, ttl: $0.ttl, type: $0.type, rdata: $0.rdata) }.sorted()
        #expect(got == zoneKeys(zoneFile), sourceLocation: sourceLocation)
        #expect(Set(got).count == got.count, "no record twice", sourceLocation: sourceLocation)
        return body
    }

    @Test func transfersTheWholeZone() throws {
        let transfer = try startTransfer("example.com.")
        #expect(transfer.generation == 1)
        let index = Fixture.snapshot.index
        #expect(index.zones[Int(transfer.zone)].origin.description == "example.com.")
        let messages = try runTransfer(transfer, snapshot: Fixture.snapshot)
        #expect(messages.count == 1, "a small zone fits in one message")
        let body = checkTransfer(messages, name: "example.com.", id: 0x5A5A, zoneFile: "example.com.zone")
        let zone = index.zones[Int(transfer.zone)]
        #expect(body.count + 1 == zone.recordCount, "every record but the SOA, which comes twice")
        #expect(body.count == Fixture.sources["example.com.zone"]!.records.count - 1)
        // Glue and delegation NS are part of the zone's data too.
        #expect(body.contains { $0.canonical == "ns.lab.example.com. 3600 in a 192.0.2.53" })
        #expect(body.contains { $0.canonical == "lab.example.com. 3600 in ns ns.lab.example.com." })
        #expect(body.contains { $0.canonical == "*.apps.example.com. 3600 in txt \"wildcard\"" })
    }

    @Test func mixedCaseAndIPv6Client() throws {
        let transfer = try startTransfer("ExAmPlE.CoM.", id: 1, client: allowedV6)
        let messages = try runTransfer(transfer, snapshot: Fixture.snapshot)
        _ = checkTransfer(messages, name: "ExAmPlE.CoM.", id: 1, zoneFile: "example.com.zone")
    }

    @Test func generationIsTheSnapshots() throws {
        let snapshot = ServingSnapshot(sources: Fixture.sources, configuration: Fixture.configuration, generation: 7)
        let transfer = try startTransfer("big.test.", snapshot: snapshot)
        #expect(transfer.generation == 7)
        let messages = try runTransfer(transfer, snapshot: snapshot)
        _ = checkTransfer(messages, name: "big.test.", id: 0x5A5A, zoneFile: "big.test.zone")
    }

    @Test func bigZoneSpansSeveralFullMessages() throws {
        let transfer = try startTransfer("bulk.test.", id: 0x0BB0)
        let messages = try runTransfer(transfer, snapshot: Fixture.snapshot)
        #expect(messages.count >= 4, "3000 A records (~66 KB) need several 16 KiB messages, got \(messages.count)")
        // Packed: every message but the last is full to within one record.
        for m in messages.dropLast() {
            #expect(m.size > 16_384 - 64, "message of \(m.size) bytes is not full")
        }
        let body = checkTransfer(messages, name: "bulk.test.", id: 0x0BB0, zoneFile: "bulk.test.zone")
        #expect(body.count == Fixture.bulkCount + 2)
        let index = Fixture.snapshot.index
        #expect(index.zones[Int(transfer.zone)].recordCount == Fixture.bulkCount + 3)
        #expect(messages.flatMap(\.answer).count == Fixture.bulkCount + 4)
    }

    /// A record larger than the usual message size goes alone in a bigger message (RFC 5936
    /// §2.2 allows up to 65535 bytes) instead of stalling the transfer.
    @Test func recordLargerThanAMessage() throws {
        let transfer = try startTransfer("huge.test.", id: 0x4848)
        let messages = try runTransfer(transfer, snapshot: Fixture.snapshot, maxMessages: 20)
        let body = checkTransfer(messages, name: "huge.test.", id: 0x4848, zoneFile: "huge.test.zone", maxSize: 65_535)
        #expect(body.count == 5)
        let big = try #require(body.first { $0.type == .txt })
        #expect(big.rdata.count == 70 * 256)
        // Only the message carrying the big record, alone, is over 16 KiB.
        #expect(messages.filter { $0.size > 16_384 }.count == 1)
        #expect(messages.filter { $0.size > 16_384 }.first?.answer.map(\.type) == [.txt])
    }

    @Test func hugeRecordOverTCPQuery() throws {
        let response = try exchange(TestQuery("big.huge.test.", .txt), snapshot: Fixture.snapshot, client: tcpClient).response()
        #expect(!response.tc)
        #expect(response.answer.first?.rdata.count == 70 * 256)
        let udp = try exchange(TestQuery("big.huge.test.", .txt, edns: TestEDNS(udpSize: 4096)), snapshot: Fixture.snapshot).response()
        #expect(udp.tc && udp.answer.isEmpty && udp.size <= 1232)
    }

    @Test func finishedTransferWritesNothing() throws {
        var transfer = try startTransfer("example.com.")
        var buffer = [UInt8](repeating: 0, count: 65_535)
        var lengths: [Int] = []
        for _ in 0..<4 {
            lengths.append(buffer.withUnsafeMutableBytes { transfer.nextMessage(index: Fixture.snapshot.index, into: $0) })
        }
        #expect(lengths[0] > 0)
        #expect(lengths.dropFirst() == [0, 0, 0])
        #expect(transfer.finished)
    }
}
