import HTTPService
import Logging

extension HTTPListener {
    /// The admin API of a DNS node on `host:port`.
    public static func admin(host: String, port: Int, router: AdminRouter, logger: Logger) -> HTTPListener {
        .router(host: host, port: port, label: "admin API", router: router, logger: logger)
    }
}
