import DNSWire

/// A problem found in a zone file, reported as `file:line: message` (like named-checkzone).
public typealias ZoneError = LocatedError<ZoneErrorCode>

public enum ZoneErrorCode: Hashable, Sendable {
    case unreadable
    case syntax
    case include
    case missingSOA
    case multipleSOA
    case missingApexNS
    case outOfZone
    case cnameAndOtherData
    case badClass
    case badType
}
