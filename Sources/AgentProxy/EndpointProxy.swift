import HTTPService
import Logging
import NIOCore
import NIOHTTP1
import Topology

extension HTTPListener {
    /// A reverse proxy for one endpoint: `host:port` in front of the selector's backends.
    public static func proxy(host: String, port: Int, name: String, selector: BackendSelector, configuration: ProxyLimits = ProxyLimits(), logger: Logger) -> HTTPListener {
        let pools = BackendConnectionPools(
            backends: selector.targets.count, maxIdlePerBackend: configuration.maxIdlePerBackend, idleTimeout: configuration.idleTimeout
        )
        let endpointLogger = { var logger = logger; logger[metadataKey: "endpoint"] = "\(name)"; return logger }()
        return HTTPListener(host: host, port: port, label: "proxy \(name)", logger: logger, maxConnections: configuration.maxConnections) { channel in
            // An upgrade configuration with no upgraders of its own: NIO then keeps the bytes
            // that follow an `Upgrade` request (forwarding them when its decoder is removed)
            // instead of dropping them, and passes the request on to the proxy, which lets
            // the backend decide. NIO's upgrade handler leaves after the first request.
            let upgrade: NIOHTTPServerUpgradeSendableConfiguration = (upgraders: [], completionHandler: { _ in })
            // Headers were validated by NIO's parser on their way in; checking them again on the
            // way out (NIO's outbound validators) would only cost time per request. The proxy
            // handler orders pipelined requests and answers parse errors itself: NIO's helpers
            // for both would add two handlers to every event, and the pipelining helper stops
            // and restarts reading the client on every request (two `epoll_ctl` calls).
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withServerUpgrade: upgrade, withErrorHandling: false, withOutboundHeaderValidation: false
            )
            try channel.pipeline.syncOperations.addHandler(ProxyServerHandler(selector: selector, configuration: configuration, pools: pools, logger: endpointLogger))
        }
    }
}
