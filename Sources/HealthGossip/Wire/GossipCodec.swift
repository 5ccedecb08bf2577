/// The payload format of a gossip message: compact, big-endian, type-tagged binary.
///
///     kind u8 (1 ping, 2 ping-request, 3 ack, 4 leave)
///       ping, ack:     sequence u32
///       ping-request:  sequence u32, target name, address
///     update count u8, then each update:
///       1 member:  name, address, role u8, region, status u8, incarnation u32
///       2 report:  origin, region, version u64, endpoint count u8 (≤ 64), then each endpoint:
///                  name, flags u8 (bit 0 up, bit 1 drained), capacity u16 (≤ 1000), latency u32;
///                  then round-trip count u8 (≤ 32), each: region, microseconds u32
///     string:  length u8, UTF-8 (names 1...64 bytes, region 0...64, host 1...255)
///     address: host, port u16
///
/// The encoding is canonical (reserved flag bits zero, no trailing bytes), so a payload that
/// decodes re-encodes to the same bytes. Decoding is total: any byte string gives a message or a
/// `DecodeError`, never a trap, since a peer with the key may still be buggy or out of date.
public enum GossipCodec {
    enum KindTag: UInt8 {
        case ping = 1, pingRequest = 2, ack = 3, leave = 4, gossip = 5
    }

    enum UpdateTag: UInt8 {
        case member = 1, report = 2
    }

    enum EndpointFlag {
        static let up: UInt8 = 1 << 0
        static let drained: UInt8 = 1 << 1
        static let all = up | drained
    }

    /// The whole message, with no budget but the format's own bounds. A path that frames the
    /// result must still fit `GossipFrame.maxFrameBytes`: the full-state sync path should use the
    /// budgeted encode below with `GossipFrame.maxFrameBytes - GossipFrame.overhead(senderName:)`.
    public static func encode(_ message: GossipMessage) throws(EncodeError) -> [UInt8] {
        guard message.updates.count <= GossipWireLimits.maxUpdates else { throw EncodeError(.tooMany, field: "update count") }
        return try encode(message.kind, updates: message.updates, budget: .max).payload
    }

    /// The message kind and as many of `updates`, in order, as keep the payload within `budget`
    /// bytes (and at most 255). It stops at the first update that does not fit rather than
    /// skipping ahead, so `included` is a prefix: the caller marks exactly those as sent. For a
    /// datagram, pass `GossipFrame.datagramBudget(senderName:)`.
    ///
    /// An update that alone exceeds the budget (a report with many long endpoint names) is never
    /// included, and stops the ones behind it: such reports belong on the full-state sync path.
    /// An update the format cannot carry throws, with its index, so that the caller can drop it.
    public static func encode(_ kind: GossipMessage.Kind, updates: [GossipUpdate], budget: Int) throws(EncodeError) -> (payload: [UInt8], included: Int) {
        var writer = ByteWriter(capacity: max(0, min(budget, GossipFrame.maxDatagramBytes)))
        try write(kind, to: &writer)
        let countIndex = writer.count
        writer.integer(UInt8(0))
        guard writer.count <= budget else { throw EncodeError(.overBudget, field: "message kind") }
        var included = 0
        for (index, update) in updates.prefix(GossipWireLimits.maxUpdates).enumerated() {
            let mark = writer.count
            do throws(EncodeError) {
                try write(update, to: &writer)
            } catch {
                var located = error
                located.update = index
                throw located
            }
            if writer.count > budget {
                writer.truncate(to: mark)
                break
            }
            included += 1
        }
        writer.set(UInt8(included), at: countIndex)
        return (writer.bytes, included)
    }

    /// The message in `payload` (an opened frame's), or why it is not one: every length is
    /// checked against what remains, every count against its bound, every string for UTF-8.
    public static func decode(_ payload: [UInt8]) -> Result<GossipMessage, DecodeError> {
        var reader = ByteReader(payload)
        do throws(DecodeError) {
            let kind = try readKind(&reader)
            let count = try reader.u8("update count")
            var updates: [GossipUpdate] = []
            updates.reserveCapacity(Int(count))
            for _ in 0..<count { updates.append(try readUpdate(&reader)) }
            try reader.expectEnd()
            return .success(GossipMessage(kind, updates: updates))
        } catch {
            return .failure(error)
        }
    }

    // MARK: Writing

    static func write(_ kind: GossipMessage.Kind, to writer: inout ByteWriter) throws(EncodeError) {
        switch kind {
        case .ping(let sequence):
            writer.integer(KindTag.ping.rawValue)
            writer.integer(sequence)
        case .pingRequest(let sequence, let target, let address):
            writer.integer(KindTag.pingRequest.rawValue)
            writer.integer(sequence)
            try writer.string(target, .target)
            try write(address, to: &writer)
        case .ack(let sequence):
            writer.integer(KindTag.ack.rawValue)
            writer.integer(sequence)
        case .leave:
            writer.integer(KindTag.leave.rawValue)
        case .gossip:
            writer.integer(KindTag.gossip.rawValue)
        }
    }

    static func write(_ update: GossipUpdate, to writer: inout ByteWriter) throws(EncodeError) {
        switch update {
        case .member(let member):
            writer.integer(UpdateTag.member.rawValue)
            try writer.string(member.name, .memberName)
            try write(member.address, to: &writer)
            writer.integer(member.role.rawValue)
            try writer.string(member.region, .region)
            writer.integer(member.status.rawValue)
            writer.integer(member.incarnation)
        case .report(let report):
            writer.integer(UpdateTag.report.rawValue)
            try writer.string(report.origin, .origin)
            try writer.string(report.region, .region)
            writer.integer(report.version)
            guard report.endpoints.count <= GossipWireLimits.maxEndpoints else { throw EncodeError(.tooMany, field: "endpoint count") }
            writer.integer(UInt8(report.endpoints.count))
            for endpoint in report.endpoints { try write(endpoint, to: &writer) }
            guard report.roundTrips.count <= GossipWireLimits.maxRoundTrips else { throw EncodeError(.tooMany, field: "round-trip count") }
            writer.integer(UInt8(report.roundTrips.count))
            for roundTrip in report.roundTrips {
                try writer.string(roundTrip.region, .region)
                writer.integer(roundTrip.microseconds)
            }
        }
    }

    static func write(_ endpoint: EndpointReport, to writer: inout ByteWriter) throws(EncodeError) {
        try writer.string(endpoint.name, .endpointName)
        writer.integer((endpoint.up ? EndpointFlag.up : 0) | (endpoint.drained ? EndpointFlag.drained : 0))
        guard endpoint.capacityPermille <= GossipWireLimits.maxCapacityPermille else { throw EncodeError(.badValue, field: "endpoint capacity") }
        writer.integer(endpoint.capacityPermille)
        writer.integer(endpoint.latencyMicroseconds)
    }

    static func write(_ address: GossipAddress, to writer: inout ByteWriter) throws(EncodeError) {
        try writer.string(address.host, .host)
        writer.integer(address.port)
    }

    // MARK: Reading

    static func readKind(_ reader: inout ByteReader) throws(DecodeError) -> GossipMessage.Kind {
        let start = reader.offset
        switch KindTag(rawValue: try reader.u8("message kind")) {
        case .ping: return .ping(sequence: try reader.u32("ping sequence"))
        case .pingRequest:
            let sequence = try reader.u32("ping-request sequence")
            let target = try reader.string(.target)
            return .pingRequest(sequence: sequence, target: target, address: try readAddress(&reader))
        case .ack: return .ack(sequence: try reader.u32("ack sequence"))
        case .leave: return .leave
        case .gossip: return .gossip
        case nil: throw reader.error(.unknownTag, "message kind", at: start)
        }
    }

    static func readUpdate(_ reader: inout ByteReader) throws(DecodeError) -> GossipUpdate {
        let start = reader.offset
        switch UpdateTag(rawValue: try reader.u8("update tag")) {
        case .member:
            let name = try reader.string(.memberName)
            let address = try readAddress(&reader)
            let role = try readEnum(MemberRole.self, "member role", &reader)
            let region = try reader.string(.region)
            let status = try readEnum(MemberStatus.self, "member status", &reader)
            let incarnation = try reader.u32("incarnation")
            return .member(MemberUpdate(name: name, address: address, role: role, region: region, status: status, incarnation: incarnation))
        case .report:
            let origin = try reader.string(.origin)
            let region = try reader.string(.region)
            let version = try reader.u64("report version")
            let countAt = reader.offset
            let count = Int(try reader.u8("endpoint count"))
            guard count <= GossipWireLimits.maxEndpoints else { throw reader.error(.tooMany, "endpoint count", at: countAt) }
            var endpoints: [EndpointReport] = []
            endpoints.reserveCapacity(count)
            for _ in 0..<count { endpoints.append(try readEndpoint(&reader)) }
            let tripsAt = reader.offset
            let trips = Int(try reader.u8("round-trip count"))
            guard trips <= GossipWireLimits.maxRoundTrips else { throw reader.error(.tooMany, "round-trip count", at: tripsAt) }
            var roundTrips: [RegionRoundTrip] = []
            for _ in 0..<trips { roundTrips.append(RegionRoundTrip(region: try reader.string(.region), microseconds: try reader.u32("round trip"))) }
            return .report(RegionReport(origin: origin, region: region, version: version, endpoints: endpoints, roundTrips: roundTrips))
        case nil: throw reader.error(.unknownTag, "update tag", at: start)
        }
    }

    static func readEndpoint(_ reader: inout ByteReader) throws(DecodeError) -> EndpointReport {
        let name = try reader.string(.endpointName)
        let flagsAt = reader.offset
        let flags = try reader.u8("endpoint flags")
        // Reserved bits must be zero: a later flag needs a new frame version, and the encoding
        // stays canonical.
        guard flags & ~EndpointFlag.all == 0 else { throw reader.error(.badValue, "endpoint flags", at: flagsAt) }
        let capacityAt = reader.offset
        let capacity = try reader.u16("endpoint capacity")
        guard capacity <= GossipWireLimits.maxCapacityPermille else { throw reader.error(.badValue, "endpoint capacity", at: capacityAt) }
        let latency = try reader.u32("endpoint latency")
        return EndpointReport(
            name: name, up: flags & EndpointFlag.up != 0, drained: flags & EndpointFlag.drained != 0,
            capacityPermille: capacity, latencyMicroseconds: latency
        )
    }

    static func readAddress(_ reader: inout ByteReader) throws(DecodeError) -> GossipAddress {
        let host = try reader.string(.host)
        return GossipAddress(host: host, port: try reader.u16("port"))
    }

    static func readEnum<E: RawRepresentable<UInt8>>(_: E.Type, _ field: StaticString, _ reader: inout ByteReader) throws(DecodeError) -> E {
        let start = reader.offset
        guard let value = E(rawValue: try reader.u8(field)) else { throw reader.error(.badValue, field, at: start) }
        return value
    }
}
