import DNSWire

/// What the transport should do with a query.
public enum QueryOutcome: Sendable, Equatable {
    /// Send nothing (not a query, or too short to answer).
    case drop
    /// Send the first `length` bytes of the buffer.
    case respond(length: Int, rcode: ResponseCode, qtype: RRType)
    /// Start a zone transfer (TCP only): run a `ZoneTransfer` for this zone.
    case transfer(ZoneTransfer)
}
