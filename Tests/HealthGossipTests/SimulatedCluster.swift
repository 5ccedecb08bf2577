@testable import HealthGossip

/// N members on a simulated network: every message is delayed 1–`maxDelay` ms and lost with
/// probability `loss`; time advances in steps of `step` ms. Deterministic for a given seed.
struct SimulatedCluster {
    struct InFlight {
        var deliverAt: UInt64
        var from: Int
        var to: Int
        var message: GossipMessage
    }

    var members: [Membership]
    var alive: [Bool]
    var now: UInt64 = 0
    let step: UInt64
    let loss: Double
    let maxDelay: UInt64
    var random: GossipRandom
    var inFlight: [InFlight] = []
    /// Sends and updates carried, per member, since the last `resetCounters`.
    var messagesSent = 0
    var updatesSent = 0
    /// With `measureBytes`, each message is encoded as the shell would send it: the updates
    /// that fit one datagram's budget, sealed in a frame.
    var measureBytes = false
    var bytesSent = 0
    var largestDatagram = 0
    var changes: [(at: UInt64, observer: Int, change: MembershipDirective)] = []

    static func address(_ index: Int) -> GossipAddress { GossipAddress(host: "10.0.\(index / 250).\(index % 250 + 1)", port: 7946) }
    static func name(_ index: Int) -> String { "m\(index)" }

    init(size: Int, loss: Double = 0, maxDelay: UInt64 = 5, step: UInt64 = 10, configuration: MembershipConfiguration = MembershipConfiguration(), seed: UInt64 = 1) {
        self.step = step
        self.loss = loss
        self.maxDelay = maxDelay
        random = GossipRandom(seed: seed)
        members = (0..<size).map { index in
            Membership(
                me: MemberUpdate(name: Self.name(index), address: Self.address(index), role: index % 2 == 0 ? .dns : .agent, status: .alive, incarnation: 1),
                configuration: configuration, seed: seed &+ UInt64(index) &* 7919
            )
        }
        alive = Array(repeating: true, count: size)
    }

    /// Every member learns every other at once and has nothing left to spread: a settled
    /// cluster, as after full-state syncs and the dissemination that follows.
    mutating func converge() {
        let everyone = members.map { GossipUpdate.member($0.me) }
        for i in members.indices {
            _ = members[i].merge(fullState: everyone, now: now)
            members[i].discardPendingUpdates()
        }
    }

    func index(of address: GossipAddress) -> Int? {
        let parts = address.host.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return nil }
        return parts[2] * 250 + parts[3] - 1
    }

    mutating func handle(_ directives: [MembershipDirective], from sender: Int) {
        for directive in directives {
            switch directive {
            case .send(let message, let address):
                messagesSent += 1
                updatesSent += message.updates.count
                if measureBytes {
                    let sender = Self.name(sender)
                    let encoded = try! GossipCodec.encode(message.kind, updates: message.updates, budget: GossipFrame.datagramBudget(senderName: sender))
                    let size = encoded.payload.count + GossipFrame.overhead(senderName: sender)
                    bytesSent += size
                    largestDatagram = max(largestDatagram, size)
                }
                guard let to = index(of: address), Double.random(in: 0..<1, using: &random) >= loss else { continue }
                inFlight.append(InFlight(deliverAt: now + UInt64.random(in: 1...maxDelay, using: &random), from: sender, to: to, message: message))
            default:
                changes.append((now, sender, directive))
            }
        }
    }

    mutating func advance(by duration: UInt64) {
        let end = now + duration
        while now < end {
            now += step
            var due: [InFlight] = []
            inFlight.removeAll { if $0.deliverAt <= now { due.append($0); return true } else { return false } }
            for delivery in due where alive[delivery.to] {
                let directives = members[delivery.to].receive(delivery.message, from: Self.name(delivery.from), address: Self.address(delivery.from), now: now)
                handle(directives, from: delivery.to)
            }
            for index in members.indices where alive[index] { handle(members[index].tick(now: now), from: index) }
        }
    }

    /// Advances until `condition` holds (checked every step) or `limit` ms pass; the time taken.
    mutating func advance(until limit: UInt64, _ condition: (SimulatedCluster) -> Bool) -> UInt64? {
        let start = now
        while now - start < limit {
            if condition(self) { return now - start }
            advance(by: step)
        }
        return condition(self) ? now - start : nil
    }
}
