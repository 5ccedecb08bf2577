import NIOHTTP1

/// Request smuggling (RFC 9112 §6.3): a request whose length two parties could read
/// differently (Content-Length with Transfer-Encoding, or Content-Length values that differ)
/// is refused rather than forwarded. Checked on every request, so without allocating.
enum RequestFraming {
    static func isAmbiguous(_ headers: HTTPHeaders) -> Bool {
        var length: String?
        var lengthsDiffer = false
        var transferEncoding = false
        for (name, value) in headers {
            if name.isASCIICaseInsensitive("content-length") {
                if let length, length != value { lengthsDiffer = true }
                length = value
            } else if name.isASCIICaseInsensitive("transfer-encoding") {
                transferEncoding = true
            }
        }
        return lengthsDiffer || (length != nil && transferEncoding)
    }
}

extension String {
    /// Equal to `lowercase` (ASCII, lowercase) ignoring ASCII case.
    fileprivate func isASCIICaseInsensitive(_ lowercase: StaticString) -> Bool {
        guard utf8.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(utf8, expected).allSatisfy { ($0 | 0x20) == $1 || $0 == $1 }
        }
    }
}
