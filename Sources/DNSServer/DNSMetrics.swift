import CoreMetrics
import DNSWire
import QueryEngine

/// Query counters by transport, qtype and rcode, and a latency histogram by transport, made
/// once up front so that counting a query allocates nothing (swift-metrics).
public final class DNSMetrics: Sendable {
    static let trackedTypes: [RRType] = [.a, .aaaa, .ns, .cname, .soa, .ptr, .mx, .txt, .srv, .ds, .dnskey, .https, .caa, .any, .axfr, .ixfr]
    static let trackedCodes: [ResponseCode] = [.noError, .formErr, .servFail, .nxDomain, .notImp, .refused, .badVers]

    /// [transport][type slot][rcode slot]; the last slot of each is "other".
    private let answered: [[[Counter]]]
    private let latency: [Timer]
    public let dropped: Counter
    public let errors: Counter
    public let tcpRejected: Counter
    public let reloads: Counter
    public let reloadFailures: Counter
    /// Steering answers given with every endpoint because none was healthy.
    public let steeringFailedOpen: Counter

    public init() {
        let transports: [ClientContext.Transport] = [.udp, .tcp]
        answered = transports.map { transport in
            (Self.trackedTypes.map(\.description) + ["other"]).map { type in
                (Self.trackedCodes.map(\.description) + ["other"]).map { rcode in
                    Counter(label: "meridian_dns_responses_total", dimensions: [("transport", transport.rawValue), ("qtype", type), ("rcode", rcode)])
                }
            }
        }
        latency = transports.map { Timer(label: "meridian_dns_query_duration_seconds", dimensions: [("transport", $0.rawValue)], preferredDisplayUnit: .seconds) }
        dropped = Counter(label: "meridian_dns_dropped_total")
        errors = Counter(label: "meridian_dns_transport_errors_total")
        tcpRejected = Counter(label: "meridian_dns_tcp_connections_rejected_total")
        reloads = Counter(label: "meridian_zone_reloads_total")
        reloadFailures = Counter(label: "meridian_zone_reload_failures_total")
        steeringFailedOpen = Counter(label: "meridian_steering_failed_open_total")
    }

    @inline(__always)
    func record(_ outcome: QueryOutcome, transport: ClientContext.Transport, nanoseconds: Int64) {
        let t = transport == .udp ? 0 : 1
        switch outcome {
        case .drop:
            dropped.increment()
        case .respond(_, let rcode, let qtype):
            answered[t][Self.slot(qtype)][Self.slot(rcode)].increment()
            latency[t].recordNanoseconds(nanoseconds)
        case .transfer:
            answered[t][Self.slot(RRType.axfr)][0].increment()
        }
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
