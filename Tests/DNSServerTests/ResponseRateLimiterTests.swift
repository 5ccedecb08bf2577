import DNSWire
import Testing
@testable import DNSServer

/// The limiter alone: per-network budgets per second, slip, families and settings.
struct ResponseRateLimiterTests {
    static func address(_ text: String) -> NetworkAddress { NetworkAddress(text)! }

    static func verdicts(_ limiter: ResponseRateLimiter, _ client: String, count: Int, now: UInt32) -> [ResponseRateLimiter.Verdict] {
        (0..<count).map { _ in limiter.verdict(for: address(client), now: now) }
    }

    @Test func theRateIsAnsweredThenEverySecondLimitedResponseSlips() {
        let limiter = ResponseRateLimiter(settings: .init(responsesPerSecond: 3, slip: 2))
        #expect(Self.verdicts(limiter, "192.0.2.1", count: 7, now: 100) == [.send, .send, .send, .drop, .slip, .drop, .slip])
        // The next second brings the budget back; the slip rhythm goes on where it was.
        #expect(Self.verdicts(limiter, "192.0.2.1", count: 5, now: 101) == [.send, .send, .send, .drop, .slip])
    }

    @Test func aNetworkSharesItsBudgetAndOtherNetworksHaveTheirOwn() {
        let limiter = ResponseRateLimiter(settings: .init(responsesPerSecond: 2, slip: 0))
        #expect(Self.verdicts(limiter, "192.0.2.1", count: 1, now: 5) == [.send])
        #expect(Self.verdicts(limiter, "192.0.2.200", count: 2, now: 5) == [.send, .drop], "same /24")
        #expect(Self.verdicts(limiter, "192.0.3.1", count: 2, now: 5) == [.send, .send], "another /24")
        #expect(Self.verdicts(limiter, "2001:db8:0:100::1", count: 3, now: 5) == [.send, .send, .drop])
        #expect(Self.verdicts(limiter, "2001:db8:0:1ff::2", count: 1, now: 5) == [.drop], "same /56")
        #expect(Self.verdicts(limiter, "2001:db8:0:200::1", count: 1, now: 5) == [.send], "another /56")
    }

    @Test func slipOneTruncatesEveryLimitedResponseAndZeroRateIsOff() {
        let truncateAll = ResponseRateLimiter(settings: .init(responsesPerSecond: 1, slip: 1))
        #expect(Self.verdicts(truncateAll, "198.51.100.7", count: 3, now: 0) == [.send, .slip, .slip])
        let off = ResponseRateLimiter(settings: .init(responsesPerSecond: 0))
        #expect(!off.isEnabled)
        #expect(Self.verdicts(off, "198.51.100.7", count: 1000, now: 0).allSatisfy { $0 == .send })
    }
}
