/// Measured round-trip times between regions (milliseconds), and the region orders derived
/// from them. Hysteresis is applied here, when measurements arrive, not per query: a region
/// stays first until another is better by more than `hysteresis` (so answers do not flap on
/// noise), and queries only read the resulting order.
public struct LatencyMatrix: Sendable, Equatable {
    /// `milliseconds[from][to]`, nil when not measured.
    public private(set) var milliseconds: [[Double?]]
    /// For each region: all regions, best first (measured ones by latency, the rest by distance).
    public private(set) var orders: [[Int]]
    /// A new best must beat the current first by this fraction to replace it.
    public let hysteresis: Double

    /// Nothing measured yet: a region is 0 ms from itself, and orders are the distance orders.
    public init(distanceOrders: [[Int]], hysteresis: Double = 0.2) {
        let count = distanceOrders.count
        milliseconds = (0..<count).map { row in (0..<count).map { $0 == row ? 0 : nil } }
        orders = distanceOrders
        self.hysteresis = hysteresis
    }

    public var hasMeasurements: Bool { milliseconds.contains { $0.contains { $0 != nil } } }

    /// Records a measurement and recomputes the order of regions as seen from `from`.
    public mutating func record(from: Int, to: Int, milliseconds value: Double, distanceOrders: [[Int]]) {
        milliseconds[from][to] = value
        let previousFirst = orders[from].first
        let distance = distanceOrders[from]
        var order = distance.sorted { a, b in
            switch (milliseconds[from][a], milliseconds[from][b]) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return distance.firstIndex(of: a)! < distance.firstIndex(of: b)!
            }
        }
        // Hysteresis: keep the current first unless the new best is clearly better.
        if let previousFirst, let best = order.first, best != previousFirst,
           let bestMs = milliseconds[from][best], let previousMs = milliseconds[from][previousFirst],
           bestMs * (1 + hysteresis) >= previousMs {
            order.removeAll { $0 == previousFirst }
            order.insert(previousFirst, at: 0)
        }
        orders[from] = order
    }
}
