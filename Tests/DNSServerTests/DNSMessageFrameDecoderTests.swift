import NIOConcurrencyHelpers
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
            decoderFactory: { DNSMessageFrameDecoder(readTimeout: .seconds(2)) }
        )
    }

    @Test func waitsForTheWholeMessage() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(DNSMessageFrameDecoder(readTimeout: .seconds(2))))
        var partial = ByteBuffer()
        partial.writeInteger(UInt16(4))
        partial.writeBytes([1, 2])
        try channel.writeInbound(partial)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(bytes: [3, 4]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [1, 2, 3, 4]))
        _ = try channel.finish()
    }

    /// A message that does not arrive whole within the read timeout of its first byte closes
    /// the connection, however often bytes trickle in; whole messages restart the clock.
    @Test func aMessageSlowerThanTheReadTimeoutClosesTheConnection() throws {
        let loop = EmbeddedEventLoop()
        let timeouts = NIOLockedValueBox(0)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(DNSMessageFrameDecoder(readTimeout: .seconds(2)) { timeouts.withLockedValue { $0 += 1 } }), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 53)).wait()
        // Whole messages, one a second for 5 s: never a partial message older than 2 s.
        for _ in 0..<5 {
            try channel.writeInbound(ByteBuffer(bytes: [0, 1, 7]))
            #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [7]))
            loop.advanceTime(by: .seconds(1))
        }
        #expect(channel.isActive)
        // A message trickled a byte every 500 ms: cut off 2 s after its first byte.
        try channel.writeInbound(ByteBuffer(bytes: [0]))
        for byte: UInt8 in [10, 1, 2] {
            loop.advanceTime(by: .milliseconds(500))
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(500))
        #expect(!channel.isActive)
        #expect(timeouts.withLockedValue { $0 } == 1)
    }
}
