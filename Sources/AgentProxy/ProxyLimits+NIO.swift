import NIOCore
import Topology

/// An endpoint proxy's timeouts and limits are the region file's `proxy:` settings
/// (`ProxyLimits`, which holds their defaults); these read them as NIO time amounts.
extension ProxyLimits {
    var connectTimeout: TimeAmount { .milliseconds(Int64(connectTimeoutMilliseconds)) }
    /// From sending the request to the response head; then 504.
    var responseTimeout: TimeAmount { .milliseconds(Int64(responseTimeoutMilliseconds)) }
    /// From connection start (or the end of the previous response) to a complete request head;
    /// then the connection is closed, so slow-header clients (slowloris) cannot hold it.
    var headerTimeout: TimeAmount { .milliseconds(Int64(headerTimeoutMilliseconds)) }
    /// Between two reads of a request body; then 408 and the connection closes.
    var bodyTimeout: TimeAmount { .milliseconds(Int64(bodyTimeoutMilliseconds)) }
    var idleTimeout: TimeAmount { .milliseconds(Int64(idleTimeoutMilliseconds)) }
}
