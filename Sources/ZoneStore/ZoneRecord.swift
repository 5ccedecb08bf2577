import DNSWire

/// One resource record as loaded from a zone file: owner in canonical (lowercase) form, RDATA in
/// uncompressed wire form, plus where the domain names inside the RDATA are.
public struct ZoneRecord: Hashable, Sendable {
    public var owner: DNSName
    public var type: RRType
    public var rrClass: RRClass
    public var ttl: UInt32
    public var rdata: [UInt8]
    /// Names that may be compressed when written (RFC 3597 §4 decides per type).
    public var names: RDataNames
    /// Offset of the name whose A/AAAA go to the additional section (NS, MX, SRV targets), or -1.
    public var additionalName: Int16
    /// Where it was defined, for diagnostics.
    public var file: String
    public var line: Int

    public init(owner: DNSName, type: RRType, rrClass: RRClass = .in, ttl: UInt32, rdata: [UInt8], names: RDataNames = .none, additionalName: Int16 = -1, file: String = "", line: Int = 0) {
        self.owner = owner
        self.type = type
        self.rrClass = rrClass
        self.ttl = ttl
        self.rdata = rdata
        self.names = names
        self.additionalName = additionalName
        self.file = file
        self.line = line
    }

    /// Equality as RFC 2181 §5 defines records in an RRset: owner, type, class and RDATA.
    public func sameData(as other: ZoneRecord) -> Bool {
        owner == other.owner && type == other.type && rrClass == other.rrClass && rdata == other.rdata
    }
}

/// A zone as read from its file: origin and records, not yet validated or indexed.
public struct ZoneData: Sendable {
    public var origin: DNSName
    public var records: [ZoneRecord]
    public var file: String

    public init(origin: DNSName, records: [ZoneRecord], file: String) {
        self.origin = origin
        self.records = records
        self.file = file
    }
}
