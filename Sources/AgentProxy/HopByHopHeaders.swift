import NIOHTTP1

/// RFC 9110 §7.6.1: connection-specific headers are not forwarded by a proxy, nor any header
/// the Connection header names. Transfer-Encoding stays: the message is re-framed the same way.
enum HopByHopHeaders {
    static let fixed = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authorization"]

    /// Removes them in place. Most messages carry none, and then nothing is copied.
    static func strip(_ headers: inout HTTPHeaders) {
        if headers.contains(name: "connection") {
            for token in headers[canonicalForm: "connection"] { headers.remove(name: String(token)) }
        }
        for name in fixed where headers.contains(name: name) { headers.remove(name: name) }
    }
}
