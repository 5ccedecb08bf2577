/// What a query's OPT record asked for (RFC 6891 §6.1.2).
public struct EDNS: Hashable, Sendable {
    public static let nsidOptionCode: UInt16 = 3
    /// Payload sizes below 512 are treated as 512 (RFC 6891 §6.2.3).
    public static let minimumPayloadSize: UInt16 = 512

    public var udpPayloadSize: UInt16
    public var version: UInt8
    public var dnssecOK: Bool
    /// RFC 5001: the client sent an (empty) NSID option.
    public var nsidRequested: Bool
    public var clientSubnet: ClientSubnet?

    public init(udpPayloadSize: UInt16 = 1232, version: UInt8 = 0, dnssecOK: Bool = false, nsidRequested: Bool = false, clientSubnet: ClientSubnet? = nil) {
        self.udpPayloadSize = udpPayloadSize
        self.version = version
        self.dnssecOK = dnssecOK
        self.nsidRequested = nsidRequested
        self.clientSubnet = clientSubnet
    }
}
