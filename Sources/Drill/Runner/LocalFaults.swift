/// Faults on a deployment the drill started: backends really fail their health checks, the
/// agent process really dies, the drain goes through the agent's API as an operator's would.
public struct LocalFaults: FaultInjector {
    let deployment: LocalDeployment

    public init(deployment: LocalDeployment) { self.deployment = deployment }

    /// The drill stops the whole deployment when it ends.
    public var undoesOnAbort: Bool { false }

    public func apply(_ scenario: DrillScenario) async throws { try await act(scenario, faulty: true) }

    public func recover(_ scenario: DrillScenario) async throws { try await act(scenario, faulty: false) }

    private func act(_ scenario: DrillScenario, faulty: Bool) async throws {
        let plan = deployment.plan
        switch scenario.kind {
        case .failRegion, .failEndpoint:
            let hit = try DrillTarget(plan: plan).endpoints(hitBy: scenario)
            try await deployment.setBackends(ofEndpoints: Set(hit.map(\.name)), failing: faulty)
        case .killAgent:
            if faulty { try deployment.killAgent(region: scenario.target) } else { try await deployment.restartAgent(region: scenario.target) }
        case .drain:
            guard let agent = plan.agents.first(where: { $0.region == scenario.target }) else { throw DrillError("no region \(scenario.target)") }
            try await AgentAdmin.drain(admin: agent.admin, drained: faulty)
        }
    }
}
