import Atomics
import CoreMetrics
import DNSWire
import NIOConcurrencyHelpers
import QueryEngine

/// A DNS node's query metrics. Per-query counts (responses by transport, qtype and rcode, drops,
/// latency) live in `QueryTally` cells, one tally per UDP worker and one shared by TCP, summed
/// and rendered in the Prometheus text format at scrape time (`exposition()`), so that counting
/// a query allocates nothing and takes no lock. Rarer events are swift-metrics counters. The
/// totals the admin API's summary shows are readable too: responses sent, answers per steered
/// service and region, fail-open answers.
public final class DNSMetrics: Sendable {
    static let trackedTypes: [RRType] = [.a, .aaaa, .ns, .cname, .soa, .ptr, .mx, .txt, .srv, .ds, .dnskey, .https, .caa, .any, .axfr, .ixfr]
    static let trackedCodes: [ResponseCode] = [.noError, .formErr, .servFail, .nxDomain, .notImp, .refused, .badVers]
    static let transportNames = [ClientContext.Transport.udp.rawValue, ClientContext.Transport.tcp.rawValue]

    /// Upper bounds of the latency histogram, in nanoseconds. Building an answer takes a few
    /// microseconds: with the Prometheus defaults (5 ms to 10 s) every query would land in the
    /// first bucket.
    static let latencyBuckets: [UInt64] = [
        5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
        10_000_000, 25_000_000, 50_000_000, 100_000_000, 250_000_000, 1_000_000_000,
    ]

    private let factory: any MetricsFactory
    /// Every tally made by `makeWorkerTally()`, plus `shared`.
    let tallies: NIOLockedValueBox<[QueryTally]>
    /// The tally of writers that share one: TCP connections on every event loop.
    private let shared = QueryTally(writers: .many)
    /// `meridian_dns_steered_answers_total{service,region}` by service and region name: made
    /// when a snapshot first names the pair, and kept (with its count) across reloads.
    private let steeredAnswers = NIOLockedValueBox<[String: [String: ReadableCounter]]>([:])
    public let errors: Counter
    public let tcpRejected: Counter
    /// TCP connections closed because a message did not arrive whole within the read timeout.
    public let tcpReadTimeouts: ReadableCounter
    public let reloads: Counter
    public let reloadFailures: Counter
    /// Steering answers given with every endpoint because none was healthy.
    public let steeringFailedOpen: ReadableCounter

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        tallies = NIOLockedValueBox([shared])
        errors = Counter(label: "meridian_dns_transport_errors_total", factory: factory)
        tcpRejected = Counter(label: "meridian_dns_tcp_connections_rejected_total", factory: factory)
        tcpReadTimeouts = ReadableCounter(label: "meridian_dns_tcp_read_timeouts_total", factory: factory)
        reloads = Counter(label: "meridian_zone_reloads_total", factory: factory)
        reloadFailures = Counter(label: "meridian_zone_reload_failures_total", factory: factory)
        steeringFailedOpen = ReadableCounter(label: "meridian_steering_failed_open_total", factory: factory)
    }

    /// A tally for one writer thread (a UDP worker), counted in every scrape from now on.
    func makeWorkerTally() -> QueryTally {
        let tally = QueryTally(writers: .one)
        tallies.withLockedValue { $0.append(tally) }
        return tally
    }

    /// Counts a query in the shared tally (TCP, and callers without a tally of their own).
    @inline(__always)
    func record(_ outcome: QueryOutcome, transport: ClientContext.Transport, nanoseconds: Int64) {
        shared.record(outcome, transport: transport, nanoseconds: nanoseconds)
    }

    /// Responses sent since start: the sum of `meridian_dns_responses_total`.
    public var responseCount: Int {
        let all = tallies.withLockedValue { $0 }
        var total: UInt64 = 0
        for tally in all {
            for t in 0..<QueryTally.transports {
                for type in 0..<QueryTally.typeSlots {
                    for code in 0..<QueryTally.codeSlots { total &+= tally.responses(transport: t, type: type, code: code) }
                }
            }
        }
        return Int(truncatingIfNeeded: total)
    }

    /// The counter of answers for `service` from `region`, for `QueryEngineConfiguration.steeredAnswerCounter`.
    public func steeredAnswerCounter(service: String, region: String) -> ReadableCounter {
        steeredAnswers.withLockedValue { byService in
            if let counter = byService[service]?[region] { return counter }
            let counter = ReadableCounter(label: "meridian_dns_steered_answers_total", dimensions: [("service", service), ("region", region)], factory: factory)
            byService[service, default: [:]][region] = counter
            return counter
        }
    }

    /// Answers so far by service, then region, for every pair a snapshot has named.
    public func steeredAnswerCounts() -> [String: [String: Int]] {
        steeredAnswers.withLockedValue { $0.mapValues { $0.mapValues(\.value) } }
    }

    @inline(__always)
    static func slot(_ type: RRType) -> Int {
        trackedTypes.firstIndex(of: type) ?? trackedTypes.count
    }

    @inline(__always)
    static func slot(_ code: ResponseCode) -> Int {
        trackedCodes.firstIndex(of: code) ?? trackedCodes.count
    }
}
