import Testing
@testable import HealthGossip

/// Payloads arrive from peers that hold the key but may be buggy or of another version: decoding
/// must give a message or an error for any bytes, and never trap.
struct GossipCodecHostileInputTests {
    /// ping 7, one member update `a` at h:7101, agent, region "eu", alive, incarnation 5.
    static let member: [UInt8] = [1, 0, 0, 0, 7, 1, 1, 1, 0x61, 1, 0x68, 0x1B, 0xBD, 2, 2, 0x65, 0x75, 0, 0, 0, 0, 5]
    /// leave, one report from `o` in `r`, version 1, one endpoint `e` up, 500‰, 9 µs, no round trips.
    static let report: [UInt8] = [4, 1, 2, 1, 0x6F, 1, 0x72, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0x65, 1, 0x01, 0xF4, 0, 0, 0, 9, 0]

    func reason(_ payload: [UInt8]) -> GossipCodec.Reason? {
        if case .failure(let error) = GossipCodec.decode(payload) { return error.reason }
        return nil
    }

    func replacing(_ payload: [UInt8], at index: Int, with bytes: [UInt8]) -> [UInt8] {
        var copy = payload
        copy.replaceSubrange(index..<index + 1, with: bytes)
        return copy
    }

    /// Decodes or fails; when it decodes, the encoding is canonical: re-encoding gives the input.
    func expectTotalAndCanonical(_ payload: [UInt8]) {
        if case .success(let message) = GossipCodec.decode(payload) {
            #expect((try? GossipCodec.encode(message)) == payload, "\(payload)")
        }
    }

    @Test func fixturesDecode() {
        #expect(reason(Self.member) == nil)
        #expect(reason(Self.report) == nil)
    }

    @Test func randomBytesDecodeOrFailWithoutTrapping() {
        var rng = SplitMix64(seed: 7)
        var decoded = 0
        for _ in 0..<10_000 {
            var bytes = rng.bytes(Int.random(in: 0...200, using: &rng))
            // Half start like a real message, so the decoder gets past the first byte.
            if !bytes.isEmpty, Bool.random(using: &rng) { bytes[0] = UInt8.random(in: 1...4, using: &rng) }
            if bytes.count > 5, Bool.random(using: &rng) { bytes[5] = UInt8.random(in: 0...3, using: &rng) }
            if case .success = GossipCodec.decode(bytes) { decoded += 1 }
            expectTotalAndCanonical(bytes)
        }
        #expect(decoded > 0, "some short random payloads (a leave with no updates) are valid")
    }

    @Test func mutatedValidPayloadsDecodeOrFailWithoutTrapping() throws {
        var random = RandomGossip(seed: 11)
        var rng = SplitMix64(seed: 12)
        var outcomes: Set<String> = []
        for _ in 0..<10_000 {
            var bytes = try GossipCodec.encode(random.message(maxUpdates: 3, maxEndpoints: 3))
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 1: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                case 3: bytes.remove(at: at)
                default: bytes.removeSubrange(at...)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            switch GossipCodec.decode(bytes) {
            case .success: outcomes.insert("decoded")
            case .failure(let error): outcomes.insert(error.label)
            }
            expectTotalAndCanonical(bytes)
        }
        // The mutations reach the decoder's checks, not only its first byte.
        #expect(outcomes.isSuperset(of: ["decoded", "truncated", "trailing_bytes", "bad_value", "bad_utf8", "unknown_tag"]), "\(outcomes)")
    }

    @Test func everyProperPrefixIsTruncated() throws {
        var random = RandomGossip(seed: 21)
        for _ in 0..<100 {
            let payload = try GossipCodec.encode(random.message())
            for length in 0..<payload.count {
                #expect(reason(Array(payload.prefix(length))) == .truncated, "prefix \(length) of \(payload.count)")
            }
        }
    }

    @Test func trailingBytesAreRejected() {
        #expect(reason(Self.member + [0]) == .trailingBytes)
        #expect(reason(Self.report + [1, 2, 3]) == .trailingBytes)
        #expect(reason([4, 0, 0]) == .trailingBytes)
    }

    @Test func countsBeyondTheDataAreTruncated() {
        #expect(reason(replacing(Self.member, at: 5, with: [2])) == .truncated, "two updates announced, one present")
        #expect(reason(replacing(Self.member, at: 5, with: [255])) == .truncated)
        // Two endpoints announced, one present: the second is read from the round-trip count
        // (a zero-length name), then the data runs out.
        #expect(reason(replacing(Self.report, at: 15, with: [2])) == .badLength, "two endpoints announced, one present")
        #expect(reason(Array(replacing(Self.report, at: 15, with: [2]).dropLast())) == .truncated)
        #expect(reason(replacing(Self.member, at: 7, with: [60])) == .truncated, "a name longer than what remains")
    }

    @Test func endpointCountsAboveTheBoundAreRefused() {
        #expect(reason(replacing(Self.report, at: 15, with: [65])) == .tooMany)
        #expect(reason(replacing(Self.report, at: 15, with: [255])) == .tooMany)
    }

    @Test func unknownTagsAndEnumValuesAreErrors() {
        for kind: UInt8 in [0, 6, 255] { #expect(reason(replacing(Self.member, at: 0, with: [kind])) == .unknownTag) }
        for tag: UInt8 in [0, 3, 255] { #expect(reason(replacing(Self.member, at: 6, with: [tag])) == .unknownTag) }
        for role: UInt8 in [0, 3, 255] { #expect(reason(replacing(Self.member, at: 13, with: [role])) == .badValue) }
        for status: UInt8 in [4, 255] { #expect(reason(replacing(Self.member, at: 17, with: [status])) == .badValue) }
        for flags: UInt8 in [4, 0x80, 0xFF] { #expect(reason(replacing(Self.report, at: 18, with: [flags])) == .badValue) }
    }

    @Test func roundTripCountsAboveTheBoundAreRefused() {
        #expect(reason(replacing(Self.report, at: 25, with: [33])) == .tooMany)
        #expect(reason(replacing(Self.report, at: 25, with: [1])) == .truncated)
    }

    @Test func capacityAbovePermilleIsRefused() {
        var payload = Self.report
        payload.replaceSubrange(19..<21, with: [0x03, 0xE9])
        #expect(reason(payload) == .badValue)
        payload.replaceSubrange(19..<21, with: [0x03, 0xE8])
        #expect(reason(payload) == nil)
    }

    @Test(arguments: [[0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE6, 0x97], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]])
    func invalidUTF8IsRefused(bad: [UInt8]) {
        // The member name `a` (length byte at 7) becomes the bad bytes.
        var payload = Self.member
        payload.replaceSubrange(7..<9, with: [UInt8(bad.count)] + bad)
        #expect(reason(payload) == .badUTF8)
    }

    @Test func stringLengthsOutsideTheirBoundsAreRefused() {
        #expect(reason(replacing(Self.member, at: 7, with: [0])) == .badLength, "empty member name")
        #expect(reason(replacing(Self.member, at: 9, with: [0])) == .badLength, "empty host")
        let long = [UInt8(65)] + Array(repeating: UInt8(0x61), count: 65)
        #expect(reason(replacing(Self.member, at: 7, with: long)) == .badLength, "65-byte name")
        #expect(reason(replacing(Self.member, at: 14, with: long)) == .badLength, "65-byte region")
    }

    @Test func errorsSayWhereAndWhat() {
        guard case .failure(let error) = GossipCodec.decode(replacing(Self.member, at: 13, with: [9])) else {
            Issue.record("decoded")
            return
        }
        #expect(error.offset == 13 && error.field == "member role" && error.label == "bad_value")
        #expect(error.description == "member role at byte 13: bad_value")
    }

    // MARK: Encoding what cannot travel

    @Test func encodingRefusesWhatTheDecoderWould() {
        let good = MemberUpdate(name: "m", address: GossipAddress(host: "h", port: 1), role: .dns, status: .alive, incarnation: 0)
        var longName = good
        longName.name = String(repeating: "é", count: 33)
        let tooManyEndpoints = RegionReport(origin: "o", region: "r", version: 1, endpoints: Array(
            repeating: EndpointReport(name: "e", up: true, drained: false, capacityPermille: 1, latencyMicroseconds: 1), count: 65
        ))
        let overCapacity = RegionReport(origin: "o", region: "r", version: 1, endpoints: [
            EndpointReport(name: "e", up: true, drained: false, capacityPermille: 1001, latencyMicroseconds: 1),
        ])
        let cases: [(GossipUpdate, GossipCodec.EncodeError)] = [
            (.member(longName), .init(.badLength, field: "member name", update: 1)),
            (.report(tooManyEndpoints), .init(.tooMany, field: "endpoint count", update: 1)),
            (.report(overCapacity), .init(.badValue, field: "endpoint capacity", update: 1)),
        ]
        for (bad, expected) in cases {
            #expect(throws: expected) { try GossipCodec.encode(.leave, updates: [.member(good), bad], budget: 1400) }
        }
        #expect(throws: GossipCodec.EncodeError(.badLength, field: "ping-request target")) {
            try GossipCodec.encode(GossipMessage(.pingRequest(sequence: 1, target: "", address: GossipAddress(host: "h", port: 1))))
        }
        #expect(throws: GossipCodec.EncodeError(.tooMany, field: "update count")) {
            try GossipCodec.encode(GossipMessage(.leave, updates: Array(repeating: .member(good), count: 256)))
        }
        #expect(throws: GossipCodec.EncodeError(.overBudget, field: "message kind")) {
            try GossipCodec.encode(.ping(sequence: 1), updates: [], budget: 5)
        }
    }
}
