/// Small, stable (not per-process randomised) hashes for decisions that must give the same
/// answer across restarts and nodes: rendezvous hashing in steering and in the proxy's ip-hash.
public enum StableHash {
    /// SplitMix64's finaliser: spreads the bits of `value` evenly.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// A weighted rendezvous score for (key, member): the highest score wins, and a member's
    /// share of keys is proportional to its weight (Schindelhauer and Schomaker's weighted HRW).
    @inline(__always)
    public static func rendezvousScore(key: NetworkAddress, memberSeed: UInt64, weight: Double) -> Double {
        let h = mix(key.high ^ (key.low &* 0x9E37_79B9_7F4A_7C15) ^ memberSeed)
        let u = (Double(h >> 11) + 0.5) * 0x1p-53
        return weight / -logarithm(u)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func logarithm(_ x: Double) -> Double { Glibc.log(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) private func logarithm(_ x: Double) -> Double { Darwin.log(x) }
#endif
