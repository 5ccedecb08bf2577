import DNSWire
import Topology
import ZoneStore

extension ZoneFacts {
    /// What topology validation needs to know about loaded zones.
    public init(zones: some Collection<ZoneData>) {
        self.init(
            origins: zones.map(\.origin),
            addressOwners: Set(zones.flatMap { $0.records.filter { $0.type == .a || $0.type == .aaaa }.map(\.owner) }),
            cnameOwners: Set(zones.flatMap { $0.records.filter { $0.type == .cname }.map(\.owner) }),
            cuts: zones.flatMap { zone in zone.records.filter { $0.type == .ns && $0.owner != zone.origin }.map(\.owner) }
        )
    }
}
