/// Requests as a client sends them: every method and framing the proxy handles, pipelining,
/// upgrades, and the request-smuggling shapes (RFC 9112 §6.3) it must refuse. The first byte
/// also picks where the input is split into two reads (see `fuzz`).
enum HTTPSeeds {
    static let get = "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"

    static let requests: [(String, String)] = [
        ("get", get),
        ("get-query-headers", "GET /search?q=dns&page=2 HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n"),
        ("head", "HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("options-star", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("delete", "DELETE /item/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
        ("put-content-length", "PUT /item/1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
        ("post-content-length", "POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=1&b=2"),
        ("post-chunked", "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
        ("post-chunked-trailers", "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Checksum: 1\r\n\r\n"),
        ("pipelined-three", get + "GET /a HTTP/1.1\r\nHost: a\r\n\r\n" + "HEAD /b HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("pipelined-post-then-get", "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" + get),
        ("pipelined-get-then-garbage", get + "BLAH\r\n\r\n"),
        ("http10", "GET / HTTP/1.0\r\n\r\n"),
        ("http10-keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + "GET /2 HTTP/1.0\r\n\r\n"),
        ("upgrade-websocket", "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n\u{81}\u{85}abcd"),
        ("expect-continue", "PUT /big HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody"),
        ("absolute-form", "GET http://www.example.com/x HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
        ("connect", "CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n"),
        // Smuggling: both framings, or lengths that disagree.
        ("smuggle-cl-te", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX"),
        ("smuggle-te-cl", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"),
        ("smuggle-two-lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
        ("smuggle-same-lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc"),
        ("smuggle-length-list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc"),
        ("smuggle-te-list", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        ("smuggle-te-obfuscated", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        ("smuggle-te-xchunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        ("smuggle-obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n"),
        ("smuggle-bare-lf", "GET / HTTP/1.1\nHost: a\nContent-Length: 0\n\n"),
        ("smuggle-chunk-size-overflow", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF1\r\nx\r\n0\r\n\r\n"),
        // Limits (the fuzz target's: 512 header bytes, 256 body bytes).
        ("too-large-headers", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "h", count: 600) + "\r\n\r\n"),
        ("too-large-content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + String(repeating: "b", count: 64)),
        ("too-large-chunked-body", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n" + String(repeating: "c", count: 256) + "\r\n10\r\n" + String(repeating: "d", count: 16) + "\r\n0\r\n\r\n"),
        // Malformed and partial.
        ("bad-version", "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
        ("bad-http09", "GET /\r\n\r\n"),
        ("bad-method", "G@T / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("bad-nul-in-header", "GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n"),
        ("bad-space-in-uri", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("partial-head", "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "),
        ("partial-body", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"),
    ]

    static func all() -> [(name: String, bytes: [UInt8])] {
        requests.map { ($0.0, Array($0.1.utf8)) }
    }
}
