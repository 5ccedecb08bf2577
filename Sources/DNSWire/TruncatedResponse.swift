/// Cuts a finished response down to its header and question with TC set (RFC 1035 §4.1.1),
/// in place: what response rate limiting sends instead of the answer ("slip"), so that a real
/// client retries over TCP while a spoofed flood gets back no more bytes than it sent.
public enum TruncatedResponse {
    /// The new length of `message` (a response of `length` bytes with one uncompressed question,
    /// as `ResponseWriter` writes it), or nil when it has no such question.
    public static func cut(_ message: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        guard length >= Header.size + 5, message.count >= length, message[4] == 0, message[5] == 1 else { return nil }
        var p = Header.size
        while p < length, message[p] != 0 {
            guard message[p] & 0xC0 == 0 else { return nil }
            p += 1 + Int(message[p])
        }
        let end = p + 1 + 4
        guard end <= length else { return nil }
        message[2] |= 0x02  // TC
        for i in 6..<12 { message[i] = 0 }  // ANCOUNT, NSCOUNT, ARCOUNT
        return end
    }
}
