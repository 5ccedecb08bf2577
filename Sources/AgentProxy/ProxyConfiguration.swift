import NIOCore

/// Timeouts and limits of one endpoint's proxy.
public struct ProxyConfiguration: Sendable {
    public var connectTimeout: TimeAmount
    /// From sending the request to the response head; then 504.
    public var responseTimeout: TimeAmount

    public init(connectTimeout: TimeAmount = .seconds(2), responseTimeout: TimeAmount = .seconds(30)) {
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
    }
}
