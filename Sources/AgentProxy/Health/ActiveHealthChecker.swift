import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RegionAgent

/// Checks one backend every `interval`: an HTTP GET of `path` (2xx/3xx healthy) or, without a
/// path, a TCP connect; each result goes through the rise/fall state machine, and transitions
/// update the selector. Runs on one event loop; stops when cancelled.
public final class ActiveHealthChecker: @unchecked Sendable {
    let selector: BackendSelector
    let index: Int
    let path: String?
    let interval: TimeAmount
    let timeout: TimeAmount
    let loop: any EventLoop
    let logger: Logger
    // Touched only on `loop`.
    private var task: RepeatedTask?

    /// Rise and fall live in the selector's state machine, shared with passive checks.
    public init(selector: BackendSelector, index: Int, path: String?, intervalMilliseconds: Int, timeoutMilliseconds: Int, loop: any EventLoop, logger: Logger) {
        self.selector = selector
        self.index = index
        self.path = path
        self.interval = .milliseconds(Int64(intervalMilliseconds))
        self.timeout = .milliseconds(Int64(timeoutMilliseconds))
        self.loop = loop
        self.logger = logger
    }

    public func start() {
        loop.execute { [self] in
            task = loop.scheduleRepeatedAsyncTask(initialDelay: .zero, delay: interval) { [self] _ in
                check().map { healthy in self.record(healthy) }
            }
        }
    }

    public func stop() {
        loop.execute { [self] in task?.cancel() }
    }

    private func record(_ healthy: Bool) {
        guard let transition = selector.checkResult(index, success: healthy) else { return }
        let target = selector.targets[index]
        logger.info("backend \(transition == .wentUp ? "up" : "down")", metadata: ["backend": "\(target.host):\(target.port)"])
    }

    /// One check; always succeeds with true or false.
    private func check() -> EventLoopFuture<Bool> {
        let target = selector.targets[index]
        let promise = loop.makePromise(of: Bool.self)
        let deadline = loop.scheduleTask(in: timeout) { promise.succeed(false) }
        let path = path
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                guard path != nil else { return channel.eventLoop.makeSucceededVoidFuture() }
                return channel.pipeline.addHTTPClientHandlers().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(CheckResponseHandler(promise: promise))
                }
            }
        bootstrap.connect(host: target.host, port: target.port).whenComplete { result in
            switch result {
            case .failure:
                promise.succeed(false)
            case .success(let channel):
                guard let path else {
                    promise.succeed(true)
                    channel.close(promise: nil)
                    return
                }
                var headers = HTTPHeaders()
                headers.add(name: "host", value: "\(target.host):\(target.port)")
                headers.add(name: "connection", value: "close")
                headers.add(name: "user-agent", value: "meridian-agent-check")
                channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        }
        return promise.futureResult.always { _ in deadline.cancel() }
    }
}

/// Completes a check with the response status class.
private final class CheckResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<Bool>

    init(promise: EventLoopPromise<Bool>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            promise.succeed((200..<400).contains(Int(head.status.code)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(false)  // no-op if already completed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.succeed(false)
        context.close(promise: nil)
    }
}
