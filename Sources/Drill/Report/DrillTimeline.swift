/// The drill as a picture: one row per client region, a thin sub-row per DNS node, every answer
/// a mark at the time it was asked for, coloured by the region it sent the client to. The fault
/// window is shaded between its two marked moments, so convergence shows as the colour changing
/// inside it, a lagging node as its sub-row changing later, and flapping as red outlines.
/// A self-contained SVG: no external font, stylesheet or script.
public enum DrillTimeline {
    /// `report` is the report of `recording` (its regions are the recording's client regions).
    public static func svg(recording: DrillRecording, report: DrillReport) -> String {
        precondition(report.regions.count == recording.clientRegions.count, "the report of another recording")
        var drawing = TimelineDrawing(recording: recording, report: report)
        drawing.draw()
        return drawing.svg.markup
    }
}

private struct TimelineDrawing {
    static let margin = 16.0
    static let fontFamily = "Helvetica, Arial, sans-serif"
    static let textColor = "#222222"
    static let mutedTextColor = "#666666"
    static let recoveryColor = "#2ca02c"

    let recording: DrillRecording
    let report: DrillReport
    let palette: RegionPalette
    let legend: TimelineLegend
    let layout: TimelineLayout
    /// `streams[client][node]`.
    let streams: [[NodeStream]]
    var svg = SVGWriter()

    init(recording: DrillRecording, report: DrillReport) {
        self.recording = recording
        self.report = report
        let phases = DrillPhases(recording)
        streams = AnswerStreams(recording).byClient.map { nodes in
            nodes.map { NodeStream(answers: $0, phases: phases, failed: recording.failedAddresses) }
        }
        palette = RegionPalette(regions: Array(recording.regionOfAddress.values) + recording.clientRegions)
        let unknownAddresses = recording.answers.contains { answer in
            answer.addresses.first.map { recording.regionOfAddress[$0] == nil } ?? false
        }
        legend = TimelineLegend(
            palette: palette, unknownAddresses: unknownAddresses, top: 68, left: Self.margin, right: TimelineLayout.width - Self.margin)
        // Room above the plot for the fault and recovery labels.
        layout = TimelineLayout(
            plotTop: legend.bottom + 30, nodes: recording.nodes.count, rows: recording.clientRegions.count, endAt: recording.endAt)
    }

    private var title: String { "Drill \(report.scenario.description): \(report.passed ? "PASS" : "FAIL")" }

    mutating func draw() {
        let size = SVGWriter.number(layout.height)
        svg.open(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "width": SVGWriter.number(TimelineLayout.width), "height": size,
                "viewBox": "0 0 \(SVGWriter.number(TimelineLayout.width)) \(size)", "font-family": Self.fontFamily,
            ])
        svg.element("title", [:], text: title)
        svg.element("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
        drawHeading()
        drawLegend()
        drawFaultWindow()
        drawAxis()
        for row in recording.clientRegions.indices { drawRow(row) }
        drawPhaseMarker(at: report.phases.faultAt, label: "fault", color: RegionPalette.stale, anchorEnd: true)
        drawPhaseMarker(at: report.phases.recoveryAt, label: "recovery", color: Self.recoveryColor, anchorEnd: false)
        svg.close("svg")
    }

    private mutating func drawHeading() {
        svg.element(
            "text", ["x": n(Self.margin), "y": "26", "font-size": "16", "font-weight": "bold", "fill": Self.textColor], text: title)
        let subtitle =
            "Answers of \(counted(recording.nodes.count, "DNS node")) to \(counted(recording.clientRegions.count, "client region")) over "
            + "\(DurationText.format(milliseconds: report.phases.endAt)), coloured by the region of the first address answered"
        svg.element("text", ["x": n(Self.margin), "y": "45", "font-size": "12", "fill": Self.mutedTextColor], text: subtitle)
    }

    private mutating func drawLegend() {
        for entry in legend.entries {
            let swatch = TimelineLegend.swatch
            svg.element(
                "rect",
                [
                    "x": n(entry.x), "y": n(entry.y - swatch + 1), "width": n(swatch), "height": n(swatch), "fill": entry.fill,
                    "stroke": entry.outline ?? "none", "stroke-width": "1.5",
                ])
            svg.element(
                "text",
                [
                    "x": n(entry.x + swatch + 4), "y": n(entry.y), "font-size": n(TimelineLegend.fontSize), "fill": Self.textColor,
                ], text: entry.label)
        }
    }

    private mutating func drawFaultWindow() {
        let left = layout.x(report.phases.faultAt), right = layout.x(report.phases.recoveryAt)
        svg.element(
            "rect",
            [
                "x": n(left), "y": n(layout.plotTop - 4), "width": n(max(right - left, 0)),
                "height": n(layout.plotBottom - layout.plotTop + 4),
                "fill": RegionPalette.stale, "fill-opacity": "0.07",
            ])
    }

    /// Grid lines under the marks, ticks and their labels below the plot.
    private mutating func drawAxis() {
        let axisY = layout.plotBottom
        svg.open("g", ["stroke": "#e4e4e4", "stroke-width": "1"])
        for tick in layout.ticks {
            svg.element("line", ["x1": n(layout.x(tick)), "y1": n(layout.plotTop - 4), "x2": n(layout.x(tick)), "y2": n(axisY)])
        }
        svg.close("g")
        svg.element(
            "line",
            [
                "x1": n(TimelineLayout.plotLeft), "y1": n(axisY), "x2": n(TimelineLayout.plotRight), "y2": n(axisY),
                "stroke": Self.mutedTextColor,
            ])
        svg.open("g", ["font-size": "10", "fill": Self.mutedTextColor, "text-anchor": "middle"])
        for tick in layout.ticks {
            svg.element(
                "line",
                ["x1": n(layout.x(tick)), "y1": n(axisY), "x2": n(layout.x(tick)), "y2": n(axisY + 4), "stroke": Self.mutedTextColor])
            svg.element("text", ["x": n(layout.x(tick)), "y": n(axisY + 16)], text: Self.tickLabel(tick))
        }
        svg.element(
            "text", ["x": n(TimelineLayout.plotLeft + TimelineLayout.plotWidth / 2), "y": n(axisY + 34)],
            text: "seconds since the drill started")
        svg.close("g")
    }

    private static func tickLabel(_ milliseconds: Double) -> String {
        let seconds = milliseconds / 1000
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(SVGWriter.number(seconds)) s"
    }

    private mutating func drawRow(_ row: Int) {
        let region = report.regions[row]
        let top = layout.rowTop(row)
        svg.open("g", [:])
        svg.element(
            "text", ["x": n(Self.margin), "y": n(top + 11), "font-size": "13", "font-weight": "bold", "fill": Self.textColor],
            text: region.region)
        for (index, line) in Self.summary(region).enumerated() {
            svg.element(
                "text", ["x": n(Self.margin), "y": n(top + 24 + Double(index) * 12), "font-size": "10", "fill": Self.mutedTextColor],
                text: line)
        }
        for (node, name) in recording.nodes.enumerated() {
            drawSubRow(row: row, node: node, name: name, stream: streams[row][node])
        }
        svg.close("g")
    }

    /// Under the region's name: its exclusion and readmission, or why there are none.
    private static func summary(_ region: ClientRegionReport) -> [String] {
        guard region.affected else { return ["not affected"] }
        return [
            region.excludeMs.map { "excluded after \(DurationText.format(milliseconds: $0))" } ?? "never excluded",
            region.readmitMs.map { "readmitted after \(DurationText.format(milliseconds: $0))" } ?? "never readmitted",
        ]
    }

    private mutating func drawSubRow(row: Int, node: Int, name: String, stream: NodeStream) {
        let top = layout.subRowTop(row: row, node: node)
        let markTop = top + (TimelineLayout.subRowHeight - TimelineLayout.markHeight) / 2
        svg.element(
            "text",
            [
                "x": n(TimelineLayout.plotLeft - 6), "y": n(markTop + TimelineLayout.markHeight - 1), "font-size": "9",
                "fill": Self.mutedTextColor,
                "text-anchor": "end",
            ], text: name)
        svg.element(
            "rect",
            [
                "x": n(TimelineLayout.plotLeft), "y": n(markTop - 1), "width": n(TimelineLayout.plotWidth),
                "height": n(TimelineLayout.markHeight + 2),
                "fill": "#f4f4f4",
            ])
        let marks = stream.answers.map { (column: layout.column($0.at), mark: mark(for: $0, in: stream)) }
        let spans = TimelineSpans.spans(marks, markWidth: TimelineLayout.markWidth)
        for span in spans.filter({ !$0.mark.isNotable }) + spans.filter(\.mark.isNotable) {
            svg.element(
                "rect",
                [
                    "x": n(TimelineLayout.plotLeft + Double(span.first)), "y": n(markTop),
                    "width": n(Double(span.last - span.first + TimelineLayout.markWidth)), "height": n(TimelineLayout.markHeight),
                    "fill": span.mark.fill, "stroke": span.mark.stale ? RegionPalette.stale : "none", "stroke-width": "1.2",
                ])
        }
    }

    private func mark(for answer: DNSAnswerSample, in stream: NodeStream) -> TimelineMark {
        guard answer.outcome(failed: recording.failedAddresses) != .unusable else {
            return TimelineMark(fill: RegionPalette.unusable, stale: false)
        }
        let region = answer.addresses.first.flatMap { recording.regionOfAddress[$0] }
        return TimelineMark(fill: palette.color(of: region), stale: stream.isStale(answer))
    }

    /// A dashed line across every row, labelled above the plot: the fault's label to the left of
    /// its line and recovery's to the right, so that they cannot overlap; a label that would run
    /// off the picture goes to the other side, one line higher.
    private mutating func drawPhaseMarker(at time: Double, label: String, color: String, anchorEnd: Bool) {
        let x = layout.x(time)
        let text = "\(label) \(DurationText.format(milliseconds: time))"
        let width = TimelineLegend.textWidth(text, fontSize: 11)
        let fits = anchorEnd ? x - 4 - width >= 0 : x + 4 + width <= TimelineLayout.width
        let toTheLeft = anchorEnd == fits
        svg.element(
            "line",
            [
                "x1": n(x), "y1": n(layout.plotTop - 4), "x2": n(x), "y2": n(layout.plotBottom), "stroke": color, "stroke-width": "1.5",
                "stroke-dasharray": "5 3",
            ])
        svg.element(
            "text",
            [
                "x": n(toTheLeft ? x - 4 : x + 4), "y": n(layout.plotTop - (fits ? 8 : 20)), "font-size": "11", "font-weight": "bold",
                "fill": color,
                "text-anchor": toTheLeft ? "end" : "start",
            ], text: text)
    }

    /// A coordinate or size as the SVG writes it.
    private func n(_ value: Double) -> String { SVGWriter.number(value) }
}
