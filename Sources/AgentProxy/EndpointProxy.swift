import HTTPService
import Logging
import NIOCore
import NIOHTTP1
import Topology

extension HTTPListener {
    /// A reverse proxy for one endpoint: `host:port` in front of the selector's backends.
    public static func proxy(host: String, port: Int, name: String, selector: BackendSelector, configuration: ProxyLimits = ProxyLimits(), logger: Logger) -> HTTPListener {
        let pipeline = EndpointProxyPipeline(name: name, selector: selector, configuration: configuration, logger: logger)
        return HTTPListener(host: host, port: port, label: "proxy \(name)", logger: logger, maxConnections: configuration.maxConnections) { channel in
            try pipeline.configure(channel)
        }
    }
}

/// The handlers of one client connection of an endpoint's proxy, and what they share across
/// connections (the selector, the per-loop backend connection pools). Apart from the listener
/// so that the HTTP fuzz target (Fuzz/) drives exactly this pipeline on an `EmbeddedChannel`.
public struct EndpointProxyPipeline: Sendable {
    let selector: BackendSelector
    let configuration: ProxyLimits
    let pools: BackendConnectionPools
    let logger: Logger

    public init(name: String, selector: BackendSelector, configuration: ProxyLimits = ProxyLimits(), logger: Logger) {
        self.selector = selector
        self.configuration = configuration
        pools = BackendConnectionPools(
            backends: selector.targets.count, maxIdlePerBackend: configuration.maxIdlePerBackend, idleTimeout: configuration.idleTimeout
        )
        var logger = logger
        logger[metadataKey: "endpoint"] = "\(name)"
        self.logger = logger
    }

    /// Adds the HTTP server codec and the proxy handler to a new client connection.
    public func configure(_ channel: any Channel) throws {
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
        try channel.pipeline.syncOperations.addHandler(ProxyServerHandler(selector: selector, configuration: configuration, pools: pools, logger: logger))
    }
}
