@testable import Drill
import Testing

/// The terminal table: every region on a row, what was missed and by how much, the verdict.
@Suite struct DrillReportTableTests {
    static let failing = SyntheticDrill.failover(excludeAfter: (300, 1240), readmitAfter: (100, nil)).report(SLO(excludeMs: 1000))
    static let passing = SyntheticDrill.failover(excludeAfter: (300, 420), readmitAfter: (100, 160)).report()

    @Test func everyRegionHasARowAndAPassingDrillSaysPass() {
        let table = Self.passing.table()
        for region in ["us-east", "eu-west", "ap-south"] {
            #expect(table.split(separator: "\n").contains { $0.hasPrefix(region + " ") }, "a row for \(region)")
        }
        #expect(table.contains("420 ms"))
        #expect(table.contains("160 ms"))
        #expect(table.hasSuffix("PASS  every client region met its SLO\n"))
        #expect(!table.contains("MISSED"))
    }

    @Test func aFailingDrillSaysWhatWasMissedAndByHowMuch() {
        let lines = Self.failing.table().split(separator: "\n").map(String.init)
        #expect(lines.contains("MISSED us-east: excluded after 1.24 s, limit 1.00 s: 240 ms over, last node 127.0.0.1:5354"))
        #expect(lines.contains("MISSED us-east: 127.0.0.1:5354 never gave the recovered endpoints again (limit 5.00 s)"))
        #expect(lines.contains("us-east   last to exclude: 127.0.0.1:5354 (1.24 s)"), "the lagging node")
        #expect(lines.contains("MISSED us-east: not fully recovered: 127.0.0.1:5354 not steadily back to the pre-fault answers"))
        #expect(lines.last == "FAIL  3 objectives missed in 1 of 3 client regions")
        let row = lines.first { $0.hasPrefix("us-east ") }
        #expect(row?.contains("1.24 s") == true && row?.contains("never") == true && row?.hasSuffix("MISSED") == true)
    }

    @Test func plainTextHasNoEscapesAndFitsAHundredColumnsTheTableEighty() {
        let lines = Self.failing.table().split(separator: "\n")
        #expect(!lines.contains { $0.contains("\u{1B}") })
        #expect(lines.allSatisfy { $0.count <= 100 })
        let table = lines.drop { !$0.hasPrefix("client") }.prefix(2 + 3)
        #expect(table.last?.hasPrefix("ap-south") == true)
        #expect(table.allSatisfy { $0.count <= 80 })
    }

    @Test func colourMarksVerdictsGreenAndRed() {
        let table = Self.failing.table(color: true)
        #expect(table.contains("\u{1B}[32m✓\u{1B}[0m"))
        #expect(table.contains("\u{1B}[31m✗\u{1B}[0m"))
        #expect(table.contains("\u{1B}[31m1.24 s\u{1B}[0m"), "the missed figure itself is red")
        #expect(!table.contains("MISSED"))
    }

    @Test func durationsReadAsPeopleWriteThem() {
        #expect(DurationText.format(milliseconds: 830.4) == "830 ms")
        #expect(DurationText.format(milliseconds: 999.6) == "1.00 s")
        #expect(DurationText.format(milliseconds: 1240) == "1.24 s")
        #expect(DurationText.format(milliseconds: 12_440) == "12.4 s")
        #expect(DurationText.format(milliseconds: 125_000) == "125 s")
    }

    @Test func columnsAlignOnWhatTheTerminalShows() {
        var table = TextTable(columns: [.init(header: ["name"], alignment: .left), .init(header: ["two", "lines"], alignment: .right)])
        table.rows = [["a", "\u{1B}[31m1\u{1B}[0m"], ["bbbbbb", "22"]]
        #expect(
            table.lines() == [
                "          two", "name    lines", "a\(String(repeating: " ", count: 11))\u{1B}[31m1\u{1B}[0m", "bbbbbb     22",
            ])
    }
}
