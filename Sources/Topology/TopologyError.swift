import DNSWire

/// A problem in a region or services file, reported as `file:line: message`.
public typealias TopologyError = LocatedError<TopologyErrorCode>

public enum TopologyErrorCode: Hashable, Sendable {
    case unreadable
    case syntax
    case missingField
    case badValue
    case unknownRegion
    case duplicate
    case serviceOutsideZones
    case serviceHasAddressRecords
}
