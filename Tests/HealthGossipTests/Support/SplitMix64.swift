/// A deterministic generator (Steele, Lea and Flood's SplitMix64), so that a property test that
/// fails fails again with the same seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
