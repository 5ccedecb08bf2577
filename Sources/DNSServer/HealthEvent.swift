import Foundation
import Steering

/// A change in the health a DNS node serves for one endpoint: it started or stopped being
/// answered with.
public struct HealthEvent: Sendable, Equatable {
    public var time: Date
    public var endpoint: String
    public var region: String
    /// Whether steering answers with the endpoint from now on (up, with some capacity).
    public var up: Bool
    /// Its healthy capacity, 0…1, as of the change.
    public var capacity: Double
    public var source: HealthSource

    public init(time: Date, endpoint: String, region: String, up: Bool, capacity: Double, source: HealthSource) {
        self.time = time
        self.endpoint = endpoint
        self.region = region
        self.up = up
        self.capacity = capacity
        self.source = source
    }
}
