/// One DNS node's answers to one client region, read against the drill's phases and the
/// endpoints the fault takes out. The report's figures and the timeline's stale marks both come
/// from here, so the two can never disagree about which answer was stale.
struct NodeStream {
    /// Ordered by the time the query was sent.
    let answers: [DNSAnswerSample]
    let phases: DrillPhases
    let failed: Set<String>
    /// When the node first answered the region without the failed endpoints during the fault:
    /// from then on it has excluded them. Nil when it never did before recovery.
    let excludedAt: Double?

    init(answers: [DNSAnswerSample], phases: DrillPhases, failed: Set<String>) {
        self.answers = answers
        self.phases = phases
        self.failed = failed
        excludedAt = answers.first { phases.phase(of: $0.at) == .fault && $0.outcome(failed: failed) == .clean }?.at
    }

    /// An answer that still gives a failed endpoint after the node had excluded it (flapping, or
    /// one process of the node lagging behind another), before recovery made it right again.
    func isStale(_ answer: DNSAnswerSample) -> Bool {
        guard let excludedAt, answer.at > excludedAt, phases.phase(of: answer.at) == .fault else { return false }
        return answer.outcome(failed: failed) == .includesFailed
    }

    var staleAnswers: Int { answers.count(where: isStale) }

    /// Lost, error and empty answers during the fault.
    var unusableDuringFault: Int {
        answers.count { phases.phase(of: $0.at) == .fault && $0.outcome(failed: failed) == .unusable }
    }

    /// When the node first gave a failed endpoint again after recovery; nil when it never did
    /// before the end.
    var readmittedAt: Double? {
        answers.first { phases.phase(of: $0.at) == .recovery && $0.outcome(failed: failed) == .includesFailed }?.at
    }

    /// The node's last `count` answers of the recovery phase (fewer when it gave fewer).
    func lastRecoveryAnswers(_ count: Int) -> ArraySlice<DNSAnswerSample> {
        answers.filter { phases.phase(of: $0.at) == .recovery }.suffix(count)
    }
}
