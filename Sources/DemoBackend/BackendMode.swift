/// How the demo backend behaves right now; switched through its `/admin/...` routes so demos,
/// drills and tests can make a backend fail, slow down or hang without killing it.
public enum BackendMode: Sendable, Equatable, CustomStringConvertible {
    case healthy
    /// Every request, `/healthz` included, gets 503.
    case failing
    /// Every response waits this many milliseconds first.
    case slow(milliseconds: Int)
    /// Requests are read but never answered (connections stay open until the client gives up).
    case hanging

    public var description: String {
        switch self {
        case .healthy: "healthy"
        case .failing: "failing"
        case .slow(let ms): "slow \(ms)ms"
        case .hanging: "hanging"
        }
    }
}
