import CLDNS
import TestSupport
import Testing
@testable import DNSWire

/// Meridian's query parser against ldns's `ldns_wire2pkt` on generated, mutated and random
/// packets (a fixed seed, so a failure reproduces): where both accept, the question must be the
/// same; where they disagree, it must be for one of the intended differences below.
///
/// Intended differences (Meridian parses queries, ldns any message):
/// - Meridian rejects what a server must not answer as a query: QR set, QDCOUNT other than 1.
/// - Meridian enforces EDNS's rules (RFC 6891 §6.1.1): one OPT, in the additional section,
///   owned by the root, with well-framed options, and a valid Client Subnet (RFC 7871 §7.1.1).
/// - Meridian rejects bytes after the last record (FORMERR); ldns ignores them.
/// - Meridian accepts only compression pointers that point backwards (ldns allows any target
///   that is not a loop).
/// - Meridian does not interpret RDATA outside OPT and an IXFR's SOA: records it only skips may
///   hold RDATA that ldns finds malformed for their type.
struct LDNSDifferentialTests {
    enum Verdict: Equatable { case accepted(name: [UInt8], type: UInt16, rrClass: UInt16), rejected }

    static func ldns(_ packet: [UInt8]) -> Verdict {
        var parsed: UnsafeMutablePointer<ldns_pkt>?
        let status = packet.withUnsafeBufferPointer { ldns_wire2pkt(&parsed, $0.baseAddress, $0.count) }
        guard status == LDNS_STATUS_OK, let pkt = parsed else { return .rejected }
        defer { ldns_pkt_free(pkt) }
        guard let questions = ldns_pkt_question(pkt), ldns_rr_list_rr_count(questions) == 1, let rr = ldns_rr_list_rr(questions, 0),
              let owner = ldns_rr_owner(rr), let data = ldns_rdf_data(owner)
        else { return .accepted(name: [], type: 0, rrClass: 0) }
        let name = Array(UnsafeBufferPointer(start: data, count: ldns_rdf_size(owner)))
        return .accepted(name: name, type: UInt16(ldns_rr_get_type(rr).rawValue), rrClass: UInt16(ldns_rr_get_class(rr).rawValue))
    }

    static func meridian(_ packet: [UInt8]) -> (Verdict, WireError?) {
        packet.withUnsafeBytes { bytes in
            do {
                let query = try QueryParser.parse(bytes)
                return (.accepted(name: Array(bytes[query.qnameRange]), type: query.qtype.rawValue, rrClass: query.qclass.rawValue), nil)
            } catch {
                return (.rejected, error as? WireError)
            }
        }
    }

    /// Whether Meridian's rejection of a packet ldns accepts is one of the intended differences.
    static func intended(_ error: WireError) -> Bool {
        if error.code == .notAQuery { return true }
        let reason = error.reason
        return ["QDCOUNT", "OPT", "EDNS option", "Client Subnet", "compression pointer does not point backwards", "bytes after the last record"].contains { reason.contains($0) }
    }

    /// Records that Meridian skips by RDLENGTH: anything past the question other than OPT.
    static func hasSkippedRecords(_ packet: [UInt8]) -> Bool {
        guard packet.count >= 12 else { return false }
        let counts = [6, 8, 10].map { Int(packet[$0]) << 8 | Int(packet[$0 + 1]) }
        return counts[0] + counts[1] + counts[2] > 1 || counts[0] + counts[1] > 0
    }

    static func query(_ name: String, type: UInt16, an: UInt16 = 0, ar: UInt16 = 0) -> Bytes {
        let p = Bytes()
        p.header(flags: 0x0100, qd: 1, an: an, ns: 0, ar: ar)
        p.name(name)
        p.u16(type); p.u16(1)
        return p
    }

    static func seeds() -> [[UInt8]] {
        var packets: [[UInt8]] = []
        for (name, type) in [("status.example.com", UInt16(1)), ("www.example.com", 28), ("a.b.c.d.e.f.example.org", 16), ("example.com", 6)] {
            packets.append(query(name, type: type).b)
            packets.append(query(name, type: type, ar: 1).opt().b)
            packets.append(query(name, type: type, ar: 1).opt(rdata: ecsOption(family: 1, source: 24, address: [10, 1, 2])).b)
            // A record after the question, its owner compressed to the question name.
            packets.append(query(name, type: type, an: 1).u8(0xC0, 12).rr(type: 1, rdata: [192, 0, 2, 1]).b)
        }
        return packets
    }

    @Test func ldnsAndMeridianAgreeOrDifferAsDocumented() {
        var random = SplitMix(state: 0x5EED_1234)
        var cases: [[UInt8]] = Self.seeds()
        for seed in Self.seeds() {
            for _ in 0..<400 {
                var packet = seed
                switch random.next() % 4 {
                case 0:  // flip a few bytes
                    for _ in 0...(random.next() % 3) { packet[Int(random.next() % UInt64(packet.count))] = UInt8(truncatingIfNeeded: random.next()) }
                case 1:  // cut
                    packet.removeLast(Int(random.next() % UInt64(packet.count)))
                case 2:  // append
                    packet += (0..<(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                default:  // change a count
                    let at = 4 + 2 * Int(random.next() % 4)
                    packet[at + 1] = UInt8(random.next() % 3)
                }
                cases.append(packet)
            }
        }
        for _ in 0..<2000 { cases.append((0..<(12 + random.next() % 60)).map { _ in UInt8(truncatingIfNeeded: random.next()) }) }

        var agreed = 0, documented = 0
        for packet in cases {
            let theirs = Self.ldns(packet)
            let (ours, error) = Self.meridian(packet)
            switch (ours, theirs) {
            case (.rejected, .rejected):
                agreed += 1
            case (.accepted, .accepted):
                #expect(ours == theirs, "question differs for \(packet)")
                agreed += 1
            case (.rejected, .accepted):
                #expect(error.map(Self.intended) == true, "Meridian alone rejects \(packet): \(error.map(String.init(describing:)) ?? "")")
                documented += 1
            case (.accepted, .rejected):
                #expect(Self.hasSkippedRecords(packet), "ldns alone rejects \(packet), which has no record Meridian skips")
                documented += 1
            }
        }
        #expect(agreed > cases.count / 2, "mostly agreement: \(agreed) of \(cases.count)")
        #expect(documented > 0, "the generator reaches the documented differences too")
    }
}

/// SplitMix64, for reproducible cases.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
