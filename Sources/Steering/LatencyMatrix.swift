/// Measured round-trip times between regions (milliseconds), and the region orders derived
/// from them. Hysteresis is applied here, when measurements arrive, not per query: a region
/// moves ahead of another only when it is clearly faster — by more than `hysteresis` of the
/// other's time and by more than `minimumMarginMs` — so answers do not flap on noise, and
/// regions whose times are within noise of each other keep their distance order (on one LAN,
/// or loopback, every round trip is "1 ms" give or take jitter). Queries only read the orders.
public struct LatencyMatrix: Sendable, Equatable {
    /// `milliseconds[from][to]`, nil when not measured.
    public private(set) var milliseconds: [[Double?]]
    /// For each region: all regions, best first (measured ones by latency, the rest by distance).
    public private(set) var orders: [[Int]]
    /// A region must beat another by this fraction of the other's time to pass it…
    public let hysteresis: Double
    /// …and by this many milliseconds.
    public let minimumMarginMs: Double

    /// Nothing measured yet: a region is 0 ms from itself, and orders are the distance orders.
    public init(distanceOrders: [[Int]], hysteresis: Double = 0.2, minimumMarginMs: Double = 5) {
        let count = distanceOrders.count
        milliseconds = (0..<count).map { row in (0..<count).map { $0 == row ? 0 : nil } }
        orders = distanceOrders
        self.hysteresis = hysteresis
        self.minimumMarginMs = minimumMarginMs
    }

    public var hasMeasurements: Bool { milliseconds.contains { $0.contains { $0 != nil } } }

    /// Records a measurement and recomputes the order of regions as seen from `from`: measured
    /// regions first, starting from their current order, then the unmeasured ones by distance.
    public mutating func record(from: Int, to: Int, milliseconds value: Double, distanceOrders: [[Int]]) {
        let newlyMeasured = milliseconds[from][to] == nil
        milliseconds[from][to] = value
        let row = milliseconds[from]
        var order = orders[from].filter { row[$0] != nil && !(newlyMeasured && $0 == to) }
        if newlyMeasured {
            // A region measured for the first time joins at its place by distance; from there
            // it moves up only if clearly faster, like any other.
            let rank = { (region: Int) in distanceOrders[from].firstIndex(of: region) ?? Int.max }
            order.insert(to, at: order.firstIndex { rank($0) > rank(to) } ?? order.count)
        }
        // Insertion: each region moves before the first region ahead of it that it is clearly
        // faster than. "Clearly faster" is transitive (both margins add up), so the regions
        // ahead never hold such a pair, and one pass suffices.
        for i in order.indices.dropFirst() {
            let region = order[i]
            guard let j = order[..<i].firstIndex(where: { clearlyFaster(row[region]!, than: row[$0]!) }) else { continue }
            order.remove(at: i)
            order.insert(region, at: j)
        }
        orders[from] = order + distanceOrders[from].filter { row[$0] == nil }
    }

    private func clearlyFaster(_ a: Double, than b: Double) -> Bool { b - a > max(minimumMarginMs, b * hysteresis) }
}
