import Atomics
import CDatagramBatch
import DNSWire
import Dispatch
import Foundation
import Logging
import NIOCore
import QueryEngine

/// Answers DNS over UDP on one socket with one thread, in batches: `recvmmsg` takes up to
/// `batchSize` queries in one system call, each is answered straight from its receive buffer into
/// its own response buffer, and `sendmmsg` sends the answers back in one call (NSD and Knot work
/// this way). Every buffer and message header is allocated once, when the worker starts: the
/// query path allocates nothing, takes no lock and crosses no thread.
///
/// SwiftNIO's `DatagramChannel` was the first shell here; it allocates a `SocketAddress` and its
/// text form for every datagram it reads, and costs more CPU per query than the work itself.
final class DatagramWorker: @unchecked Sendable {
    static let batchSize = 32
    /// Queries larger than this are truncated by the kernel and dropped (real queries are far smaller).
    static let receiveSize = 4096
    /// How often an idle worker looks at the stop flag.
    static let pollMilliseconds = 200

    private let socket: DatagramSocket
    private let store: SnapshotStore
    private let metrics: DNSMetrics
    /// This thread's own query counts (no other thread writes them).
    private let tally: QueryTally
    /// This thread's response rate limiter (off unless configured).
    private let limiter: ResponseRateLimiter
    private let logger: Logger
    private let responseSize: Int
    private let stopping = ManagedAtomic(false)
    /// Per-query random seeds (weighted steering): a counter run through SplitMix64 by the engine.
    private var sequence = UInt64.random(in: 0...UInt64.max)
    private let exited = DispatchSemaphore(value: 0)

    // Buffers owned by the worker thread alone (the reason for @unchecked Sendable).
    private let receiveBuffers: UnsafeMutableRawPointer
    private let responseBuffers: UnsafeMutableRawPointer
    private let peers: UnsafeMutablePointer<sockaddr_storage>
    private let receiveVectors: UnsafeMutablePointer<iovec>
    private let sendVectors: UnsafeMutablePointer<iovec>
    private let receiveHeaders: UnsafeMutablePointer<meridian_mmsghdr>
    private let sendHeaders: UnsafeMutablePointer<meridian_mmsghdr>

    init(socket: DatagramSocket, store: SnapshotStore, metrics: DNSMetrics, rateLimit: DNSServerConfiguration.RateLimit, logger: Logger) {
        self.socket = socket
        self.store = store
        self.metrics = metrics
        tally = metrics.makeWorkerTally()
        limiter = ResponseRateLimiter(settings: rateLimit)
        self.logger = logger
        let batch = Self.batchSize
        responseSize = max(Int(store.snapshot.configuration.maxUDPPayload), QueryProcessor.classicUDPSize)
        receiveBuffers = .allocate(byteCount: batch * Self.receiveSize, alignment: 16)
        responseBuffers = .allocate(byteCount: batch * responseSize, alignment: 16)
        peers = .allocate(capacity: batch)
        receiveVectors = .allocate(capacity: batch)
        sendVectors = .allocate(capacity: batch)
        receiveHeaders = .allocate(capacity: batch)
        sendHeaders = .allocate(capacity: batch)
        for i in 0..<batch {
            receiveVectors[i] = iovec(iov_base: receiveBuffers + i * Self.receiveSize, iov_len: Self.receiveSize)
            receiveHeaders[i] = meridian_mmsghdr()
            receiveHeaders[i].msg_hdr.msg_iov = receiveVectors + i
            receiveHeaders[i].msg_hdr.msg_iovlen = 1
            receiveHeaders[i].msg_hdr.msg_name = UnsafeMutableRawPointer(peers + i)
            sendHeaders[i] = meridian_mmsghdr()
            sendHeaders[i].msg_hdr.msg_iov = sendVectors + i
            sendHeaders[i].msg_hdr.msg_iovlen = 1
        }
    }

    deinit {
        receiveBuffers.deallocate()
        responseBuffers.deallocate()
        peers.deallocate()
        receiveVectors.deallocate()
        sendVectors.deallocate()
        receiveHeaders.deallocate()
        sendHeaders.deallocate()
    }

    func start(name: String) {
        let thread = Thread { [self] in
            serve()
            exited.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the thread to finish its current batch and waits until it has.
    func stop() async {
        stopping.store(true, ordering: .relaxed)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [exited] in
                exited.wait()
                continuation.resume()
            }
        }
    }

    private func serve() {
        let batch = Self.batchSize
        while !stopping.load(ordering: .relaxed) {
            for i in 0..<batch {
                receiveHeaders[i].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                receiveHeaders[i].msg_hdr.msg_flags = 0
            }
            // Blocks for the first datagram, then takes whatever else is already queued.
            let received = meridian_recvmmsg(socket.fd, receiveHeaders, UInt32(batch), Int32(MSG_WAITFORONE), nil)
            if received <= 0 {
                if received < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                    metrics.errors.increment()
                    logger.debug("recvmmsg failed", metadata: ["errno": "\(errno)"])
                }
                continue
            }
            let snapshot = store.snapshot
            var replies = 0
            // One clock read per query: a query's time runs from the end of the one before it.
            var started = NIODeadline.now()
            for i in 0..<Int(received) {
                let header = receiveHeaders[i]
                guard header.msg_hdr.msg_flags & Int32(MSG_TRUNC) == 0 else {
                    tally.record(.drop, transport: .udp, nanoseconds: 0)
                    continue
                }
                let packet = UnsafeRawBufferPointer(start: receiveBuffers + i * Self.receiveSize, count: Int(header.msg_len))
                let out = UnsafeMutableRawBufferPointer(start: responseBuffers + i * responseSize, count: responseSize)
                sequence &+= 1
                let client = ClientContext(address: NetworkAddress(sockaddr: peers + i), transport: .udp, randomSeed: sequence)
                let outcome = QueryProcessor.respond(to: packet, from: client, snapshot: snapshot, into: out)
                let answered = NIODeadline.now()
                defer { started = answered }
                guard case .respond(var length, _, _) = outcome else {
                    tally.record(outcome, transport: .udp, nanoseconds: (answered - started).nanoseconds)
                    continue
                }
                if limiter.isEnabled, let address = client.address {
                    switch limiter.verdict(for: address, now: UInt32(truncatingIfNeeded: answered.uptimeNanoseconds / 1_000_000_000)) {
                    case .send:
                        break
                    case .drop:
                        tally.recordRateLimited(slipped: false)
                        continue
                    case .slip:
                        length = TruncatedResponse.cut(out, length: length) ?? length
                        tally.recordRateLimited(slipped: true)
                    }
                }
                tally.record(outcome, transport: .udp, nanoseconds: (answered - started).nanoseconds)
                sendVectors[replies] = iovec(iov_base: out.baseAddress, iov_len: length)
                sendHeaders[replies].msg_hdr.msg_name = UnsafeMutableRawPointer(peers + i)
                sendHeaders[replies].msg_hdr.msg_namelen = header.msg_hdr.msg_namelen
                replies += 1
            }
            send(replies)
        }
    }

    /// Sends the prepared replies; one that the kernel refuses (unreachable peer, full buffer) is
    /// counted and skipped so that the rest still go out.
    private func send(_ count: Int) {
        var sent = 0
        while sent < count {
            let n = meridian_sendmmsg(socket.fd, sendHeaders + sent, UInt32(count - sent), 0)
            if n > 0 {
                sent += Int(n)
            } else if errno != EINTR {
                metrics.errors.increment()
                sent += 1
            }
        }
    }
}
