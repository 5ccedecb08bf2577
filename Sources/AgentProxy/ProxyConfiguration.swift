import NIOCore

/// Timeouts and limits of one endpoint's proxy.
public struct ProxyConfiguration: Sendable {
    public var connectTimeout: TimeAmount
    /// From sending the request to the response head; then 504.
    public var responseTimeout: TimeAmount
    /// From connection start (or the end of the previous response) to a complete request head;
    /// then the connection is closed, so slow-header clients (slowloris) cannot hold it.
    public var headerTimeout: TimeAmount
    /// Request line plus headers, in bytes; larger gets 431 (RFC 6585 §5) and close.
    public var maxHeaderBytes: Int
    /// Request body, in bytes; a larger declared Content-Length gets 413 at once, a larger
    /// chunked body 413 when it crosses the limit (and the connection is closed).
    public var maxBodyBytes: Int
    /// Concurrent client connections; more are closed at accept.
    public var maxConnections: Int
    /// Idle keep-alive connections kept per backend (per event loop) for later requests.
    public var maxIdlePerBackend: Int
    /// An idle backend connection unused this long is closed.
    public var idleTimeout: TimeAmount

    public init(
        connectTimeout: TimeAmount = .seconds(2), responseTimeout: TimeAmount = .seconds(30),
        headerTimeout: TimeAmount = .seconds(10), maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 30,
        maxConnections: Int = 10_000, maxIdlePerBackend: Int = 64, idleTimeout: TimeAmount = .seconds(30)
    ) {
        self.maxIdlePerBackend = maxIdlePerBackend
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.headerTimeout = headerTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }
}
