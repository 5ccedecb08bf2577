@testable import HealthGossip

/// Test helpers over the module's seeded generator, so that a property test that fails fails
/// again with the same seed.
typealias SplitMix64 = GossipRandom

extension GossipRandom {
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    /// Often a bound (where off-by-one bugs live), otherwise anything in range.
    mutating func edgy<T: FixedWidthInteger>(_ range: ClosedRange<T>) -> T {
        switch Int.random(in: 0..<4, using: &self) {
        case 0: range.lowerBound
        case 1: range.upperBound
        default: T.random(in: range, using: &self)
        }
    }
}
