import Crypto
import Foundation
import Testing
@testable import HealthGossip

struct GossipKeyringTests {
    static let keyA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  // bytes 0...31
    static let keyB = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="  // bytes 32...63

    func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    func parseError(_ text: String) -> GossipKeyError? {
        do {
            _ = try GossipKeyring.parse(text, file: "gossip.key")
            return nil
        } catch {
            return error
        }
    }

    @Test func oneKeySignsAndVerifies() throws {
        let keyring = try GossipKeyring.parse(Self.keyA + "\n", file: "gossip.key")
        #expect(keyring.keys.map(bytes) == [Array(0...31)])
        #expect(bytes(keyring.signingKey) == Array(0...31))
    }

    @Test func twoKeysWithCommentsBlankLinesAndCRLF() throws {
        let text = "# rotated 2026-11-25: new key first\r\n\r\n  \(Self.keyB)  \r\n\t# the previous key, until every node has the new one\r\n\(Self.keyA)"
        let keyring = try GossipKeyring.parse(text, file: "gossip.key")
        #expect(keyring.keys.map(bytes) == [Array(32...63), Array(0...31)])
    }

    @Test func loadReadsAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gossip-\(UInt64.random(in: 0 ... .max)).key").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# cluster key\n\(Self.keyA)\n\(Self.keyB)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let keyring = try GossipKeyring.load(path: path)
        #expect(keyring.keys.count == 2)
        #expect(throws: GossipKeyError.self) { try GossipKeyring.load(path: path + ".missing") }
        do {
            _ = try GossipKeyring.load(path: path + ".missing")
        } catch {
            #expect(error.code == .unreadable && error.line == 0 && error.file == path + ".missing")
        }
    }

    @Test func aLineThatIsNotBase64IsNamed() {
        let error = parseError("# key\n\n\(Self.keyA)\nnot*base64!\n")
        #expect(error?.code == .notBase64 && error?.line == 4)
        #expect(error?.description.hasPrefix("gossip.key:4: not base64") == true)
    }

    @Test func aKeyOfTheWrongLengthIsNamed() {
        let sixteen = Data(repeating: 1, count: 16).base64EncodedString()
        let error = parseError("\(Self.keyA)\n\(sixteen)\n")
        #expect(error?.code == .wrongLength && error?.line == 2)
        #expect(error?.message.contains("16 bytes") == true)
    }

    @Test func aThirdKeyIsRefused() {
        let error = parseError("\(Self.keyA)\n# older\n\(Self.keyB)\n\n\(Self.keyA)\n")
        #expect(error?.code == .tooManyKeys && error?.line == 5)
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n", "   \n\t\n"])
    func aFileWithoutAKeyIsRefused(text: String) {
        let error = parseError(text)
        #expect(error?.code == .noKey && error?.line == 0)
        #expect(error?.description.hasPrefix("gossip.key:0: no key") == true)
    }

    @Test func generatedKeyFilesParseAndDiffer() throws {
        let first = GossipKeyring.generateKeyFileText()
        let second = GossipKeyring.generateKeyFileText()
        #expect(first != second)
        #expect(first.hasSuffix("\n") && first.utf8.count == 45, "44 base64 characters and a newline")
        let keyring = try GossipKeyring.parse(first, file: "new.key")
        #expect(keyring.keys.count == 1 && keyring.signingKey.bitCount == 256)
    }
}
