import DNSWire
import Foundation
import Topology

/// Steering as a pure function: service + client + health view + random source → endpoints,
/// TTL and ECS scope. No I/O and no clock; the random source is injected so tests can seed it.
/// Nothing here allocates: candidates live in fixed inline arrays.
public enum Steerer {
    /// Candidates considered per region (or per answer for `weighted`); more are ignored.
    public static let maxCandidates = 64
    /// RFC 7871 §11.1: never use more of the client address than this.
    public static let ipv4PrefixLimit: UInt8 = 24
    public static let ipv6PrefixLimit: UInt8 = 56

    public static func steer<R: RandomNumberGenerator, O: SteeringObserver>(
        service serviceID: Int, ipv6: Bool, client: NetworkAddress?, clientSubnet: ClientSubnet?,
        table: SteeringTable, health: HealthView, failOpen: Bool = true, rng: inout R, observer: inout O
    ) -> SteeringDecision {
        // Fields are read through the class reference: a `let` copy of the `Service` would
        // retain its strings and arrays on every query.
        let compiled = table.services[serviceID]
        let family = ipv6 ? 1 : 0
        var decision = SteeringDecision()
        decision.ttl = compiled.service.ttl

        // The client: its ECS subnet when it sent one with a prefix, else its source address.
        // `prefixLength` is how much of the address is known (all of it for a source address);
        // `stickyAddress` is the client network sticky hashing uses (/24 or /56 at most).
        var address = client
        var prefixLength = client.map { UInt8($0.bitCount) } ?? 0
        var stickyAddress = client.map { masked($0, to: Int($0.family == .ipv4 ? ipv4PrefixLimit : ipv6PrefixLimit)) }
        if let ecs = clientSubnet, ecs.sourcePrefixLength > 0 {
            let limit = ecs.family == 1 ? ipv4PrefixLimit : ipv6PrefixLimit
            prefixLength = min(ecs.sourcePrefixLength, limit)
            address = masked(NetworkAddress(ecs), to: Int(prefixLength))
            stickyAddress = address
            observer.note("client \(address!)/\(prefixLength) from EDNS Client Subnet")
        } else if let client {
            observer.note("client \(client) (source address)")
        }

        // Client region: longest matching network, else nearest to the default location.
        var matchedLength: UInt8?
        if let address {
            for (prefix, region) in table.clientNetworks where prefix.length <= Int(prefixLength) && prefix.contains(address) {
                decision.clientRegion = region
                matchedLength = UInt8(prefix.length)
                observer.note("client region \(table.regionNames[region]): matches \(prefix)")
                break
            }
        }
        if decision.clientRegion < 0, let first = table.defaultOrder.first {
            decision.clientRegion = first
            observer.note("client region \(table.regionNames[first]): no client network matches; nearest to the default location")
        }

        // Which regions, in which order, and whether the answer depends on the client.
        let dependsOnClient: Bool
        var order: InlineArray<64, Int32> = .init(repeating: -1)
        var orderCount = 0
        func add(_ region: Int) {
            guard orderCount < 64 else { return }
            order[orderCount] = Int32(region)
            orderCount += 1
        }
        switch compiled.service.policy {
        case .nearest, .latency:
            // Measured latency orders the regions when there is any (with hysteresis, applied
            // when measurements arrive); otherwise great-circle distance does. `nearest` always
            // tries the client's own region first; `latency` goes by the measurements alone.
            dependsOnClient = true
            let known = decision.clientRegion >= 0 && matchedLength != nil
            if known, let latency = health.latency, latency.hasMeasurements {
                if compiled.service.policy == .nearest { add(decision.clientRegion) }
                for region in latency.orders[decision.clientRegion] where !(compiled.service.policy == .nearest && region == decision.clientRegion) { add(region) }
                observer.note("regions ordered by measured latency from \(table.regionNames[decision.clientRegion])")
            } else {
                for region in known ? table.regionsByDistance[decision.clientRegion] : table.defaultOrder { add(region) }
            }
        case .failover:
            dependsOnClient = false
            for region in compiled.failoverOrder { add(region) }
        case .weighted:
            dependsOnClient = false
        }

        observer.note(compiled.service.policy == .weighted
            ? "policy weighted: every region's endpoints together"
            : "regions in order: \((0..<orderCount).map { table.regionNames[Int(order[$0])] }.joined(separator: ", "))")
        var candidates: InlineArray<64, Int32> = .init(repeating: -1)
        var candidateCount = 0
        if compiled.service.policy == .weighted {
            for region in table.regionNames.indices {
                collect(compiled.byRegion[family][region], health: health, into: &candidates, count: &candidateCount, table: table, observer: &observer)
            }
        } else {
            for i in 0..<orderCount {
                let region = Int(order[i])
                collect(compiled.byRegion[family][region], health: health, into: &candidates, count: &candidateCount, table: table, observer: &observer)
                if candidateCount > 0 {
                    decision.answeredRegion = region
                    observer.note("answering from region \(table.regionNames[region])")
                    break
                }
                observer.note("region \(table.regionNames[region]): no healthy \(ipv6 ? "IPv6" : "IPv4") endpoint")
            }
        }

        // Fail open: no endpoint of the service is healthy anywhere, in either address family,
        // so answer from every endpoint (as gdnsd and Route 53 do). When the other family still
        // has healthy endpoints, this family answers NODATA instead.
        if candidateCount == 0, anyServing(compiled, health: health) {
            observer.note("no healthy \(ipv6 ? "IPv6" : "IPv4") endpoint, but the service has healthy \(ipv6 ? "IPv4" : "IPv6") ones: NODATA")
            return decision
        }
        if candidateCount == 0 {
            for region in table.regionNames.indices {
                for endpoint in compiled.byRegion[family][region] where candidateCount < maxCandidates {
                    candidates[candidateCount] = Int32(endpoint)
                    candidateCount += 1
                }
            }
            guard candidateCount > 0 else {
                observer.note("no \(ipv6 ? "IPv6" : "IPv4") endpoint serves \(compiled.service.name): NODATA")
                return decision
            }
            guard failOpen else {
                observer.note("no healthy endpoint and fail-open is off: NODATA")
                return decision
            }
            decision.failedOpen = true
            observer.note("no healthy endpoint anywhere: failing open to all \(candidateCount)")
        }

        if compiled.service.sticky, let stickyAddress {
            pickSticky(address: stickyAddress, candidates: candidates, count: candidateCount, want: compiled.service.answers, table: table, health: health, decision: &decision)
        } else {
            pickWeighted(candidates: candidates, count: candidateCount, want: compiled.service.answers, table: table, health: health, useHealth: !decision.failedOpen, rng: &rng, decision: &decision)
        }
        for i in 0..<decision.count {
            let id = Int(decision.endpoints[i])
            // Read inside the note: copying an `Endpoint` (strings, arrays) costs the query path.
            observer.note("answer \(table.endpoints[id].name) \(table.endpoints[id].address) (weight \(table.endpoints[id].weight) × capacity \(health.capacity[id]))")
        }

        // RFC 7871 §7.2.1: scope = how much of the client address decided the answer. It must
        // also separate the client from any more specific network near it that would decide
        // differently (nested networks), and is 0 when the answer is the same for everyone.
        if let ecs = clientSubnet {
            var scope: UInt8 = 0
            if ecs.sourcePrefixLength > 0, !decision.failedOpen, let address {
                if dependsOnClient { scope = separatingLength(address, matched: matchedLength ?? 0, table: table) }
                if compiled.service.sticky { scope = prefixLength }
            }
            decision.scopePrefixLength = min(scope, prefixLength)
            observer.note("ECS scope /\(decision.scopePrefixLength)")
        }
        return decision
    }

    /// The shortest prefix of `address` that holds the decision: at least the matched network's
    /// length, and long enough to exclude every longer client network that shares the matched
    /// part of the address (those clients would get a different region).
    static func separatingLength(_ address: NetworkAddress, matched: UInt8, table: SteeringTable) -> UInt8 {
        var length = Int(matched)
        for (prefix, _) in table.clientNetworks where prefix.address.family == address.family && prefix.length > Int(matched) {
            let common = commonPrefixLength(address, prefix.address)
            guard common >= Int(matched) else { continue }
            length = max(length, min(common + 1, prefix.length))
        }
        return UInt8(length)
    }

    @inline(__always)
    static func commonPrefixLength(_ a: NetworkAddress, _ b: NetworkAddress) -> Int {
        let high = a.high ^ b.high
        if high != 0 { return high.leadingZeroBitCount }
        return 64 + (a.low ^ b.low).leadingZeroBitCount
    }

    /// Whether any endpoint of the service, of either family, is healthy.
    private static func anyServing(_ compiled: SteeringTable.CompiledService, health: HealthView) -> Bool {
        for family in compiled.byRegion {
            for region in family {
                for id in region where health.isServing(id) { return true }
            }
        }
        return false
    }

    private static func collect<O: SteeringObserver>(
        _ ids: [Int], health: HealthView, into candidates: inout InlineArray<64, Int32>, count: inout Int,
        table: SteeringTable, observer: inout O
    ) {
        for id in ids {
            if health.isServing(id) {
                if count < maxCandidates {
                    candidates[count] = Int32(id)
                    count += 1
                }
            } else {
                observer.note("excluded \(table.endpoints[id].name): \(health.up[id] ? "no healthy capacity" : "down")")
            }
        }
    }

    /// Weighted draw without replacement; weight = configured weight × healthy capacity.
    private static func pickWeighted<R: RandomNumberGenerator>(
        candidates: InlineArray<64, Int32>, count: Int, want: Int, table: SteeringTable, health: HealthView,
        useHealth: Bool, rng: inout R, decision: inout SteeringDecision
    ) {
        var pool = candidates
        var remaining = count
        var weights: InlineArray<64, Double> = .init(repeating: 0)
        var total = 0.0
        for i in 0..<remaining {
            let id = Int(pool[i])
            weights[i] = table.endpointWeights[id] * (useHealth ? health.capacity[id] : 1)
            total += weights[i]
        }
        while decision.count < want, remaining > 0, total > 0 {
            var target = Double(rng.next() >> 11) * 0x1p-53 * total
            var chosen = remaining - 1
            for i in 0..<remaining {
                if target < weights[i] { chosen = i; break }
                target -= weights[i]
            }
            decision.append(Int(pool[chosen]))
            total -= weights[chosen]
            remaining -= 1
            pool[chosen] = pool[remaining]
            weights[chosen] = weights[remaining]
        }
    }

    /// Weighted rendezvous hashing on the client network: each candidate scores
    /// weight / -ln(u) with u from a hash of (network, endpoint); the highest scores win. A client
    /// keeps its endpoints while they stay healthy, and losing one moves only its clients.
    private static func pickSticky(
        address: NetworkAddress, candidates: InlineArray<64, Int32>, count: Int, want: Int,
        table: SteeringTable, health: HealthView, decision: inout SteeringDecision
    ) {
        var scores: InlineArray<64, Double> = .init(repeating: 0)
        for i in 0..<count {
            let id = Int(candidates[i])
            // Keyed by the endpoint's name, not its position, so adding endpoints elsewhere moves nobody.
            scores[i] = StableHash.rendezvousScore(
                key: address, memberSeed: table.endpointSeeds[id], weight: table.endpointWeights[id] * max(health.capacity[id], 0.001)
            )
        }
        var taken: InlineArray<64, Bool> = .init(repeating: false)
        while decision.count < min(want, count) {
            var best = -1
            for i in 0..<count where !taken[i] && (best < 0 || scores[i] > scores[best]) { best = i }
            taken[best] = true
            decision.append(Int(candidates[best]))
        }
    }

    static func masked(_ address: NetworkAddress, to length: Int) -> NetworkAddress {
        let (high, low) = NetworkPrefix.mask(length)
        return NetworkAddress(family: address.family, high: address.high & high, low: address.low & low)
    }
}
