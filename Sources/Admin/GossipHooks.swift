import GossipService
import HealthGossip
import NIOConcurrencyHelpers

/// What the admin API needs from a DNS node's gossip member: its view (`GET /v1/members`),
/// and the operator overrides that win over gossiped health (`PUT`/`DELETE
/// /v1/endpoints/{name}/health`), re-applied through `reapply`.
public struct GossipHooks: Sendable {
    public let overrides: NIOLockedValueBox<[String: GossipHealth.Override]>
    public let view: @Sendable () -> GossipView
    public let reapply: @Sendable () -> Void

    public init(overrides: NIOLockedValueBox<[String: GossipHealth.Override]>, view: @escaping @Sendable () -> GossipView, reapply: @escaping @Sendable () -> Void) {
        self.overrides = overrides
        self.view = view
        self.reapply = reapply
    }

    /// `GET /v1/members`: every member with its state, incarnation, probe round trip and the
    /// health it publishes.
    func membersJSON() -> [String: Any] {
        let view = view()
        return [
            "self": view.me,
            "members": view.members.map { member -> [String: Any] in
                let update = member.update
                var entry: [String: Any] = [
                    "name": update.name, "address": update.address.description, "role": update.role == .dns ? "dns" : "agent",
                    "status": "\(update.status)", "incarnation": update.incarnation,
                ]
                if !update.region.isEmpty { entry["region"] = update.region }
                if let rtt = member.roundTripMilliseconds { entry["rttMs"] = rtt }
                if let report = view.reports[update.name] {
                    entry["report"] = [
                        "version": report.version,
                        "endpoints": report.endpoints.map { endpoint -> [String: Any] in
                            [
                                "name": endpoint.name, "up": endpoint.up, "drained": endpoint.drained,
                                "capacity": Double(endpoint.capacityPermille) / 1000, "latencyMs": Double(endpoint.latencyMicroseconds) / 1000,
                            ]
                        },
                    ]
                }
                return entry
            },
        ]
    }
}
