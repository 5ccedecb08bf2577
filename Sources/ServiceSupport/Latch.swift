import NIOConcurrencyHelpers

/// A value that becomes known once (a bound address, "signals are trapped"), awaited by any
/// number of tasks: those that ask before it is known wait, later ones get it at once.
public final class Latch<Value: Sendable>: Sendable {
    private let state = NIOLockedValueBox<(value: Value?, waiting: [CheckedContinuation<Value, Never>])>((nil, []))

    public init() {}

    /// Sets the value (the first call wins) and wakes every waiter.
    public func open(_ value: Value) {
        let waiting: [CheckedContinuation<Value, Never>] = state.withLockedValue { state in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume(returning: value) }
    }

    /// The value, waiting for it if it is not known yet.
    public func value() async -> Value {
        await withCheckedContinuation { continuation in
            let now: Value? = state.withLockedValue { state in
                if let value = state.value { return value }
                state.waiting.append(continuation)
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }
}
