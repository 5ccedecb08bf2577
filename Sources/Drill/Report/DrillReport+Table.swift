/// The report on a terminal: a heading, one row per client region, notes on what lagged, one line
/// per missed objective, and the verdict. Fits 80 columns for region names up to 13 characters.
extension DrillReport {
    /// `color` adds ANSI colours (green ✓, red ✗ and red figures where an objective was missed);
    /// ask for it only when writing to a terminal.
    public func table(color: Bool = false) -> String {
        let style = TerminalStyle(color: color)
        let sections = [heading, regionTable(style), notes, missedLines(style), [verdictLine(style)]]
        return sections.filter { !$0.isEmpty }.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    private var heading: [String] {
        var lines = [
            "Drill \(scenario.description): \(counted(nodes.count, "DNS node")), \(counted(regions.count, "client region"))",
            "fault at \(DurationText.format(milliseconds: phases.faultAt)), recovery at \(DurationText.format(milliseconds: phases.recoveryAt)), "
                + "end at \(DurationText.format(milliseconds: phases.endAt))",
            "\(counted(totals.answers, "answer")) (\(totals.lost) lost, \(totals.errorResponses) errors), "
                + "\(Int(totals.queriesPerSecond.rounded())) queries/s"
                + (totals.meanQueryIntervalMs.map { ", each region asking each node every \(DurationText.format(milliseconds: $0))" } ?? ""),
        ]
        if totals.requests > 0 {
            lines.append("\(counted(totals.requests, "HTTP request")), \(counted(totals.httpErrors, "error"))")
        }
        return lines
    }

    private func regionTable(_ style: TerminalStyle) -> [String] {
        var table = TextTable(columns: [
            .init(header: ["client", "region"], alignment: .left),
            .init(header: ["affected"], alignment: .left),
            .init(header: ["excluded", "after"], alignment: .right),
            .init(header: ["stale"], alignment: .right),
            .init(header: ["readmitted", "after"], alignment: .right),
            .init(header: ["recovered"], alignment: .left),
            .init(header: ["HTTP", "errors"], alignment: .right),
            .init(header: ["SLO"], alignment: .left),
        ])
        table.rows = regions.map { region in
            /// A figure, in red when its objective was missed.
            func judged(_ text: String, _ objective: SLOVerdict.Objective) -> String {
                region.verdict(objective)?.met == false ? style.red(text) : text
            }
            return [
                region.region,
                region.affected ? "yes" : "no",
                judged(region.affected ? duration(region.excludeMs) : "n/a", .exclude),
                judged("\(region.staleAnswers)", .staleAnswers),
                judged(region.affected ? duration(region.readmitMs) : "n/a", .readmit),
                judged(region.recoveredFully.map { $0 ? "yes" : "no" } ?? "n/a", .fullRecovery),
                judged(region.http.requests > 0 ? "\(region.http.errors)/\(region.http.requests)" : "n/a", .httpErrors),
                style.verdict(met: region.passed),
            ]
        }
        return table.lines()
    }

    /// What lagged or hurt in each region, beyond the table's figures.
    private var notes: [String] {
        let width = regions.map(\.region.count).max() ?? 0
        return regions.flatMap { region in
            regionNotes(region).enumerated().map { index, note in
                let label = index == 0 ? region.region : ""
                return label + String(repeating: " ", count: width - label.count + 2) + note
            }
        }
    }

    private func regionNotes(_ region: ClientRegionReport) -> [String] {
        var notes: [String] = []
        if nodes.count > 1, let excluding = region.slowestToExclude, let readmitting = region.slowestToReadmit {
            notes.append("last to exclude: \(excluding.node) (\(duration(excluding.excludeMs)))")
            notes.append("last to readmit: \(readmitting.node) (\(duration(readmitting.readmitMs)))")
        }
        if region.emptyOrErrorAnswers > 0 {
            notes.append("\(counted(region.emptyOrErrorAnswers, "lost, error or empty answer")) during the fault")
        }
        if region.http.errors > 0 {
            notes.append(
                "HTTP: \(counted(region.http.faultErrors, "error")) during the fault, longest run of errors "
                    + DurationText.format(milliseconds: region.http.longestErrorRunMs))
        }
        return notes
    }

    private func missedLines(_ style: TerminalStyle) -> [String] {
        missed.map { region, verdict in "\(style.verdict(met: false)) \(region.region): \(explanation(verdict, in: region))" }
    }

    /// What was missed and by how much, naming the node that held the region back.
    private func explanation(_ verdict: SLOVerdict, in region: ClientRegionReport) -> String {
        let limit = verdict.limit.map { figure($0, of: verdict.objective) } ?? ""
        let over = verdict.excess.map { figure($0, of: verdict.objective) } ?? ""
        switch verdict.objective {
        case .exclude:
            guard verdict.value != nil else {
                return "\(region.slowestToExclude?.node ?? "a node") never stopped giving the failed endpoints (limit \(limit))"
            }
            return
                "excluded after \(duration(verdict.value)), limit \(limit): \(over) over, last node \(region.slowestToExclude?.node ?? "")"
        case .staleAnswers:
            let node = region.nodes.max { $0.staleAnswers < $1.staleAnswers }?.node ?? ""
            return "\(counted(region.staleAnswers, "stale answer")) after exclusion, limit \(limit): \(over) over, most from \(node)"
        case .readmit:
            guard verdict.value != nil else {
                return "\(region.slowestToReadmit?.node ?? "a node") never gave the recovered endpoints again (limit \(limit))"
            }
            return
                "readmitted after \(duration(verdict.value)), limit \(limit): \(over) over, last node \(region.slowestToReadmit?.node ?? "")"
        case .fullRecovery:
            let lagging = region.nodes.filter { $0.recoveredFully == false }.map(\.node)
            let reasons =
                (lagging.isEmpty ? [] : ["\(lagging.joined(separator: ", ")) not steadily back to the pre-fault answers"])
                + (region.missingAtEnd.isEmpty ? [] : ["\(region.missingAtEnd.joined(separator: ", ")) missing at the end"])
            return "not fully recovered: " + reasons.joined(separator: "; ")
        case .httpErrors:
            return "\(counted(region.http.errors, "HTTP error")), limit \(limit): \(over) over"
        }
    }

    /// A limit or a figure in its objective's unit.
    private func figure(_ value: Double, of objective: SLOVerdict.Objective) -> String {
        objective.isDuration ? DurationText.format(milliseconds: value) : "\(Int(value))"
    }

    private func verdictLine(_ style: TerminalStyle) -> String {
        guard !passed else {
            return style.bold(style.green("PASS")) + "  every client region met its SLO"
        }
        let failing = regions.count { !$0.passed }
        return style.bold(style.red("FAIL"))
            + "  \(counted(missed.count, "objective")) missed in \(failing) of \(counted(regions.count, "client region"))"
    }

    /// A figure that may never have been reached.
    private func duration(_ milliseconds: Double?) -> String {
        milliseconds.map { DurationText.format(milliseconds: $0) } ?? "never"
    }
}
