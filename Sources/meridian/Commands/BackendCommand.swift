import ArgumentParser
import DNSServer
import DemoBackend
import Foundation
import HTTPService
import Logging
import ServiceLifecycle

/// `meridian backend`: a demo HTTP backend that names itself, with switches to fail, slow down
/// or hang (`POST /admin/fail`, `/admin/slow?ms=N`, `/admin/hang`, `/admin/recover`).
struct BackendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backend", abstract: "Run a demo HTTP backend for agents, drills and tests.")

    @Option(help: ArgumentHelp("Address to listen on (port 0 picks one; the bound address is printed).", valueName: "host:port"))
    var listen: String = "127.0.0.1:9111"

    @Option(help: "Name the backend answers with.")
    var name: String = "backend"

    func run() async throws {
        guard let address = DNSServerConfiguration.ListenAddress(listen) else { throw ValidationError("--listen \(listen): expected host:port") }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "meridian-backend")
        let server = HTTPListener.demoBackend(host: address.host, port: address.port, name: name, logger: logger)
        Task {
            if let bound = await server.boundAddress() {
                FileHandle.standardOutput.write(Data("listening \(address.host):\(bound.port ?? 0)\n".utf8))
            }
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
