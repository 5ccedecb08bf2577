import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client on NIO for the drill: admin API calls, backend switches, and the
/// simulated clients' requests. One connection per request (`Connection: close`), so a dead
/// endpoint shows up as an error on the very request that hits it, never hidden by a pool.
public enum HTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var body: String
    }

    public static func request(
        _ method: HTTPMethod, host: String, port: Int, path: String, body: String? = nil, hostHeader: String? = nil,
        headers extra: [(String, String)] = [], timeout: TimeAmount = .seconds(2)
    ) async throws -> Response {
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: Response.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.pipeline.addHTTPClientHandlers().flatMap { channel.pipeline.addHandler(ResponseCollector(promise: promise)) }
                }
                .connect(host: host, port: port).get()
        } catch {
            // Every promise must be completed, or NIO reports it leaked.
            promise.fail(error)
            throw error
        }
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(HTTPClientError.timedOut)
            channel.close(promise: nil)
        }
        var headers = HTTPHeaders([("Host", hostHeader ?? host), ("Connection", "close"), ("User-Agent", "meridian-drill")] + extra)
        if let body { headers.add(name: "Content-Length", value: String(body.utf8.count)) }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers = headers
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

public enum HTTPClientError: Error, Sendable {
    case timedOut
    case closedEarly
}

/// Gathers one response and fulfils the promise at its end (or fails it if the peer closes first).
private final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HTTPClient.Response>
    private var status = 0
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<HTTPClient.Response>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(var part): body.writeBuffer(&part)
        case .end:
            promise.succeed(HTTPClient.Response(status: status, body: String(buffer: body)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HTTPClientError.closedEarly)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
