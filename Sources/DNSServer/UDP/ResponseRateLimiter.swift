import DNSWire

/// Response rate limiting for UDP (as NSD's and Knot's RRL): answers to one client network
/// (IPv4 /24, IPv6 /56) are limited to `responsesPerSecond` in each second.
/// Over the limit, every `slip`-th response still goes out truncated (TC=1, question only), so
/// that a real client behind a spoofed flood retries over TCP and is answered; the others are
/// dropped. Spoofed queries then cannot turn the server into an amplifier aimed at a victim.
///
/// One limiter per UDP worker thread, touched by that thread alone: a fixed table of buckets
/// indexed by a hash of the network, allocated once. (A class, held by the worker; as a
/// noncopyable struct it crashed the compiler under `-sanitize=thread`.) Networks that collide
/// share a bucket (NSD does the same), which can only limit more, never less. With SO_REUSEPORT
/// the kernel spreads a client's source ports over the workers, so a network can get up to
/// `workers × responsesPerSecond` answers a second.
final class ResponseRateLimiter {
    enum Verdict: Equatable { case send, slip, drop }

    private struct Bucket {
        var network: UInt64
        var second: UInt32
        var tokens: Int32
        var limited: UInt32
    }

    static let tableSize = 1 << 14
    private let settings: DNSServerConfiguration.RateLimit
    private let table: UnsafeMutablePointer<Bucket>

    init(settings: DNSServerConfiguration.RateLimit) {
        self.settings = settings
        table = .allocate(capacity: Self.tableSize)
        table.initialize(repeating: Bucket(network: 0, second: 0, tokens: 0, limited: 0), count: Self.tableSize)
    }

    deinit { table.deallocate() }

    var isEnabled: Bool { settings.responsesPerSecond > 0 }

    /// Whether a response to `client` may go out at second `now` (any monotonic seconds).
    func verdict(for client: NetworkAddress, now: UInt32) -> Verdict {
        guard settings.responsesPerSecond > 0 else { return .send }
        let network = Self.network(of: client)
        let slot = Int(truncatingIfNeeded: StableHash.mix(network) >> 50) & (Self.tableSize - 1)
        let rate = Int32(clamping: settings.responsesPerSecond)
        if table[slot].network != network || table[slot].second != now {
            // A new network in this slot, or a new second: `rate` responses again. The count of
            // limited ones carries over between consecutive seconds, so slipping stays regular.
            let continuing = table[slot].network == network && table[slot].second &+ 1 == now
            table[slot] = Bucket(network: network, second: now, tokens: rate, limited: continuing ? table[slot].limited : 0)
        }
        if table[slot].tokens > 0 {
            table[slot].tokens -= 1
            return .send
        }
        table[slot].limited &+= 1
        guard settings.slip > 0, table[slot].limited % UInt32(settings.slip) == 0 else { return .drop }
        return .slip
    }

    /// The client's network as one number: IPv4 /24 or IPv6 /56. An IPv4 address is in the
    /// top 32 bits of `high`; its low bit marks the family (a masked /56 never has it).
    static func network(of address: NetworkAddress) -> UInt64 {
        switch address.family {
        case .ipv4: (address.high & 0xFFFF_FF00_0000_0000) | 1
        case .ipv6: address.high & 0xFFFF_FFFF_FFFF_FF00
        }
    }
}
