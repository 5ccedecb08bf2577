import Testing
@testable import HealthGossip

/// The SWIM state machine event by event: join, probes (direct, indirect, relayed),
/// suspicion, refutation, death, leave, reports and the retransmission bound.
struct MembershipTests {
    static let config = MembershipConfiguration(protocolPeriod: 200, pingTimeout: 80, indirectProbes: 2, suspicionMultiplier: 5, gossipInterval: 50)

    static func member(_ name: String, port: UInt16, incarnation: UInt32 = 1) -> MemberUpdate {
        MemberUpdate(name: name, address: GossipAddress(host: "10.0.0.1", port: port), role: .dns, status: .alive, incarnation: incarnation)
    }

    static func machine(_ name: String, port: UInt16, knowing others: [MemberUpdate] = []) -> Membership {
        var membership = Membership(me: member(name, port: port), configuration: config, seed: UInt64(port))
        _ = membership.merge(fullState: others.map { .member($0) }, now: 0)
        membership.discardPendingUpdates()
        return membership
    }

    static func sends(_ directives: [MembershipDirective]) -> [(GossipMessage, GossipAddress)] {
        directives.compactMap { if case .send(let message, let to) = $0 { (message, to) } else { nil } }
    }

    @Test func aJoinerAndItsSeedLearnEachOther() {
        var seed = Self.machine("a", port: 1)
        var joiner = Self.machine("b", port: 2)
        let hello = Self.sends(joiner.join(seeds: [GossipAddress(host: "10.0.0.1", port: 1)], now: 0))
        #expect(hello.count == 1)
        guard case .ping = hello[0].0.kind else { Issue.record("join pings"); return }
        #expect(hello[0].0.updates.contains(.member(joiner.me)), "the ping introduces the joiner")
        let reply = seed.receive(hello[0].0, from: "b", address: joiner.me.address, now: 1)
        #expect(seed.member(named: "b")?.status == .alive)
        let ack = Self.sends(reply)
        #expect(ack.count == 1 && ack[0].1 == joiner.me.address)
        #expect(ack[0].0.updates.contains(.member(seed.me)), "the answer to a stranger introduces the seed")
        _ = joiner.receive(ack[0].0, from: "a", address: seed.me.address, now: 2)
        #expect(joiner.member(named: "a")?.status == .alive)
    }

    @Test func aSilentMemberIsProbedIndirectlyThenSuspectedThenDead() {
        let others = [Self.member("b", port: 2), Self.member("c", port: 3), Self.member("d", port: 4)]
        var a = Self.machine("a", port: 1, knowing: others)
        let pings = Self.sends(a.tick(now: 0))
        #expect(pings.count == 1)
        let target = pings[0].1
        let requests = Self.sends(a.tick(now: 80))
        #expect(requests.count == 2, "k = 2 members asked to probe")
        #expect(requests.allSatisfy { if case .pingRequest = $0.0.kind { $0.1 != target } else { false } })
        let changes = a.tick(now: 200)
        let name = a.members.first { $0.address == target }!.name
        #expect(changes.contains(.memberChanged(MemberUpdate(name: name, address: target, role: .dns, status: .suspect, incarnation: 1))))
        // Suspicion lasts 5 × max(1, log10(4)) × 200 ms = 1 s from when it began.
        _ = a.tick(now: 1_100)
        #expect(a.member(named: name)?.status == .suspect)
        _ = a.tick(now: 1_210)
        #expect(a.member(named: name)?.status == .dead)
    }

    @Test func anAckThroughAHelperClearsTheProbe() {
        var a = Self.machine("a", port: 1, knowing: [Self.member("b", port: 2), Self.member("c", port: 3)])
        var helper = Self.machine("b", port: 2, knowing: [Self.member("a", port: 1), Self.member("c", port: 3)])
        var c = Self.machine("c", port: 3, knowing: [Self.member("a", port: 1), Self.member("b", port: 2)])
        // Make a probe c (whoever a picks first, run until it is c).
        var ping: (GossipMessage, GossipAddress)?
        var now: UInt64 = 0
        while ping == nil {
            ping = Self.sends(a.tick(now: now)).first { $0.1 == c.me.address }
            now += 200
        }
        let start = now - 200
        let request = Self.sends(a.tick(now: start + 80)).first { $0.1 == helper.me.address }!
        let relayed = Self.sends(helper.receive(request.0, from: "a", address: a.me.address, now: start + 81))
        #expect(relayed.count == 1 && relayed[0].1 == c.me.address, "the helper pings the target")
        let ack = Self.sends(c.receive(relayed[0].0, from: "b", address: helper.me.address, now: start + 82))
        let forwarded = Self.sends(helper.receive(ack[0].0, from: "c", address: c.me.address, now: start + 83))
        #expect(forwarded.count == 1 && forwarded[0].1 == a.me.address, "the helper forwards the ack")
        _ = a.receive(forwarded[0].0, from: "b", address: helper.me.address, now: start + 84)
        _ = a.tick(now: start + 200)
        #expect(a.member(named: "c")?.status == .alive, "no suspicion")
    }

    @Test func aSuspectRefutesWithAHigherIncarnation() {
        var b = Self.machine("b", port: 2, knowing: [Self.member("a", port: 1)])
        var rumour = b.me
        rumour.status = .suspect
        let out = b.receive(GossipMessage(.gossip, updates: [.member(rumour)]), from: "a", address: GossipAddress(host: "10.0.0.1", port: 1), now: 5)
        #expect(b.me.incarnation == 2 && b.me.status == .alive)
        #expect(out.contains(.memberChanged(b.me)))
        // Someone still spreading the old suspicion is corrected directly.
        let correction = Self.sends(b.receive(GossipMessage(.gossip, updates: [.member(rumour)]), from: "a", address: GossipAddress(host: "10.0.0.1", port: 1), now: 6))
        #expect(correction.contains { $0.0.updates.contains(.member(b.me)) })
    }

    @Test func reportsKeepTheHighestVersionAndPublishingOutranksRestarts() {
        var a = Self.machine("a", port: 1)
        let old = RegionReport(origin: "x", region: "r", version: 5, endpoints: [])
        let new = RegionReport(origin: "x", region: "r", version: 6, endpoints: [EndpointReport(name: "e", up: false, drained: false, capacityPermille: 0, latencyMicroseconds: 0)])
        #expect(a.merge(fullState: [.report(new)], now: 0) == [.reportChanged(new)])
        #expect(a.merge(fullState: [.report(old)], now: 0).isEmpty, "an older version is ignored")
        let published = a.publish(region: "r", endpoints: [], now: 1_000)
        guard case .reportChanged(let mine) = published.first else { Issue.record("published"); return }
        #expect(mine.version == 1_000, "versions start at the clock, so a restart outranks its earlier life")
        _ = a.publish(region: "r", endpoints: [], now: 1_000)
        #expect(a.reports["a"]?.version == 1_001)
    }

    /// A changed report goes at once to every DNS node, each in one hop; agents hear it by gossip.
    @Test func aPublishedReportGoesStraightToEveryDNSNode() {
        let agent = MemberUpdate(name: "agent-b", address: GossipAddress(host: "10.0.0.1", port: 5), role: .agent, region: "r", status: .alive, incarnation: 1)
        let dnsNodes = (2...4).map { Self.member("dns\($0)", port: UInt16($0)) }
        var a = Self.machine("a", port: 1, knowing: dnsNodes + [agent])
        let published = a.publish(region: "r", endpoints: [], now: 1_000)
        let sends = Self.sends(published)
        #expect(Set(sends.map(\.1)) == Set(dnsNodes.map(\.address)), "every DNS node, and not the other agent")
        #expect(sends.allSatisfy { $0.0.updates == [.report(a.reports["a"]!)] })
    }

    /// An agent killed and restarted must not be trusted on its old report: it described a
    /// process that is gone. Only a report taken in after its return counts again.
    @Test func aReportFromBeforeDeathDoesNotCountOnceTheMemberIsBack() {
        var a = Self.machine("a", port: 1, knowing: [Self.member("x", port: 9)])
        let before = RegionReport(origin: "x", region: "r", version: 5, endpoints: [])
        _ = a.merge(fullState: [.report(before)], now: 0)
        #expect(a.reportsFromBefore.isEmpty)
        var dead = Self.member("x", port: 9)
        dead.status = .dead
        _ = a.merge(fullState: [.member(dead)], now: 10)
        #expect(a.reportsFromBefore == ["x"])
        // A newer report that arrives while x is still dead (late gossip) is still of the old life.
        _ = a.merge(fullState: [.report(RegionReport(origin: "x", region: "r", version: 6, endpoints: []))], now: 20)
        #expect(a.reportsFromBefore == ["x"])
        // x restarts with a higher incarnation: back alive, but its report is still the old one.
        _ = a.merge(fullState: [.member(Self.member("x", port: 9, incarnation: 2))], now: 30)
        #expect(a.member(named: "x")?.status == .alive)
        #expect(a.reportsFromBefore == ["x"])
        _ = a.merge(fullState: [.report(RegionReport(origin: "x", region: "r", version: 7, endpoints: []))], now: 40)
        #expect(a.reportsFromBefore.isEmpty, "a report received while x is alive is of its new life")
    }

    @Test func leavingTellsOthersAndTheyMarkItLeft() {
        var a = Self.machine("a", port: 1, knowing: [Self.member("b", port: 2)])
        var b = Self.machine("b", port: 2, knowing: [Self.member("a", port: 1)])
        let farewell = Self.sends(a.leave(now: 0))
        #expect(farewell.count == 1)
        _ = b.receive(farewell[0].0, from: "a", address: a.me.address, now: 1)
        #expect(b.member(named: "a")?.status == .left)
        #expect(a.tick(now: 500).isEmpty, "a departed member is quiet")
    }

    @Test func anUpdateIsSentABoundedNumberOfTimes() {
        let others = (2...9).map { Self.member("m\($0)", port: UInt16($0)) }
        var a = Self.machine("a", port: 1, knowing: others)
        _ = a.publish(region: "r", endpoints: [], now: 0)
        var carried = 0
        for step in 0..<200 {
            for (message, _) in Self.sends(a.tick(now: UInt64(step) * 10)) where message.updates.contains(where: { if case .report = $0 { true } else { false } }) {
                carried += 1
            }
        }
        // λ = 6, ⌈log10(9 + 1)⌉ = 1: six sends, then the update leaves the queue.
        #expect(carried == a.configuration.retransmitLimit(members: 9))
        #expect(carried == 6)
    }
}

extension MembershipTests {
    @Test func failedProbesSlowThisMemberDownAndAcksBringItBack() {
        let others = [Self.member("b", port: 2), Self.member("c", port: 3), Self.member("d", port: 4)]
        var a = Self.machine("a", port: 1, knowing: others)
        // Nobody answers: each failed probe raises the local awareness and stretches the period.
        var now: UInt64 = 0
        var probes: [UInt64] = []
        while now < 3_000 {
            if Self.sends(a.tick(now: now)).contains(where: { if case .ping = $0.0.kind { true } else { false } }) { probes.append(now) }
            now += 10
        }
        #expect(a.awareness >= 3)
        let gaps = zip(probes, probes.dropFirst()).map { $1 - $0 }
        #expect(gaps.first == 200 && (gaps.last ?? 0) > 200, "periods grow with awareness: \(gaps)")
        // Answered probes bring it back down.
        let before = a.awareness
        var b = Self.machine("b", port: 2, knowing: [Self.member("a", port: 1)])
        for _ in 0..<40 {
            now += 10
            for (message, to) in Self.sends(a.tick(now: now)) {
                guard case .ping = message.kind else { continue }
                let answer = to == b.me.address ? Self.sends(b.receive(message, from: "a", address: a.me.address, now: now)) : []
                for (ack, _) in answer { _ = a.receive(ack, from: "b", address: b.me.address, now: now + 1) }
            }
        }
        #expect(a.awareness <= before)
    }
}
