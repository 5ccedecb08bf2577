/// Response-time statistics of a backend: an EWMA for a smooth current value and a sliding
/// window of the last `capacity` samples for p50 and p99. Fixed memory, no allocation per sample.
public struct LatencyEstimator: Sendable {
    public let alpha: Double
    public private(set) var ewma: Double?
    private var window: [Double]
    private var next = 0
    private var filled = 0

    public init(alpha: Double = 0.2, capacity: Int = 256) {
        self.alpha = alpha
        window = Array(repeating: 0, count: max(1, capacity))
    }

    public mutating func record(milliseconds: Double) {
        ewma = ewma.map { alpha * milliseconds + (1 - alpha) * $0 } ?? milliseconds
        window[next] = milliseconds
        next = (next + 1) % window.count
        filled = min(filled + 1, window.count)
    }

    public var sampleCount: Int { filled }

    /// EWMA, p50 and p99 in milliseconds.
    public typealias Summary = (ewma: Double, p50: Double, p99: Double)

    /// nil before any sample.
    public var summary: Summary? {
        guard let ewma, let p50 = percentile(50), let p99 = percentile(99) else { return nil }
        return (ewma, p50, p99)
    }

    /// Nearest-rank percentile over the window (`p` in 0...100); nil before any sample.
    public func percentile(_ p: Double) -> Double? {
        guard filled > 0 else { return nil }
        let sorted = window[0..<filled].sorted()
        let rank = Int((p / 100 * Double(filled)).rounded(.up))
        return sorted[min(max(rank, 1), filled) - 1]
    }
}
