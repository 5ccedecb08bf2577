import NIOConcurrencyHelpers
import NIOCore

/// The open TCP connections: their number is what `--tcp-max-connections` caps, and shutdown
/// lets each finish what it was asked (RFC 7766 §6.2.3 lets a server close idle connections; it
/// should not drop answered work) instead of cutting them off with the event loops. Touched at
/// accept, close and shutdown only, never per query.
final class OpenConnections: Sendable {
    private let limit: Int
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    init(limit: Int) { self.limit = limit }

    /// Takes `channel` in, until it closes; false (not taken) when `limit` are already open.
    func admit(_ channel: any Channel) -> Bool {
        let key = ObjectIdentifier(channel)
        let admitted = channels.withLockedValue { channels in
            guard channels.count < limit else { return false }
            channels[key] = channel
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { [channels] _ in _ = channels.withLockedValue { $0.removeValue(forKey: key) } }
        }
        return admitted
    }

    /// Tells every connection to finish (`ChannelShouldQuiesceEvent`), waits until all have
    /// closed or `grace` has passed, then closes any left.
    func quiesce(within grace: TimeAmount) async {
        let open = channels.withLockedValue { Array($0.values) }
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        let deadline = NIODeadline.now() + grace
        for channel in open {
            let left = deadline - .now()
            guard left > .zero else { break }
            _ = try? await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await channel.closeFuture.get() }
                group.addTask { try await Task.sleep(nanoseconds: UInt64(left.nanoseconds)) }
                try await group.next()
                group.cancelAll()
            }
        }
        for channel in open where channel.isActive { try? await channel.close() }
    }
}
