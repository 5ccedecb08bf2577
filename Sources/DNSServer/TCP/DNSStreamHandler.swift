import Logging
import NIOCore
import QueryEngine

/// Answers DNS messages on one TCP connection (RFC 7766): queries may be pipelined and are
/// answered in order; a zone transfer streams its messages as the socket takes them; the
/// connection closes after `idleTimeout` without a query (§6.2.3). When the server shuts down
/// (`ChannelShouldQuiesceEvent`) it answers what it has received, finishes a transfer, and
/// closes once the client has been quiet for `quietPeriod`.
final class DNSStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private let store: SnapshotStore
    private let metrics: DNSMetrics
    private let logger: Logger
    private var client = ClientContext(address: nil, transport: .tcp, randomSeed: UInt64.random(in: 0...UInt64.max))
    /// A transfer in progress and the snapshot it reads from (kept even if a reload happens).
    private var transfer: (ZoneTransfer, ServingSnapshot)?
    private var pending: [ByteBuffer] = []
    /// The client half-closed: close once everything it asked for is answered.
    private var inputClosed = false
    private var lastQuery = NIODeadline.now()
    /// How long a shutting-down server waits for more queries from a client that just sent one
    /// (pipelined queries arrive in several reads).
    static let quietPeriod = TimeAmount.milliseconds(50)

    init(store: SnapshotStore, metrics: DNSMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        client.address = context.channel.remoteAddress?.networkAddress
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        // A zero-length message is no DNS message at all: give up on the stream, as NSD does.
        guard message.readableBytes > 0 else {
            context.close(promise: nil)
            return
        }
        lastQuery = .now()
        // Queries that arrive during a transfer wait for it to finish, keeping answers in order.
        guard transfer == nil else { pending.append(message); return }
        answer(message, context: context)
    }

    private func answer(_ message: ByteBuffer, context: ChannelHandlerContext) {
        let started = NIODeadline.now()
        let snapshot = store.snapshot
        client.randomSeed &+= 0x9E37_79B9_7F4A_7C15
        var response = context.channel.allocator.buffer(capacity: 512)
        var outcome = QueryOutcome.drop
        response.writeInteger(UInt16(0))
        _ = message.withUnsafeReadableBytes { packet in
            response.writeWithUnsafeMutableBytes(minimumWritableBytes: 65535) { out in
                outcome = QueryProcessor.respond(to: packet, from: client, snapshot: snapshot, into: out)
                if case .respond(let length, _, _) = outcome { return length }
                return 0
            }
        }
        metrics.record(outcome, transport: .tcp, nanoseconds: (NIODeadline.now() - started).nanoseconds)
        switch outcome {
        case .drop:
            return
        case .respond(let length, _, _):
            response.setInteger(UInt16(length), at: response.readerIndex)
            context.write(wrapOutboundOut(response), promise: nil)
        case .transfer(let zoneTransfer):
            logger.info("AXFR started", metadata: ["zone": "\(snapshot.index.zones[Int(zoneTransfer.zone)].origin)", "client": "\(client.address.map(String.init(describing:)) ?? "?")"])
            transfer = (zoneTransfer, snapshot)
            continueTransfer(context: context)
        }
    }

    /// Writes transfer messages while the socket is writable; resumes on writability.
    private func continueTransfer(context: ChannelHandlerContext) {
        while let (current, snapshot) = transfer, context.channel.isWritable {
            var buffer = context.channel.allocator.buffer(capacity: 16_386)
            buffer.writeInteger(UInt16(0))
            var state = current
            let length = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 65535) { out in
                state.nextMessage(index: snapshot.index, into: out)
            }
            transfer = state.finished ? nil : (state, snapshot)
            if length > 0 {
                buffer.setInteger(UInt16(length), at: buffer.readerIndex)
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            }
        }
        if transfer == nil {
            while transfer == nil, !pending.isEmpty { answer(pending.removeFirst(), context: context) }
            context.flush()
            closeIfDone(context: context)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, transfer != nil { continueTransfer(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    /// After the client's half-close, close once the answers written so far have gone out.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard inputClosed, transfer == nil, pending.isEmpty else { return }
        inputClosed = false
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Shutting down: close once no transfer or queued query is left and no query came for
    /// `quietPeriod`; otherwise look again then. The server's shutdown deadline bounds the wait.
    private func closeWhenQuiet(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if transfer == nil, pending.isEmpty, NIODeadline.now() - lastQuery >= Self.quietPeriod {
            inputClosed = true
            closeIfDone(context: context)
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: Self.quietPeriod) {
            let (handler, context) = loopBound.value
            handler.closeWhenQuiet(context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            inputClosed = true
            closeIfDone(context: context)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            closeWhenQuiet(context: context)
            return
        }
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, transfer == nil {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        metrics.errors.increment()
        logger.debug("TCP connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
