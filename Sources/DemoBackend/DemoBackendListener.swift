import HTTPService
import Logging
import NIOConcurrencyHelpers

extension HTTPListener {
    /// `meridian backend`: a demo HTTP backend named `name` on `host:port`, starting healthy.
    public static func demoBackend(host: String, port: Int, name: String, logger: Logger) -> HTTPListener {
        let mode = NIOLockedValueBox<BackendMode>(.healthy)
        return HTTPListener(host: host, port: port, label: "backend \(name)", logger: logger) { BackendHTTPHandler(name: name, mode: mode) }
    }
}
