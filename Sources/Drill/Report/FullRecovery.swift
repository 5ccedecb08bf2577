/// Whether an affected client region is back to the shape it had before the fault, judged on the
/// last answers of the drill. Readmission (the first answer with a failed endpoint again) is not
/// enough: a node may readmit once and drop the endpoints again, bring back only some of them,
/// or be answering errors at the end. A region has recovered fully when:
/// - every node's last `trailingAnswers` answers of the recovery phase are all usable (NOERROR
///   with addresses) — a node with fewer answers than that after recovery cannot show it has;
/// - on every node, those answers give the failed endpoints at least as often as the region's
///   answers did before the fault (a region that always got them must always get them again; one
///   that got them in a weighted share must get about that share, rounded down for sampling);
/// - together, the nodes' last answers give every failed endpoint the region got before the fault.
struct FullRecovery {
    /// Enough answers (about 100 ms at the probes' rate) that one lucky answer does not count as
    /// recovery, few enough that a drill which ends soon after readmission can still show it.
    static let trailingAnswers = 5

    /// The failed endpoints the region was given before the fault.
    let baselineFailed: Set<String>
    /// The share of the region's usable pre-fault answers that gave a failed endpoint.
    let baselineShare: Double

    init(preFaultAnswers: [DNSAnswerSample], failed: Set<String>) {
        let outcomes = preFaultAnswers.map { $0.outcome(failed: failed) }.filter { $0 != .unusable }
        baselineFailed = Set(preFaultAnswers.filter { $0.rcode == DNSAnswerSample.noError }.flatMap(\.addresses)).intersection(failed)
        baselineShare = outcomes.isEmpty ? 0 : Double(outcomes.count { $0 == .includesFailed }) / Double(outcomes.count)
    }

    func hasRecovered(_ node: NodeStream) -> Bool {
        let last = node.lastRecoveryAnswers(Self.trailingAnswers)
        let outcomes = last.map { $0.outcome(failed: node.failed) }
        let required = max(1, Int((baselineShare * Double(Self.trailingAnswers)).rounded(.down)))
        return last.count == Self.trailingAnswers && !outcomes.contains(.unusable) && outcomes.count { $0 == .includesFailed } >= required
    }

    /// The failed endpoints the region had before the fault that no node's last answers give.
    func missingAtEnd(_ nodes: [NodeStream]) -> [String] {
        let given = nodes.flatMap { $0.lastRecoveryAnswers(Self.trailingAnswers).flatMap(\.addresses) }
        return baselineFailed.subtracting(given).sorted()
    }
}
