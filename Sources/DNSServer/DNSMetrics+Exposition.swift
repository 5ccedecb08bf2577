extension DNSMetrics {
    /// The per-query metric families in the Prometheus text format, every tally summed:
    /// `meridian_dns_responses_total{transport,qtype,rcode}`, `meridian_dns_dropped_total` and the
    /// `meridian_dns_query_duration_seconds{transport}` histogram. Appended to the registry's
    /// output on `/metrics`.
    public func exposition() -> String {
        let all = tallies.withLockedValue { $0 }
        func sum(_ read: (QueryTally) -> UInt64) -> UInt64 { all.reduce(0) { $0 &+ read($1) } }
        let typeNames = Self.trackedTypes.map(\.description) + ["other"]
        let codeNames = Self.trackedCodes.map(\.description) + ["other"]
        var text = "# TYPE meridian_dns_responses_total counter\n"
        for (t, transport) in Self.transportNames.enumerated() {
            for (type, typeName) in typeNames.enumerated() {
                for (code, codeName) in codeNames.enumerated() {
                    let count = sum { $0.responses(transport: t, type: type, code: code) }
                    text += "meridian_dns_responses_total{transport=\"\(transport)\",qtype=\"\(typeName)\",rcode=\"\(codeName)\"} \(count)\n"
                }
            }
        }
        text += "# TYPE meridian_dns_dropped_total counter\nmeridian_dns_dropped_total \(sum(\.dropped))\n"
        text += "# TYPE meridian_dns_rate_limited_total counter\n"
        text += "meridian_dns_rate_limited_total{action=\"drop\"} \(sum { $0.rateLimited(slipped: false) })\n"
        text += "meridian_dns_rate_limited_total{action=\"slip\"} \(sum { $0.rateLimited(slipped: true) })\n"
        let name = "meridian_dns_query_duration_seconds"
        text += "# TYPE \(name) histogram\n"
        for (t, transport) in Self.transportNames.enumerated() {
            var cumulative: UInt64 = 0
            for (bucket, bound) in Self.latencyBuckets.enumerated() {
                cumulative &+= sum { $0.latencyCount(transport: t, bucket: bucket) }
                text += "\(name)_bucket{transport=\"\(transport)\",le=\"\(Self.secondsText(nanoseconds: bound))\"} \(cumulative)\n"
            }
            cumulative &+= sum { $0.latencyCount(transport: t, bucket: Self.latencyBuckets.count) }
            text += "\(name)_bucket{transport=\"\(transport)\",le=\"+Inf\"} \(cumulative)\n"
            let seconds = Self.secondsText(nanoseconds: sum { $0.latencySumNanoseconds(transport: t) })
            text += "\(name)_sum{transport=\"\(transport)\"} \(seconds)\n"
            text += "\(name)_count{transport=\"\(transport)\"} \(cumulative)\n"
        }
        return text
    }

    /// Nanoseconds as decimal seconds without an exponent ("0.000025", "1"), as Prometheus
    /// clients write bucket bounds.
    static func secondsText(nanoseconds: UInt64) -> String {
        let whole = nanoseconds / 1_000_000_000
        let fraction = nanoseconds % 1_000_000_000
        guard fraction > 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
