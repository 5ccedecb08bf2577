import Atomics
import QueryEngine

extension ServingSnapshot: AtomicReference {}

/// The current `ServingSnapshot`, read with one atomic load per query and replaced with one
/// atomic exchange on reload. No lock on the query path; old snapshots live until the last
/// query holding them finishes.
public final class SnapshotStore: Sendable {
    private let current: ManagedAtomic<ServingSnapshot>

    public init(_ initial: ServingSnapshot) {
        current = ManagedAtomic(initial)
    }

    @inline(__always)
    public var snapshot: ServingSnapshot { current.load(ordering: .acquiring) }

    public func publish(_ snapshot: ServingSnapshot) {
        current.store(snapshot, ordering: .releasing)
    }
}
