import TestSupport
import Foundation
import Testing

/// Every malformed query of the parser's table, sent to the live server over UDP and over TCP:
/// each gets FORMERR with its ID (RFC 1035 §4.1.1: the header could be read), nothing crashes,
/// and a good query after each is still answered correctly.
@Suite(.serialized)
struct MalformedQueryLiveTests {
    /// RCODE and ID of a response, after checking it is one (QR set).
    static func rcodeAndID(_ response: [UInt8]) -> (rcode: UInt8, id: UInt16)? {
        guard response.count >= 12, response[2] & 0x80 != 0 else { return nil }
        return (response[3] & 0x0F, UInt16(response[0]) << 8 | UInt16(response[1]))
    }

    @Test func overUDPEachIsFormErrAndTheServerKeepsAnswering() async throws {
        try await LiveServerTests.withServer { port in
            let client = try LoopbackSocket(udpPort: port)
            let good = makeQuery("status.example.com", id: 7)
            for packet in MalformedPackets.all {
                try client.send(packet.bytes)
                let answer = Self.rcodeAndID(try client.receive(timeout: 2))
                #expect(answer?.rcode == 1 && answer?.id == 0xBEEF, "\(packet.name): \(String(describing: answer))")
                try client.send(good)
                let after = Self.rcodeAndID(try client.receive(timeout: 2))
                #expect(after?.rcode == 0 && after?.id == 7, "answering after \(packet.name)")
            }
        }
    }

    /// On one connection, pipelined: every malformed query is answered in order, and the
    /// connection stays usable (a malformed message is not a broken stream).
    @Test func overTCPEachIsFormErrOnOneConnection() async throws {
        try await LiveServerTests.withServer { port in
            let client = try LoopbackSocket(tcpPort: port)
            let good = makeQuery("status.example.com", id: 7)
            var stream: [UInt8] = []
            for message in MalformedPackets.all.map(\.bytes) + [good] {
                stream += [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
            }
            try client.send(stream)
            for packet in MalformedPackets.all {
                let length = try client.receive(exactly: 2)
                let answer = Self.rcodeAndID(try client.receive(exactly: Int(length[0]) << 8 | Int(length[1])))
                #expect(answer?.rcode == 1 && answer?.id == 0xBEEF, "\(packet.name): \(String(describing: answer))")
            }
            let length = try client.receive(exactly: 2)
            let after = Self.rcodeAndID(try client.receive(exactly: Int(length[0]) << 8 | Int(length[1])))
            #expect(after?.rcode == 0 && after?.id == 7)
        }
    }
}
