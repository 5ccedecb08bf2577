import DNSWire

/// Drains and undrains through a region agent's admin API (`POST /v1/drain`, `/v1/undrain`).
enum AgentAdmin {
    static func drain(admin: String, endpoint: String? = nil, drained: Bool, token: String? = nil) async throws {
        guard let address = HostPort.parse(admin) else { throw DrillError("agent admin address '\(admin)' is not host:port") }
        let body = endpoint.map { #"{"endpoint": "\#($0)"}"# } ?? "{}"
        let headers = token.map { [("Authorization", "Bearer \($0)")] } ?? []
        let response = try await HTTPClient.request(.POST, host: address.host, port: address.port, path: drained ? "/v1/drain" : "/v1/undrain", body: body, headers: headers)
        guard response.status == 200 else { throw DrillError("agent \(admin): \(drained ? "drain" : "undrain") answered \(response.status): \(response.body)") }
    }
}

public struct DrillError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
