import Crypto
import Testing
@testable import HealthGossip

struct GossipFrameTests {
    let key = SymmetricKey(size: .bits256)
    let oldKey = SymmetricKey(size: .bits256)
    let payload: [UInt8] = [4, 0]

    var keyring: GossipKeyring { GossipKeyring(primary: key) }

    func sealed(sender: String = "dns-1", payload: [UInt8]? = nil, keyring: GossipKeyring? = nil) -> [UInt8] {
        GossipFrame.seal(payload: payload ?? self.payload, sender: sender, timestamp: 1_700_000_000_000, sequence: 1_700_000_000_000_000, keyring: keyring ?? self.keyring)
    }

    func rejection(_ bytes: [UInt8], keyring: GossipKeyring? = nil) -> FrameRejection? {
        if case .failure(let rejection) = GossipFrame.open(bytes, keyring: keyring ?? self.keyring) { return rejection }
        return nil
    }

    @Test func sealedFramesOpenToWhatWasSealed() {
        let frame = sealed(sender: "agent-eu-1")
        let opened = GossipFrame.open(frame, keyring: keyring)
        #expect(opened == .success(OpenedFrame(sender: "agent-eu-1", timestamp: 1_700_000_000_000, sequence: 1_700_000_000_000_000, payload: payload, keyIndex: 0)))
        #expect(GossipFrame.open(frame[...], keyring: keyring) == opened, "slices open too")
    }

    @Test func theLayoutIsAsDocumented() {
        let frame = sealed(sender: "ab")
        #expect(Array(frame[0..<4]) == Array("MRDG".utf8))
        #expect(frame[4] == 1 && frame[5] == 2 && Array(frame[6..<8]) == Array("ab".utf8))
        #expect(Array(frame[8..<16]) == [0, 0, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00], "timestamp 1,700,000,000,000 big-endian")
        #expect(Array(frame[24..<26]) == [0, 2] && Array(frame[26..<28]) == payload)
        let mac = HMAC<SHA256>.authenticationCode(for: frame[..<28], using: key)
        #expect(Array(frame[28...]) == Array(mac))
    }

    @Test func theLargestFrameOpensAndOneByteMoreIsRefused() {
        let sender = String(repeating: "s", count: 64)
        let largest = [UInt8](repeating: 7, count: GossipFrame.maxFrameBytes - GossipFrame.overhead(senderName: sender))
        let frame = sealed(sender: sender, payload: largest)
        #expect(frame.count == 65_507)
        #expect(rejection(frame) == nil)
        #expect(rejection(frame + [0]) == .badLength)
    }

    @Test func aForgedMACIsRefused() {
        var frame = sealed()
        var rng = SplitMix64(seed: 1)
        frame.replaceSubrange(frame.count - 32..<frame.count, with: rng.bytes(32))
        #expect(rejection(frame) == .badSignature)
    }

    @Test func aFrameSignedWithAnotherKeyIsRefused() {
        #expect(rejection(sealed(keyring: GossipKeyring(primary: SymmetricKey(size: .bits256)))) == .badSignature)
    }

    @Test func everyTruncationIsRefused() {
        let frame = sealed()
        for length in 0..<frame.count {
            #expect(rejection(Array(frame.prefix(length))) == .truncated, "length \(length)")
        }
    }

    @Test func everyFlippedBitIsRefused() {
        let frame = sealed(payload: [1, 0, 0, 0, 7, 0])
        var labels: Set<String> = []
        for bit in 0..<frame.count * 8 {
            var flipped = frame
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            let reason = rejection(flipped)
            #expect(reason != nil, "bit \(bit)")
            if let reason { labels.insert(reason.label) }
        }
        #expect(labels == ["bad_magic", "bad_version", "bad_length", "truncated", "bad_signature"])
    }

    @Test func trailingBytesAndBadSenderLengthsAreRefused() {
        #expect(rejection(sealed() + [0]) == .badLength)
        var frame = sealed()
        frame[5] = 0
        #expect(rejection(frame) == .badLength)
        frame[5] = 65
        #expect(rejection(frame) == .badLength)
    }

    @Test func junkIsRefusedByItsHeader() {
        var frame = sealed()
        frame[0] = UInt8(ascii: "X")
        #expect(rejection(frame) == .badMagic)
        frame = sealed()
        frame[4] = 2
        #expect(rejection(frame) == .badVersion)
        #expect(rejection([]) == .truncated)
        #expect(rejection(Array(repeating: 0, count: 70_000)) == .badLength)
    }

    @Test func randomBytesAreRefusedWithoutTrapping() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<5000 {
            var bytes = rng.bytes(Int.random(in: 0...300, using: &rng))
            if bytes.count >= 6, Bool.random(using: &rng) {
                bytes.replaceSubrange(0..<5, with: Array("MRDG".utf8) + [1])
                bytes[5] = UInt8.random(in: 1...64, using: &rng)
            }
            #expect(rejection(bytes) != nil)
        }
    }

    @Test func aSignedSenderThatIsNotUTF8IsRefused() {
        var frame = sealed(sender: "ab")
        frame.removeLast(32)
        frame[6] = 0xFF
        frame += Array(HMAC<SHA256>.authenticationCode(for: frame, using: key))
        #expect(rejection(frame) == .badSender)
    }

    // MARK: Rotation

    @Test func duringRotationBothKeysVerifyAndTheNewOneSigns() throws {
        let rotating = GossipKeyring(primary: key, secondary: oldKey)
        let byOld = sealed(keyring: GossipKeyring(primary: oldKey))
        let byNew = sealed(keyring: rotating)
        #expect(try GossipFrame.open(byOld, keyring: rotating).get().keyIndex == 1)
        #expect(try GossipFrame.open(byNew, keyring: rotating).get().keyIndex == 0)
        #expect(rejection(byNew, keyring: GossipKeyring(primary: oldKey)) == .badSignature, "signed by the new key")
        #expect(rejection(byNew, keyring: GossipKeyring(primary: oldKey, secondary: key)) == nil, "the step before: old signs, new verifies")
        let third = sealed(keyring: GossipKeyring(primary: SymmetricKey(size: .bits256)))
        #expect(rejection(third, keyring: rotating) == .badSignature)
    }

    @Test func rejectionLabelsAreDistinctAndShort() {
        let labels = FrameRejection.allCases.map(\.label)
        #expect(Set(labels).count == labels.count)
        #expect(labels.allSatisfy { $0.count <= 16 && $0.allSatisfy { $0.isLowercase || $0 == "_" } })
    }
}
