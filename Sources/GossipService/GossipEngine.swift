import HealthGossip
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The gossip member on its event loop: frames in (authenticated, replay-checked, decoded) go
/// to the SWIM state machine, and its directives go out as sealed datagrams. Confined to one
/// loop; the outside reads `view` and calls in through the loop.
///
/// Two clocks: `now` parameters are the wall clock (milliseconds since the epoch), which frames
/// carry and replay windows and report versions need; the state machine's timers run on the
/// monotonic clock, so a wall-clock step cannot fire or delay a suspicion.
final class GossipEngine {
    let name: String
    private var membership: Membership
    private var replay = ReplayGuard()
    private let keyring: GossipKeyring
    private let metrics: GossipMetrics
    private let logger: Logger
    /// Frame sequence numbers: start at the start time in microseconds, so they keep growing
    /// across restarts (receivers reject repeats and old ones).
    private var sequence: UInt64
    private var addresses: [GossipAddress: SocketAddress] = [:]
    var datagrams: (any Channel)?
    let view: NIOLockedValueBox<GossipView>
    private let onChange: @Sendable (GossipView) -> Void

    init(membership: Membership, keyring: GossipKeyring, metrics: GossipMetrics, logger: Logger, now: UInt64, onChange: @escaping @Sendable (GossipView) -> Void) {
        self.membership = membership
        name = membership.me.name
        self.keyring = keyring
        self.metrics = metrics
        self.logger = logger
        sequence = now * 1000
        self.onChange = onChange
        view = NIOLockedValueBox(GossipView(me: membership.me.name, members: [], reports: [:]))
        publishView()
    }

    // MARK: - Frames

    func seal(_ message: GossipMessage, budget: Int? = nil, now: UInt64) -> [UInt8]? {
        let limit = budget ?? GossipFrame.datagramBudget(senderName: name)
        guard let encoded = try? GossipCodec.encode(message.kind, updates: message.updates, budget: limit) else {
            logger.warning("gossip message not encodable", metadata: ["kind": "\(message.kind)"])
            return nil
        }
        sequence += 1
        return GossipFrame.seal(payload: encoded.payload, sender: name, timestamp: now, sequence: sequence, keyring: keyring)
    }

    /// Opens, checks and decodes one frame; nil (and counted) when it must be dropped.
    func open(_ bytes: some Collection<UInt8>, now: UInt64) -> (sender: String, message: GossipMessage)? {
        metrics.messagesIn.increment()
        metrics.bytesIn.increment(by: Int64(bytes.count))
        let frame: OpenedFrame
        switch GossipFrame.open(bytes, keyring: keyring) {
        case .success(let opened): frame = opened
        case .failure(let rejection):
            metrics.rejected[rejection]?.increment()
            logger.debug("gossip frame rejected", metadata: ["reason": "\(rejection.label)"])
            return nil
        }
        switch replay.admit(sender: frame.sender, timestamp: frame.timestamp, sequence: frame.sequence, now: now) {
        case .accepted: break
        case .stale:
            metrics.stale.increment()
            return nil
        case .replayed:
            metrics.replayed.increment()
            return nil
        }
        switch GossipCodec.decode(frame.payload) {
        case .success(let message): return (frame.sender, message)
        case .failure(let error):
            metrics.undecodable.increment()
            logger.debug("gossip payload undecodable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    // MARK: - Events

    func receive(datagram bytes: ByteBuffer, from source: SocketAddress, now: UInt64) {
        guard let (sender, message) = open(bytes.readableBytesView, now: now), let host = source.ipAddress, let port = source.port else { return }
        perform(membership.receive(message, from: sender, address: GossipAddress(host: host, port: UInt16(port)), now: Self.monotonic()), now: now)
    }

    private var nextViewRefresh: UInt64 = 0

    func tick(now: UInt64) {
        let elapsed = Self.monotonic()
        perform(membership.tick(now: elapsed), now: now)
        // Round trips change without any membership event: refresh the view now and then.
        if elapsed >= nextViewRefresh {
            nextViewRefresh = elapsed + 1_000
            publishView()
        }
    }
    func advertise(_ address: GossipAddress) {
        membership.advertise(address)
        publishView()
    }
    func join(_ seeds: [GossipAddress], now: UInt64) { perform(membership.join(seeds: seeds, now: Self.monotonic()), now: now) }
    func leave(now: UInt64) { perform(membership.leave(now: Self.monotonic()), now: now) }

    func publish(region: String, endpoints: [EndpointReport], roundTrips: [RegionRoundTrip], now: UInt64) {
        perform(membership.publish(region: region, endpoints: endpoints, roundTrips: roundTrips, now: Self.monotonic(), notBefore: now), now: now)
    }

    var fullState: [GossipUpdate] { membership.fullState }

    func merge(fullState updates: [GossipUpdate], now: UInt64) {
        metrics.syncs.increment()
        perform(membership.merge(fullState: updates, now: Self.monotonic()), now: now)
    }

    /// A member to sync with now and then: a random reachable one.
    var syncPartner: GossipAddress? {
        membership.members.filter { $0.name != name && $0.status <= .suspect }.randomElement()?.address
    }

    private func perform(_ directives: [MembershipDirective], now: UInt64) {
        var changed = false
        for directive in directives {
            switch directive {
            case .send(let message, let address):
                guard let channel = datagrams, let target = socketAddress(address), let frame = seal(message, now: now) else { continue }
                metrics.messagesOut.increment()
                metrics.bytesOut.increment(by: Int64(frame.count))
                channel.write(AddressedEnvelope(remoteAddress: target, data: channel.allocator.buffer(bytes: frame)), promise: nil)
            case .memberChanged(let member):
                changed = true
                metrics.memberChanges.increment()
                logger.info("gossip member \(member.status)", metadata: ["member": "\(member.name)", "incarnation": "\(member.incarnation)", "address": "\(member.address)"])
            case .reportChanged(let report):
                changed = true
                logger.debug("gossip report", metadata: ["origin": "\(report.origin)", "version": "\(report.version)"])
            }
        }
        datagrams?.flush()
        if changed { publishView() }
    }

    /// Milliseconds on the monotonic clock.
    static func monotonic() -> UInt64 { NIODeadline.now().uptimeNanoseconds / 1_000_000 }

    private func socketAddress(_ address: GossipAddress) -> SocketAddress? {
        if let known = addresses[address] { return known }
        let resolved = (try? SocketAddress(ipAddress: address.host, port: Int(address.port)))
            ?? (try? SocketAddress.makeAddressResolvingHost(address.host, port: Int(address.port)))
        if let resolved, addresses.count < 65_536 { addresses[address] = resolved }
        return resolved
    }

    private func publishView() {
        let snapshot = GossipView(
            me: name,
            members: membership.members.map { GossipView.Member(update: $0, roundTripMilliseconds: membership.roundTrips[$0.name]) },
            reports: membership.reports,
            reportsFromBefore: membership.reportsFromBefore
        )
        let previous = view.withLockedValue { view -> GossipView in
            defer { view = snapshot }
            return view
        }
        if previous != snapshot { onChange(snapshot) }
    }
}
