import AgentProxy
import FuzzSupport
import Logging
import NIOCore
import NIOEmbedded
import RegionAgent
import Topology

/// The agent proxy's request side: input bytes are what a client sends on one connection, fed
/// to the proxy's real pipeline (`EndpointProxyPipeline`: NIO's HTTP/1.1 decoder as the proxy
/// configures it, then ProxyServerHandler with its framing and size checks) on an
/// `EmbeddedChannel`. The endpoint has no backend, so every request the proxy accepts is
/// answered 503 at once and nothing leaves the process. The bytes arrive in two reads, split
/// where the first byte says, so that requests and headers also straddle reads.
///
/// What must hold: nothing traps, leaks past ASan or throws out of the pipeline; every answer
/// is HTTP/1.x with one of the statuses the proxy gives without a backend (400 malformed or
/// ambiguous framing, 413 body, 431 headers, 503 no backend).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let channel = EmbeddedChannel(loop: Proxy.loop)
    do {
        try Proxy.pipeline.configure(channel)
        try channel.connect(to: Proxy.client).wait()
        let split = size * Int(bytes.first ?? 0) / 256
        for part in [bytes[..<split], bytes[split...]] where channel.isActive {
            try channel.writeInbound(ByteBuffer(bytes: part))
        }
        // Timeouts are not fuzzed: the proxy takes its deadlines from the real clock
        // (`NIODeadline.now()`), which an `EmbeddedEventLoop`'s virtual time does not move.
        Proxy.loop.run()
    } catch {
        invariant(false, "the pipeline threw \(error)")
    }
    var answer = ByteBuffer()
    while let part = try? channel.readOutbound(as: IOData.self) {
        guard case .byteBuffer(var buffer) = part else { invariant(false, "a file region in an answer"); continue }
        answer.writeBuffer(&buffer)
    }
    _ = try? channel.finish(acceptAlreadyClosed: true)
    if answer.readableBytes > 0 { checkAnswer(answer) }
    return 0
}

/// The first response's status line: `HTTP/1.x NNN `, NNN one the proxy gives without a backend.
func checkAnswer(_ answer: ByteBuffer) {
    let head = answer.getString(at: answer.readerIndex, length: min(answer.readableBytes, 13)) ?? ""
    invariant(head.hasPrefix("HTTP/1.1 ") || head.hasPrefix("HTTP/1.0 "), "an answer starting \(head.debugDescription)")
    let status = head.dropFirst(9).prefix(3)
    invariant(["400", "413", "431", "503"].contains(status), "status \(status) from a proxy without backends")
}

/// What every input shares: one event loop (as one server thread's connections share theirs,
/// and the proxy keeps its backend pools per loop) and one pipeline configuration.
enum Proxy {
    /// Small limits, so that inputs of a few hundred bytes reach the 413 and 431 paths.
    static let limits = ProxyLimits(maxHeaderBytes: 512, maxBodyBytes: 256)
    /// Made on first use by libFuzzer's one thread, the only thread that ever runs it.
    static let loop = EmbeddedEventLoop()
    static let pipeline = EndpointProxyPipeline(
        name: "fuzz", selector: BackendSelector(targets: [], weights: [], policy: makeBalancingPolicy("round-robin")!),
        configuration: limits, logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    static let client = try! SocketAddress(ipAddress: "192.0.2.7", port: 40_000)
}

@_cdecl("FuzzHTTPRequest_main")
public func main(_ argc: CInt, _ argv: FuzzerArguments) -> CInt {
    runLibFuzzer(argc, argv, seeds: HTTPSeeds.all, fuzz)
}
