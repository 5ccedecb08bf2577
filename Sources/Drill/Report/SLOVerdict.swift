/// One objective of the SLO judged for one client region.
public struct SLOVerdict: Sendable, Codable, Equatable {
    public enum Objective: String, Sendable, Codable, CaseIterable {
        /// The region's `excludeMs` within `SLO.excludeMs`.
        case exclude
        /// The region's stale answers within `SLO.staleAnswers`.
        case staleAnswers
        /// The region's `readmitMs` within `SLO.readmitMs`.
        case readmit
        /// The region is back to its pre-fault answers at the end (`FullRecovery`): yes or no.
        case fullRecovery
        /// The region's HTTP errors within `SLO.httpErrors`, when that is set.
        case httpErrors

        /// Whether limit and value are milliseconds (otherwise counts, or nothing).
        public var isDuration: Bool { self == .exclude || self == .readmit }
    }

    public var objective: Objective
    /// Milliseconds for exclude and readmit, a count for stale answers and HTTP errors; nil for
    /// full recovery, which has no limit.
    public var limit: Double?
    /// The measured figure in the limit's unit. Nil when it never happened within its phase (a
    /// node never excluded or never readmitted: missed), when the objective does not apply, and
    /// for full recovery.
    public var value: Double?
    /// False for what does not apply to the region (exclusion, readmission and recovery of a
    /// region the fault did not affect); such a verdict counts as met.
    public var applicable: Bool
    public var met: Bool

    public init(objective: Objective, limit: Double?, value: Double?, applicable: Bool, met: Bool) {
        self.objective = objective
        self.limit = limit
        self.value = value
        self.applicable = applicable
        self.met = met
    }

    /// Met when the figure happened and is at most the limit (the limit itself is met).
    static func atMost(_ objective: Objective, value: Double?, limit: Double) -> SLOVerdict {
        SLOVerdict(objective: objective, limit: limit, value: value, applicable: true, met: value.map { $0 <= limit } ?? false)
    }

    static func notApplicable(_ objective: Objective, limit: Double?) -> SLOVerdict {
        SLOVerdict(objective: objective, limit: limit, value: nil, applicable: false, met: true)
    }

    static func fullRecovery(_ recovered: Bool) -> SLOVerdict {
        SLOVerdict(objective: .fullRecovery, limit: nil, value: nil, applicable: true, met: recovered)
    }

    /// How far over its limit a missed figure is; nil when met, never reached, or without limit.
    public var excess: Double? {
        guard !met, let value, let limit else { return nil }
        return value - limit
    }
}
