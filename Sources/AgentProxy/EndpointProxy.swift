import HTTPService
import Logging
import NIOCore
import NIOHTTP1

extension HTTPListener {
    /// A reverse proxy for one endpoint: `host:port` in front of the selector's backends.
    public static func proxy(host: String, port: Int, name: String, selector: BackendSelector, configuration: ProxyConfiguration = ProxyConfiguration(), logger: Logger) -> HTTPListener {
        HTTPListener(host: host, port: port, label: "proxy \(name)", logger: logger, maxConnections: configuration.maxConnections) {
            ProxyServerHandler(selector: selector, configuration: configuration)
        }
    }
}
