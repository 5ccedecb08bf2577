/// What the shell must do after an event: send a message, or note a change.
public enum MembershipDirective: Sendable, Equatable {
    case send(GossipMessage, to: GossipAddress)
    /// A member's status or incarnation changed as this member sees it.
    case memberChanged(MemberUpdate)
    /// A region report newer than the one held arrived, or this member published one.
    case reportChanged(RegionReport)
}

/// One member's SWIM state machine (Das, Gupta, Motivala 2002) with the region reports it
/// spreads. Pure: events in (`tick`, `receive`, `publish`, `join`, `leave`), directives out;
/// time is milliseconds passed in, randomness a seeded generator. The shell moves the bytes.
///
/// - Failure detection: every `protocolPeriod` the next member in a shuffled round-robin order
///   is pinged; without an ack after `pingTimeout`, `indirectProbes` others are asked to ping
///   it; without any ack by the period's end it becomes suspect, and dead when the suspicion
///   timeout passes without a refutation. A member refutes by raising its incarnation.
/// - Dissemination: updates ride on every message, least-sent first, each sent λ·log N times;
///   fresh ones are also pushed to a few random members every `gossipInterval`.
/// - Reports: one per agent (origin), versioned; the highest version wins everywhere.
public struct Membership: Sendable {
    public let configuration: MembershipConfiguration
    /// This member as it gossips itself.
    public private(set) var me: MemberUpdate
    /// The latest region report per origin agent.
    public private(set) var reports: [String: RegionReport] = [:]
    /// Origins whose stored report predates their latest death or departure: it described the
    /// previous life of the process, so it must not count once the member is back, until a
    /// report sent after its return arrives.
    public private(set) var reportsFromBefore: Set<String> = []

    struct Known: Sendable {
        var update: MemberUpdate
        /// When its status last changed (suspicion and dead retention count from here).
        var since: UInt64
    }

    struct Probe: Sendable {
        var target: String
        var address: GossipAddress
        var sequence: UInt32
        var sentAt: UInt64
        var askedOthers = false
        var acked = false
    }

    /// Pings sent on another member's behalf: answer its request when the target acks.
    struct Relay: Sendable {
        var requester: GossipAddress
        var sequence: UInt32
        var sentAt: UInt64
    }

    private var known: [String: Known] = [:]
    /// Round-trip time of the last direct probe of each member, in milliseconds.
    public private(set) var roundTrips: [String: UInt64] = [:]
    /// Names of the alive and suspect members, kept up to date on every change (sampling reads
    /// it every period), in an order that depends only on the sequence of events.
    private var reachableNames: [String] = []
    private var reachablePosition: [String: Int] = [:]
    /// Suspects and departed members, so that timeouts are checked without a full scan.
    private var suspects: Set<String> = []
    private var departed: Set<String> = []
    private var nextSweepAt: UInt64 = 0
    /// Every other probe goes to a suspect, if there is one (below).
    private var probeRounds = 0
    /// Lifeguard's local health (Dadgar et al. 2017): 0 when this member keeps up; it grows
    /// when its probes fail or it hears itself suspected, and stretches its own probe timeouts
    /// and period by (1 + awareness). A member slowed down itself (a busy CPU, a full socket
    /// buffer) then waits longer before suspecting others instead of accusing healthy ones.
    public private(set) var awareness = 0
    static let maxAwareness = 8

    private var scale: UInt64 { UInt64(1 + awareness) }

    private mutating func adjustAwareness(_ delta: Int) {
        awareness = min(Self.maxAwareness, max(0, awareness + delta))
    }
    private var queue = DisseminationQueue()
    private var random: GossipRandom
    private var probeOrder: [String] = []
    private var probeCursor = 0
    private var probe: Probe?
    private var relays: [UInt32: Relay] = [:]
    private var sequence: UInt32 = 0
    private var nextProbeAt: UInt64 = 0
    private var nextGossipAt: UInt64 = 0

    /// `me` starts alive; give it an incarnation that grows across restarts (the shell uses
    /// its start time in seconds), so a restarted member outranks news of its own death.
    public init(me: MemberUpdate, configuration: MembershipConfiguration = MembershipConfiguration(), seed: UInt64) {
        self.me = me
        self.me.status = .alive
        self.configuration = configuration
        random = GossipRandom(seed: seed)
        queue.enqueue(.member(self.me))
    }

    // MARK: - Views

    /// Every member known, this one included, by name.
    public var members: [MemberUpdate] { ([me] + known.values.map(\.update)).sorted { $0.name < $1.name } }

    public func member(named name: String) -> MemberUpdate? { name == me.name ? me : known[name]?.update }

    /// Members that count for the protocol: alive or suspect (a suspect may still refute).
    private mutating func setReachable(_ name: String, _ reachable: Bool) {
        if reachable, reachablePosition[name] == nil {
            reachablePosition[name] = reachableNames.count
            reachableNames.append(name)
        } else if !reachable, let position = reachablePosition.removeValue(forKey: name) {
            let last = reachableNames.removeLast()
            if position < reachableNames.count {
                reachableNames[position] = last
                reachablePosition[last] = position
            }
        }
    }

    private var clusterSize: Int { 1 + known.count - departed.count }

    /// Up to `count` distinct reachable members chosen at random, without `excluded`.
    private mutating func sample(_ count: Int, excluding excluded: String? = nil) -> [MemberUpdate] {
        let pool = reachableNames
        guard !pool.isEmpty, count > 0 else { return [] }
        var picked: [MemberUpdate] = []
        if pool.count <= count + 1 {
            for name in pool.shuffled(using: &random) where name != excluded && picked.count < count { picked.append(known[name]!.update) }
            return picked
        }
        var seen: Set<Int> = []
        while picked.count < count, seen.count < pool.count {
            let index = Int.random(in: 0..<pool.count, using: &random)
            guard seen.insert(index).inserted, pool[index] != excluded else { continue }
            picked.append(known[pool[index]]!.update)
        }
        return picked
    }

    // MARK: - Events

    /// The address others reach this member at, once known (a listener on port 0).
    public mutating func advertise(_ address: GossipAddress) {
        me.address = address
        queue.enqueue(.member(me))
    }

    /// Contacts seed addresses (names unknown yet): each gets a ping carrying this member.
    public mutating func join(seeds: [GossipAddress], now: UInt64) -> [MembershipDirective] {
        seeds.filter { $0 != me.address }.map { address in
            .send(message(.ping(sequence: nextSequence()), including: .member(me)), to: address)
        }
    }

    /// Leaves on purpose: tells up to 8 members, so they need not wait for a suspicion timeout.
    public mutating func leave(now: UInt64) -> [MembershipDirective] {
        me.status = .left
        let farewell = GossipMessage(.leave, updates: [.member(me)])
        return sample(8).map { .send(farewell, to: $0.address) }
    }

    /// Publishes this agent's report; its version grows past every earlier one, across
    /// restarts too: versions are at least `notBefore` (the shell passes the wall clock in
    /// milliseconds; `now` otherwise).
    public mutating func publish(
        region: String, endpoints: [EndpointReport], roundTrips: [RegionRoundTrip] = [], now: UInt64, notBefore: UInt64? = nil
    ) -> [MembershipDirective] {
        let version = max((reports[me.name]?.version ?? 0) + 1, notBefore ?? now)
        let report = RegionReport(origin: me.name, region: region, version: version, endpoints: endpoints, roundTrips: roundTrips)
        reports[me.name] = report
        queue.enqueue(.report(report))
        nextGossipAt = 0  // push it now
        // DNS nodes act on reports: each reachable one gets a changed report straight away, in
        // one hop, besides its epidemic spread. The random push reaches only a few members; a
        // DNS node it missed heard the report a gossip round or more later, which was most of
        // the spread between nodes in failover times (scripts/bench/failover.sh).
        var out: [MembershipDirective] = [.reportChanged(report)]
        let direct = GossipMessage(.gossip, updates: [.report(report)])
        for name in reachableNames where out.count <= Self.maxDirectReports {
            if let member = known[name]?.update, member.role == .dns { out.append(.send(direct, to: member.address)) }
        }
        return out
    }

    /// At most this many DNS nodes get a changed report directly; the rest hear it by gossip.
    static let maxDirectReports = 32

    /// Advances time: probes, indirect probes, suspicion, forgetting, gossip pushes.
    public mutating func tick(now: UInt64) -> [MembershipDirective] {
        var out: [MembershipDirective] = []
        guard me.status == .alive else { return out }
        if var current = probe {
            if !current.acked, !current.askedOthers, now >= current.sentAt + configuration.pingTimeout * scale {
                current.askedOthers = true
                let request = GossipMessage.Kind.pingRequest(sequence: current.sequence, target: current.target, address: current.address)
                for helper in sample(configuration.indirectProbes, excluding: current.target) { out.append(.send(message(request), to: helper.address)) }
            }
            probe = current
            if now >= current.sentAt + configuration.protocolPeriod * scale {
                if !current.acked {
                    adjustAwareness(+1)
                    out += suspect(current.target, now: now)
                }
                probe = nil
            }
        }
        if probe == nil, now >= nextProbeAt, let target = nextProbeTarget() {
            let sequence = nextSequence()
            probe = Probe(target: target.name, address: target.address, sequence: sequence, sentAt: now)
            nextProbeAt = now + configuration.protocolPeriod * scale
            // A suspect hears the suspicion from its prober, so it can refute in its ack even
            // when the suspicion's own spreading missed it (Lifeguard's "buddy system").
            let news: GossipUpdate? = target.status == .suspect ? .member(target) : nil
            out.append(.send(message(.ping(sequence: sequence), including: news), to: target.address))
        }
        let suspicion = configuration.suspicionTimeout(members: clusterSize)
        for name in suspects {
            guard let entry = known[name], now >= entry.since + suspicion else { continue }
            var dead = entry.update
            dead.status = .dead
            out += record(dead, now: now)
        }
        if now >= nextSweepAt {
            nextSweepAt = now + configuration.protocolPeriod
            for name in departed where now >= (known[name]?.since ?? 0) + configuration.deadRetention {
                known[name] = nil
                roundTrips[name] = nil
                departed.remove(name)
                setReachable(name, false)
            }
        }
        relays = relays.filter { now < $0.value.sentAt + 2 * configuration.protocolPeriod }
        if now >= nextGossipAt {
            nextGossipAt = now + configuration.gossipInterval
            if !queue.isEmpty {
                for target in sample(configuration.gossipFanout) {
                    let push = message(.gossip)
                    if push.updates.isEmpty { break }
                    out.append(.send(push, to: target.address))
                }
            }
        }
        return out
    }

    /// A message from member `sender` (authenticated by the frame), which came from `address`.
    public mutating func receive(_ incoming: GossipMessage, from sender: String, address: GossipAddress, now: UInt64) -> [MembershipDirective] {
        guard me.status == .alive, sender != me.name else { return [] }
        var out: [MembershipDirective] = []
        let stranger = known[sender] == nil
        for update in incoming.updates { out += merge(update, now: now) }
        // A sender that still believes old bad news about this member (suspect or dead at an
        // incarnation already refuted), or a stranger (a joiner), is told who this member is
        // directly: the refutation's own spreading may have missed it.
        let stale = incoming.updates.contains { update in
            if case .member(let news) = update { news.name == me.name && news.status != .alive && news.incarnation < me.incarnation } else { false }
        }
        let introduce: GossipUpdate? = stale || stranger ? .member(me) : nil
        var introduced = false
        switch incoming.kind {
        case .ping(let sequence):
            out.append(.send(message(.ack(sequence: sequence), including: introduce), to: address))
            introduced = true
        case .pingRequest(let sequence, _, let targetAddress):
            let relayed = nextSequence()
            relays[relayed] = Relay(requester: address, sequence: sequence, sentAt: now)
            out.append(.send(message(.ping(sequence: relayed)), to: targetAddress))
        case .ack(let sequence):
            if let current = probe, current.sequence == sequence {
                probe?.acked = true
                adjustAwareness(-1)
                if !current.askedOthers { roundTrips[current.target] = now - current.sentAt }
            } else if let relay = relays.removeValue(forKey: sequence) {
                out.append(.send(message(.ack(sequence: relay.sequence)), to: relay.requester))
            }
        case .leave:
            if var departed = known[sender]?.update, departed.status < .left {
                departed.status = .left
                out += record(departed, now: now)
            }
        case .gossip:
            break
        }
        // Other messages get no answer to carry the correction: it goes on its own.
        if stale, !introduced { out.append(.send(GossipMessage(.gossip, updates: [.member(me)]), to: address)) }
        return out
    }

    // MARK: - Full-state sync (push-pull)

    /// Everything this member knows, for a full-state exchange with another member.
    public var fullState: [GossipUpdate] {
        [.member(me)] + known.values.map { .member($0.update) } + reports.values.map { .report($0) }
    }

    /// Merges another member's full state.
    public mutating func merge(fullState updates: [GossipUpdate], now: UInt64) -> [MembershipDirective] {
        updates.flatMap { merge($0, now: now) }
    }

    /// Drops the updates waiting to be sent (simulations start from a settled cluster).
    mutating func discardPendingUpdates() { queue = DisseminationQueue() }

    /// Updates waiting to be sent.
    var pendingUpdates: Int { queue.entries.count }

    // MARK: - Internals

    private mutating func nextSequence() -> UInt32 {
        sequence &+= 1
        return sequence
    }

    /// A message with as many queued updates as allowed (and `first` ahead of them).
    private mutating func message(_ kind: GossipMessage.Kind, including first: GossipUpdate? = nil) -> GossipMessage {
        let updates = queue.take(configuration.maxUpdatesPerMessage, limit: configuration.retransmitLimit(members: clusterSize), first: first)
        return GossipMessage(kind, updates: updates)
    }

    /// The next member in a shuffled round-robin over the reachable ones (SWIM §4.3: every
    /// member is probed within a bounded time, unlike independent random picks).
    private mutating func nextProbeTarget() -> MemberUpdate? {
        probeRounds += 1
        if probeRounds % 2 == 0, !suspects.isEmpty {
            let names = suspects.sorted()
            if let update = known[names[Int.random(in: 0..<names.count, using: &random)]]?.update, update.status == .suspect { return update }
        }
        for _ in 0..<2 {
            while probeCursor < probeOrder.count {
                let name = probeOrder[probeCursor]
                probeCursor += 1
                if let entry = known[name], entry.update.status <= .suspect { return entry.update }
            }
            probeOrder = reachableNames.shuffled(using: &random)
            probeCursor = 0
            if probeOrder.isEmpty { return nil }
        }
        return nil
    }

    private mutating func suspect(_ name: String, now: UInt64) -> [MembershipDirective] {
        guard var update = known[name]?.update, update.status == .alive else { return [] }
        update.status = .suspect
        return record(update, now: now)
    }

    /// Stores a member update that won precedence, queues it and reports the change.
    private mutating func record(_ update: MemberUpdate, now: UInt64) -> [MembershipDirective] {
        known[update.name] = Known(update: update, since: now)
        setReachable(update.name, update.status <= .suspect)
        if update.status == .suspect { suspects.insert(update.name) } else { suspects.remove(update.name) }
        if update.status >= .dead {
            departed.insert(update.name)
            if reports[update.name] != nil { reportsFromBefore.insert(update.name) }
        } else {
            departed.remove(update.name)
        }
        queue.enqueue(.member(update))
        return [.memberChanged(update)]
    }

    private mutating func merge(_ update: GossipUpdate, now: UInt64) -> [MembershipDirective] {
        switch update {
        case .member(let member):
            if member.name == me.name {
                // News of this member: refute suspicion or death by a higher incarnation.
                guard member.incarnation >= me.incarnation, member.status != .alive || member.incarnation > me.incarnation else { return [] }
                me.incarnation = member.incarnation + 1
                if member.status == .suspect || member.status == .dead { adjustAwareness(+1) }
                queue.enqueue(.member(me))
                return [.memberChanged(me)]
            }
            if let current = known[member.name]?.update, !member.overrides(current) { return [] }
            return record(member, now: now)
        case .report(let report):
            if let current = reports[report.origin], current.version >= report.version { return [] }
            reports[report.origin] = report
            // Only a report taken in while its origin is alive (or suspected) is of its new life.
            if let origin = known[report.origin]?.update, origin.status <= .suspect { reportsFromBefore.remove(report.origin) }
            queue.enqueue(.report(report))
            return [.reportChanged(report)]
        }
    }
}
