import DNSWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Sends drill queries over one UDP socket and matches responses by ID. Every query ends as one
/// `DNSAnswerSample`: answered, or lost after `timeout`. Times are milliseconds since `origin`.
final class DNSProber: Sendable {
    private struct Pending {
        var sentAt: ContinuousClock.Instant
        var client: Int
        var node: Int
    }

    private struct State {
        var nextID: UInt16 = 1
        var pending: [UInt16: Pending] = [:]
        var samples: [DNSAnswerSample] = []
    }

    private let channel: any Channel
    private let origin: ContinuousClock.Instant
    private let timeout: Duration
    private let state: NIOLockedValueBox<State>

    init(bindHost: String, origin: ContinuousClock.Instant, timeout: Duration = .seconds(1)) async throws {
        let state = NIOLockedValueBox(State())
        self.state = state
        self.origin = origin
        self.timeout = timeout
        channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.pipeline.addHandler(ResponseHandler { bytes in
                    let now = ContinuousClock.now
                    guard let response = ProbeResponse(bytes) else { return }
                    state.withLockedValue { state in
                        guard let query = state.pending.removeValue(forKey: response.id) else { return }
                        state.samples.append(DNSAnswerSample(
                            at: (query.sentAt - origin).milliseconds, client: query.client, node: query.node, rcode: response.rcode,
                            addresses: response.addresses, ttl: response.ttl, latency: (now - query.sentAt).milliseconds
                        ))
                    }
                })
            }
            .bind(host: bindHost, port: 0).get()
    }

    /// Sends one query; its outcome shows up in `samples`.
    func send(to server: SocketAddress, name: DNSName, type: RRType, subnet: NetworkPrefix, client: Int, node: Int) {
        let now = ContinuousClock.now
        let id: UInt16 = state.withLockedValue { state in
            // Skip IDs still in flight (65,535 of them would take minutes at drill rates).
            var id = state.nextID
            while state.pending[id] != nil { id &+= 1 }
            state.nextID = id &+ 1
            state.pending[id] = Pending(sentAt: now, client: client, node: node)
            return id
        }
        let bytes = ProbeQuery.encode(id: id, name: name, type: type, subnet: subnet)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: bytes)), promise: nil)
    }

    /// Turns queries older than the timeout into lost samples.
    func expire() {
        let now = ContinuousClock.now
        state.withLockedValue { state in
            for (id, query) in state.pending where now - query.sentAt > timeout {
                state.pending[id] = nil
                state.samples.append(DNSAnswerSample(at: (query.sentAt - origin).milliseconds, client: query.client, node: query.node, rcode: nil, addresses: [], ttl: 0, latency: 0))
            }
        }
    }

    /// Every sample so far, in the order queries were sent.
    var samples: [DNSAnswerSample] { state.withLockedValue { $0.samples }.sorted { $0.at < $1.at } }

    /// The newest answer a client region got (from any node), for clients following answers.
    func latestAnswer(client: Int) -> DNSAnswerSample? {
        state.withLockedValue { $0.samples.last { $0.client == client && $0.rcode == 0 && !$0.addresses.isEmpty } }
    }

    var count: Int { state.withLockedValue { $0.samples.count } }

    func close() async {
        try? await channel.close()
    }
}

private final class ResponseHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let received: @Sendable ([UInt8]) -> Void

    init(received: @escaping @Sendable ([UInt8]) -> Void) { self.received = received }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        received(Array(envelope.data.readableBytesView))
    }
}
