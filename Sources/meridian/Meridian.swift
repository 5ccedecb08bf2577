import ArgumentParser

/// `meridian`: the global DNS load balancer's one binary.
@main
struct Meridian: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "Meridian: an authoritative DNS server and global load balancer.",
        subcommands: [ServeCommand.self, CheckCommand.self, ExplainCommand.self, BackendCommand.self, AgentCommand.self, KeygenCommand.self, MembersCommand.self]
    )
}
