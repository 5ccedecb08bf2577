import Testing
@testable import HealthGossip

struct MemberUpdateTests {
    let address = GossipAddress(host: "127.0.0.1", port: 7101)

    @Test func higherIncarnationWinsThenSeverity() {
        let alive1 = MemberUpdate(name: "a", address: address, role: .agent, status: .alive, incarnation: 1)
        var suspect1 = alive1
        suspect1.status = .suspect
        var alive2 = alive1
        alive2.incarnation = 2
        var dead1 = alive1
        dead1.status = .dead
        #expect(suspect1.overrides(alive1) && !alive1.overrides(suspect1))
        #expect(alive2.overrides(suspect1), "a refutation: the member raised its incarnation")
        #expect(dead1.overrides(suspect1) && !alive1.overrides(dead1))
        #expect(!alive1.overrides(alive1))
    }

    @Test func addressesParseAndPrint() {
        #expect(GossipAddress("127.0.0.1:7101") == GossipAddress(host: "127.0.0.1", port: 7101))
        #expect(GossipAddress("[::1]:7101")?.host == "::1")
        #expect(GossipAddress("[::1]:7101")?.description == "[::1]:7101")
        #expect(GossipAddress("127.0.0.1") == nil && GossipAddress(":7") == nil && GossipAddress("h:0") == nil && GossipAddress("h:70000") == nil)
        #expect(GossipAddress("[::1]:0", allowingPortZero: true) == GossipAddress(host: "::1", port: 0), "a listener may ask for a free port")
    }
}
