import Foundation
import NIOCore
import NIOHTTP1

/// One connection to a small JSON API: collects a request (body up to `maxBody`), asks the
/// router, writes the answer. Keep-alive as the client asks.
final class RouterHTTPHandler<Router: HTTPRouter>: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static var maxBody: Int { 64 * 1024 }

    private let router: Router
    private var head: HTTPRequestHead?
    private var body = Data()
    private var tooLarge = false

    init(router: Router) { self.router = router }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            body.removeAll(keepingCapacity: true)
            tooLarge = false
        case .body(let chunk):
            if body.count + chunk.readableBytes > Self.maxBody { tooLarge = true } else { body.append(contentsOf: chunk.readableBytesView) }
        case .end:
            guard let head else { return }
            let response = tooLarge
                ? HTTPRouterResponse.error(413, "body larger than \(Self.maxBody) bytes")
                : router.handle(method: head.method.rawValue, path: head.uri, authorization: head.headers.first(name: "authorization"), body: body)
            write(response, for: head, context: context)
            self.head = nil
        }
    }

    private func write(_ response: HTTPRouterResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        context.writeWholeResponse(
            status: response.status, body: response.body, contentType: response.contentType,
            version: request.version, keepAlive: request.isKeepAlive
        )
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
