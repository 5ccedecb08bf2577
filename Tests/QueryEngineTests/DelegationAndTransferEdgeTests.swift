import Foundation
import Testing
import DNSWire
import ZoneStore
@testable import QueryEngine

/// Edge cases around zone cuts, IXFR and the additional section, each checked against what NSD
/// and Knot answer (found by a review against NSD 4.6.1).
struct DelegationAndTransferEdgeTests {
    static let parent = """
    $TTL 3600
    @ IN SOA ns1.test. host.test. 1 7200 900 1209600 300
      IN NS ns1
    ns1 IN A 192.0.2.1
    mx  IN A 192.0.2.3
        IN MX 10 mx
        IN MX 20 mx
    c2d IN CNAME host.sub.test.
    sub IN NS ns.sub.test.
    ns.sub IN A 192.0.2.53
    child IN NS ns1.child.test.
    child IN DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE3B1C7AE4DBB2E7FD0F1A71B0
    ns1.child IN A 192.0.2.54
    sib IN NS \((1...13).map { "nameserver-number-\($0).test." }.joined(separator: "\nsib IN NS "))
    \((1...13).map { "nameserver-number-\($0) IN A 192.0.2.\(100 + $0)\nnameserver-number-\($0) IN AAAA 2001:db8::\($0)" }.joined(separator: "\n"))
    """

    static let child = """
    @ 60 IN SOA ns1.child.test. host.test. 5 7200 900 1209600 60
      60 IN NS ns1
    ns1 60 IN A 192.0.2.54
    """

    static let snapshot: ServingSnapshot = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-edge-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try! parent.write(to: dir.appendingPathComponent("test.zone"), atomically: true, encoding: .utf8)
        try! child.write(to: dir.appendingPathComponent("child.test.zone"), atomically: true, encoding: .utf8)
        let report = ZoneDirectoryLoader(directory: dir.path).load()
        precondition(report.failures.isEmpty, "\(report.errors)")
        return ServingSnapshot(sources: report.zones, configuration: QueryEngineConfiguration(allowTransfer: [NetworkPrefix("192.0.2.0/24")!]), generation: 1)
    }()

    @Test func dsForAServedChildComesFromTheParent() throws {
        // RFC 4035 §3.1.4.1: the parent side of the cut holds DS.
        let response = try exchange(TestQuery("child.test.", .ds), snapshot: Self.snapshot).response()
        #expect(response.rcode == .noError)
        #expect(response.aa)
        #expect(response.answer.map(\.description) == ["child.test. 3600 IN DS \\# 36 3039080249FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE3B1C7AE4DBB2E7FD0F1A71B0"])
        // Everything else at that name is the child's.
        let soa = try exchange(TestQuery("child.test.", .soa), snapshot: Self.snapshot).response()
        #expect(soa.answer.first?.ttl == 60)
    }

    @Test func cnameIntoADelegationCarriesTheReferral() throws {
        let response = try exchange(TestQuery("c2d.test.", .a), snapshot: Self.snapshot).response()
        #expect(response.aa)
        #expect(response.answer.map(\.canonical) == ["c2d.test. 3600 in cname host.sub.test."])
        #expect(response.authority.map(\.canonical) == ["sub.test. 3600 in ns ns.sub.test."])
        #expect(response.additional.map(\.canonical) == ["ns.sub.test. 3600 in a 192.0.2.53"])
    }

    @Test func additionalTargetsAppearOnce() throws {
        let response = try exchange(TestQuery("mx.test.", .mx), snapshot: Self.snapshot).response()
        #expect(response.answer.count == 2)
        #expect(response.additional.map(\.canonical) == ["mx.test. 3600 in a 192.0.2.3"])
    }

    @Test func siblingGlueThatDoesNotFitDoesNotSetTC() throws {
        // RFC 9471: only in-domain glue (below the cut) is required.
        let response = try exchange(TestQuery("host.sib.test.", .a), snapshot: Self.snapshot).response()
        #expect(!response.tc)
        #expect(response.authority.count == 13)
        #expect(response.size <= 512)
    }

    /// An IXFR query carrying the client's SOA serial in the authority section (RFC 1995 §3).
    static func ixfr(_ zone: String, serial: UInt32) -> [UInt8] {
        var packet = TestQuery(zone, .ixfr).bytes
        packet[9] = 1  // NSCOUNT
        packet += [0xC0, 0x0C, 0, 6, 0, 1, 0, 0, 0, 0, 0, 22, 0, 0]
        for value in [serial, 0, 0, 0, 0] { packet += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }
        return packet
    }

    @Test func ixfrFromACurrentClientGetsTheSOA() throws {
        for serial: UInt32 in [1, 2] {  // same, and newer than ours
            let x = try exchange(Self.ixfr("test.", serial: serial), snapshot: Self.snapshot, client: tcpClient)
            let response = try x.response()
            #expect(response.rcode == .noError)
            #expect(response.answer.map(\.type) == [.soa])
        }
    }

    @Test func ixfrFromAnOlderClientIsAFullTransferOverTCPAndTheSOAOverUDP() throws {
        let x = try exchange(Self.ixfr("test.", serial: 0), snapshot: Self.snapshot, client: tcpClient)
        guard case .transfer(let transfer) = x.outcome else {
            Issue.record("expected a transfer, got \(x.outcome)")
            return
        }
        let messages = try runTransfer(transfer, snapshot: Self.snapshot)
        let records = messages.flatMap(\.answer)
        #expect(records.first?.type == .soa)
        #expect(records.last?.type == .soa)
        let udp = try exchange(Self.ixfr("test.", serial: 0), snapshot: Self.snapshot, client: udpClient).response()
        #expect(udp.answer.map(\.type) == [.soa], "RFC 1995 §2: the client retries over TCP")
    }

    @Test func transferMessagesEchoRDAndOPT() throws {
        let x = try exchange(TestQuery("test.", .axfr, edns: TestEDNS()), snapshot: Self.snapshot, client: tcpClient)
        guard case .transfer(let transfer) = x.outcome else {
            Issue.record("expected a transfer, got \(x.outcome)")
            return
        }
        for message in try runTransfer(transfer, snapshot: Self.snapshot) {
            #expect(message.rd)
            #expect(message.opt != nil, "RFC 6891 §7: OPT in every response to an EDNS query")
        }
    }
}
