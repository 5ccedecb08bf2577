import DNSWire
import Foundation
import QueryEngine
import Synchronization
import Topology
import ZoneStore

/// What the benchmarks query: the repo's `zones/` and `regions/`, loaded the way `meridian serve`
/// loads them, one reused response buffer, a client and the queries.
// @unchecked: set up once before any benchmark runs; the benchmarks only read it (and write
// responses into `output`, one benchmark at a time).
final class QueryWorld: @unchecked Sendable {
    static let shared = QueryWorld()

    let snapshot: ServingSnapshot
    /// The response buffer every query reuses, as a UDP worker's is.
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(UInt16.max), alignment: 16)
    /// A UDP client outside every region's networks (its ECS option says where it is).
    let client = ClientContext(address: NetworkAddress("192.0.2.200"), transport: .udp, randomSeed: 1)
    /// us-east's clients are 10.1.0.0/16.
    let ecs = ClientSubnet(family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, addressHigh: 0x0A01_0200 << 32, addressLow: 0)
    /// Counts steered answers as `serve`'s metrics closure does (a call per answer, no lookup).
    let steeredAnswers = SteeredAnswerCount()

    let statusQuery = DNSQuery("A status.example.com, static", name: "status.example.com", expect: .noError)
    let wwwQuery = DNSQuery("A www.example.com", name: "www.example.com", expect: .noError)
    let steeredECSQuery = DNSQuery("A www.example.com + ECS, steered", name: "www.example.com", ecs: [10, 1, 2], expect: .noError)
    let nxdomainQuery = DNSQuery("A missing.example.com, NXDOMAIN", name: "missing.example.com", expect: .nxDomain)
    let cnameChainQuery = DNSQuery(
        "A docs.example.com + ECS, CNAME chain to www", name: "docs.example.com", ecs: [10, 1, 2], expect: .noError
    )
    /// Other answers a UDP worker gives: each must allocate nothing as well.
    let otherQueries = [
        DNSQuery("A anything.apps.example.com, wildcard", name: "anything.apps.example.com", expect: .noError),
        DNSQuery("A host.lab.example.com, referral", name: "host.lab.example.com", expect: .noError),
        DNSQuery("AAAA www.example.com + NSID, steered", name: "www.example.com", type: .aaaa, ecs: [], nsid: true, expect: .noError),
        DNSQuery("A www.example.org, REFUSED", name: "www.example.org", expect: .refused),
        DNSQuery("CH TXT id.server", name: "id.server", type: .txt, qclass: .chaos, expect: .noError),
        DNSQuery("QDCOUNT 2, FORMERR", name: "status.example.com", qdCount: 2, expect: .formErr),
    ]

    private init() {
        let root = ProcessInfo.processInfo.environment["MERIDIAN_ROOT"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let zones = root + "/zones"
        let report = ZoneDirectoryLoader(directory: zones).load()
        guard report.failures.isEmpty, !report.zones.isEmpty else { fatalError("zones in \(zones): \(report.errors)") }
        let topology: Topology
        let topologyLoader = TopologyLoader(regionsDirectory: root + "/regions", zonesDirectory: zones)
        switch topologyLoader.load(zones: ZoneFacts(zones: report.zones.values)) {
        case .success(let loaded): topology = loaded
        case .failure(let failure): fatalError("regions: \(failure)")
        }
        let counter = steeredAnswers
        let configuration = QueryEngineConfiguration(
            nsid: Array("bench".utf8), identity: "bench", steeredAnswerCounter: { _, _ in { counter.increment() } }
        )
        snapshot = ServingSnapshot(sources: report.zones, configuration: configuration, generation: 1, topology: topology)
    }

    /// Answers `packet` once and stops the run if the answer is not what the benchmark claims.
    func checkAnswered(_ packet: UnsafeRawBufferPointer, label: String, expect: ResponseCode) {
        let outcome = QueryProcessor.respond(to: packet, from: client, snapshot: snapshot, into: output)
        guard case .respond(let length, let rcode, _) = outcome, rcode == expect, length >= (rcode == .formErr ? 12 : packet.count) else {
            fatalError("\(label): unexpected outcome \(outcome)")
        }
    }
}

final class SteeredAnswerCount: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
}

/// A query message as a client sends it: RD set, and with `ecs` an OPT record (payload 1232)
/// carrying a Client Subnet option whose source prefix is 8 bits per address byte given (none
/// for an empty list), and with `nsid` an NSID option.
struct DNSQuery: Sendable {
    let label: String
    let bytes: [UInt8]
    let expect: ResponseCode

    init(
        _ label: String, name: String, type: RRType = .a, qclass: RRClass = .in, ecs: [UInt8]? = nil, nsid: Bool = false,
        qdCount: UInt8 = 1, expect: ResponseCode
    ) {
        self.label = label
        self.expect = expect
        var out: [UInt8] = [0x4D, 0x52, 0x01, 0x00, 0, qdCount, 0, 0, 0, 0, 0, ecs == nil && !nsid ? 0 : 1]
        out += Self.wireName(name)
        out += [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), UInt8(qclass.rawValue >> 8), UInt8(qclass.rawValue & 0xFF)]
        if ecs != nil || nsid {
            var options: [UInt8] = nsid ? [0, 3, 0, 0] : []
            if let ecs, !ecs.isEmpty { options += [0, 8, 0, UInt8(4 + ecs.count), 0, 1, UInt8(8 * ecs.count), 0] + ecs }
            out += [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, UInt8(options.count)] + options
        }
        bytes = out
    }

    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes(body)
    }

    /// Uncompressed wire form of a dotted name.
    static func wireName(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }
}

/// SplitMix64, as the query engine seeds steering per query.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(state)
    }
}
