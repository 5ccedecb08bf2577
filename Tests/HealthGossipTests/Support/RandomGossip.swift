@testable import HealthGossip

/// Random gossip messages within the wire format's bounds, names included non-ASCII UTF-8 and
/// every length from 1 to 64 bytes.
struct RandomGossip {
    var rng: SplitMix64

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    /// One to four UTF-8 bytes per character, to catch byte/character confusions.
    static let alphabet: [Character] = ["a", "z", "0", "-", ".", "_", "é", "ß", "λ", "日", "本", "🙂", "\u{0}"]

    mutating func text(_ bytes: ClosedRange<Int>) -> String {
        let target = rng.edgy(bytes)
        var text = ""
        while text.utf8.count < target {
            let character = Self.alphabet.randomElement(using: &rng)!
            if text.utf8.count + String(character).utf8.count > target { text.append("x") } else { text.append(character) }
        }
        return text
    }

    mutating func name() -> String { text(1...GossipWireLimits.maxNameBytes) }

    mutating func address() -> GossipAddress {
        GossipAddress(host: text(1...GossipWireLimits.maxHostBytes), port: rng.edgy(0...UInt16.max))
    }

    mutating func kind() -> GossipMessage.Kind {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: .ping(sequence: rng.edgy(0...UInt32.max))
        case 1: .pingRequest(sequence: rng.edgy(0...UInt32.max), target: name(), address: address())
        case 2: .ack(sequence: rng.edgy(0...UInt32.max))
        case 3: .gossip
        default: .leave
        }
    }

    mutating func member() -> MemberUpdate {
        MemberUpdate(
            name: name(), address: address(), role: MemberRole.allCases.randomElement(using: &rng)!,
            region: text(0...GossipWireLimits.maxNameBytes), status: MemberStatus.allCases.randomElement(using: &rng)!,
            incarnation: rng.edgy(0...UInt32.max)
        )
    }

    mutating func endpoint() -> EndpointReport {
        EndpointReport(
            name: name(), up: Bool.random(using: &rng), drained: Bool.random(using: &rng),
            capacityPermille: rng.edgy(0...GossipWireLimits.maxCapacityPermille), latencyMicroseconds: rng.edgy(0...UInt32.max)
        )
    }

    mutating func report(maxEndpoints: Int = GossipWireLimits.maxEndpoints) -> RegionReport {
        let count = rng.edgy(0...maxEndpoints)
        return RegionReport(
            origin: name(), region: text(0...GossipWireLimits.maxNameBytes), version: rng.edgy(0...UInt64.max),
            endpoints: (0..<count).map { _ in endpoint() },
            roundTrips: (0..<rng.edgy(0...3)).map { _ in RegionRoundTrip(region: text(0...GossipWireLimits.maxNameBytes), microseconds: rng.edgy(0...UInt32.max)) }
        )
    }

    mutating func update(maxEndpoints: Int = GossipWireLimits.maxEndpoints) -> GossipUpdate {
        Bool.random(using: &rng) ? .member(member()) : .report(report(maxEndpoints: maxEndpoints))
    }

    mutating func message(maxUpdates: Int = 6, maxEndpoints: Int = 8) -> GossipMessage {
        let count = Int.random(in: 0...maxUpdates, using: &rng)
        return GossipMessage(kind(), updates: (0..<count).map { _ in update(maxEndpoints: maxEndpoints) })
    }
}
