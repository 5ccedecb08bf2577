import NIOHTTP1

/// RFC 9110 §7.6.1: connection-specific headers are not forwarded by a proxy, nor any header
/// the Connection header names. Transfer-Encoding stays: the message is re-framed the same way.
enum HopByHopHeaders {
    static let fixed: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authorization"]

    static func removing(from headers: HTTPHeaders) -> HTTPHeaders {
        var named = fixed
        for value in headers[canonicalForm: "connection"] { named.insert(value.lowercased().trimmingCharacters(in: .whitespaces)) }
        var out = HTTPHeaders()
        for (name, value) in headers where !named.contains(name.lowercased()) { out.add(name: name, value: value) }
        return out
    }
}
