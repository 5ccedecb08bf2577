import Foundation

/// Durations as people read them on a report: "830 ms" below a second, "1.24 s" above, with
/// fewer decimals as the seconds grow so every figure stays about four digits wide.
enum DurationText {
    static func format(milliseconds: Double) -> String {
        let rounded = milliseconds.rounded()
        if abs(rounded) < 1000 { return "\(Int(rounded)) ms" }
        let seconds = milliseconds / 1000
        switch abs(seconds) {
        case ..<10: return String(format: "%.2f s", seconds)
        case ..<100: return String(format: "%.1f s", seconds)
        default: return String(format: "%.0f s", seconds)
        }
    }
}
