import Drill

/// A synthetic drill as the probes would record it: clients of us-east, eu-west and ap-south ask
/// two DNS nodes every 20 ms; all of us-east fails at 1 s and recovers at 3 s; the drill ends at
/// 5 s. Tests add each node's answers to each region with the helpers below.
struct SyntheticDrill {
    static let east = ["127.0.0.11", "127.0.0.12"]
    static let west = ["127.0.0.21", "127.0.0.22"]
    static let south = ["127.0.0.31"]
    static let nodes = ["127.0.0.1:5353", "127.0.0.1:5354"]
    static let interval = 20.0

    enum Client: Int { case east, west, south }

    enum Reply {
        case addresses([String])
        case lost
        case rcode(Int)
    }

    var recording = DrillRecording(
        scenario: DrillScenario(kind: .failRegion, target: "us-east"),
        clientRegions: ["us-east", "eu-west", "ap-south"],
        nodes: nodes,
        regionOfAddress: Dictionary(
            uniqueKeysWithValues: east.map { ($0, "us-east") } + west.map { ($0, "eu-west") } + south.map { ($0, "ap-south") }),
        failedAddresses: Set(east),
        faultAt: 1000, recoveryAt: 3000, endAt: 5000,
        answers: [], requests: []
    )

    /// One answer of `node` to `client` every 20 ms from the start to the end, as `reply` says
    /// for the time each query was sent.
    mutating func answer(_ client: Client, node: Int, _ reply: (Double) -> Reply) {
        for at in stride(from: 0.0, to: recording.endAt, by: Self.interval) {
            let sample: DNSAnswerSample
            switch reply(at) {
            case .addresses(let addresses):
                sample = DNSAnswerSample(at: at, client: client.rawValue, node: node, rcode: 0, addresses: addresses, ttl: 5, latency: 0.4)
            case .lost: sample = DNSAnswerSample(at: at, client: client.rawValue, node: node, rcode: nil, addresses: [], ttl: 0, latency: 0)
            case .rcode(let rcode):
                sample = DNSAnswerSample(at: at, client: client.rawValue, node: node, rcode: rcode, addresses: [], ttl: 0, latency: 0.4)
            }
            recording.answers.append(sample)
        }
    }

    /// A node that answers us-east's clients with us-east until `excludeAfter` ms into the fault
    /// (never, when nil), then with eu-west until `readmitAfter` ms into recovery (never, when
    /// nil), then with us-east again.
    mutating func failover(node: Int, excludeAfter: Double?, readmitAfter: Double?) {
        let recording = recording
        answer(.east, node: node) { at in
            let excluded = excludeAfter.map { at >= recording.faultAt + $0 } ?? false
            let readmitted = readmitAfter.map { at >= recording.recoveryAt + $0 } ?? false
            return .addresses(excluded && !readmitted ? Self.west : Self.east)
        }
    }

    /// Both nodes answer the region with the same addresses throughout.
    mutating func steady(_ client: Client, _ addresses: [String]) {
        for node in Self.nodes.indices { answer(client, node: node) { _ in .addresses(addresses) } }
    }

    /// us-east fails over on both nodes as given; eu-west and ap-south are steady on their own.
    static func failover(excludeAfter: (Double?, Double?), readmitAfter: (Double?, Double?)) -> SyntheticDrill {
        var drill = SyntheticDrill()
        drill.failover(node: 0, excludeAfter: excludeAfter.0, readmitAfter: readmitAfter.0)
        drill.failover(node: 1, excludeAfter: excludeAfter.1, readmitAfter: readmitAfter.1)
        drill.steady(.west, west)
        drill.steady(.south, south)
        return drill
    }

    mutating func request(_ client: Client, at: Double, status: Int?) {
        recording.requests.append(HTTPRequestSample(at: at, client: client.rawValue, address: Self.east[0], status: status))
    }

    func report(_ slo: SLO = SLO()) -> DrillReport {
        DrillReport(recording: recording, slo: slo)
    }
}
