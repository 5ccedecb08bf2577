import Drill
import Testing

/// The report's figures from synthetic recordings: one node's answers at a time, so each case
/// shows exactly which answer moves which figure.
@Suite struct DrillReportTests {
    let east = 0, west = 1, south = 2

    @Test func aRegionHasConvergedWhenItsLastNodeHas() {
        let report = SyntheticDrill.failover(excludeAfter: (300, 1240), readmitAfter: (100, 200)).report(SLO(excludeMs: 1000))
        let region = report.regions[east]
        #expect(region.affected)
        #expect(region.baseline == SyntheticDrill.east)
        #expect(region.nodes.map(\.excludeMs) == [300, 1240])
        #expect(region.excludeMs == 1240)
        #expect(region.slowestToExclude?.node == SyntheticDrill.nodes[1])
        #expect(region.readmitMs == 200)
        #expect(region.slowestToReadmit?.node == SyntheticDrill.nodes[1])
        #expect(region.staleAnswers == 0)
        #expect(region.recoveredFully == true)
        let exclude = region.verdict(.exclude)
        #expect(exclude == SLOVerdict(objective: .exclude, limit: 1000, value: 1240, applicable: true, met: false))
        #expect(exclude?.excess == 240)
        #expect(!report.passed)
        #expect(report.missed.map(\.verdict.objective) == [.exclude])
    }

    /// A region given the failed endpoints in only half of its answers (one of two endpoints
    /// per answer) gets a clean answer by chance now and then: exclusion needs a run of clean
    /// answers long enough that chance would not explain it, and chance answers are not stale.
    @Test func aCleanAnswerByChanceIsNotExclusion() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers.removeAll { $0.client == east }
        var turn = 0
        for node in SyntheticDrill.nodes.indices {
            drill.answer(.east, node: node) { at in
                turn += 1
                // Before the fault and until 600 ms into it: us-east or eu-west, alternately.
                if at < 1600 || at >= 3100 { return .addresses(turn.isMultiple(of: 2) ? [SyntheticDrill.east[0]] : [SyntheticDrill.west[0]]) }
                return .addresses([SyntheticDrill.west[0]])
            }
        }
        let region = drill.report().regions[east]
        #expect(region.affected)
        #expect(region.excludeMs == 600, "the first of the clean answers in a row, not the first lucky one at 20 ms")
        #expect(region.staleAnswers == 0)
    }

    @Test func aFlappingNodeCountsStaleAnswers() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers.removeAll { $0.client == east && $0.node == 1 }
        // Node 1 excludes at 1.3 s, gives us-east again at 1.5, 1.52 and 1.54 s, then holds.
        drill.answer(.east, node: 1) { at in
            switch at {
            case ..<1300, 1500...1540, 3100...: .addresses(SyntheticDrill.east)
            default: .addresses(SyntheticDrill.west)
            }
        }
        let report = drill.report()
        #expect(report.regions[east].nodes.map(\.staleAnswers) == [0, 3])
        #expect(report.regions[east].staleAnswers == 3)
        #expect(report.regions[east].excludeMs == 300, "the first clean answer counts, flapping is judged apart")
        #expect(report.regions[east].verdict(.staleAnswers)?.met == false)
        #expect(drill.report(SLO(staleAnswers: 3)).regions[east].verdict(.staleAnswers)?.met == true, "the limit itself is met")
    }

    @Test func aNodeThatNeverConvergesFailsTheDrill() {
        let report = SyntheticDrill.failover(excludeAfter: (300, nil), readmitAfter: (100, 100)).report()
        let region = report.regions[east]
        #expect(region.nodes.map(\.excludeMs) == [300, nil])
        #expect(region.excludeMs == nil)
        #expect(region.slowestToExclude?.node == SyntheticDrill.nodes[1])
        #expect(region.verdict(.exclude) == SLOVerdict(objective: .exclude, limit: 3000, value: nil, applicable: true, met: false))
        #expect(!region.passed)
        #expect(!report.passed)
        #expect(report.regions[west].passed, "other regions are judged on their own")
    }

    @Test func anUnaffectedRegionIsReportedAndMeetsWhatDoesNotApplyToIt() {
        let report = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100)).report()
        let region = report.regions[west]
        #expect(region.region == "eu-west")
        #expect(!region.affected)
        #expect(region.baseline == SyntheticDrill.west)
        #expect(region.excludeMs == nil && region.readmitMs == nil && region.recoveredFully == nil)
        #expect(region.nodes.allSatisfy { $0.excludeMs == nil && $0.readmitMs == nil && $0.recoveredFully == nil })
        for objective in [SLOVerdict.Objective.exclude, .readmit, .fullRecovery] {
            #expect(region.verdict(objective)?.applicable == false)
            #expect(region.verdict(objective)?.met == true)
        }
        #expect(region.verdict(.staleAnswers)?.applicable == true)
        #expect(region.passed)
        #expect(report.passed)
    }

    @Test func anUnaffectedRegionGivenAFailedEndpointDuringTheFaultHasStaleAnswers() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers.removeAll { $0.client == south && $0.node == 0 }
        drill.answer(.south, node: 0) { at in .addresses(at == 2000 ? SyntheticDrill.east : SyntheticDrill.south) }
        let region = drill.report().regions[south]
        #expect(!region.affected)
        #expect(region.staleAnswers == 1)
        #expect(!region.passed)
    }

    @Test func readmissionIsTheLastNodesFirstAnswerWithTheRecoveredEndpoints() {
        let readmitted = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (600, 900)).report()
        #expect(readmitted.regions[east].nodes.map(\.readmitMs) == [600, 900])
        #expect(readmitted.regions[east].readmitMs == 900)
        #expect(readmitted.regions[east].verdict(.readmit)?.met == true)

        let never = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (600, nil)).report()
        let region = never.regions[east]
        #expect(region.readmitMs == nil)
        #expect(region.slowestToReadmit?.node == SyntheticDrill.nodes[1])
        #expect(region.verdict(.readmit)?.met == false)
        #expect(region.recoveredFully == false)
        #expect(region.missingAtEnd.isEmpty, "node 0 gives both endpoints again")
        #expect(region.nodes.map(\.recoveredFully) == [true, false])
    }

    @Test func lostErrorAndEmptyAnswersAreNotClean() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers.removeAll { $0.client == east && $0.node == 0 }
        // During the fault: 100 ms lost, then SERVFAIL, then empty NOERROR answers, then eu-west.
        drill.answer(.east, node: 0) { at in
            switch at {
            case 1000..<1100: .lost
            case 1100..<1200: .rcode(2)
            case 1200..<1400: .addresses([])
            case 1400..<3000: .addresses(SyntheticDrill.west)
            default: .addresses(SyntheticDrill.east)
            }
        }
        let report = drill.report()
        #expect(report.regions[east].nodes[0].excludeMs == 400)
        #expect(report.regions[east].nodes[0].emptyOrErrorAnswers == 20)
        #expect(report.regions[east].emptyOrErrorAnswers == 20)
        #expect(report.regions[east].staleAnswers == 0)
        #expect(report.totals.lost == 5)
        #expect(report.totals.errorResponses == 5)
    }

    @Test func clientsSeeErrorsDuringTheDrillAndDuringTheFault() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        let statuses: [(Double, Int?)] = [
            (500, 200), (1000, nil), (1100, 503), (1400, 200),  // a run of 400 ms, ended by a success
            (2000, nil), (2100, nil), (2600, 502), (2800, 200),  // the longest: 800 ms
            (3500, 200), (4000, nil), (4500, nil),  // still failing when the drill ends: 500 ms
        ]
        for (at, status) in statuses { drill.request(.east, at: at, status: status) }
        drill.request(.west, at: 1500, status: 503)
        let http = drill.report().regions[east].http
        #expect(http == HTTPFigures(requests: 11, errors: 7, faultRequests: 7, faultErrors: 5, longestErrorRunMs: 800))
        #expect(drill.report().regions[west].http.errors == 1)
        #expect(drill.report().totals.httpErrors == 8)
    }

    @Test func aSingleErrorIsARunOfNoLengthUntilSomethingSucceeds() {
        var drill = SyntheticDrill()
        drill.request(.east, at: 1200, status: nil)
        #expect(drill.report().regions[east].http.longestErrorRunMs == 0)
        drill.request(.east, at: 1250, status: 200)
        #expect(drill.report().regions[east].http.longestErrorRunMs == 50)
    }

    @Test func limitsAreMetAtTheLimitAndMissedJustPastIt() {
        let drill = SyntheticDrill.failover(excludeAfter: (300, 1240), readmitAfter: (100, 660))
        let atTheLimits = drill.report(SLO(excludeMs: 1240, staleAnswers: 0, readmitMs: 660))
        #expect(atTheLimits.regions[east].verdicts.allSatisfy { $0.met })
        #expect(atTheLimits.passed)
        let justUnder = drill.report(SLO(excludeMs: 1239.9, staleAnswers: 0, readmitMs: 659.9))
        #expect(justUnder.regions[east].verdict(.exclude)?.met == false)
        #expect(justUnder.regions[east].verdict(.readmit)?.met == false)
        #expect(abs((justUnder.regions[east].verdict(.exclude)?.excess ?? 0) - 0.1) < 1e-9)
    }

    @Test func httpErrorsAreJudgedOnlyWhenTheSLOSetsALimit() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.request(.east, at: 1100, status: 503)
        drill.request(.east, at: 1200, status: 503)
        #expect(drill.report().regions[east].verdict(.httpErrors) == nil)
        #expect(drill.report(SLO(httpErrors: 2)).regions[east].verdict(.httpErrors)?.met == true)
        #expect(
            drill.report(SLO(httpErrors: 1)).regions[east].verdict(.httpErrors)
                == SLOVerdict(objective: .httpErrors, limit: 1, value: 2, applicable: true, met: false))
    }

    @Test func recoveryIsFullOnlyWhenEveryFailedEndpointIsBackOnEveryNode() {
        var partial = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        partial.recording.answers = partial.recording.answers.map { answer in
            var answer = answer
            if answer.at >= 3000, answer.addresses == SyntheticDrill.east { answer.addresses = ["127.0.0.11"] }
            return answer
        }
        let region = partial.report().regions[east]
        #expect(region.readmitMs == 100, "readmitted: one failed endpoint is back")
        #expect(region.recoveredFully == false)
        #expect(region.missingAtEnd == ["127.0.0.12"])
        #expect(region.verdict(.fullRecovery)?.met == false)
    }

    @Test func aNodeThatDropsTheEndpointsAgainAfterReadmissionHasNotRecovered() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers.removeAll { $0.client == east && $0.node == 1 }
        drill.answer(.east, node: 1) { at in
            .addresses((1300..<3100).contains(at) || at >= 4900 ? SyntheticDrill.west : SyntheticDrill.east)
        }
        let region = drill.report().regions[east]
        #expect(region.readmitMs == 100)
        #expect(region.nodes.map(\.recoveredFully) == [true, false])
        #expect(region.recoveredFully == false)
    }

    @Test func tooFewAnswersAfterRecoveryCannotShowFullRecovery() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (0, 0))
        drill.recording.endAt = 3080  // four answers per node after recovery
        drill.recording.answers.removeAll { $0.at >= 3080 }
        #expect(drill.report().regions[east].readmitMs == 0)
        #expect(drill.report().regions[east].recoveredFully == false)
        drill.recording.endAt = 3100
        #expect(drill.report().regions[east].recoveredFully == false, "answers after the end do not count")
    }

    @Test func aRegionServedInPartByTheFailedEndpointsNeedsOnlyItsShareBack() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers.removeAll { $0.client == east }
        // Weighted: every other answer us-east before the fault and at the end, eu-west between.
        for node in SyntheticDrill.nodes.indices {
            drill.answer(.east, node: node) { at in
                let fault = (1000..<3100).contains(at)
                return .addresses(!fault && Int(at / 20) % 2 == 0 ? SyntheticDrill.east : SyntheticDrill.west)
            }
        }
        let region = drill.report().regions[east]
        #expect(region.affected)
        #expect(region.recoveredFully == true)
    }

    @Test func totalsShowHowDenselyTheDrillMeasured() {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers[0].rcode = nil
        let totals = drill.report().totals
        #expect(totals.answers == 6 * 250)
        #expect(totals.lost == 1)
        #expect(totals.queriesPerSecond == 300)
        #expect(totals.meanQueryIntervalMs == 20)
    }

    @Test func phasesAreReportedToATenthOfAMillisecond() {
        var drill = SyntheticDrill()
        drill.recording.faultAt = 1000.04
        drill.recording.recoveryAt = 2999.96
        #expect(drill.report().phases == DrillPhases(faultAt: 1000, recoveryAt: 3000, endAt: 5000))
    }
}
