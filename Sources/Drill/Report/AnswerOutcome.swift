import DNSWire

/// What one DNS answer meant to a client during a drill, given the endpoints the fault takes out.
enum AnswerOutcome: Equatable {
    /// NOERROR with addresses, none of them failed: the client is sent somewhere that works.
    case clean
    /// NOERROR with at least one failed address among its addresses.
    case includesFailed
    /// Lost, an error rcode, or no address at all: the client got nothing it can connect to.
    /// An empty NOERROR answer is not "clean" even though it holds no failed address: a DNS tier
    /// that answers nothing must not pass a drill as having excluded the failed endpoints.
    case unusable
}

extension DNSAnswerSample {
    /// The recording keeps rcodes as plain integers.
    static let noError = Int(ResponseCode.noError.rawValue)

    func outcome(failed: Set<String>) -> AnswerOutcome {
        guard rcode == Self.noError, !addresses.isEmpty else { return .unusable }
        return addresses.contains(where: failed.contains) ? .includesFailed : .clean
    }
}
