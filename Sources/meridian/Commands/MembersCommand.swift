import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `meridian members --admin HOST:PORT`: the cluster as a DNS node sees it (its admin API's
/// `/v1/members`): members, state, incarnation, probe round trip and published health.
struct MembersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "members", abstract: "List gossip members as a DNS node sees them.")

    @Option(help: ArgumentHelp("The DNS node's admin API.", valueName: "host:port"))
    var admin: String = "127.0.0.1:8053"

    @Flag(help: "Print the JSON as the API returns it.")
    var json = false

    func run() throws {
        guard let url = URL(string: "http://\(admin)/v1/members") else { throw ValidationError("--admin \(admin): expected host:port") }
        let body = try Self.fetch(url)
        if json { return print(String(decoding: body, as: UTF8.self)) }
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any], let members = object["members"] as? [[String: Any]] else {
            throw ValidationError("\(url): not a members list (is gossip enabled on that node?)")
        }
        print(Self.table(members, me: object["self"] as? String ?? ""), terminator: "")
    }

    static func table(_ members: [[String: Any]], me: String) -> String {
        var rows = [["NAME", "ROLE", "REGION", "STATUS", "INC", "ADDRESS", "RTT", "ENDPOINTS"]]
        for member in members {
            let endpoints = ((member["report"] as? [String: Any])?["endpoints"] as? [[String: Any]] ?? []).map { endpoint in
                let name = endpoint["name"] as? String ?? "?"
                let state = endpoint["drained"] as? Bool == true ? "drained" : endpoint["up"] as? Bool == true ? "up" : "down"
                return "\(name)=\(state)"
            }
            let name = member["name"] as? String ?? "?"
            rows.append([
                name == me ? name + " (self)" : name, member["role"] as? String ?? "", member["region"] as? String ?? "-",
                member["status"] as? String ?? "", "\(member["incarnation"] ?? "")", member["address"] as? String ?? "",
                (member["rttMs"] as? Int).map { "\($0)ms" } ?? "-", endpoints.isEmpty ? "-" : endpoints.joined(separator: " "),
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func fetch(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch { throw ValidationError("\(url): \(error.localizedDescription)") }
    }
}
