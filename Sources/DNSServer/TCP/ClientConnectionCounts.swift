import DNSWire
import NIOConcurrencyHelpers

/// Open TCP connections per client address, so that one client (a slowloris, a half-open flood
/// from one host) cannot take every connection the server allows. Touched at accept and close
/// only, never per query.
final class ClientConnectionCounts: Sendable {
    private let limit: Int
    private let counts = NIOLockedValueBox<[NetworkAddress: Int]>([:])

    /// `limit` connections per client address; 0 means no per-client limit.
    init(limit: Int) { self.limit = limit }

    /// Takes a connection for `client`; false (nothing taken) when it already has `limit`.
    func open(_ client: NetworkAddress) -> Bool {
        guard limit > 0 else { return true }
        return counts.withLockedValue { counts in
            let current = counts[client, default: 0]
            guard current < limit else { return false }
            counts[client] = current + 1
            return true
        }
    }

    /// Gives back a connection `open` took.
    func close(_ client: NetworkAddress) {
        guard limit > 0 else { return }
        counts.withLockedValue { counts in
            let left = counts[client, default: 1] - 1
            counts[client] = left > 0 ? left : nil
        }
    }
}
