import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import DNSServer

/// RFC 7766 §8 framing, checked with NIO's decoder verifier (every split of the input).
struct DNSMessageFrameDecoderTests {
    @Test func decodesEverySplitOfPipelinedMessages() throws {
        let messages: [[UInt8]] = [[1, 2, 3], Array(repeating: 7, count: 300), [], [9]]
        var input = ByteBuffer()
        for message in messages {
            input.writeInteger(UInt16(message.count))
            input.writeBytes(message)
        }
        let expected = messages.map { ByteBuffer(bytes: $0) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(input, expected)],
            decoderFactory: { DNSMessageFrameDecoder() }
        )
    }

    @Test func waitsForTheWholeMessage() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(DNSMessageFrameDecoder()))
        var partial = ByteBuffer()
        partial.writeInteger(UInt16(4))
        partial.writeBytes([1, 2])
        try channel.writeInbound(partial)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(bytes: [3, 4]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [1, 2, 3, 4]))
        _ = try channel.finish()
    }
}
