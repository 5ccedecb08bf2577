/// Where the health a DNS node serves for an endpoint came from, as its health event log
/// records it: the admin API, an agent's report through gossip (serving or not), a drain the
/// agent reported, or the reporting agent being dead or gone.
public enum HealthSource: String, Sendable, Equatable {
    case admin
    case gossip
    case drain
    case agentDead = "agent-dead"
}
