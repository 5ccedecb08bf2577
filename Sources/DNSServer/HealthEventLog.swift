import CoreMetrics
import Foundation
import NIOConcurrencyHelpers
import QueryEngine
import Steering

/// What the health a DNS node serves has done lately: the last `capacity` changes (the admin
/// API's `GET /v1/events`) and `meridian_health_transitions_total{endpoint,to}`. The admin API
/// and the gossip feed publish health through `SnapshotStore.updateHealth`, which diffs the
/// snapshot it replaces against the one it publishes, so neither can change answers unlogged
/// (a reload carries health over by endpoint name and changes none).
public final class HealthEventLog: Sendable {
    public static let defaultCapacity = 100

    private struct State {
        /// Oldest first, at most `capacity`.
        var events: [HealthEvent] = []
        /// `meridian_health_transitions_total` per endpoint name, to up and to down.
        var transitions: [String: (up: Counter, down: Counter)] = [:]
        /// The topology whose endpoints have their counters.
        var table: SteeringTable?
    }

    private let capacity: Int
    private let factory: any MetricsFactory
    private let state = NIOLockedValueBox(State())

    /// The transition counters of every endpoint are made when the log first sees its topology
    /// (`initial`'s here, a reloaded one at the next change), so that they read 0 rather than
    /// being absent until the endpoint first changes.
    public init(initial: ServingSnapshot, capacity: Int = defaultCapacity, factory: any MetricsFactory = MetricsSystem.factory) {
        self.capacity = capacity
        self.factory = factory
        state.withLockedValue { makeCounters(for: initial.steering, in: &$0) }
    }

    /// Logs and counts every endpoint that `new` answers with and `old` did not, or the reverse.
    /// Endpoints are matched by name, so that a reload's new numbering changes nothing; one that
    /// only `new` has is no event.
    public func record(from old: ServingSnapshot, to new: ServingSnapshot, source: (_ endpoint: String) -> HealthSource, at time: Date = Date()) {
        guard let table = new.steering, let oldTable = old.steering else { return }
        let oldIDs: [String: Int]? = oldTable === table ? nil : Dictionary(oldTable.endpoints.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [HealthEvent] = []
        for (id, endpoint) in table.endpoints.enumerated() {
            guard let oldID = oldIDs == nil ? id : oldIDs?[endpoint.name] else { continue }
            let serving = new.health.isServing(id)
            guard serving != old.health.isServing(oldID) else { continue }
            changes.append(HealthEvent(
                time: time, endpoint: endpoint.name, region: table.regionNames[table.regionOfEndpoint[id]],
                up: serving, capacity: new.health.capacity[id], source: source(endpoint.name)
            ))
        }
        state.withLockedValue { state in
            makeCounters(for: table, in: &state)
            for change in changes {
                let counters = state.transitions[change.endpoint]
                (change.up ? counters?.up : counters?.down)?.increment()
            }
            state.events.append(contentsOf: changes)
            if state.events.count > capacity { state.events.removeFirst(state.events.count - capacity) }
        }
    }

    /// The logged events, newest first.
    public func recent() -> [HealthEvent] {
        state.withLockedValue { $0.events.reversed() }
    }

    private func makeCounters(for table: SteeringTable?, in state: inout State) {
        guard let table, table !== state.table else { return }
        state.table = table
        for endpoint in table.endpoints where state.transitions[endpoint.name] == nil {
            let make = { (to: String) in
                Counter(label: "meridian_health_transitions_total", dimensions: [("endpoint", endpoint.name), ("to", to)], factory: self.factory)
            }
            state.transitions[endpoint.name] = (make("up"), make("down"))
        }
    }
}

extension SnapshotStore {
    /// A change of health: publishes what `change` returns, like `update`, and logs to `events`
    /// every endpoint it starts or stops answering with, credited to `source`. The log is
    /// written under the writer lock, so its events are in the order their snapshots went out.
    @discardableResult
    public func updateHealth<T>(
        logging events: HealthEventLog?, source: (_ endpoint: String) -> HealthSource, _ change: (ServingSnapshot) -> (ServingSnapshot, T)
    ) -> T {
        update { current in
            let (next, result) = change(current)
            events?.record(from: current, to: next, source: source)
            return (next, result)
        }
    }
}
