import ArgumentParser
import ServiceSupport

/// `meridian`: the global DNS load balancer's one binary.
@main
struct Meridian: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "Meridian: an authoritative DNS server and global load balancer.",
        subcommands: [
            ServeCommand.self, CheckCommand.self, ExplainCommand.self, BackendCommand.self, AgentCommand.self, KeygenCommand.self, MembersCommand.self,
            DemoCommand.self, DrillCommand.self,
        ]
    )

    static func main() async {
        // A child of `demo` or `drill` exits with its parent, whatever way that one ends.
        ParentWatch.startFromEnvironment()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
