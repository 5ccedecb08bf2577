/// What `ReplayGuard.admit` decided about one frame.
public enum ReplayVerdict: Hashable, Sendable {
    case accepted
    /// Its timestamp is further than the time window from our clock: an old capture, or a
    /// sender whose clock is badly off.
    case stale
    /// Its sequence was seen already, or is older than the 64 below the sender's highest.
    case replayed
}

/// Anti-replay for authenticated frames, as IPsec and DTLS do it (RFC 4303 §3.4.3, RFC 6479):
/// per sender, the highest sequence seen and a 64-bit bitmap of the 64 sequences at and below
/// it, so that datagrams reordered by up to 64 pass while each is accepted at most once. The
/// timestamp window bounds what the sequence window cannot: a sender the guard does not know
/// (new, or evicted) has its first frame accepted, so only frames from within ±window of now can
/// be replayed against it.
///
/// Call `admit` only after `GossipFrame.open` verified the MAC. Otherwise anyone could forge a
/// frame with a huge sequence, pushing a real sender's window past all its real frames, or fill
/// the table with made-up senders.
public struct ReplayGuard: Sendable {
    public static let windowSize: UInt64 = 64

    /// How far, in milliseconds, a frame's timestamp may be from `now`, either way: it absorbs
    /// clock skew between members and delay in flight.
    public let timeWindowMilliseconds: UInt64
    /// Memory bound. When a new sender arrives and this many are tracked, the one whose frame was
    /// accepted least recently is forgotten. A forgotten sender's old frames stay bounded by the
    /// time window; a real cluster (tens to hundreds of members) never reaches the bound.
    public let maxSenders: Int

    struct SenderWindow: Sendable {
        var highest: UInt64
        /// Bit i set: sequence `highest - i` was accepted.
        var seen: UInt64
        /// `admissions` when this sender last had a frame accepted (a logical clock: wall time
        /// can repeat or go back).
        var lastAccepted: UInt64
    }

    private var senders: [String: SenderWindow] = [:]
    private var admissions: UInt64 = 0

    public init(timeWindowMilliseconds: UInt64 = 30_000, maxSenders: Int = 4096) {
        precondition(maxSenders > 0, "a replay guard tracks at least one sender")
        self.timeWindowMilliseconds = timeWindowMilliseconds
        self.maxSenders = maxSenders
    }

    /// How many senders have windows now.
    public var trackedSenders: Int { senders.count }

    /// Decides on a frame whose MAC verified, and remembers its sequence if accepted. `now` is
    /// this node's clock in milliseconds since the Unix epoch.
    public mutating func admit(sender: String, timestamp: UInt64, sequence: UInt64, now: UInt64) -> ReplayVerdict {
        let skew = timestamp > now ? timestamp - now : now - timestamp
        guard skew <= timeWindowMilliseconds else { return .stale }
        admissions += 1
        guard var window = senders[sender] else {
            if senders.count >= maxSenders { evictLeastRecent() }
            senders[sender] = SenderWindow(highest: sequence, seen: 1, lastAccepted: admissions)
            return .accepted
        }
        if sequence > window.highest {
            let advance = sequence - window.highest
            window.seen = advance >= Self.windowSize ? 1 : window.seen << advance | 1
            window.highest = sequence
        } else {
            let age = window.highest - sequence
            guard age < Self.windowSize else { return .replayed }
            let bit: UInt64 = 1 << age
            guard window.seen & bit == 0 else { return .replayed }
            window.seen |= bit
        }
        window.lastAccepted = admissions
        senders[sender] = window
        return .accepted
    }

    /// A linear scan, paid only when a new sender arrives at a full table: cheaper in code and
    /// memory than keeping a recency list on every accepted frame for a case that should not
    /// happen outside an attack by a key holder.
    private mutating func evictLeastRecent() {
        guard let oldest = senders.min(by: { $0.value.lastAccepted < $1.value.lastAccepted })?.key else { return }
        senders.removeValue(forKey: oldest)
    }
}
