/// An independent reading of a whole DNS message, for checking responses: the record counts
/// match the records present, every name ends inside the message (compression pointers going
/// strictly backwards, so no loops), every RDATA fits, and nothing follows the last record.
/// Written apart from DNSWire on purpose: checking the writer with the parser's own walk would
/// let a shared misreading pass.
enum MessageWalk {
    /// The number of OPT records if `message` is well formed, else nil.
    static func optRecords(in message: UnsafeRawBufferPointer) -> Int? {
        guard message.count >= 12 else { return nil }
        func u16(_ at: Int) -> Int { Int(message[at]) << 8 | Int(message[at + 1]) }
        let questions = u16(4)
        let records = u16(6) + u16(8) + u16(10)
        var at = 12
        var opts = 0
        for index in 0..<(questions + records) {
            guard let end = nameEnd(message, from: at), end + 4 <= message.count else { return nil }
            at = end + 4
            guard index >= questions else { continue }
            guard at + 6 <= message.count else { return nil }
            if u16(end) == 41 { opts += 1 }
            at += 6 + u16(at + 4)
            guard at <= message.count else { return nil }
        }
        return at == message.count ? opts : nil
    }

    /// Where the name starting at `start` ends in the message's byte stream (after its root
    /// label or its first pointer), if it is valid.
    static func nameEnd(_ message: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var at = start
        var end: Int?
        var length = 0
        var lastJump = start
        while at < message.count {
            let byte = Int(message[at])
            if byte == 0 { return end ?? at + 1 }
            if byte >= 0xC0 {
                guard at + 1 < message.count else { return nil }
                let target = (byte & 0x3F) << 8 | Int(message[at + 1])
                guard target < lastJump else { return nil }
                end = end ?? at + 2
                lastJump = target
                at = target
            } else {
                guard byte <= 63 else { return nil }
                length += byte + 1
                guard length < 255 else { return nil }
                at += byte + 1
            }
        }
        return nil
    }
}
