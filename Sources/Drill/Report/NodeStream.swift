import Foundation

/// One DNS node's answers to one client region, read against the drill's phases and the
/// endpoints the fault takes out. The report's figures and the timeline's stale marks both come
/// from here, so the two can never disagree about which answer was stale.
struct NodeStream {
    /// Ordered by the time the query was sent.
    let answers: [DNSAnswerSample]
    let phases: DrillPhases
    let failed: Set<String>
    /// When the node started answering the region without the failed endpoints during the
    /// fault: the first of `confirmation` clean answers in a row. Nil when it never did before
    /// recovery.
    let excludedAt: Double?
    /// Clean answers in a row that show exclusion. One, when every answer before the fault gave
    /// a failed endpoint. When only a share of them did (a weighted policy, or fewer `answers`
    /// than endpoints), a clean answer can be luck: it takes enough in a row that luck would
    /// explain them with a chance under 1 in 1,000 (at most 50).
    let confirmation: Int

    init(answers: [DNSAnswerSample], phases: DrillPhases, failed: Set<String>) {
        self.answers = answers
        self.phases = phases
        self.failed = failed
        let before = answers.filter { phases.phase(of: $0.at) == .beforeFault && $0.outcome(failed: failed) != .unusable }
        let share = before.isEmpty ? 1 : Double(before.count { $0.outcome(failed: failed) == .includesFailed }) / Double(before.count)
        confirmation = share >= 0.999 || share <= 0 ? 1 : min(50, Int((log(0.001) / log(1 - share)).rounded(.up)))
        var runStart: Double?
        var run = 0
        var excluded: Double?
        for answer in answers where phases.phase(of: answer.at) == .fault {
            switch answer.outcome(failed: failed) {
            case .clean:
                if run == 0 { runStart = answer.at }
                run += 1
            case .includesFailed:
                run = 0
            case .unusable:
                continue  // a lost answer says nothing either way
            }
            if run >= confirmation {
                excluded = runStart
                break
            }
        }
        excludedAt = excluded
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
