/// The legend's entries laid out left to right, wrapping before the picture's right edge.
struct TimelineLegend {
    struct Entry {
        var label: String
        var fill: String
        var outline: String?
        var x: Double
        var y: Double
    }

    static let swatch = 10.0
    static let fontSize = 11.0
    static let lineHeight = 18.0

    let entries: [Entry]
    /// Below the last line of entries.
    let bottom: Double

    /// Every region's colour, then the marks that are not a region's; the colour of addresses of
    /// no known region only when there are such addresses.
    init(palette: RegionPalette, unknownAddresses: Bool, top: Double, left: Double, right: Double) {
        let items: [(label: String, fill: String, outline: String?)] =
            palette.regions.map { ($0.name, $0.color, nil) }
            + (unknownAddresses ? [("address of no known region", RegionPalette.unknownRegion, nil)] : [])
            + [
                ("lost, error or empty answer", RegionPalette.unusable, nil),
                ("failed endpoint after exclusion (stale)", RegionPalette.colors[0], RegionPalette.stale),
            ]
        var entries: [Entry] = []
        var x = left, y = top
        for item in items {
            let width = Self.swatch + 4 + Self.textWidth(item.label, fontSize: Self.fontSize) + 16
            if x + width > right, x > left {
                x = left
                y += Self.lineHeight
            }
            entries.append(Entry(label: item.label, fill: item.fill, outline: item.outline, x: x, y: y))
            x += width
        }
        self.entries = entries
        bottom = y + Self.lineHeight / 2
    }

    /// A generous estimate of a sans-serif text's width (glyphs average about 0.6 of the font
    /// size), since an SVG without fonts of its own cannot measure text before it is shown.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.6
    }
}
