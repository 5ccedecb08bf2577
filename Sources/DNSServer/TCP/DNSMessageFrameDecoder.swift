import NIOCore

/// RFC 1035 §4.2.2 / RFC 7766 §8: each message on a stream is preceded by its length as two
/// bytes. Emits one buffer per whole message; a partial message waits for more bytes, but only
/// for `readTimeout` from its first byte. The idle timeout alone would let a client that trickles
/// one byte now and then hold a connection (and its buffer) for ever; Knot's `tcp-io-timeout`
/// closes such clients the same way.
struct DNSMessageFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    private let readTimeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    /// Closes the connection if the message being read is not complete in time.
    private var deadline: Scheduled<Void>?

    init(readTimeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void = {}) {
        self.readTimeout = readTimeout
        self.onTimeout = onTimeout
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length)
        else {
            if buffer.readableBytes > 0, deadline == nil { startDeadline(context: context) }
            return .needMoreData
        }
        deadline?.cancel()
        deadline = nil
        buffer.moveReaderIndex(forwardBy: 2)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }

    private mutating func startDeadline(context: ChannelHandlerContext) {
        let (channel, onTimeout) = (context.channel, onTimeout)
        deadline = context.eventLoop.scheduleTask(in: readTimeout) {
            onTimeout()
            channel.close(promise: nil)
        }
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A half-sent message at EOF is discarded: there is nobody to answer.
        while try decode(context: context, buffer: &buffer) == .continue {}
        deadline?.cancel()
        deadline = nil
        buffer.clear()
        return .needMoreData
    }
}
