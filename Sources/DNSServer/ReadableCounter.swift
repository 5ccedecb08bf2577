import Atomics
import CoreMetrics

/// A swift-metrics counter whose running total the process can read back (swift-metrics
/// counters are write-only): the admin API's summary shows the same numbers `/metrics` does.
/// Counting is the exported counter's increment plus one relaxed atomic add.
public final class ReadableCounter: Sendable {
    private let exported: Counter
    private let total = ManagedAtomic<Int>(0)

    public init(label: String, dimensions: [(String, String)] = [], factory: any MetricsFactory) {
        exported = Counter(label: label, dimensions: dimensions, factory: factory)
    }

    @inline(__always)
    public func increment() {
        exported.increment()
        total.wrappingIncrement(ordering: .relaxed)
    }

    public var value: Int { total.load(ordering: .relaxed) }
}
