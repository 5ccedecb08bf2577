import ArgumentParser
import Foundation
import HealthGossip

/// `meridian keygen [--out FILE]`: a new gossip key (32 random bytes, base64).
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keygen", abstract: "Write a new gossip key (for --gossip-key-file).")

    @Option(help: "Write the key to this file (mode 0600) instead of standard output.")
    var out: String?

    func run() throws {
        let text = GossipKeyring.generateKeyFileText()
        guard let out else { return print(text, terminator: "") }
        guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(out)")
        }
    }
}
