/// `host:port` as command lines and configuration write it: an IPv4 address or a name, or an
/// IPv6 address in brackets (`[::1]:7946`); the last colon separates the port. One parser and
/// one printer for every listen, admin, join and gossip address.
public enum HostPort {
    /// The host (brackets removed) and the port (0...65535); nil when malformed.
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    /// `host:port`, with brackets around an IPv6 host.
    public static func format(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
