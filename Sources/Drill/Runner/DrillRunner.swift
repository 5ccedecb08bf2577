import DNSWire
import NIOCore

/// Runs a drill: queries every DNS node as every client region (and optionally follows the
/// answers over HTTP) through a baseline, the fault and the recovery, and returns all it saw.
public enum DrillRunner {
    public static func run(
        target: DrillTarget, faults: any FaultInjector, options: DrillOptions, progress: @escaping @Sendable (DrillProgress) -> Void
    ) async throws -> DrillRecording {
        let failed = try target.failedAddresses(options.scenario)
        let servers = try target.nodes.map { text -> SocketAddress in
            guard let hostPort = HostPort.parse(text) else { throw DrillError("DNS server '\(text)' is not host:port") }
            return try SocketAddress.makeAddressResolvingHost(hostPort.host, port: hostPort.port)
        }
        let origin = ContinuousClock.now
        let loopback = servers.allSatisfy { $0.ipAddress?.hasPrefix("127.") == true }
        let bindHost = loopback ? "127.0.0.1" : (servers.first?.protocol == .inet6 ? "::" : "0.0.0.0")
        let prober = try await DNSProber(bindHost: bindHost, origin: origin)
        let requests = HTTPFollowers(target: target, prober: prober, origin: origin, host: options.service.description)
        let clock = PhaseClock(origin: origin)

        let querying = Task {
            var next = ContinuousClock.now
            while !Task.isCancelled {
                for (client, region) in target.clients.enumerated() {
                    for (node, server) in servers.enumerated() {
                        prober.send(to: server, name: options.service, type: options.queryType, subnet: region.subnet, client: client, node: node)
                    }
                }
                prober.expire()
                next += options.interval
                try? await Task.sleep(until: next, clock: .continuous)
            }
        }
        let following = options.http ? Task { await requests.run(every: options.httpInterval) } : nil
        let reporting = Task {
            while !Task.isCancelled {
                progress(clock.progress(answers: prober.count, latest: target.clients.indices.map { client in
                    (target.clients[client].name, Self.regions(of: prober.latestAnswer(client: client), target: target))
                }))
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        /// Stops the background tasks and waits until they have: none may still send queries or
        /// requests while the deployment is torn down.
        func stopTasks() async {
            for task in [querying, reporting] + (following.map { [$0] } ?? []) { task.cancel() }
            for task in [querying, reporting] + (following.map { [$0] } ?? []) { _ = await task.value }
        }

        var faultApplied = false
        do {
            clock.enter(.baseline)
            try await Task.sleep(for: options.baseline)
            try requireAnswers(prober.samples, target: target)
            let faultAt = clock.enter(.fault)
            // Set before applying: a fault applied halfway is undone too.
            faultApplied = true
            try await faults.apply(options.scenario)
            try await Task.sleep(for: options.faultDuration)
            let recoveryAt = clock.enter(.recovery)
            try await faults.recover(options.scenario)
            faultApplied = false
            try await Task.sleep(for: options.recoveryDuration)
            let endAt = clock.enter(.done)
            following?.cancel()
            _ = await following?.value
            // Queries still in flight get their second to answer, then count as lost.
            try await Task.sleep(for: .seconds(1))
            await stopTasks()
            prober.expire()
            await prober.close()
            return DrillRecording(
                scenario: options.scenario, clientRegions: target.clients.map(\.name), nodes: target.nodes,
                regionOfAddress: Dictionary(target.endpoints.map { ($0.address, $0.region) }, uniquingKeysWith: { first, _ in first }),
                failedAddresses: failed, faultAt: faultAt, recoveryAt: recoveryAt, endAt: endAt,
                answers: prober.samples.filter { $0.at < endAt }, requests: requests.samples
            )
        } catch {
            await stopTasks()
            await prober.close()
            guard faultApplied, faults.undoesOnAbort else { throw error }
            // Interrupted or failed with the fault in place: undo it in a task of its own, which
            // a Ctrl-C (the cancellation of this one) does not cancel.
            let scenario = options.scenario
            if case .failure(let undo) = await Task(operation: { try await faults.recover(scenario) }).result {
                throw DrillError("\(error); undoing the fault failed too, so the deployment may still be failed: \(undo)")
            }
            throw error
        }
    }

    /// Before the fault every client region must get answers from every node: a drill against
    /// a deployment that does not answer would measure nothing.
    static func requireAnswers(_ samples: [DNSAnswerSample], target: DrillTarget) throws {
        var answered: Set<[Int]> = []
        for sample in samples where sample.rcode == 0 && !sample.addresses.isEmpty { answered.insert([sample.client, sample.node]) }
        for client in target.clients.indices {
            for node in target.nodes.indices where !answered.contains([client, node]) {
                throw DrillError("before the fault, \(target.nodes[node]) gave clients of \(target.clients[client].name) no answer with addresses")
            }
        }
    }

    static func regions(of sample: DNSAnswerSample?, target: DrillTarget) -> [String] {
        guard let sample else { return [] }
        var seen: [String] = []
        for address in sample.addresses {
            let region = target.endpoints.first { $0.address == address }?.region ?? address
            if !seen.contains(region) { seen.append(region) }
        }
        return seen
    }
}
