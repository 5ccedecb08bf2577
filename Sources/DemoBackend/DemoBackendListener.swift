import HTTPService
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket

extension HTTPListener {
    /// `meridian backend`: a demo HTTP backend named `name` on `host:port`, starting healthy,
    /// with a WebSocket echo at `/ws` (as a connection's first request).
    public static func demoBackend(host: String, port: Int, name: String, logger: Logger) -> HTTPListener {
        let mode = NIOLockedValueBox<BackendMode>(.healthy)
        return HTTPListener(host: host, port: port, label: "backend \(name)", logger: logger) { channel in
            let webSocket = NIOWebSocketServerUpgrader(
                shouldUpgrade: { channel, head in
                    channel.eventLoop.makeSucceededFuture(head.uri.hasPrefix("/ws") ? HTTPHeaders([("x-backend", name)]) : nil)
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(WebSocketEchoHandler()) }
                }
            )
            let upgrade: NIOHTTPServerUpgradeSendableConfiguration = (
                upgraders: [webSocket],
                completionHandler: { context in
                    // The HTTP handler has no part in a WebSocket connection.
                    if let http = try? context.pipeline.syncOperations.handler(type: BackendHTTPHandler.self) {
                        context.pipeline.syncOperations.removeHandler(http, promise: nil)
                    }
                }
            )
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: upgrade)
            try channel.pipeline.syncOperations.addHandler(BackendHTTPHandler(name: name, mode: mode))
        }
    }
}
