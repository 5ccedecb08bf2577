/// The outcome of steering one query: which endpoints to answer with, for how long, and for
/// which part of the client address space the answer holds (the ECS scope).
public struct SteeringDecision: Sendable {
    public static let maxAnswers = 16

    /// Endpoint ids (into `SteeringTable.endpoints`), in answer order.
    public var endpoints: InlineArray<16, Int32> = .init(repeating: -1)
    public var count = 0
    public var ttl: UInt32 = 0
    /// RFC 7871 §7.2.1 SCOPE PREFIX-LENGTH: the prefix length the answer depended on.
    public var scopePrefixLength: UInt8 = 0
    /// The region the client was mapped to, or -1.
    public var clientRegion = -1
    /// The region answered from, or -1 (weighted answers span regions).
    public var answeredRegion = -1
    /// Nothing was healthy, so every endpoint was a candidate (fail open).
    public var failedOpen = false

    public init() {}

    mutating func append(_ endpoint: Int) {
        guard count < Self.maxAnswers else { return }
        endpoints[count] = Int32(endpoint)
        count += 1
    }

    public var endpointIDs: [Int] { (0..<count).map { Int(endpoints[$0]) } }
}
