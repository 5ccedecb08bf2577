import Crypto
import DNSWire
import Foundation  // reading the key file and base64; nothing else in the module needs it

/// The cluster's shared gossip keys: the first signs every frame, any verifies. Rotation without
/// a flag day: put the new key on a second line everywhere, then swap the lines everywhere (now
/// new signs, old still verifies), then drop the old line.
///
/// A shared key authenticates membership of the cluster, not which member sent a frame: any
/// holder can sign under any name. That is the trust model of a cluster of equals.
///
/// `@unchecked Sendable`: `SymmetricKey` is an immutable value (copy-on-write storage that nothing
/// here writes) that swift-crypto 3 merely does not declare `Sendable`; the keyring holds only
/// `let`s of it.
public struct GossipKeyring: @unchecked Sendable {
    public static let keyBytes = 32

    /// One or two keys, the signing key first.
    public let keys: [SymmetricKey]

    public var signingKey: SymmetricKey { keys[0] }

    /// Both keys must be 32 bytes: a programming error otherwise, since keys from files are
    /// checked by `load(path:)`.
    public init(primary: SymmetricKey, secondary: SymmetricKey? = nil) {
        let keys = [primary] + (secondary.map { [$0] } ?? [])
        precondition(keys.allSatisfy { $0.bitCount == Self.keyBytes * 8 }, "gossip keys are \(Self.keyBytes) bytes")
        self.keys = keys
    }

    /// Reads a key file: one or two lines, each 32 random bytes in base64; blank lines and lines
    /// starting with `#` are ignored.
    public static func load(path: String) throws(GossipKeyError) -> GossipKeyring {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GossipKeyError(.unreadable, file: path, line: 0, "cannot read the key file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GossipKeyError(.unreadable, file: path, line: 0, "the key file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// The contents of a key file (see `load(path:)`); `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(GossipKeyError) -> GossipKeyring {
        var keys: [SymmetricKey] = []
        // `isNewline` also splits at "\r\n", which Swift holds as one Character.
        for (index, untrimmed) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = untrimmed
            while line.first?.isWhitespace == true { line.removeFirst() }
            while line.last?.isWhitespace == true { line.removeLast() }
            let number = index + 1
            if line.isEmpty || line.first == "#" { continue }
            guard let bytes = Data(base64Encoded: String(line)) else {
                throw GossipKeyError(.notBase64, file: file, line: number, "not base64: a key is 32 random bytes in base64 (`meridian keygen` makes one)")
            }
            guard bytes.count == keyBytes else {
                throw GossipKeyError(.wrongLength, file: file, line: number, "the key is \(bytes.count) bytes; a gossip key is \(keyBytes) random bytes in base64 (`meridian keygen` makes one)")
            }
            guard keys.count < 2 else {
                throw GossipKeyError(.tooManyKeys, file: file, line: number, "a third key: the file holds the signing key and, while rotating, the previous key, no more")
            }
            keys.append(SymmetricKey(data: bytes))
        }
        guard let primary = keys.first else {
            throw GossipKeyError(.noKey, file: file, line: 0, "no key: the file needs a line of \(keyBytes) random bytes in base64 (`meridian keygen` makes one)")
        }
        return GossipKeyring(primary: primary, secondary: keys.dropFirst().first)
    }

    /// A new key file's text: 32 bytes from the system's secure generator, in base64, and a
    /// newline (for `meridian keygen`).
    public static func generateKeyFileText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
    }
}
