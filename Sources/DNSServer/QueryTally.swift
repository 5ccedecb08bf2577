import Atomics
import DNSWire
import QueryEngine

/// Query counts for one writer: responses by transport, qtype and rcode, drops, and latency
/// buckets by transport, in one block of 64-bit cells. `DNSMetrics` sums every tally when
/// `/metrics` or the summary is read.
///
/// Each UDP worker thread owns a tally of its own (`writers: .one`): a count is then a plain
/// load and store of a cell no other thread writes, with no locked instruction and no cache line
/// shared between cores. swift-metrics counters and swift-prometheus's histogram, which this
/// replaces on the query path, took an atomic add per counter and a lock per latency sample on
/// cells every worker shared; under callgrind they were about a tenth of a query's instructions.
/// TCP handlers run on several event loops and share one tally (`writers: .many`, atomic adds).
public final class QueryTally: @unchecked Sendable {
    public enum Writers: Sendable { case one, many }

    static let typeSlots = DNSMetrics.trackedTypes.count + 1
    static let codeSlots = DNSMetrics.trackedCodes.count + 1
    static let transports = 2
    /// Latency bucket upper bounds; the last cell of each transport counts what exceeds them all.
    static let bounds = DNSMetrics.latencyBuckets
    static let bucketSlots = bounds.count + 1

    private static let responsesBase = 0
    private static let bucketsBase = transports * typeSlots * codeSlots
    private static let sumBase = bucketsBase + transports * bucketSlots
    private static let droppedCell = sumBase + transports
    /// Responses response rate limiting dropped, then those it sent truncated.
    private static let rateLimitedBase = droppedCell + 1
    private static let cellCount = rateLimitedBase + 2

    /// swift-atomics' storage for one UInt64 (the standard library has a type of the same name).
    private typealias Cell = UnsafeAtomic<UInt64>.Storage

    private let writers: Writers
    /// Cells, 64-byte aligned so that two workers' tallies never share a cache line.
    private let cells: UnsafeMutablePointer<Cell>
    /// `bounds` in nanoseconds, owned here so that the bucket search reads no global.
    private let boundNanos: UnsafeMutablePointer<UInt64>
    private let boundCount = QueryTally.bounds.count

    public init(writers: Writers) {
        self.writers = writers
        let bytes = Self.cellCount * MemoryLayout<Cell>.stride
        cells = UnsafeMutableRawPointer.allocate(byteCount: (bytes + 63) & ~63, alignment: 64)
            .bindMemory(to: Cell.self, capacity: Self.cellCount)
        cells.initialize(repeating: Cell(0), count: Self.cellCount)
        boundNanos = .allocate(capacity: Self.bounds.count)
        boundNanos.initialize(from: Self.bounds, count: Self.bounds.count)
    }

    deinit {
        cells.deinitialize(count: Self.cellCount)
        UnsafeMutableRawPointer(cells).deallocate()
        boundNanos.deallocate()
    }

    /// Counts one query's outcome; `nanoseconds` is the time it took to answer.
    @inline(__always)
    public func record(_ outcome: QueryOutcome, transport: ClientContext.Transport, nanoseconds: Int64) {
        let t = transport == .udp ? 0 : 1
        switch outcome {
        case .drop:
            add(Self.droppedCell)
        case .respond(_, let rcode, let qtype):
            let nanoseconds = UInt64(truncatingIfNeeded: max(nanoseconds, 0))
            add(Self.responseCell(transport: t, type: DNSMetrics.slot(qtype), code: DNSMetrics.slot(rcode)))
            var bucket = 0
            while bucket < boundCount, nanoseconds > boundNanos[bucket] { bucket += 1 }
            add(Self.bucketsBase + t * Self.bucketSlots + bucket)
            add(Self.sumBase + t, nanoseconds)
        case .transfer:
            add(Self.responseCell(transport: t, type: DNSMetrics.slot(RRType.axfr), code: 0))
        }
    }

    /// Counts a response that rate limiting dropped (`slipped` false) or sent truncated. A
    /// truncated one is also counted by `record`, as a response sent.
    @inline(__always)
    public func recordRateLimited(slipped: Bool) {
        add(Self.rateLimitedBase + (slipped ? 1 : 0))
    }

    @inline(__always)
    private func add(_ cell: Int, _ amount: UInt64 = 1) {
        let atomic = UnsafeAtomic<UInt64>(at: cells + cell)
        switch writers {
        case .one: atomic.store(atomic.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
        case .many: atomic.wrappingIncrement(by: amount, ordering: .relaxed)
        }
    }

    private func read(_ cell: Int) -> UInt64 {
        UnsafeAtomic<UInt64>(at: cells + cell).load(ordering: .relaxed)
    }

    @inline(__always)
    static func responseCell(transport: Int, type: Int, code: Int) -> Int {
        responsesBase + (transport * typeSlots + type) * codeSlots + code
    }

    func responses(transport: Int, type: Int, code: Int) -> UInt64 {
        read(Self.responseCell(transport: transport, type: type, code: code))
    }

    /// Answers in latency bucket `bucket` alone (not cumulative); `bounds.count` is "above all".
    func latencyCount(transport: Int, bucket: Int) -> UInt64 {
        read(Self.bucketsBase + transport * Self.bucketSlots + bucket)
    }

    func latencySumNanoseconds(transport: Int) -> UInt64 { read(Self.sumBase + transport) }

    var dropped: UInt64 { read(Self.droppedCell) }

    func rateLimited(slipped: Bool) -> UInt64 { read(Self.rateLimitedBase + (slipped ? 1 : 0)) }
}
