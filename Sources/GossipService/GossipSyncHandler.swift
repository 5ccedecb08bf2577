import HealthGossip
import NIOCore

/// One full-state exchange over TCP (push-pull anti-entropy): each side sends its state as
/// length-prefixed sealed frames and half-closes; the initiator sends first, the other side
/// answers once it has read everything. Frames are checked like datagrams; input is bounded.
final class GossipSyncHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maxTotalBytes = 8 << 20
    /// Updates per frame: well under the codec's 255 and the frame's 64 KiB.
    static let updatesPerFrame = 200

    let engine: NIOLoopBound<GossipEngine>
    let initiator: Bool
    private var buffer: ByteBuffer?
    private var received = 0
    private var updates: [GossipUpdate] = []
    private var merged = false

    init(engine: NIOLoopBound<GossipEngine>, initiator: Bool) {
        self.engine = engine
        self.initiator = initiator
    }

    func channelActive(context: ChannelHandlerContext) {
        if initiator { sendState(context: context) }
        context.fireChannelActive()
    }

    private func sendState(context: ChannelHandlerContext) {
        let engine = engine.value
        let now = GossipNode.now()
        let state = engine.fullState
        let budget = GossipFrame.maxFrameBytes - GossipFrame.overhead(senderName: engine.name)
        for start in stride(from: 0, to: max(state.count, 1), by: Self.updatesPerFrame) {
            let chunk = Array(state[start..<min(start + Self.updatesPerFrame, state.count)])
            guard let frame = engine.seal(GossipMessage(.gossip, updates: chunk), budget: budget, now: now) else { continue }
            var out = context.channel.allocator.buffer(capacity: frame.count + 4)
            out.writeInteger(UInt32(frame.count))
            out.writeBytes(frame)
            context.write(wrapOutboundOut(out), promise: nil)
        }
        context.flush()
        context.close(mode: .output, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        received += chunk.readableBytes
        guard received <= Self.maxTotalBytes else { return context.close(promise: nil) }
        if buffer == nil { buffer = chunk } else { buffer!.writeBuffer(&chunk) }
        while let length = buffer?.getInteger(at: buffer!.readerIndex, as: UInt32.self) {
            guard length <= UInt32(GossipFrame.maxFrameBytes) else { return context.close(promise: nil) }
            guard buffer!.readableBytes >= 4 + Int(length) else { break }
            buffer!.moveReaderIndex(forwardBy: 4)
            let frame = buffer!.readBytes(length: Int(length))!
            guard let (_, message) = engine.value.open(frame, now: GossipNode.now()) else { return context.close(promise: nil) }
            updates += message.updates
        }
        buffer?.discardReadBytes()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            mergeOnce()
            if initiator { context.close(promise: nil) } else { sendState(context: context) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The initiator closed its output first, so when the answer ends NIO closes the channel
    /// outright instead of reporting `inputClosed`: what was read is merged here.
    func channelInactive(context: ChannelHandlerContext) {
        if initiator { mergeOnce() }
        context.fireChannelInactive()
    }

    /// Every update read is signed and stands on its own, so a cut-short answer is still merged.
    private func mergeOnce() {
        guard !merged else { return }
        merged = true
        engine.value.merge(fullState: updates, now: GossipNode.now())
        updates = []
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
