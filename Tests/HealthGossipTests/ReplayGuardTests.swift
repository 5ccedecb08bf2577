import Testing
@testable import HealthGossip

struct ReplayGuardTests {
    let now: UInt64 = 1_700_000_000_000

    func admit(_ guard_: inout ReplayGuard, _ sequence: UInt64, sender: String = "a", timestamp: UInt64? = nil) -> ReplayVerdict {
        guard_.admit(sender: sender, timestamp: timestamp ?? now, sequence: sequence, now: now)
    }

    @Test func aDuplicateIsReplayed() {
        var replay = ReplayGuard()
        #expect(admit(&replay, 100) == .accepted)
        #expect(admit(&replay, 100) == .replayed)
        #expect(admit(&replay, 101) == .accepted)
        #expect(admit(&replay, 101) == .replayed)
        #expect(admit(&replay, 100) == .replayed)
    }

    @Test func reorderingWithin64IsAcceptedOnce() {
        var replay = ReplayGuard()
        #expect(admit(&replay, 1000) == .accepted)
        var rng = SplitMix64(seed: 4)
        let late = Array(937..<1000).shuffled(using: &rng) as [UInt64]
        for sequence in late { #expect(admit(&replay, sequence) == .accepted, "\(sequence)") }
        for sequence in late { #expect(admit(&replay, sequence) == .replayed, "\(sequence)") }
        #expect(admit(&replay, 936) == .replayed, "64 below the highest: outside the window")
    }

    @Test func theWindowSlidesWithTheHighest() {
        var replay = ReplayGuard()
        #expect(admit(&replay, 10) == .accepted)
        #expect(admit(&replay, 12) == .accepted)
        #expect(admit(&replay, 11) == .accepted)
        #expect(admit(&replay, 73) == .accepted, "10 is now 63 below")
        #expect(admit(&replay, 10) == .replayed, "seen")
        #expect(admit(&replay, 9) == .replayed, "64 below")
        #expect(admit(&replay, 74) == .accepted)
        #expect(admit(&replay, 11) == .replayed, "63 below, seen")
        #expect(admit(&replay, 13) == .accepted, "62 below, not seen")
        #expect(admit(&replay, 5000) == .accepted, "a jump past the window clears it")
        #expect(admit(&replay, 4937) == .accepted)
        #expect(admit(&replay, 74) == .replayed)
    }

    @Test func timestampsOutsideTheWindowAreStaleEitherWay() {
        var replay = ReplayGuard()
        #expect(admit(&replay, 1, timestamp: now - 30_000) == .accepted)
        #expect(admit(&replay, 2, timestamp: now + 30_000) == .accepted)
        #expect(admit(&replay, 3, timestamp: now - 30_001) == .stale)
        #expect(admit(&replay, 3, timestamp: now + 30_001) == .stale)
        #expect(admit(&replay, 3) == .accepted, "a stale frame leaves no trace")
        #expect(replay.admit(sender: "a", timestamp: .max, sequence: 4, now: 0) == .stale)
        #expect(replay.admit(sender: "a", timestamp: 0, sequence: 4, now: .max) == .stale)

        var narrow = ReplayGuard(timeWindowMilliseconds: 1000)
        #expect(admit(&narrow, 1, timestamp: now - 1001) == .stale)
        #expect(admit(&narrow, 1, timestamp: now - 1000) == .accepted)
    }

    @Test func sendersHaveTheirOwnWindows() {
        var replay = ReplayGuard()
        #expect(admit(&replay, 7, sender: "a") == .accepted)
        #expect(admit(&replay, 7, sender: "b") == .accepted)
        #expect(admit(&replay, 7, sender: "a") == .replayed)
    }

    @Test func theLeastRecentlyAcceptedSenderIsEvicted() {
        var replay = ReplayGuard(maxSenders: 3)
        for sender in ["a", "b", "c"] { #expect(admit(&replay, 1, sender: sender) == .accepted) }
        #expect(admit(&replay, 2, sender: "a") == .accepted)
        #expect(admit(&replay, 1, sender: "b") == .replayed, "a replay does not count as seen")
        #expect(admit(&replay, 1, sender: "d") == .accepted)
        #expect(replay.trackedSenders == 3)
        #expect(admit(&replay, 1, sender: "a") == .replayed, "a is still tracked")
        #expect(admit(&replay, 1, sender: "c") == .replayed, "c is still tracked")
        #expect(admit(&replay, 1, sender: "b") == .accepted, "b was forgotten: only the time window bounds its old frames now")
        #expect(replay.trackedSenders == 3)
    }

    @Test func memoryIsBoundedByMaxSenders() {
        var replay = ReplayGuard()
        for index in 0..<10_000 { _ = admit(&replay, 1, sender: "s\(index)") }
        #expect(replay.trackedSenders == 4096)
        #expect(admit(&replay, 1, sender: "s9999") == .replayed, "the most recent are kept")
        #expect(admit(&replay, 1, sender: "s0") == .accepted, "the oldest went")
    }
}
