import NIOConcurrencyHelpers
import NIOCore

/// Idle keep-alive connections to one endpoint's backends, shared by every client connection
/// on one event loop (a connection belongs to the loop it was opened on, so pools are per loop
/// and need no lock). A request takes the most recently used idle connection to its backend
/// (the warmest, and the least likely to have hit the backend's own idle timeout); a finished
/// response with keep-alive on both sides gives it back.
final class BackendConnectionPool {
    struct Idle {
        let channel: any Channel
        let relay: BackendRelay
        let since: NIODeadline
    }

    /// Idle connections by backend index, oldest first.
    private var idle: [[Idle]]
    let maxIdlePerBackend: Int
    let idleTimeout: TimeAmount

    init(backends: Int, maxIdlePerBackend: Int, idleTimeout: TimeAmount) {
        idle = Array(repeating: [], count: backends)
        for index in idle.indices { idle[index].reserveCapacity(min(maxIdlePerBackend, 1024)) }
        self.maxIdlePerBackend = maxIdlePerBackend
        self.idleTimeout = idleTimeout
    }

    /// An open idle connection to `backend`, if there is one, now relaying to `owner` (the
    /// hand-over back from `checkin`).
    func checkout(_ backend: Int, for owner: ProxyServerHandler) -> Idle? {
        let now = NIODeadline.now()
        while let candidate = idle[backend].popLast() {
            if candidate.channel.isActive, now - candidate.since < idleTimeout {
                candidate.relay.owner = owner
                candidate.relay.pool = nil
                return candidate
            }
            candidate.channel.close(promise: nil)
        }
        return nil
    }

    /// Keeps a connection whose response has ended for the next request to `backend`; beyond
    /// the cap the oldest idle one is closed.
    func checkin(_ backend: Int, channel: any Channel, relay: BackendRelay) {
        relay.owner = nil
        guard maxIdlePerBackend > 0 else { return channel.close(promise: nil) }
        relay.pool = self
        if idle[backend].count >= maxIdlePerBackend { idle[backend].removeFirst().channel.close(promise: nil) }
        idle[backend].append(Idle(channel: channel, relay: relay, since: .now()))
    }

    /// An idle connection the backend closed.
    func remove(_ channel: any Channel) {
        for backend in idle.indices {
            if let position = idle[backend].firstIndex(where: { $0.channel === channel }) {
                idle[backend].remove(at: position)
                return
            }
        }
    }

    /// Closes connections idle for longer than the timeout (run periodically).
    func sweep() {
        let now = NIODeadline.now()
        for backend in idle.indices {
            // Out of the pool before closing: a close tells the relay, which calls `remove`.
            let expired = idle[backend].prefix { now - $0.since >= idleTimeout }
            idle[backend].removeFirst(expired.count)
            for connection in expired { connection.channel.close(promise: nil) }
        }
    }

    var idleCount: Int { idle.reduce(0) { $0 + $1.count } }
}

/// The pools of one endpoint, one per event loop, made on first use and swept on their loop.
final class BackendConnectionPools: Sendable {
    private let pools = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<BackendConnectionPool>]>([:])
    let backends: Int
    let maxIdlePerBackend: Int
    let idleTimeout: TimeAmount

    init(backends: Int, maxIdlePerBackend: Int, idleTimeout: TimeAmount) {
        self.backends = backends
        self.maxIdlePerBackend = maxIdlePerBackend
        self.idleTimeout = idleTimeout
    }

    /// The pool of `loop`; call on that loop (once per client connection, not per request).
    func pool(on loop: any EventLoop) -> BackendConnectionPool {
        let key = ObjectIdentifier(loop)
        if let pool = pools.withLockedValue({ $0[key] }) { return pool.value }
        let pool = BackendConnectionPool(backends: backends, maxIdlePerBackend: maxIdlePerBackend, idleTimeout: idleTimeout)
        let bound = NIOLoopBound(pool, eventLoop: loop)
        pools.withLockedValue { $0[key] = bound }
        let period = TimeAmount.nanoseconds(max(idleTimeout.nanoseconds / 2, 10_000_000))
        loop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in bound.value.sweep() }
        return pool
    }
}
