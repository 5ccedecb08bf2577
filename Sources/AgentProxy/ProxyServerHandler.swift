import DNSWire
import Foundation
import HTTPService
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Topology

/// One client connection of an endpoint's reverse proxy (HTTP/1.1). For each request: pick a
/// backend, connect on the same event loop, stream the request to it and the response back,
/// with hop-by-hop headers removed and X-Forwarded-For, X-Forwarded-Proto and Via added.
/// 503 when no backend is healthy, 502 when the backend fails (an idempotent request whose
/// connect fails is retried once elsewhere), 504 when it does not answer in time.
/// Backend connections come from the endpoint's per-loop keep-alive pool when one is idle.
/// An `Upgrade` request (WebSocket) that the backend accepts turns both connections into a
/// byte tunnel. Pipelined requests wait for the response before them (see `queued`), and
/// requests NIO's parser refuses are answered 400 here, in their turn.
final class ProxyServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// RFC 9110 §9.2.2: safe to send twice.
    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE: true
        default: false
        }
    }

    private let selector: BackendSelector
    private let configuration: ProxyLimits
    private let pools: BackendConnectionPools
    private let logger: Logger
    /// This event loop's idle backend connections (set when the handler is added).
    private var pool: BackendConnectionPool?
    private var clientAddress: NetworkAddress?
    private var clientText = ""

    // The request in flight.
    private var head: HTTPRequestHead?
    private var pending: [HTTPClientRequestPart] = []
    private var backend: (any Channel)?
    private var backendRelay: BackendRelay?
    private var backendIndex: Int?
    private var failedIndex: Int?
    private var responseStarted = false
    /// An error response went out before the request ended: drop the rest of its body.
    private var discarding = false
    /// Between a request's head and its end.
    private var requestOpen = false
    /// Between a request's head and the end of its response.
    private var answering = false
    /// Pipelined requests (RFC 9112 §9.3.2) that came while the one before them was answered,
    /// and a parse error that came after them: they are taken in order once that response has
    /// ended. Client reads are held while anything waits here, so it holds at most one read's worth.
    /// (NIO's pipelining helper did this, at the price of two `epoll_ctl` calls per request: it
    /// stopped reading the client while a response was outstanding.)
    private var queued = CircularBuffer<Inbound>(initialCapacity: 4)
    private var draining = false
    /// The last response (Connection: close) is out or the connection is closing: nothing more
    /// that the client sends is taken.
    private var closing = false

    enum Inbound {
        case part(HTTPServerRequestPart)
        case malformed
    }
    private var sentAt: NIODeadline?
    private var context: ChannelHandlerContext?
    /// Backpressure: a read from the client held back while the backend cannot take more.
    private var readHeld = false
    /// What the connection waits for, and until when: one deadline at a time (see `Wait`).
    private var wait = Wait.nothing
    private var deadline = NIODeadline.distantFuture
    /// The connection's one timer, and when it fires. Moving the deadline later leaves it as
    /// it is: it re-arms itself when it fires early. So a request costs no timer of its own.
    private var timer: Scheduled<Void>?
    private var timerFiresAt = NIODeadline.distantFuture
    /// Writes are flushed once per batch of reads, not once per message part: these say
    /// whether a batch of client reads is under way and what waits for a flush.
    private var inClientReads = false
    private var backendFlushPending = false
    private var clientFlushPending = false
    /// Body bytes of the request in flight.
    private var bodyBytes = 0
    /// Whether the backend connection in use came from the pool (a stale one is retried fresh).
    private var reused = false
    /// The request's end went to the backend (only then can the connection be reused).
    private var requestSent = false
    /// The backend said it keeps the connection open.
    private var backendKeepAlive = false
    /// An idempotent request's parts, kept to resend it on a fresh connection (idempotent
    /// requests rarely have bodies; past 64 KiB the request is no longer resendable).
    private var resend: [HTTPClientRequestPart] = []
    private var resendable = false
    /// The request asks to switch protocols (`Connection: upgrade`, `Upgrade: …`).
    private var upgradeRequested = false
    /// The backend answered 101: once the response head is out, the connections become a tunnel.
    private var switching = false

    init(selector: BackendSelector, configuration: ProxyLimits, pools: BackendConnectionPools, logger: Logger) {
        self.logger = logger
        self.selector = selector
        self.configuration = configuration
        self.pools = pools
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pool = pools.pool(on: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        clientText = context.channel.remoteAddress?.ipAddress ?? ""
        clientAddress = NetworkAddress(clientText)
        waitFor(.requestHead, within: configuration.headerTimeout)
        context.fireChannelActive()
    }

    enum Wait {
        case nothing
        /// For a request head (slowloris): then the connection is closed.
        case requestHead
        /// For more of the request body (a client stalled mid-upload): then 408 and close.
        case requestBody
        /// For the backend's response head, once the whole request is sent: then 504.
        case responseHead
    }

    /// Waits for `what` until `amount` from now.
    private func waitFor(_ what: Wait, within amount: TimeAmount) {
        wait = what
        deadline = .now() + amount
        guard let context, timer == nil || deadline < timerFiresAt else { return }
        timer?.cancel()
        armTimer(context: context, at: deadline)
    }

    private func armTimer(context: ChannelHandlerContext, at when: NIODeadline) {
        let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
        timerFiresAt = when
        timer = context.eventLoop.scheduleTask(deadline: when) { loop.value.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let context, wait != .nothing else { return }
        if NIODeadline.now() < deadline { return armTimer(context: context, at: deadline) }
        switch wait {
        case .nothing: break
        case .requestHead:
            // No request to answer (NIO's pipeline helper would refuse an unpaired 408): close,
            // as nginx does for client_header_timeout.
            wait = .nothing
            context.close(promise: nil)
        case .requestBody:
            // The client's fault: the backend is not blamed.
            wait = .nothing
            fail(408, "request body not received in time", close: true)
        case .responseHead:
            wait = .nothing
            if let index = backendIndex { selector.passiveFailure(index) }
            fail(504, "backend did not answer in time")
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inClientReads = true
        guard !closing else { return }
        let part = unwrapInboundIn(data)
        if answering, !requestOpen {
            queued.append(.part(part))
        } else {
            handle(part)
        }
    }

    /// Takes queued requests in order until one is being answered, after a response has ended.
    private func drainQueue() {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while !closing, !(answering && !requestOpen), let next = queued.popFirst() {
            switch next {
            case .part(let part): handle(part)
            case .malformed: rejectMalformed()
            }
        }
        if closing { queued.removeAll() }
        // Outside a batch of client reads no read-complete comes to flush what went to the backend.
        if !inClientReads { flushBackend() }
        resumeClientReads()
    }

    /// The current response has ended (the connection stays open): on to the next request.
    private func responseEnded() {
        answering = false
        waitFor(.requestHead, within: configuration.headerTimeout)
        drainQueue()
    }

    private func handle(_ part: HTTPServerRequestPart) {
        switch part {
        case .head(let request):
            wait = .nothing
            answering = true
            requestOpen = true
            let headerBytes = request.uri.utf8.count + request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
            if headerBytes > configuration.maxHeaderBytes {
                head = request
                return fail(431, "request headers larger than \(configuration.maxHeaderBytes) bytes", close: true)
            }
            // Request smuggling (RFC 9112 §6.3): both framings, or conflicting lengths.
            if RequestFraming.isAmbiguous(request.headers) { return fail(400, "conflicting message framing", close: true) }
            if let length = request.headers.first(name: "content-length").flatMap(Int.init), length > configuration.maxBodyBytes {
                head = request
                return fail(413, "request body larger than \(configuration.maxBodyBytes) bytes", close: true)
            }
            head = request
            failedIndex = nil
            responseStarted = false
            discarding = false
            bodyBytes = 0
            var headers = request.headers
            HopByHopHeaders.strip(&headers)
            if let forwarded = headers.first(name: "x-forwarded-for") {
                headers.replaceOrAdd(name: "x-forwarded-for", value: "\(forwarded), \(clientText)")
            } else {
                headers.add(name: "x-forwarded-for", value: clientText)
            }
            headers.replaceOrAdd(name: "x-forwarded-proto", value: "http")
            headers.add(name: "via", value: "1.1 meridian")
            let upgrade = Self.upgrade(of: request.headers)
            upgradeRequested = upgrade != nil
            if let protocols = upgrade {
                headers.replaceOrAdd(name: "upgrade", value: protocols)
                headers.replaceOrAdd(name: "connection", value: "upgrade")
            } else {
                headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
            var outgoing = request
            outgoing.headers = headers
            pending.removeAll(keepingCapacity: true)
            pending.append(.head(outgoing))
            resendable = Self.isIdempotent(request.method)
            resend.removeAll(keepingCapacity: true)
            if resendable { resend.append(.head(outgoing)) }
            guard let context else { return }
            connect(context: context)
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
            // Only small bodies are kept for a resend; a large one streams with no second chance.
            if bodyBytes > 65_536 { resendable = false }
            if resendable { resend.append(.body(.byteBuffer(chunk))) }
            if !discarding, bodyBytes > configuration.maxBodyBytes, !responseStarted {
                return fail(413, "request body larger than \(configuration.maxBodyBytes) bytes", close: true)
            }
            if !discarding { forward(.body(.byteBuffer(chunk))) }
            if !responseStarted { waitFor(.requestBody, within: configuration.bodyTimeout) }
        case .end(let trailers):
            requestOpen = false
            if resendable { resend.append(.end(trailers)) }
            if !discarding { forward(.end(trailers)) }
            discarding = false
            // The backend's time to answer runs from the end of the request.
            if requestSent, !responseStarted { waitFor(.responseHead, within: configuration.responseTimeout) }
        }
    }

    /// The protocols a request asks to switch to: its `Upgrade` value, when `Connection` lists
    /// `upgrade` (RFC 9110 §7.8).
    static func upgrade(of headers: HTTPHeaders) -> String? {
        guard let protocols = headers.first(name: "upgrade"),
            headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "upgrade" })
        else { return nil }
        return protocols
    }

    private func forward(_ part: HTTPClientRequestPart) {
        if let backend, backend.isActive {
            backend.write(part, promise: nil)
            backendFlushPending = true
            if case .end = part { requestSent = true }
        } else {
            pending.append(part)
        }
    }

    /// One flush to the backend per batch of client reads, not one per request part.
    func channelReadComplete(context: ChannelHandlerContext) {
        inClientReads = false
        flushBackend()
        context.fireChannelReadComplete()
    }

    private func flushBackend() {
        guard backendFlushPending else { return }
        backendFlushPending = false
        backend?.flush()
    }

    // MARK: - Backpressure (bodies stream with bounded memory)

    /// Hold client reads while the backend connection is not writable, while body parts wait
    /// for the connection, or while pipelined requests wait: a fast client cannot fill the
    /// proxy's memory.
    private var holdClientReads: Bool {
        guard queued.isEmpty else { return true }
        guard head != nil else { return false }
        guard let backend else { return pending.count > 1 }
        return !backend.isWritable
    }

    func read(context: ChannelHandlerContext) {
        if holdClientReads {
            readHeld = true
        } else {
            context.read()
        }
    }

    func resumeClientReads() {
        guard readHeld, !holdClientReads, let context else { return }
        readHeld = false
        context.read()
    }

    /// The client can take more of the response: let the backend connection read again.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { backend?.read() }
        context.fireChannelWritabilityChanged()
    }

    var clientWritable: Bool { context?.channel.isWritable ?? true }

    private func connect(context: ChannelHandlerContext) {
        guard let index = selector.acquire(client: clientAddress, excluding: failedIndex) else {
            return fail(503, "no healthy backend")
        }
        backendIndex = index
        // An upgrade gets a fresh connection: many servers (NIO's among them) only switch
        // protocols on a connection's first request.
        if !upgradeRequested, let idle = pool?.checkout(index, for: self) {
            reused = true
            return connected(idle.channel, relay: idle.relay)
        }
        reused = false
        let target = selector.targets[index]
        let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
        let relay = NIOLoopBound(BackendRelay(owner: self), eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Bytes after a 101 are forwarded to the tunnel when the decoder goes.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(leftOverBytesStrategy: .forwardBytes, enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(relay.value)
                }
            }
            .connect(host: target.host, port: target.port)
            .whenComplete { result in
                let proxy = loop.value
                switch result {
                case .success(let channel): proxy.connected(channel, relay: relay.value)
                case .failure: proxy.connectFailed(index)
                }
            }
    }

    private func connected(_ channel: any Channel, relay: BackendRelay) {
        backend = channel
        backendRelay = relay
        requestSent = false
        backendKeepAlive = false
        for part in pending {
            channel.write(part, promise: nil)
            if case .end = part { requestSent = true }
        }
        pending.removeAll(keepingCapacity: true)
        // Inside a batch of client reads (a pooled connection), the batch's end flushes.
        if inClientReads { backendFlushPending = true } else { channel.flush() }
        sentAt = .now()
        resumeClientReads()
        if requestSent {
            waitFor(.responseHead, within: configuration.responseTimeout)
        } else {
            waitFor(.requestBody, within: configuration.bodyTimeout)
        }
    }

    private func connectFailed(_ index: Int) {
        selector.release(index)
        selector.passiveFailure(index)
        backendIndex = nil
        if let head, Self.isIdempotent(head.method), failedIndex == nil {
            failedIndex = index
            guard let context else { return }
            return connect(context: context)
        }
        fail(502, "backend unreachable")
    }

    // MARK: - From the backend

    func backendRead(_ part: HTTPClientResponsePart) {
        guard let context else { return }
        switch part {
        case .head(var response):
            responseStarted = true
            wait = .nothing
            backendKeepAlive = response.isKeepAlive
            if let backendIndex {
                selector.passiveResponse(backendIndex, status: Int(response.status.code))
                if let sentAt { selector.recordLatency(backendIndex, milliseconds: Double((NIODeadline.now() - sentAt).nanoseconds) / 1e6) }
            }
            var headers = response.headers
            HopByHopHeaders.strip(&headers)
            headers.add(name: "via", value: "1.1 meridian")
            if upgradeRequested, response.status == .switchingProtocols, let protocols = response.headers.first(name: "upgrade") {
                switching = true
                headers.replaceOrAdd(name: "upgrade", value: protocols)
                headers.replaceOrAdd(name: "connection", value: "upgrade")
            } else {
                headers.replaceOrAdd(name: "connection", value: clientKeepAlive ? "keep-alive" : "close")
            }
            response.headers = headers
            response.version = head?.version ?? response.version
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            clientFlushPending = true
        case .body(let chunk):
            context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            clientFlushPending = true
        case .end(let trailers):
            if switching { return startTunnel(context: context) }
            let keepAlive = clientKeepAlive
            // Give the backend connection to the pool for the next request to this backend.
            if backendKeepAlive, requestSent, !upgradeRequested, let index = backendIndex, let channel = backend, let relay = backendRelay {
                pool?.checkin(index, channel: channel, relay: relay)
                backend = nil
                backendRelay = nil
            }
            finish()
            clientFlushPending = false
            if !keepAlive {
                closing = true
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(trailers))).whenComplete { _ in channel.close(promise: nil) }
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
                responseEnded()
            }
        }
    }

    /// Whether the client connection stays open after this response. After an upgrade request
    /// that the backend declined, NIO's decoder has stopped parsing, so the connection closes.
    private var clientKeepAlive: Bool { (head?.isKeepAlive ?? false) && !upgradeRequested }

    /// Writes the 101's end, then (on the next loop tick, outside the decoders' callbacks)
    /// turns both connections into a byte tunnel. The backend stays counted in flight until
    /// the tunnel closes, so least-connections sees long-lived upgraded connections.
    private func startTunnel(context: ChannelHandlerContext) {
        wait = .nothing
        guard let backend, let index = backendIndex else { return }
        self.backend = nil
        backendRelay = nil
        backendIndex = nil
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let (client, selector) = (context.channel, selector)
        context.eventLoop.execute {
            do {
                try UpgradeTunnel.splice(client: client, backend: backend) { selector.release(index) }
            } catch {
                selector.release(index)
                client.close(promise: nil)
                backend.close(promise: nil)
            }
        }
    }

    /// The end of a batch of backend reads: one flush to the client for what it produced.
    func backendReadComplete() {
        guard clientFlushPending else { return }
        clientFlushPending = false
        context?.flush()
    }

    func backendClosed(_ channel: any Channel) {
        guard let current = backend, current === channel else { return }
        if reused, !responseStarted, resendable, let index = backendIndex {
            // A reused connection the backend had already closed: retry once on a fresh one.
            backend = nil
            backendRelay = nil
            selector.release(index)
            backendIndex = nil
            reused = false
            failedIndex = nil
            pending.removeAll(keepingCapacity: true)
            pending.append(contentsOf: resend)
            guard let context else { return }
            return connect(context: context)
        }
        if responseStarted {
            // The backend went away mid-response: the client cannot get a whole answer.
            finish()
            closing = true
            context?.close(promise: nil)
        } else {
            if let backendIndex { selector.passiveFailure(backendIndex) }
            fail(502, "backend closed the connection")
        }
    }

    // MARK: - Endings

    private func finish() {
        if wait == .responseHead || wait == .requestBody { wait = .nothing }
        if let backendIndex { selector.release(backendIndex) }
        backendIndex = nil
        let channel = backend
        backend = nil
        backendRelay = nil
        channel?.close(promise: nil)
        head = nil
        switching = false
        pending.removeAll(keepingCapacity: true)
        resend.removeAll(keepingCapacity: true)
        resendable = false
        resumeClientReads()
    }

    /// A short error response with a log-friendly body; `close` for requests that cannot be
    /// framed safely.
    private func fail(_ status: Int, _ reason: String, close: Bool = false) {
        // One log line per error response: 5xx are the backends' trouble, 4xx the client's.
        var metadata: Logger.Metadata = ["status": "\(status)", "client": "\(clientText)"]
        if let head { metadata["request"] = "\(head.method) \(head.uri)" }
        if let index = backendIndex ?? failedIndex { metadata["backend"] = "\(selector.targets[index].host):\(selector.targets[index].port)" }
        logger.log(level: status >= 500 ? .warning : .notice, "\(reason)", metadata: metadata)
        let version = head?.version ?? .http1_1
        let keepAlive = !close && clientKeepAlive
        finish()
        discarding = true
        closing = !keepAlive
        guard let context else { return }
        let body = "\(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase): \(reason)\n"
        context.writeWholeResponse(status: status, body: body, version: version, keepAlive: keepAlive, extraHeaders: ["via": "1.1 meridian"])
        if keepAlive { responseEnded() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !closing else { return }
        if error is HTTPParserError {
            // A malformed request pipelined behind one being answered gets its 400 in its turn.
            if answering, !requestOpen { return queued.append(.malformed) }
            return rejectMalformed()
        }
        finish()
        closing = true
        context.close(promise: nil)
    }

    /// A request NIO's parser refuses (it also rejects Content-Length together with
    /// Transfer-Encoding): 400, unless a response to the client is already under way, and the
    /// connection closes, as the parser stops at the error.
    private func rejectMalformed() {
        guard let context else { return }
        if !(answering && responseStarted) {
            let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: ["connection": "close", "content-length": "0"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        finish()
        closing = true
        context.close(promise: nil)
    }
}
