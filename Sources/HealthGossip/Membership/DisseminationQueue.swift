/// Updates waiting to be piggybacked: the least-sent first, each sent a bounded number of
/// times (SWIM §4.1's infection-style dissemination). A newer update about the same subject
/// replaces the older one and starts its count again.
struct DisseminationQueue: Sendable {
    struct Entry: Sendable {
        var update: GossipUpdate
        var transmits: Int
        /// Arrival order, so that equally-sent updates go oldest first, deterministically.
        var order: UInt64
    }

    private(set) var entries: [String: Entry] = [:]
    private var arrivals: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }

    mutating func enqueue(_ update: GossipUpdate) {
        arrivals += 1
        entries[Self.key(of: update)] = Entry(update: update, transmits: 0, order: arrivals)
    }

    /// Up to `count` updates for one message, least-sent first (after `first`, if given); each
    /// taken one counts a send, and one sent `limit` times leaves the queue.
    mutating func take(_ count: Int, limit: Int, first: GossipUpdate? = nil) -> [GossipUpdate] {
        var picked: [GossipUpdate] = []
        let firstKey = first.map(Self.key(of:))
        if let first { picked.append(first) }
        guard count > picked.count, !entries.isEmpty else { return picked }
        let chosen = entries.filter { $0.key != firstKey }
            .sorted { ($0.value.transmits, $0.value.order) < ($1.value.transmits, $1.value.order) }
            .prefix(count - picked.count)
        for (key, entry) in chosen {
            picked.append(entry.update)
            if entry.transmits + 1 >= limit { entries[key] = nil } else { entries[key]?.transmits += 1 }
        }
        return picked
    }

    static func key(of update: GossipUpdate) -> String {
        switch update {
        case .member(let member): "m:" + member.name
        case .report(let report): "r:" + report.origin
        }
    }
}
