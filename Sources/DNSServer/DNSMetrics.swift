import Atomics
import CoreMetrics
import DNSWire
import NIOConcurrencyHelpers
import QueryEngine

/// Query counters by transport, qtype and rcode, and a latency histogram by transport, made
/// once up front so that counting a query allocates nothing (swift-metrics). The totals the
/// admin API's summary shows are readable too: responses sent, answers per steered service and
/// region, fail-open answers.
public final class DNSMetrics: Sendable {
    static let trackedTypes: [RRType] = [.a, .aaaa, .ns, .cname, .soa, .ptr, .mx, .txt, .srv, .ds, .dnskey, .https, .caa, .any, .axfr, .ixfr]
    static let trackedCodes: [ResponseCode] = [.noError, .formErr, .servFail, .nxDomain, .notImp, .refused, .badVers]

    static let queryDurationLabel = "meridian_dns_query_duration_seconds"
    /// Histogram buckets for the metrics factory (`PrometheusMetricsFactory.durationHistogramBuckets`).
    /// Building an answer takes a few microseconds: with the Prometheus defaults (5 ms to 10 s)
    /// every query would land in the first bucket.
    public static let histogramBuckets: [String: [Duration]] = [
        queryDurationLabel: [
            .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100),
            .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ],
    ]

    private let factory: any MetricsFactory
    /// [transport][type slot][rcode slot]; the last slot of each is "other".
    private let answered: [[[Counter]]]
    /// Every response sent, whatever its transport, type and rcode.
    private let responses = ManagedAtomic<Int>(0)
    private let latency: [Timer]
    /// `meridian_dns_steered_answers_total{service,region}` by service and region name: made
    /// when a snapshot first names the pair, and kept (with its count) across reloads.
    private let steeredAnswers = NIOLockedValueBox<[String: [String: ReadableCounter]]>([:])
    public let dropped: Counter
    public let errors: Counter
    public let tcpRejected: Counter
    public let reloads: Counter
    public let reloadFailures: Counter
    /// Steering answers given with every endpoint because none was healthy.
    public let steeringFailedOpen: ReadableCounter

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        let transports: [ClientContext.Transport] = [.udp, .tcp]
        answered = transports.map { transport in
            (Self.trackedTypes.map(\.description) + ["other"]).map { type in
                (Self.trackedCodes.map(\.description) + ["other"]).map { rcode in
                    Counter(label: "meridian_dns_responses_total", dimensions: [("transport", transport.rawValue), ("qtype", type), ("rcode", rcode)], factory: factory)
                }
            }
        }
        latency = transports.map {
            Timer(label: Self.queryDurationLabel, dimensions: [("transport", $0.rawValue)], preferredDisplayUnit: .seconds, factory: factory)
        }
        dropped = Counter(label: "meridian_dns_dropped_total", factory: factory)
        errors = Counter(label: "meridian_dns_transport_errors_total", factory: factory)
        tcpRejected = Counter(label: "meridian_dns_tcp_connections_rejected_total", factory: factory)
        reloads = Counter(label: "meridian_zone_reloads_total", factory: factory)
        reloadFailures = Counter(label: "meridian_zone_reload_failures_total", factory: factory)
        steeringFailedOpen = ReadableCounter(label: "meridian_steering_failed_open_total", factory: factory)
    }

    @inline(__always)
    func record(_ outcome: QueryOutcome, transport: ClientContext.Transport, nanoseconds: Int64) {
        let t = transport == .udp ? 0 : 1
        switch outcome {
        case .drop:
            dropped.increment()
        case .respond(_, let rcode, let qtype):
            answered[t][Self.slot(qtype)][Self.slot(rcode)].increment()
            responses.wrappingIncrement(ordering: .relaxed)
            latency[t].recordNanoseconds(nanoseconds)
        case .transfer:
            answered[t][Self.slot(RRType.axfr)][0].increment()
            responses.wrappingIncrement(ordering: .relaxed)
        }
    }

    /// Responses sent since start: the sum of `meridian_dns_responses_total`.
    public var responseCount: Int { responses.load(ordering: .relaxed) }

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
