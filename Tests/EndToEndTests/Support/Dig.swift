import Foundation

/// One `dig` answer, parsed from its standard output.
struct DigResult: CustomStringConvertible {
    var raw: String
    var status = ""
    var flags: Set<String> = []
    var answer: [String] = []
    var authority: [String] = []
    var additional: [String] = []
    var edns: String?
    var nsid: String?
    var clientSubnet: String?
    var messageSize = 0

    var description: String { raw }

    /// Records of a section as (owner, ttl, type, rdata) with whitespace normalised.
    static func fields(_ line: String) -> [String] { line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }

    func answers(ofType type: String) -> [String] {
        answer.map(Self.fields).filter { $0.count > 3 && $0[3] == type }.map { $0[4...].joined(separator: " ") }
    }

    init(_ raw: String) {
        self.raw = raw
        var section: WritableKeyPath<DigResult, [String]>?
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let range = line.range(of: "status: ") {
                status = String(line[range.upperBound...].prefix { $0 != "," })
            }
            if line.hasPrefix(";; flags: ") {
                let flagText = line.dropFirst(";; flags: ".count).prefix { $0 != ";" }
                flags = Set(flagText.split(separator: " ").map(String.init))
            }
            if line.hasPrefix("; EDNS:") { edns = line }
            if line.hasPrefix("; NSID: "), let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")") {
                nsid = String(line[line.index(after: open)..<close]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            if line.hasPrefix("; CLIENT-SUBNET: ") { clientSubnet = String(line.dropFirst("; CLIENT-SUBNET: ".count)) }
            if line.hasPrefix(";; MSG SIZE  rcvd: ") { messageSize = Int(line.dropFirst(";; MSG SIZE  rcvd: ".count)) ?? 0 }
            switch line {
            case ";; ANSWER SECTION:": section = \.answer; continue
            case ";; AUTHORITY SECTION:": section = \.authority; continue
            case ";; ADDITIONAL SECTION:": section = \.additional; continue
            case "": section = nil; continue
            default: break
            }
            if let section, !line.hasPrefix(";") { self[keyPath: section].append(line) }
        }
    }
}

/// Runs `dig @host -p port <arguments>` (no retries, short timeout) and parses the result.
func dig(_ server: MeridianProcess, _ arguments: String...) throws -> DigResult {
    let result = try run("dig", ["@\(server.host)", "-p", "\(server.port)", "+time=2", "+tries=1"] + arguments)
    return DigResult(result.output)
}
