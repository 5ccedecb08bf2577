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
        let candidates = pool.healthyIndices.filter { $0 != excluding }
        let total = candidates.reduce(0) { $0 + pool.members[$1].weight }
        guard total > 0 else { return nil }
        var slot = turn % total
        turn &+= 1
        for index in candidates {
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
        let candidates = pool.healthyIndices.filter { $0 != excluding }
        guard !candidates.isEmpty else { return nil }
        func load(_ i: Int) -> Double { Double(pool.members[i].active) / Double(pool.members[i].weight) }
        let best = candidates.map(load).min()!
        let tied = candidates.filter { load($0) == best }
        defer { turn &+= 1 }
        return tied[turn % tied.count]
    }
}

/// Consistent client affinity: weighted rendezvous hashing of the client address over the
/// healthy backends' names. Taking one backend out remaps only the clients it had.
public struct IPHashPolicy: BalancingPolicy {
    public init() {}

    public mutating func pick(_ pool: BackendPool, client: NetworkAddress?, excluding: Int?) -> Int? {
        let candidates = pool.healthyIndices.filter { $0 != excluding }
        guard let address = client else { return candidates.first }
        var best: (index: Int, score: Double)?
        for index in candidates {
            let member = pool.members[index]
            let score = StableHash.rendezvousScore(key: address, memberSeed: StableHash.fnv1a(member.name), weight: Double(member.weight))
            if best == nil || score > best!.score { best = (index, score) }
        }
        return best?.index
    }
}

/// nginx's smooth weighted round robin: every pick adds each backend's weight to its credit,
/// takes the highest credit and subtracts the total. Weights 5:1:1 give a b a c a a a,
/// interleaved rather than in bursts.
public struct SmoothWeightedPolicy: BalancingPolicy {
    var credit: [String: Int] = [:]

    public init() {}

    public mutating func pick(_ pool: BackendPool, client: NetworkAddress?, excluding: Int?) -> Int? {
        let candidates = pool.healthyIndices.filter { $0 != excluding }
        guard !candidates.isEmpty else { return nil }
        var total = 0
        var best = candidates[0]
        for index in candidates {
            let member = pool.members[index]
            credit[member.name, default: 0] += member.weight
            total += member.weight
            if credit[member.name]! > credit[pool.members[best].name]! { best = index }
        }
        credit[pool.members[best].name]! -= total
        return best
    }
}
