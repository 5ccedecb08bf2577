/// A colour for every region, stable for a topology: the regions take the palette in name order,
/// so a region has the same colour in every drill of the same deployment. Grey and red are kept
/// out of the palette, for unusable and stale answers.
struct RegionPalette {
    /// Tableau 10 without its grey and red: distinct for the usual handful of regions, and
    /// readable by most colour-blind viewers.
    static let colors = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f"]
    /// Lost, error and empty answers.
    static let unusable = "#c8c8c8"
    /// An address the recording knows no region for.
    static let unknownRegion = "#555555"
    /// The outline of stale answers.
    static let stale = "#d62728"

    /// Every region in name order, with its colour (the palette repeats past eight regions).
    let regions: [(name: String, color: String)]

    init(regions names: some Sequence<String>) {
        regions = Set(names).sorted().enumerated().map { ($1, Self.colors[$0 % Self.colors.count]) }
    }

    func color(of region: String?) -> String {
        regions.first { $0.name == region }?.color ?? Self.unknownRegion
    }
}
