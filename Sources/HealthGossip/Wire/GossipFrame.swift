import Crypto

/// The authenticated envelope of every gossip datagram and sync message. All big-endian:
///
///     magic "MRDG" (4) | version u8 (1) | sender length u8 (1...64) | sender UTF-8 |
///     timestamp u64 (ms since the epoch, sender's clock) | sequence u64 | payload length u16 |
///     payload | HMAC-SHA256 (32) over every byte before it
///
/// The timestamp and sequence sit inside the MAC so that `ReplayGuard` can trust them. A frame
/// is at most 65,507 bytes (the largest UDP payload over IPv4); the UDP path keeps its frames to
/// 1400 bytes (`maxDatagramBytes`) so that they cross any path MTU without IP fragmentation, whose
/// loss of one fragment loses the datagram.
public enum GossipFrame {
    public static let magic: [UInt8] = Array("MRDG".utf8)
    public static let version: UInt8 = 1
    public static let macBytes = 32
    public static let maxFrameBytes = 65_507
    public static let maxDatagramBytes = 1400

    /// Everything but the sender name and the payload: magic 4, version 1, sender length 1,
    /// timestamp 8, sequence 8, payload length 2, MAC 32.
    static let fixedOverhead = 4 + 1 + 1 + 8 + 8 + 2 + macBytes
    /// Magic, version and sender length: enough to find where the rest lies.
    static let prefixBytes = 6

    /// The bytes a frame adds to its payload for this sender: 56 + the name's UTF-8 length.
    public static func overhead(senderName: String) -> Int {
        fixedOverhead + senderName.utf8.count
    }

    /// The payload budget that keeps this sender's datagrams within `maxDatagramBytes`: what to
    /// pass to `GossipCodec.encode(_:updates:budget:)`.
    public static func datagramBudget(senderName: String) -> Int {
        maxDatagramBytes - overhead(senderName: senderName)
    }

    /// Signs with the keyring's first key. `sequence` must rise strictly with every frame the
    /// sender seals; start it at the process's start time in microseconds so that it still rises
    /// across a restart (receivers remember the highest they saw).
    ///
    /// The sender name (1...64 UTF-8 bytes, checked when the configuration loads) and the payload
    /// size (the caller's budget) are the caller's to get right: breaking either traps.
    public static func seal(payload: [UInt8], sender: String, timestamp: UInt64, sequence: UInt64, keyring: GossipKeyring) -> [UInt8] {
        let nameBytes = sender.utf8.count
        precondition((1...GossipWireLimits.maxNameBytes).contains(nameBytes), "gossip sender name must be 1...\(GossipWireLimits.maxNameBytes) bytes")
        let total = overhead(senderName: sender) + payload.count
        precondition(total <= maxFrameBytes, "gossip frame of \(total) bytes exceeds \(maxFrameBytes)")
        var writer = ByteWriter(capacity: total)
        writer.bytes(magic)
        writer.integer(version)
        writer.integer(UInt8(nameBytes))
        writer.bytes(sender.utf8)
        writer.integer(timestamp)
        writer.integer(sequence)
        writer.integer(UInt16(payload.count))
        writer.bytes(payload)
        writer.bytes(HMAC<SHA256>.authenticationCode(for: writer.bytes, using: keyring.signingKey))
        return writer.bytes
    }

    /// Checks lengths, then the MAC against each key, and only then reads the fields. The magic
    /// and version are looked at before the MAC only to reject junk cheaply and with a telling
    /// label; nothing read before the MAC is believed beyond that.
    public static func open(_ bytes: some Collection<UInt8>, keyring: GossipKeyring) -> Result<OpenedFrame, FrameRejection> {
        guard bytes.count <= maxFrameBytes else { return .failure(.badLength) }
        let frame = Array(bytes)
        guard frame.count >= prefixBytes else { return .failure(.truncated) }
        guard frame[0..<4].elementsEqual(magic) else { return .failure(.badMagic) }
        guard frame[4] == version else { return .failure(.badVersion) }
        let nameBytes = Int(frame[5])
        guard (1...GossipWireLimits.maxNameBytes).contains(nameBytes) else { return .failure(.badLength) }
        let timestampAt = prefixBytes + nameBytes
        let payloadAt = timestampAt + 8 + 8 + 2
        guard frame.count >= payloadAt else { return .failure(.truncated) }
        let payloadBytes = Int(ByteReader.bigEndian(frame, at: payloadAt - 2) as UInt16)
        let macAt = payloadAt + payloadBytes
        guard frame.count >= macAt + macBytes else { return .failure(.truncated) }
        guard frame.count == macAt + macBytes else { return .failure(.badLength) }

        // Constant-time comparison per key. Trying keys in turn reveals by timing which key
        // matched, which is no secret (the frame's sender knows it).
        let signed = frame[..<macAt]
        let mac = frame[macAt...]
        guard let keyIndex = keyring.keys.firstIndex(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: $0) }) else {
            return .failure(.badSignature)
        }
        guard let sender = ByteReader.validUTF8(frame[prefixBytes..<timestampAt]) else { return .failure(.badSender) }
        return .success(OpenedFrame(
            sender: sender,
            timestamp: ByteReader.bigEndian(frame, at: timestampAt),
            sequence: ByteReader.bigEndian(frame, at: timestampAt + 8),
            payload: Array(frame[payloadAt..<macAt]),
            keyIndex: keyIndex
        ))
    }
}
