import Foundation

/// A small JSON API as a function of request → response, served by `RouterHTTPHandler`.
public protocol HTTPRouter: Sendable {
    func handle(method: String, path: String, authorization: String?, body: Data) -> HTTPRouterResponse
}

public struct HTTPRouterResponse: Equatable, Sendable {
    public var status: Int
    public var body: String
    public var contentType: String

    public init(status: Int, body: String, contentType: String = "application/json") {
        self.status = status
        self.body = body
        self.contentType = contentType
    }

    /// `{"error": message}` with `status`.
    public static func error(_ status: Int, _ message: String) -> HTTPRouterResponse {
        HTTPRouterResponse(status: status, body: json(["error": message]))
    }

    /// Pretty, key-sorted JSON text of `object`.
    public static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension HTTPListener {
    /// A listener answering with `router`.
    public static func router(host: String, port: Int, label: String, router: some HTTPRouter, logger: Logger) -> HTTPListener {
        HTTPListener(host: host, port: port, label: label, logger: logger) { RouterHTTPHandler(router: router) }
    }
}

import Logging
