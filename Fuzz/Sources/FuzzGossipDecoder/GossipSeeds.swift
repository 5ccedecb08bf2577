import HealthGossip

/// The fixed key every frame here is sealed and opened with (the fuzzer cannot forge a MAC,
/// so mutated frames mostly stop at the MAC check; paths 0 and 2 reach the codec directly).
enum FuzzKeys {
    /// 32 bytes of "M" (0x4D), base64.
    static let keyring = try! GossipKeyring.parse("TU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU0=", file: "fuzz")
}

/// Seeds from the real encoder: every message kind, both update kinds at their field bounds,
/// as bare payloads (path 0), sealed frames (path 1) and payloads to seal (path 2), and a few
/// replay sequences (path 3).
enum GossipSeeds {
    static let address = GossipAddress(host: "127.0.0.1", port: 7101)
    static let messages: [(String, GossipMessage)] = [
        ("ping", GossipMessage(.ping(sequence: 1))),
        ("ack", GossipMessage(.ack(sequence: 0xFFFF_FFFF))),
        ("leave", GossipMessage(.leave)),
        ("gossip-empty", GossipMessage(.gossip)),
        ("ping-request", GossipMessage(.pingRequest(sequence: 7, target: "agent-eu-west", address: GossipAddress(host: "::1", port: 65535)))),
        ("member-alive", GossipMessage(.ping(sequence: 2), updates: [
            .member(MemberUpdate(name: "dns-1", address: address, role: .dns, status: .alive, incarnation: 3)),
        ])),
        ("members-all-states", GossipMessage(.gossip, updates: MemberStatus.allCases.map(agent))),
        ("report", GossipMessage(.ack(sequence: 4), updates: [.report(RegionReport(
            origin: "agent-us-east", region: "us-east", version: 42,
            endpoints: [
                EndpointReport(name: "use-www-a", up: true, drained: false, capacityPermille: 1000, latencyMicroseconds: 1200),
                EndpointReport(name: "use-www-b", up: false, drained: true, capacityPermille: 0, latencyMicroseconds: 0),
            ],
            roundTrips: [RegionRoundTrip(region: "eu-west", microseconds: 80_000), RegionRoundTrip(region: "ap-south", microseconds: 190_000)]
        ))])),
        ("report-long-names", GossipMessage(.gossip, updates: [.report(RegionReport(
            origin: String(repeating: "o", count: 64), region: String(repeating: "r", count: 64), version: .max,
            endpoints: (0..<8).map(endpoint)
        ))])),
        ("mixed-updates", GossipMessage(.ping(sequence: 5), updates: [
            .member(MemberUpdate(name: "dns-2", address: GossipAddress(host: "dns-2.example.com", port: 7000), role: .dns, status: .suspect, incarnation: 1)),
            .report(RegionReport(origin: "agent-ap-south", region: "ap-south", version: 1, endpoints: [])),
            .member(MemberUpdate(name: "ünïcode-名前", address: address, role: .agent, region: "eu-west", status: .dead, incarnation: 0)),
        ])),
    ]

    static func agent(_ status: MemberStatus) -> GossipUpdate {
        .member(MemberUpdate(name: "agent-\(status)", address: GossipAddress(host: "agent.example.com", port: 7102), role: .agent, region: "us-east", status: status, incarnation: 9))
    }

    /// Endpoint `index` of a report at the bounds: 64-byte names, every flag and capacity step.
    static func endpoint(_ index: Int) -> EndpointReport {
        let name = "endpoint-\(index)-" + String(repeating: "e", count: 53)
        return EndpointReport(name: name, up: index % 2 == 0, drained: index % 3 == 0, capacityPermille: 125 * UInt16(index), latencyMicroseconds: .max)
    }

    static func all() -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (index, (name, message)) in messages.enumerated() {
            let payload = try! GossipCodec.encode(message)
            let frame = GossipFrame.seal(payload: payload, sender: "dns-\(index)", timestamp: 1_764_000_000_000 + UInt64(index), sequence: UInt64(index), keyring: FuzzKeys.keyring)
            seeds.append(("decode-\(name)", [0] + payload))
            seeds.append(("open-\(name)", [1] + frame))
            seeds.append(("seal-\(name)", [2] + payload))
        }
        seeds.append(("open-bad-magic", [1] + Array("XRDG".utf8) + [1, 1, 0x61] + Array(repeating: 0, count: 50)))
        seeds.append(("open-truncated", [1, 0x4D, 0x52, 0x44, 0x47, 1]))
        // Replay: (sender, timestamp step, sequence high, sequence low), repeats and reorders.
        seeds.append(("replay-repeats", [3] + [0, 128, 0, 1, 0, 128, 0, 1, 0, 128, 0, 2, 1, 128, 0, 1, 0, 128, 0, 0]))
        seeds.append(("replay-window", [3] + [2, 128, 1, 0, 2, 128, 0, 200, 2, 128, 0, 191, 2, 128, 0, 192, 2, 0, 1, 1, 2, 255, 1, 2]))
        return seeds
    }
}
