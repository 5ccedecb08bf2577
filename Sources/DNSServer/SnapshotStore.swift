import Atomics
import NIOConcurrencyHelpers
import QueryEngine

extension ServingSnapshot: AtomicReference {}

/// The current `ServingSnapshot`, read with one atomic load per query and replaced with one
/// atomic exchange on reload. No lock on the query path; old snapshots live until the last
/// query holding them finishes.
public final class SnapshotStore: Sendable {
    private let current: ManagedAtomic<ServingSnapshot>
    /// Serialises writers (reloads, health reports) so that none overwrites another's change.
    /// Readers never take it.
    private let writers = NIOLock()

    public init(_ initial: ServingSnapshot) {
        current = ManagedAtomic(initial)
    }

    @inline(__always)
    public var snapshot: ServingSnapshot { current.load(ordering: .acquiring) }

    public func publish(_ snapshot: ServingSnapshot) {
        writers.withLock { current.store(snapshot, ordering: .releasing) }
    }

    /// Read-modify-write of the snapshot, atomic with respect to other writers.
    @discardableResult
    public func update<T>(_ change: (ServingSnapshot) throws -> (ServingSnapshot, T)) rethrows -> T {
        try writers.withLock {
            let (next, result) = try change(current.load(ordering: .acquiring))
            current.store(next, ordering: .releasing)
            return result
        }
    }
}
