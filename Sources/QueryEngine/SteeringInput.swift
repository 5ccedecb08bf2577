import DNSWire
import Steering

/// What steering needs from a query, and how its decision becomes A/AAAA records.
struct SteeringInput {
    /// The snapshot's fields are read when a steered name is asked, not copied for every query.
    let snapshot: ServingSnapshot
    let client: ClientContext
    let clientSubnet: ClientSubnet?

    /// Writes the steered records for `service` under `owner`. Returns the ECS scope, or nil
    /// when steering has nothing for this type (the caller answers NODATA from the zone).
    func answer(service: Int, ipv6: Bool, owner: UnsafeRawBufferPointer, writer: inout ResponseWriter) -> UInt8? {
        guard let table = snapshot.steering else { return nil }
        var random = SeededRandom(state: client.randomSeed)
        var ignored = IgnoredSteps()
        let decision = Steerer.steer(
            service: service, ipv6: ipv6, client: client.address, clientSubnet: clientSubnet,
            table: table, health: snapshot.health, failOpen: snapshot.configuration.failOpen, rng: &random, observer: &ignored
        )
        if decision.failedOpen { snapshot.configuration.onFailOpen?() }
        guard decision.count > 0 else { return nil }
        writer.header[.aa] = true
        let mark = writer.mark()
        for i in 0..<decision.count {
            let address = table.endpointAddresses[Int(decision.endpoints[i])]
            // RDATA straight from the address bits (RFC 1035 §3.4.1, RFC 3596 §2.2).
            var bytes = (address.high.bigEndian, address.low.bigEndian)
            let written = withUnsafeBytes(of: &bytes) { raw in
                writer.writeRecord(
                    owner: owner, type: ipv6 ? .aaaa : .a, ttl: decision.ttl,
                    rdata: UnsafeRawBufferPointer(rebasing: raw[0..<(ipv6 ? 16 : 4)]), section: .answer
                )
            }
            if !written {
                writer.rollback(to: mark)
                writer.header[.tc] = true
                break
            }
        }
        // Counted by the region of the first record: the one the answer is from, except for
        // weighted and fail-open answers, which mix regions and whose first record is the one
        // most clients use. A truncated answer holds no record; the client's retry over TCP counts.
        if !snapshot.steeredAnswerCounters.isEmpty, !writer.header[.tc] {
            snapshot.steeredAnswerCounters[service][table.regionOfEndpoint[Int(decision.endpoints[0])]]()
        }
        return decision.scopePrefixLength
    }
}

/// SplitMix64: a fast, seedable generator; each query gets its own seed from the transport.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(state)
    }
}
