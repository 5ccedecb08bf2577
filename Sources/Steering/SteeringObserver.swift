/// Receives each step of a steering decision. The query path passes `IgnoredSteps` (compiled away);
/// `meridian explain` passes `SteeringExplanation` to print why an answer is what it is.
public protocol SteeringObserver {
    mutating func note(_ step: @autoclosure () -> String)
}

/// The observer of the query path: records nothing.
public struct IgnoredSteps: SteeringObserver {
    /// Not empty on purpose: ThreadSanitizer instruments `inout` accesses with the value's
    /// address, and an empty struct's address is meaningless; in generic code it crashed TSan's
    /// runtime (swiftlang/swift#66099, #61244). One byte on the stack costs nothing.
    private var unused: UInt8 = 0
    public init() {}
    @inline(__always)
    public mutating func note(_ step: @autoclosure () -> String) {}
}

/// Collects the steps in order, for `explain`.
public struct SteeringExplanation: SteeringObserver, Sendable {
    public private(set) var steps: [String] = []
    public init() {}
    public mutating func note(_ step: @autoclosure () -> String) { steps.append(step()) }
}
