import DNSWire
import Foundation
import QueryEngine
import Steering
import Topology
import ZoneStore

/// What every input is answered from: the repository's zones/ and regions/, loaded as
/// `meridian serve` loads them, once per process, in four health states (so that steering's
/// fail-open and partial answers are reached too), and the clients an input can pick.
final class FuzzWorld: Sendable {
    static let shared = FuzzWorld()
    /// The configuration's bound on UDP responses (its default, the DNS Flag Day value).
    static let maxUDPPayload: UInt16 = 1232

    /// All up; all down (fail open); every other endpoint down; all down without fail-open.
    let snapshots: [ServingSnapshot]
    /// None (a transport that gave no address), one per region in both families, one in no
    /// region, and the loopback addresses allowed to transfer zones.
    let addresses: [NetworkAddress?] = [nil, "10.1.2.3", "10.2.200.1", "10.3.0.9", "2001:db8:1::5", "192.0.2.200", "127.0.0.1", "::1"]
        .map { $0.flatMap(NetworkAddress.init) }

    private init() {
        // Fuzz/Sources/FuzzQueryHandler/FuzzWorld.swift → the repository (or MERIDIAN_ROOT).
        let root = ProcessInfo.processInfo.environment["MERIDIAN_ROOT"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let report = ZoneDirectoryLoader(directory: root + "/zones").load()
        guard report.failures.isEmpty, !report.zones.isEmpty else { fatalError("zones in \(root)/zones: \(report.errors)") }
        let topology: Topology
        switch TopologyLoader(regionsDirectory: root + "/regions", zonesDirectory: root + "/zones").load(zones: ZoneFacts(zones: report.zones.values)) {
        case .success(let loaded): topology = loaded
        case .failure(let failure): fatalError("regions in \(root)/regions: \(failure)")
        }
        func snapshot(failOpen: Bool) -> ServingSnapshot {
            let configuration = QueryEngineConfiguration(
                maxUDPPayload: Self.maxUDPPayload, nsid: Array("fuzz".utf8), identity: "fuzz", version: "meridian-fuzz",
                allowTransfer: ["127.0.0.0/8", "::1/128"].compactMap(NetworkPrefix.init), failOpen: failOpen
            )
            return ServingSnapshot(sources: report.zones, configuration: configuration, generation: 1, topology: topology)
        }
        let open = snapshot(failOpen: true)
        func withHealth(_ base: ServingSnapshot, up: (Int) -> Bool) -> ServingSnapshot {
            var health = base.health
            for index in health.up.indices { health.up[index] = up(index) }
            return base.with(health: health)
        }
        snapshots = [
            open, withHealth(open) { _ in false }, withHealth(open) { $0 % 2 == 0 },
            withHealth(snapshot(failOpen: false)) { _ in false },
        ]
    }

    /// The client and snapshot an input's first byte picks: bit 0 TCP, bits 1–3 the address,
    /// bits 4–5 the snapshot, bits 6–7 the random seed.
    func pick(_ byte: UInt8) -> (ClientContext, ServingSnapshot) {
        let client = ClientContext(
            address: addresses[Int(byte >> 1 & 7)], transport: byte & 1 == 1 ? .tcp : .udp, randomSeed: UInt64(byte >> 6)
        )
        return (client, snapshots[Int(byte >> 4 & 3)])
    }

    /// The first byte that picks `transport` and address `address` (an index into `addresses`).
    static func clientByte(tcp: Bool, address: Int, snapshot: Int = 0) -> UInt8 {
        (tcp ? 1 : 0) | UInt8(address) << 1 | UInt8(snapshot) << 4
    }
}
