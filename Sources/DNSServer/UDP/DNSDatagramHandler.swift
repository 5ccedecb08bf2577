import Logging
import NIOCore
import QueryEngine

/// Answers DNS over UDP on one channel (one per event loop, bound with SO_REUSEPORT).
///
/// The hot path: parse and answer straight from the datagram into a response buffer taken from
/// a small ring owned by this handler, write with no promise, flush once per read burst (so NIO
/// can send the burst with one `sendmmsg`). Once the ring's buffers are allocated and back from
/// the kernel they are reused as they are: no allocation per query.
final class DNSDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let store: SnapshotStore
    private let metrics: DNSMetrics
    private let logger: Logger
    private var ring: [ByteBuffer] = []
    private var next = 0
    private let responseCapacity: Int

    /// Larger than the reads NIO does per event-loop tick, so a buffer is flushed before reuse.
    static let ringSize = 64

    init(store: SnapshotStore, metrics: DNSMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.responseCapacity = max(Int(store.snapshot.configuration.maxUDPPayload), QueryProcessor.classicUDPSize)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        ring = (0..<Self.ringSize).map { _ in context.channel.allocator.buffer(capacity: responseCapacity) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let started = NIODeadline.now()
        let client = ClientContext(address: envelope.remoteAddress.networkAddress, transport: .udp)
        let snapshot = store.snapshot

        let capacity = responseCapacity
        var outcome = QueryOutcome.drop
        // Mutated in place inside the array, so the buffer stays uniquely referenced.
        ring[next].clear()
        _ = envelope.data.withUnsafeReadableBytes { packet in
            ring[next].writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
                outcome = QueryProcessor.respond(to: packet, from: client, snapshot: snapshot, into: out)
                if case .respond(let length, _, _) = outcome { return length }
                return 0
            }
        }
        let response = ring[next]
        next = (next + 1) % Self.ringSize
        metrics.record(outcome, transport: .udp, nanoseconds: (NIODeadline.now() - started).nanoseconds)
        guard case .respond = outcome else { return }
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: response)), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    /// A UDP socket error (ICMP unreachable for one client, a full send buffer) concerns one
    /// datagram: count it and keep serving. Never close the channel here.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        metrics.errors.increment()
        logger.debug("UDP error", metadata: ["error": "\(error)"])
    }
}
