import FuzzSupport
import HealthGossip

/// The gossip wire format: what a datagram or a sync message from the network goes through.
/// The first input byte picks the path, since a frame with a wrong MAC stops before the codec:
///   0: `GossipCodec.decode` on the rest, as if it came out of a verified frame. A decoded
///      message must re-encode to exactly the same bytes (the encoding is canonical).
///   1: `GossipFrame.open` on the rest with the fixed keyring: mostly a MAC rejection; a frame
///      that opens (the seeds are sealed with the key) must re-seal to the same bytes, and its
///      payload goes through path 0.
///   2: the rest sealed as a payload, then opened: must open to the same fields; then path 0.
///   3: `ReplayGuard` fed (sender, timestamp, sequence) triples: a sequence is never accepted
///      twice for one sender, and a timestamp outside the window never at all.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let path = input.byte() % 4
    let rest = Array(input.rest)
    switch path {
    case 0: checkDecode(rest)
    case 1: checkOpen(rest)
    case 2: checkSealOpen(rest)
    default: checkReplayGuard(rest)
    }
    return 0
}

func checkDecode(_ payload: [UInt8]) {
    guard case .success(let message) = GossipCodec.decode(payload) else { return }
    switch Result(catching: { () throws(GossipCodec.EncodeError) in try GossipCodec.encode(message) }) {
    case .success(let encoded): invariant(encoded == payload, "\(message) re-encodes to other bytes")
    case .failure(let error): invariant(false, "\(message) decoded but does not encode: \(error)")
    }
}

func checkOpen(_ frame: [UInt8]) {
    guard case .success(let opened) = GossipFrame.open(frame, keyring: FuzzKeys.keyring) else { return }
    let resealed = GossipFrame.seal(payload: opened.payload, sender: opened.sender, timestamp: opened.timestamp, sequence: opened.sequence, keyring: FuzzKeys.keyring)
    invariant(resealed == frame, "an opened frame does not re-seal to the same bytes")
    checkDecode(opened.payload)
}

func checkSealOpen(_ payload: [UInt8]) {
    let sender = "dns-1"
    let room = GossipFrame.maxFrameBytes - GossipFrame.overhead(senderName: sender)
    let payload = Array(payload.prefix(room))
    let frame = GossipFrame.seal(payload: payload, sender: sender, timestamp: 1_764_000_000_000, sequence: UInt64(payload.count), keyring: FuzzKeys.keyring)
    guard case .success(let opened) = GossipFrame.open(frame, keyring: FuzzKeys.keyring) else { return invariant(false, "a sealed frame does not open") }
    invariant(opened.payload == payload && opened.sender == sender && opened.sequence == UInt64(payload.count), "a sealed frame opens to other fields")
    checkDecode(payload)
}

/// Eight senders at most, so that the guard (which tracks 8) never forgets one: forgetting is
/// allowed to re-admit old sequences, bounded by the time window instead.
func checkReplayGuard(_ bytes: [UInt8]) {
    let now: UInt64 = 1_000_000
    var guardian = ReplayGuard(timeWindowMilliseconds: 1000, maxSenders: 8)
    var accepted = Set<[UInt64]>()
    var at = 0
    while at + 4 <= bytes.count {
        let sender = UInt64(bytes[at] % 8)
        // Timestamps up to ±2 s from now; sequences from a small range so that they collide.
        let timestamp = now + UInt64(bytes[at + 1]) * 16 - 2048
        let sequence = UInt64(bytes[at + 2]) << 8 | UInt64(bytes[at + 3])
        at += 4
        let verdict = guardian.admit(sender: "s\(sender)", timestamp: timestamp, sequence: sequence, now: now)
        let skew = timestamp > now ? timestamp - now : now - timestamp
        invariant((verdict == .stale) == (skew > 1000), "verdict \(verdict) for a skew of \(skew) ms")
        if verdict == .accepted {
            invariant(accepted.insert([sender, sequence]).inserted, "sequence \(sequence) of s\(sender) accepted twice")
        }
    }
}

@_cdecl("FuzzGossipDecoder_main")
public func main(_ argc: CInt, _ argv: FuzzerArguments) -> CInt {
    runLibFuzzer(argc, argv, seeds: GossipSeeds.all, fuzz)
}
