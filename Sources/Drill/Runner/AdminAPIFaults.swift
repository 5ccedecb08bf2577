import DNSWire
import Topology

/// Faults on a real deployment, through admin APIs only — it never kills anything. Failing a
/// region or an endpoint is an operator override on every DNS node (`PUT
/// /v1/endpoints/{name}/health`, dropped again with `DELETE` on recovery); a drain goes through
/// the region agent's API, as planned maintenance would.
public struct AdminAPIFaults: FaultInjector {
    let dnsAdmins: [String]
    let regions: [Region]
    let token: String?

    public init(dnsAdmins: [String], regions: [Region], token: String?) {
        self.dnsAdmins = dnsAdmins
        self.regions = regions
        self.token = token
    }

    /// A real deployment outlives the drill: it must never be left failed.
    public var undoesOnAbort: Bool { true }

    public func apply(_ scenario: DrillScenario) async throws { try await act(scenario, faulty: true) }

    public func recover(_ scenario: DrillScenario) async throws { try await act(scenario, faulty: false) }

    private func act(_ scenario: DrillScenario, faulty: Bool) async throws {
        switch scenario.kind {
        case .killAgent:
            throw DrillError("--kill-agent needs a local deployment: against --server a drill only drains and uses admin APIs, it never kills anything")
        case .drain:
            guard let region = regions.first(where: { $0.name == scenario.target }) else { throw DrillError("no region \(scenario.target)") }
            guard let admin = region.agent.admin else { throw DrillError("region \(region.name) has no agent.admin to drain through") }
            try await AgentAdmin.drain(admin: admin, drained: faulty, token: token)
        case .failRegion, .failEndpoint:
            let names = try DrillTarget(nodes: [], regions: regions).endpoints(hitBy: scenario).map(\.name)
            // Every node and endpoint is tried even when one fails, so that recovery undoes all
            // it can; the failures are reported together.
            var failures: [String] = []
            for admin in dnsAdmins {
                for name in names {
                    do { try await override(admin: admin, endpoint: name, down: faulty) } catch { failures.append("\(error)") }
                }
            }
            if !failures.isEmpty { throw DrillError(failures.joined(separator: "; ")) }
        }
    }

    private func override(admin: String, endpoint: String, down: Bool) async throws {
        guard let address = HostPort.parse(admin) else { throw DrillError("--admin \(admin) is not host:port") }
        let headers = token.map { [("Authorization", "Bearer \($0)")] } ?? []
        let path = "/v1/endpoints/\(endpoint)/health"
        var response = try await HTTPClient.request(down ? .PUT : .DELETE, host: address.host, port: address.port, path: path, body: down ? #"{"up": false}"# : nil, headers: headers)
        if !down, response.status == 405 {
            // A node without gossip has no override to drop: report the endpoint up instead.
            response = try await HTTPClient.request(.PUT, host: address.host, port: address.port, path: path, body: #"{"up": true}"#, headers: headers)
        }
        guard response.status == 200 else { throw DrillError("\(admin) \(path): \(response.status) \(response.body)") }
    }
}
