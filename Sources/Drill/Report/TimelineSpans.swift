/// How one answer is drawn on the timeline.
struct TimelineMark: Equatable {
    var fill: String
    /// Outlined in red: a failed endpoint after the node had excluded it.
    var stale: Bool

    /// Stale and unusable answers: drawn over the others so that no neighbour hides them.
    var isNotable: Bool { stale || fill == RegionPalette.unusable }
}

/// A run of pixel columns drawn as one mark.
struct TimelineSpan: Equatable {
    /// First and last pixel column the span's answers fall in (from the plot's left edge).
    var first: Int
    var last: Int
    var mark: TimelineMark
}

/// Turns one node's answers to one client region into few marks. A 25 s drill queried every
/// 20 ms gives more answers than the plot has pixel columns, and one rectangle per answer would
/// make a heavy file that shows nothing more. So:
/// - each pixel column draws one mark: the most telling of its answers (a stale answer over a
///   lost or empty one over the commonest region colour), so that a single bad answer always
///   shows;
/// - neighbouring columns with the same mark, whose marks would touch, become one span.
/// Sparse answers (a short drill) stay one mark each.
enum TimelineSpans {
    static func spans(_ marks: [(column: Int, mark: TimelineMark)], markWidth: Int) -> [TimelineSpan] {
        let columns = Dictionary(grouping: marks, by: \.column)
        var spans: [TimelineSpan] = []
        for column in columns.keys.sorted() {
            let mark = mostTelling(columns[column]!.map(\.mark))
            if let last = spans.last, last.mark == mark, column <= last.last + markWidth {
                spans[spans.count - 1].last = column
            } else {
                spans.append(TimelineSpan(first: column, last: column, mark: mark))
            }
        }
        return spans
    }

    private static func mostTelling(_ marks: [TimelineMark]) -> TimelineMark {
        if let stale = marks.first(where: \.stale) { return stale }
        if let unusable = marks.first(where: { $0.fill == RegionPalette.unusable }) { return unusable }
        let counts = Dictionary(marks.map { ($0.fill, 1) }, uniquingKeysWith: +)
        // Ties go to the earliest answer's colour, so that the output does not depend on hashing.
        return marks.first { counts[$0.fill] == counts.values.max() }!
    }
}
