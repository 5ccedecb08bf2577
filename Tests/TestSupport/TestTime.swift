import Foundation

/// How much slower than a plain debug build the processes under test run. `scripts/sanitize.sh`
/// sets `MERIDIAN_TEST_TIME_SCALE` (AddressSanitizer about 3×): waits, and the timing bounds the
/// tests assert, stretch by it, so a sanitizer run checks behaviour rather than speed.
public enum TestTime {
    public static let scale: Double = ProcessInfo.processInfo.environment["MERIDIAN_TEST_TIME_SCALE"].flatMap(Double.init).map { max(1, $0) } ?? 1

    /// `seconds` on this run's clock.
    public static func seconds(_ seconds: TimeInterval) -> TimeInterval { seconds * scale }
}
