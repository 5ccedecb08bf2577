/// Timeouts and limits of an endpoint's reverse proxy (`proxy: { connect-timeout, … }` in the
/// region file). The one place their defaults are written; AgentProxy reads them as is.
public struct ProxyLimits: Hashable, Sendable {
    /// Connecting to a backend.
    public var connectTimeoutMilliseconds: Int
    /// From sending a request to the backend's response head; then 504.
    public var responseTimeoutMilliseconds: Int
    /// From connection start (or the previous response) to a complete request head; then the
    /// connection is closed (slowloris).
    public var headerTimeoutMilliseconds: Int
    /// Between two reads of a request body (a client that stalls mid-upload); then 408 and
    /// the connection is closed. The backend is not blamed.
    public var bodyTimeoutMilliseconds: Int
    /// Request line plus headers; larger gets 431.
    public var maxHeaderBytes: Int
    /// Request body; larger gets 413.
    public var maxBodyBytes: Int
    /// Concurrent client connections; more are closed at accept.
    public var maxConnections: Int
    /// Idle keep-alive connections kept per backend (per event loop) for later requests.
    public var maxIdlePerBackend: Int
    /// An idle backend connection unused this long is closed.
    public var idleTimeoutMilliseconds: Int

    public init(
        connectTimeoutMilliseconds: Int = 2_000, responseTimeoutMilliseconds: Int = 30_000, headerTimeoutMilliseconds: Int = 10_000, bodyTimeoutMilliseconds: Int = 10_000,
        maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 30, maxConnections: Int = 10_000,
        maxIdlePerBackend: Int = 64, idleTimeoutMilliseconds: Int = 30_000
    ) {
        self.maxIdlePerBackend = maxIdlePerBackend
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.responseTimeoutMilliseconds = responseTimeoutMilliseconds
        self.headerTimeoutMilliseconds = headerTimeoutMilliseconds
        self.bodyTimeoutMilliseconds = bodyTimeoutMilliseconds
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
    }
}
