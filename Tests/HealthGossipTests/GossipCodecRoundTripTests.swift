import Testing
@testable import HealthGossip

struct GossipCodecRoundTripTests {
    let address = GossipAddress(host: "h", port: 7101)

    /// Pins the format byte for byte: a change here breaks mixed-version clusters.
    @Test func pingWithMemberUpdateHasTheDocumentedLayout() throws {
        let member = MemberUpdate(name: "a", address: address, role: .agent, region: "eu", status: .suspect, incarnation: 5)
        let payload = try GossipCodec.encode(GossipMessage(.ping(sequence: 0x0102_0304), updates: [.member(member)]))
        let expected: [UInt8] = [1, 1, 2, 3, 4, 1, 1, 1, 0x61, 1, 0x68, 0x1B, 0xBD, 2, 2, 0x65, 0x75, 1, 0, 0, 0, 5]
        #expect(payload == expected)
    }

    @Test func leaveWithReportHasTheDocumentedLayout() throws {
        let endpoint = EndpointReport(name: "e", up: true, drained: true, capacityPermille: 1000, latencyMicroseconds: 0x0A0B_0C0D)
        let trip = RegionRoundTrip(region: "w", microseconds: 0x0000_0102)
        let report = RegionReport(origin: "o", region: "r", version: 0x0102_0304_0506_0708, endpoints: [endpoint], roundTrips: [trip])
        let payload = try GossipCodec.encode(GossipMessage(.leave, updates: [.report(report)]))
        let expected: [UInt8] = [
            4, 1, 2, 1, 0x6F, 1, 0x72, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 0x65, 3, 0x03, 0xE8, 0x0A, 0x0B, 0x0C, 0x0D,
            1, 1, 0x77, 0, 0, 1, 2,
        ]
        #expect(payload == expected)
    }

    @Test func pingRequestHasTheDocumentedLayout() throws {
        let payload = try GossipCodec.encode(GossipMessage(.pingRequest(sequence: 9, target: "bc", address: GossipAddress(host: "::1", port: 7102))))
        #expect(payload == [2, 0, 0, 0, 9, 2, 0x62, 0x63, 3, 0x3A, 0x3A, 0x31, 0x1B, 0xBE, 0])
    }

    @Test(arguments: [
        GossipMessage.Kind.ping(sequence: 0), .ping(sequence: .max), .ack(sequence: 77), .leave, .gossip,
        .pingRequest(sequence: 1, target: "dns-1", address: GossipAddress(host: "10.0.0.1", port: 7101)),
    ])
    func everyKindRoundTrips(kind: GossipMessage.Kind) throws {
        let message = GossipMessage(kind)
        #expect(GossipCodec.decode(try GossipCodec.encode(message)) == .success(message))
    }

    @Test func everyRoleAndStatusRoundTrips() throws {
        for role in MemberRole.allCases {
            for status in MemberStatus.allCases {
                let member = MemberUpdate(name: "m", address: address, role: role, region: role == .agent ? "eu" : "", status: status, incarnation: 3)
                let message = GossipMessage(.ack(sequence: 1), updates: [.member(member)])
                #expect(GossipCodec.decode(try GossipCodec.encode(message)) == .success(message))
            }
        }
    }

    @Test func everyEndpointFlagCombinationRoundTrips() throws {
        let endpoints = [(false, false), (true, false), (false, true), (true, true)].map {
            EndpointReport(name: "e", up: $0.0, drained: $0.1, capacityPermille: 500, latencyMicroseconds: 1)
        }
        let message = GossipMessage(.leave, updates: [.report(RegionReport(origin: "o", region: "r", version: 1, endpoints: endpoints))])
        #expect(GossipCodec.decode(try GossipCodec.encode(message)) == .success(message))
    }

    /// The property: any message within the bounds decodes back equal.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomMessagesRoundTrip(seed: UInt64) throws {
        var random = RandomGossip(seed: seed)
        for _ in 0..<500 {
            let message = random.message()
            let payload = try GossipCodec.encode(message)
            #expect(GossipCodec.decode(payload) == .success(message))
        }
    }

    @Test func largestMessagesRoundTrip() throws {
        var random = RandomGossip(seed: 99)
        let full = RegionReport(
            origin: String(repeating: "o", count: 64), region: String(repeating: "r", count: 64), version: .max,
            endpoints: (0..<GossipWireLimits.maxEndpoints).map { _ in random.endpoint() }
        )
        let updates = (0..<GossipWireLimits.maxUpdates).map { $0 % 2 == 0 ? GossipUpdate.report(full) : .member(random.member()) }
        let message = GossipMessage(.pingRequest(sequence: .max, target: String(repeating: "t", count: 64), address: GossipAddress(host: String(repeating: "h", count: 255), port: .max)), updates: updates)
        #expect(GossipCodec.decode(try GossipCodec.encode(message)) == .success(message))
    }
}
