import DNSWire

/// Backend URLs in region files are `http://host:port` (the agent's own rule); the demo backend
/// serving one listens on that host:port.
enum BackendURL {
    static func hostPort(_ url: String) -> String? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count).prefix { $0 != "/" }
        guard let parsed = HostPort.parse(String(rest)) else { return nil }
        return HostPort.format(host: parsed.host, port: parsed.port)
    }

    static func with(port: Int, _ url: String) -> String? {
        guard let listen = hostPort(url), let parsed = HostPort.parse(listen) else { return nil }
        return "http://" + HostPort.format(host: parsed.host, port: port)
    }
}
