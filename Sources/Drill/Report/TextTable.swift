/// Columns aligned for a terminal. Headers may take several lines (so that wide captions do not
/// widen narrow columns); cells may hold ANSI colour codes, which take no width.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        /// The caption, one entry a line.
        var header: [String]
        var alignment: Alignment
    }

    static let gap = "  "

    var columns: [Column]
    var rows: [[String]] = []

    func lines() -> [String] {
        let headerHeight = columns.map(\.header.count).max() ?? 0
        let headers = (0..<headerHeight).map { line in
            columns.map { column in
                // Captions sit at the bottom, next to the figures they name.
                let offset = headerHeight - column.header.count
                return line >= offset ? column.header[line - offset] : ""
            }
        }
        let widths = columns.indices.map { index in
            (headers + rows).map { Self.visibleWidth($0[index]) }.max() ?? 0
        }
        return (headers + rows).map { cells in
            zip(cells, zip(columns, widths)).map { cell, layout in
                let padding = String(repeating: " ", count: layout.1 - Self.visibleWidth(cell))
                return layout.0.alignment == .left ? cell + padding : padding + cell
            }
            .joined(separator: Self.gap)
            .trimmingTrailingSpaces()
        }
    }

    /// Characters a terminal shows: everything but ANSI escape sequences (ESC '[' … letter).
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for character in text {
            if inEscape {
                inEscape = !character.isLetter
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        String(self[..<(lastIndex { $0 != " " }.map(index(after:)) ?? startIndex)])
    }
}
