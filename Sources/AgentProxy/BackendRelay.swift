import NIOCore
import NIOHTTP1

/// The last handler of a backend connection. While a request uses the connection it relays the
/// response to its owner (the client connection's proxy handler, on the same event loop),
/// holds the backend's reads while the client cannot take more, and tells the owner when the
/// backend can take more of the request. While the connection sits idle in a pool it has no
/// owner: a close removes it from the pool, and anything the backend sends is unexpected (a
/// late 408, say), so the connection is closed.
final class BackendRelay: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    var owner: ProxyServerHandler?
    /// Set while the connection is idle in this pool.
    weak var pool: BackendConnectionPool?

    init(owner: ProxyServerHandler) { self.owner = owner }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let owner { owner.backendRead(unwrapInboundIn(data)) } else { context.close(promise: nil) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.backendReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let owner { owner.backendClosed(context.channel) } else { pool?.remove(context.channel) }
        owner = nil
        context.fireChannelInactive()
    }

    /// Held reads resume when the client becomes writable (the owner calls `read()` again).
    func read(context: ChannelHandlerContext) {
        if owner?.clientWritable ?? true { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { owner?.resumeClientReads() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
