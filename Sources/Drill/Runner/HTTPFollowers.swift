import NIOConcurrencyHelpers

/// Simulated clients, one per client region, that do what a browser behind a caching resolver
/// does: take the newest DNS answer, keep it for its TTL, and send requests to its addresses in
/// turn. Their errors are what users would have seen.
final class HTTPFollowers: Sendable {
    private let target: DrillTarget
    private let prober: DNSProber
    private let origin: ContinuousClock.Instant
    private let host: String
    private let recorded = NIOLockedValueBox<[HTTPRequestSample]>([])

    init(target: DrillTarget, prober: DNSProber, origin: ContinuousClock.Instant, host: String) {
        self.target = target
        self.prober = prober
        self.origin = origin
        self.host = host
    }

    var samples: [HTTPRequestSample] { recorded.withLockedValue { $0 }.sorted { $0.at < $1.at } }

    func run(every interval: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            for client in target.clients.indices {
                group.addTask { await self.follow(client: client, every: interval) }
            }
        }
    }

    private func follow(client: Int, every interval: Duration) async {
        var cached: (addresses: [String], expires: ContinuousClock.Instant) = ([], .now)
        var turn = 0
        var next = ContinuousClock.now
        while !Task.isCancelled {
            let now = ContinuousClock.now
            if now >= cached.expires || cached.addresses.isEmpty, let answer = prober.latestAnswer(client: client) {
                cached = (answer.addresses, now + .seconds(Int64(answer.ttl)))
            }
            if !cached.addresses.isEmpty {
                let address = cached.addresses[turn % cached.addresses.count]
                turn += 1
                let port = target.endpoints.first { $0.address == address }?.port ?? 80
                let sentAt = (ContinuousClock.now - origin).milliseconds
                let status = try? await HTTPClient.request(.GET, host: address, port: port, path: "/", hostHeader: host, timeout: .seconds(1)).status
                recorded.withLockedValue { $0.append(HTTPRequestSample(at: sentAt, client: client, address: address, status: status)) }
            }
            next += interval
            if next < .now { next = .now }
            try? await Task.sleep(until: next, clock: .continuous)
        }
    }
}
