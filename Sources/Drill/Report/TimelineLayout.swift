/// Where everything goes on the timeline: a 1000 px wide picture, labels on the left, one row per
/// client region made of a thin sub-row per DNS node, the time axis at the bottom.
struct TimelineLayout {
    static let width = 1000.0
    /// Room on the left for the region names and the nodes' host:port.
    static let plotLeft = 230.0
    static let plotRight = width - 24
    static let plotWidth = plotRight - plotLeft
    static let subRowHeight = 12.0
    static let markHeight = 8.0
    /// Answers closer than this merge into a span (see `TimelineSpans`).
    static let markWidth = 3
    /// A row holds at least the region's name and two lines of summary.
    static let minimumRowHeight = 40.0
    static let rowGap = 10.0
    /// Room below the plot for tick labels and the axis caption.
    static let axisHeight = 48.0

    let plotTop: Double
    let rowHeight: Double
    let rowCount: Int
    /// The drill's length in milliseconds: the right edge of the plot.
    let span: Double

    init(plotTop: Double, nodes: Int, rows: Int, endAt: Double) {
        self.plotTop = plotTop
        rowHeight = max(Double(nodes) * Self.subRowHeight, Self.minimumRowHeight)
        rowCount = rows
        span = endAt > 0 ? endAt : 1
    }

    var plotBottom: Double { plotTop + Double(rowCount) * (rowHeight + Self.rowGap) }
    var height: Double { plotBottom + Self.axisHeight }

    func x(_ milliseconds: Double) -> Double {
        Self.plotLeft + min(max(milliseconds / span, 0), 1) * Self.plotWidth
    }

    /// The pixel column of a time, counted from the plot's left edge, leaving room for a mark.
    func column(_ milliseconds: Double) -> Int {
        min(Int(x(milliseconds) - Self.plotLeft), Int(Self.plotWidth) - Self.markWidth)
    }

    func rowTop(_ row: Int) -> Double {
        plotTop + Double(row) * (rowHeight + Self.rowGap)
    }

    func subRowTop(row: Int, node: Int) -> Double {
        rowTop(row) + Double(node) * Self.subRowHeight
    }

    /// Axis ticks in milliseconds: a round step giving at most a dozen of them.
    var ticks: [Double] {
        let steps: [Double] = [100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000]
        let step = steps.first { span / $0 <= 12 } ?? span / 10
        return stride(from: 0, through: span, by: step).map(\.self)
    }
}
