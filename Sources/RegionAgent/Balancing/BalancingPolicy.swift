import DNSWire

/// Chooses a backend for a request. Policies are values with their own small state (rotation
/// counters, smooth-WRR credits); `nil` means no healthy backend (the proxy answers 503).
public protocol BalancingPolicy: Sendable {
    /// `excluding` is a backend already tried for this request (a retry goes elsewhere).
    mutating func pick(_ pool: BackendPool, client: NetworkAddress?, excluding: Int?) -> Int?
}

/// The policy named in a region file.
public func makeBalancingPolicy(_ name: String) -> (any BalancingPolicy)? {
    switch name {
    case "round-robin": RoundRobinPolicy()
    case "least-connections": LeastConnectionsPolicy()
    case "ip-hash": IPHashPolicy()
    case "weighted": SmoothWeightedPolicy()
    default: nil
    }
}

/// Plain weighted round robin: each healthy backend gets `weight` turns per cycle, in order.
public struct RoundRobinPolicy: BalancingPolicy {
    var turn = 0

    public init() {}

    public mutating func pick(_ pool: BackendPool, client: NetworkAddress?, excluding: Int?) -> Int? {
        var total = 0
        for index in pool.members.indices where pool.isCandidate(index, excluding: excluding) { total += pool.members[index].weight }
        guard total > 0 else { return nil }
        var slot = turn % total
        turn &+= 1
        for index in pool.members.indices where pool.isCandidate(index, excluding: excluding) {
            if slot < pool.members[index].weight { return index }
            slot -= pool.members[index].weight
        }
        return nil
    }
}

/// Fewest requests in flight relative to weight (active / weight); ties go round robin so that
/// an idle pool still spreads load.
public struct LeastConnectionsPolicy: BalancingPolicy {
    var turn = 0

    public init() {}

    public mutating func pick(_ pool: BackendPool, client: NetworkAddress?, excluding: Int?) -> Int? {
        func load(_ i: Int) -> Double { Double(pool.members[i].active) / Double(pool.members[i].weight) }
        var best = Double.infinity
        var tied = 0
        for index in pool.members.indices where pool.isCandidate(index, excluding: excluding) {
            let l = load(index)
            if l < best { best = l; tied = 1 } else if l == best { tied += 1 }
        }
        guard tied > 0 else { return nil }
        var chosen = turn % tied
        turn &+= 1
        for index in pool.members.indices where pool.isCandidate(index, excluding: excluding) && load(index) == best {
            if chosen == 0 { return index }
            chosen -= 1
        }
        return nil
    }
}

/// Consistent client affinity: weighted rendezvous hashing of the client address over the
/// healthy backends' names. Taking one backend out remaps only the clients it had.
public struct IPHashPolicy: BalancingPolicy {
    public init() {}

    public mutating func pick(_ pool: BackendPool, client: NetworkAddress?, excluding: Int?) -> Int? {
        var best: (index: Int, score: Double)?
        for index in pool.members.indices where pool.isCandidate(index, excluding: excluding) {
            guard let address = client else { return index }
            let member = pool.members[index]
            let score = StableHash.rendezvousScore(key: address, memberSeed: member.seed, weight: Double(member.weight))
            if best == nil || score > best!.score { best = (index, score) }
        }
        return best?.index
    }
}

/// nginx's smooth weighted round robin: every pick adds each backend's weight to its credit,
/// takes the highest credit and subtracts the total. Weights 5:1:1 give a b a c a a a,
/// interleaved rather than in bursts.
public struct SmoothWeightedPolicy: BalancingPolicy {
    /// Credit per member index (a pool's members keep their positions).
    var credit: [Int] = []

    public init() {}

    public mutating func pick(_ pool: BackendPool, client: NetworkAddress?, excluding: Int?) -> Int? {
        if credit.count != pool.members.count { credit = Array(repeating: 0, count: pool.members.count) }
        var total = 0
        var best: Int?
        for index in pool.members.indices where pool.isCandidate(index, excluding: excluding) {
            credit[index] += pool.members[index].weight
            total += pool.members[index].weight
            if best == nil || credit[index] > credit[best!] { best = index }
        }
        guard let best else { return nil }
        credit[best] -= total
        return best
    }
}
