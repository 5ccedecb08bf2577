import Crypto
import Testing
@testable import HealthGossip

struct GossipCodecBudgetTests {
    let keyring = GossipKeyring(primary: SymmetricKey(size: .bits256))

    @Test(arguments: ["d", "dns-eu-west-1", String(repeating: "n", count: 64), String(repeating: "é", count: 32)])
    func twoHundredUpdatesFillOneDatagramAndNoMore(sender: String) throws {
        var random = RandomGossip(seed: 5)
        let updates = (0..<200).map { _ in random.update(maxEndpoints: 4) }
        let kind = GossipMessage.Kind.pingRequest(sequence: 1, target: String(repeating: "t", count: 64), address: GossipAddress(host: String(repeating: "h", count: 255), port: 7101))
        let budget = GossipFrame.datagramBudget(senderName: sender)
        #expect(budget == 1400 - GossipFrame.overhead(senderName: sender))

        let (payload, included) = try GossipCodec.encode(kind, updates: updates, budget: budget)
        let frame = GossipFrame.seal(payload: payload, sender: sender, timestamp: 1, sequence: 1, keyring: keyring)
        #expect(frame.count <= GossipFrame.maxDatagramBytes)
        #expect(included > 0 && included < 200)
        #expect(GossipCodec.decode(payload) == .success(GossipMessage(kind, updates: Array(updates.prefix(included)))))

        // As many as fit: one more would not have.
        let oneMore = try GossipCodec.encode(GossipMessage(kind, updates: Array(updates.prefix(included + 1))))
        #expect(oneMore.count > budget)
    }

    @Test func includedUpdatesAreAPrefixEvenWhenALaterOneWouldFit() throws {
        let small = GossipUpdate.member(MemberUpdate(name: "m", address: GossipAddress(host: "h", port: 1), role: .dns, status: .alive, incarnation: 0))
        var random = RandomGossip(seed: 6)
        var big = random.report()
        big.endpoints = (0..<64).map { _ in EndpointReport(name: String(repeating: "e", count: 64), up: true, drained: false, capacityPermille: 1000, latencyMicroseconds: 1) }
        let (payload, included) = try GossipCodec.encode(.ping(sequence: 1), updates: [small, .report(big), small], budget: 1300)
        #expect(included == 1)
        #expect(GossipCodec.decode(payload) == .success(GossipMessage(.ping(sequence: 1), updates: [small])))
    }

    @Test func noMoreThan255UpdatesGoInOneMessage() throws {
        let small = GossipUpdate.member(MemberUpdate(name: "m", address: GossipAddress(host: "h", port: 1), role: .dns, status: .alive, incarnation: 0))
        let (payload, included) = try GossipCodec.encode(.leave, updates: Array(repeating: small, count: 300), budget: .max)
        #expect(included == 255)
        #expect(GossipCodec.decode(payload) == .success(GossipMessage(.leave, updates: Array(repeating: small, count: 255))))
    }

    @Test func aBudgetForTheKindAloneIncludesNothing() throws {
        let small = GossipUpdate.member(MemberUpdate(name: "m", address: GossipAddress(host: "h", port: 1), role: .dns, status: .alive, incarnation: 0))
        let (payload, included) = try GossipCodec.encode(.ping(sequence: 3), updates: [small], budget: 6)
        #expect(included == 0 && payload == [1, 0, 0, 0, 3, 0])
    }

    @Test func overheadIsFixedFieldsPlusTheSenderNameBytes() {
        #expect(GossipFrame.overhead(senderName: "a") == 57)
        #expect(GossipFrame.overhead(senderName: "é") == 58)
        let frame = GossipFrame.seal(payload: [1, 2, 3], sender: "node", timestamp: 0, sequence: 0, keyring: keyring)
        #expect(frame.count == GossipFrame.overhead(senderName: "node") + 3)
    }
}
