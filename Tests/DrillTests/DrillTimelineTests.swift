@testable import Drill
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The SVG timeline: well-formed, one row per client region, fault and recovery marked, and a
/// bounded number of marks however long the drill.
@Suite struct DrillTimelineTests {
    static func svg(_ drill: SyntheticDrill) -> String {
        DrillTimeline.svg(recording: drill.recording, report: drill.report())
    }

    static let drill = SyntheticDrill.failover(excludeAfter: (300, 1240), readmitAfter: (100, 200))

    @Test func isWellFormedWithARowLabelPerClientRegion() throws {
        let svg = try SVGElements(Self.svg(Self.drill))
        #expect(svg.elements.first?.name == "svg")
        #expect(svg.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        // Row labels are the 13 px texts; the legend names the regions too, in 11 px.
        #expect(svg.texts(fontSize: "13") == ["us-east", "eu-west", "ap-south"])
        #expect(svg.texts(fontSize: "9") == Array(repeating: SyntheticDrill.nodes, count: 3).flatMap(\.self), "a sub-row per node")
        #expect(svg.elements.first { $0.name == "title" }?.text == "Drill fail-region us-east: PASS")
    }

    @Test func marksTheFaultAndTheRecovery() throws {
        let svg = try SVGElements(Self.svg(Self.drill))
        #expect(svg.elements.contains { $0.name == "text" && $0.text == "fault 1.00 s" })
        #expect(svg.elements.contains { $0.name == "text" && $0.text == "recovery 3.00 s" })
        let phaseLines = svg.elements.filter { $0.name == "line" && $0.attributes["stroke-dasharray"] != nil }
        #expect(phaseLines.map { $0.attributes["x1"] } == ["379.2", "677.6"], "at 1 s and 3 s of 5 s on a 746 px plot from 230 px")
        #expect(svg.elements.contains { $0.name == "text" && $0.text == "excluded after 1.24 s" })
    }

    @Test func escapesNamesThatAreNotXML() throws {
        var drill = Self.drill
        drill.recording.clientRegions[1] = "r&d <lab> \"west\""
        drill.recording.nodes[0] = "[::1]:5353"
        let svg = try SVGElements(Self.svg(drill))
        #expect(svg.texts(fontSize: "13")[1] == "r&d <lab> \"west\"")
    }

    @Test func outlinesStaleAnswersInRed() throws {
        var drill = SyntheticDrill.failover(excludeAfter: (300, 300), readmitAfter: (100, 100))
        drill.recording.answers = drill.recording.answers.map { answer in
            var answer = answer
            if answer.client == 0, answer.node == 0, answer.at == 2000 { answer.addresses = SyntheticDrill.east }
            return answer
        }
        let svg = try SVGElements(Self.svg(drill))
        let outlined = svg.elements.filter {
            $0.name == "rect" && $0.attributes["stroke"] == RegionPalette.stale && $0.attributes["height"] == "8"
        }
        #expect(outlined.count == 1)
        #expect(outlined.first?.attributes["fill"] == RegionPalette(regions: ["us-east", "eu-west", "ap-south"]).color(of: "us-east"))
    }

    @Test func aLongDrillStaysAFewMarksPerRow() throws {
        var drill = SyntheticDrill()
        drill.recording.faultAt = 20_000
        drill.recording.recoveryAt = 60_000
        drill.recording.endAt = 100_000
        drill.steady(.east, SyntheticDrill.east)
        drill.steady(.west, SyntheticDrill.west)
        // A node flapping on every answer: still at most one mark per pixel column.
        drill.answer(.south, node: 0) { at in .addresses(Int(at / 20) % 2 == 0 ? SyntheticDrill.south : SyntheticDrill.west) }
        drill.answer(.south, node: 1) { _ in .addresses(SyntheticDrill.south) }
        let svg = try SVGElements(Self.svg(drill))
        let marks = svg.elements.filter { $0.name == "rect" && $0.attributes["height"] == "8" }
        #expect(drill.recording.answers.count == 30_000)
        #expect(marks.count <= 5 + Int(TimelineLayout.plotWidth))
    }

    @Test func spansKeepALoneBadAnswerVisible() {
        let clean = TimelineMark(fill: "#4e79a7", stale: false), lost = TimelineMark(fill: RegionPalette.unusable, stale: false)
        // Three answers a pixel, one of them lost, in column 10.
        let marks = (0..<60).map { (column: $0 / 3, mark: $0 == 31 ? lost : clean) }
        #expect(
            TimelineSpans.spans(marks, markWidth: 3) == [
                TimelineSpan(first: 0, last: 9, mark: clean), TimelineSpan(first: 10, last: 10, mark: lost),
                TimelineSpan(first: 11, last: 19, mark: clean),
            ])
    }

    @Test func sparseAnswersStayOneMarkEach() {
        let clean = TimelineMark(fill: "#4e79a7", stale: false)
        let spans = TimelineSpans.spans([0, 4, 8].map { (column: $0, mark: clean) }, markWidth: 3)
        #expect(spans.count == 3)
        #expect(TimelineSpans.spans([0, 3, 6].map { (column: $0, mark: clean) }, markWidth: 3).count == 1, "touching marks merge")
    }

    @Test func regionsKeepTheirColourWhateverTheOrderTheyComeIn() {
        let one = RegionPalette(regions: ["us-east", "eu-west", "ap-south"])
        let other = RegionPalette(regions: ["ap-south", "us-east", "eu-west", "us-east"])
        #expect(one.regions.map(\.color) == other.regions.map(\.color))
        #expect(Set(one.regions.map(\.color)).count == 3)
        #expect(one.color(of: "nowhere") == RegionPalette.unknownRegion)
    }
}

/// Every element of an SVG document, in document order, read with Foundation's XML parser
/// (which fails on anything that is not well-formed XML).
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []

    struct Malformed: Error {
        var description: String
    }

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else { throw Malformed(description: parser.parserError.map(String.init(describing:)) ?? "unknown") }
        #expect(open.isEmpty)
    }

    func texts(fontSize: String) -> [String] {
        elements.filter { $0.name == "text" && $0.attributes["font-size"] == fontSize }.map(\.text)
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]
    ) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = open.last { elements[current].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}
