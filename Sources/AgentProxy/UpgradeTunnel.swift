import NIOCore
import NIOHTTP1

/// After a backend accepts an `Upgrade` (101 Switching Protocols, e.g. WebSocket), the client
/// and backend connections stop speaking HTTP: their HTTP handlers are removed and the bytes
/// are copied both ways as they are, with backpressure, until either side closes.
enum UpgradeTunnel {
    /// Rewires both pipelines (on their shared event loop). Bytes that arrived after the
    /// upgrade while the HTTP decoders were still installed are forwarded, not lost.
    static func splice(client: any Channel, backend: any Channel, onClose: @escaping () -> Void) throws {
        let clientSide = TunnelHandler(onClose: nil)
        let backendSide = TunnelHandler(onClose: onClose)
        clientSide.partner = backendSide
        backendSide.partner = clientSide

        // Tunnel handlers in, every HTTP handler out, then the decoders, whose leftovers go to
        // the tunnel. NIO removes a decoder on the next loop tick, and the backend's decoder
        // also watches outgoing requests (to know HEAD), so the client's leftovers may only
        // flow to the backend once that decoder is gone: the client's decoder goes second.
        let clientPipeline = client.pipeline.syncOperations
        let backendPipeline = backend.pipeline.syncOperations
        try clientPipeline.addHandler(clientSide)
        try backendPipeline.addHandler(backendSide)
        try clientPipeline.removeHandler(type: ProxyServerHandler.self)
        try clientPipeline.removeHandler(type: HTTPResponseEncoder.self)
        try backendPipeline.removeHandler(type: BackendRelay.self)
        try backendPipeline.removeHandler(type: HTTPRequestEncoder.self)
        let backendDecoder = try backendPipeline.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self)
        backendPipeline.removeHandler(backendDecoder).assumeIsolated().whenComplete { result in
            guard case .success = result,
                let clientDecoder = try? client.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            else { return client.close(promise: nil) }
            // Leftovers are written without a read-complete to flush them: flush both ways.
            client.flush()
            client.pipeline.syncOperations.removeHandler(clientDecoder).assumeIsolated().whenComplete { _ in
                backend.flush()
                client.read()
                backend.read()
            }
        }
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Removes the handler of this type, if the pipeline has one.
    fileprivate func removeHandler<Handler: RemovableChannelHandler>(type: Handler.Type) throws {
        guard let handler = try? self.handler(type: type) else { return }
        removeHandler(handler, promise: nil)
    }
}

/// One side of an upgraded connection: what it reads goes to its partner's channel. Reads are
/// held while the partner cannot take more, so a fast sender cannot fill the proxy's memory.
private final class TunnelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var partner: TunnelHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false
    private var onClose: (() -> Void)?

    init(onClose: (() -> Void)?) { self.onClose = onClose }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.context?.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose?()
        onClose = nil
        let partner = self.partner
        self.partner = nil
        partner?.partner = nil
        partner?.context?.close(promise: nil)
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if partner?.context?.channel.isWritable ?? true { context.read() } else { readPending = true }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let partner, partner.readPending {
            partner.readPending = false
            partner.context?.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
