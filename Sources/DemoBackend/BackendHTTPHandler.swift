import HTTPService
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// One connection to the demo backend. Answers every path with a short text naming the backend
/// (and, for requests with a body, how many bytes arrived, counted as they stream in), `/healthz`
/// with `ok`, and `POST /admin/{fail,slow?ms=N,hang,recover}` to switch its mode.
final class BackendHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let name: String
    private let mode: NIOLockedValueBox<BackendMode>
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    /// Requests served on this connection (shows keep-alive reuse to tests).
    private var served = 0

    init(name: String, mode: NIOLockedValueBox<BackendMode>) {
        self.name = name
        self.mode = mode
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            bodyBytes = 0
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
        case .end:
            guard let request = head else { return }
            head = nil
            respond(to: request, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        if path.hasPrefix("/admin/"), request.method == .POST {
            let next: BackendMode?
            switch path {
            case "/admin/fail": next = .failing
            case "/admin/hang": next = .hanging
            case "/admin/recover": next = .healthy
            case "/admin/slow": next = .slow(milliseconds: Self.query(request.uri, "ms").flatMap(Int.init) ?? 1000)
            default: next = nil
            }
            guard let next else { return write(404, "unknown admin action\n", request, context) }
            mode.withLockedValue { $0 = next }
            return write(200, "\(name): \(next)\n", request, context)
        }
        switch mode.withLockedValue({ $0 }) {
        case .hanging:
            return
        case .failing:
            write(503, "\(name): failing\n", request, context)
        case .slow(let ms):
            let body = answer(path: path, request: request)
            let loop = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(ms))) {
                let (handler, context) = loop.value
                handler.write(200, body, request, context)
            }
        case .healthy:
            write(200, answer(path: path, request: request), request, context)
        }
    }

    private func answer(path: String, request: HTTPRequestHead) -> String {
        if path == "/healthz" { return "ok\n" }
        return bodyBytes > 0 || request.method == .POST || request.method == .PUT
            ? "backend \(name): \(request.method) \(path), received \(bodyBytes) bytes\n"
            : "backend \(name): \(request.method) \(path)\n"
    }

    private func write(_ status: Int, _ body: String, _ request: HTTPRequestHead, _ context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "x-backend", value: name)
        served += 1
        headers.add(name: "x-connection-requests", value: "\(served)")
        // Echo what a proxy in front added, so proxy tests can see it arrived.
        for header in ["x-forwarded-for", "x-forwarded-proto", "via"] {
            if let value = request.headers[header].first { headers.add(name: "x-echo-\(header)", value: value) }
        }
        context.writeWholeResponse(status: status, body: body, version: request.version, keepAlive: request.isKeepAlive, extraHeaders: headers)
    }

    static func query(_ uri: String, _ key: String) -> String? {
        guard let q = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in q.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == key { return String(kv[1]) }
        }
        return nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
