import TestSupport
import Testing
@testable import DNSWire

/// What rate limiting sends instead of an answer: header and question, TC set, no records.
struct TruncatedResponseTests {
    @Test func aResponseIsCutToItsQuestionWithTC() throws {
        let (buffer, length) = withWriter(size: 512) { w in
            check(w.question(baseQuery().b))
            w.header.flags = 0x8400
            check(w.record("www.example.com.", .a, rdata: [192, 0, 2, 1]))
            check(w.record("www.example.com.", .a, rdata: [192, 0, 2, 2], section: .additional))
        }
        var bytes = Array(buffer[0..<length])
        let cut = bytes.withUnsafeMutableBytes { TruncatedResponse.cut($0, length: length) }
        let message = try decodeMessage(Array(bytes[0..<(try #require(cut))]))
        #expect(message.header.flags & 0x0200 != 0, "TC")
        #expect(message.header.flags & 0x8400 == 0x8400, "QR and AA kept")
        #expect(message.header.qdCount == 1 && message.header.anCount == 0 && message.header.nsCount == 0 && message.header.arCount == 0)
        #expect(message.questions.count == 1)
    }

    @Test func withoutOneUncompressedQuestionNothingIsCut() {
        var noQuestion: [UInt8] = [0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(noQuestion.withUnsafeMutableBytes { TruncatedResponse.cut($0, length: $0.count) } == nil)
        var compressed: [UInt8] = [0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]
        #expect(compressed.withUnsafeMutableBytes { TruncatedResponse.cut($0, length: $0.count) } == nil)
        var short: [UInt8] = [0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x77, 0x77]
        #expect(short.withUnsafeMutableBytes { TruncatedResponse.cut($0, length: $0.count) } == nil)
    }
}
