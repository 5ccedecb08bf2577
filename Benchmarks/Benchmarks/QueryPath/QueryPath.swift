import Benchmark
import DNSWire
import QueryEngine
import Steering
import ZoneStore

/// Micro-benchmarks of the UDP query path, piece by piece and end to end, on the repo's own
/// `zones/` and `regions/` loaded as `meridian serve` loads them. Each iteration runs its
/// operation 1,000 times (`scalingFactor`): the package shows time per operation, while malloc
/// counts are stored per iteration, so one malloc in 1,000 queries shows up as 1.
///
/// The end-to-end benchmarks are the allocation proof: a warm query, from its bytes to the
/// response in a reused buffer, allocates nothing. `Thresholds/` holds a p90 of 0 mallocs for
/// each, checked with no tolerance by `swift package benchmark thresholds check`. Those files
/// are written by hand: `thresholds check` (1.38.1) looks for `QueryPath.<name>.p90.json` with
/// the name as is, while `thresholds update` writes it with `_` for spaces.
let benchmarks: @Sendable () -> Void = {
    let world = QueryWorld.shared

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )
    /// The end-to-end benchmarks: no tolerance on mallocs against their static threshold of 0.
    var noAllocations = Benchmark.defaultConfiguration
    noAllocations.thresholds = [.mallocCountTotal: .init(absolute: [.p90: 0])]

    // 0. Control: the malloc counter does see an allocation (one per operation reads 1).
    Benchmark("control: one 16-byte Array per op") { benchmark in
        for i in benchmark.scaledIterations {
            blackHole([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 16))
        }
    }

    // 1. Codec: QueryParser on a typical query.
    for (label, query) in [("A status.example.com, no EDNS", world.statusQuery), ("A www.example.com, EDNS + ECS", world.steeredECSQuery)] {
        Benchmark("codec: parse \(label)") { benchmark in
            query.withBytes { packet in
                for _ in benchmark.scaledIterations {
                    blackHole(try? QueryParser.parse(packet))
                }
            }
        }
    }

    // 2. ResponseWriter: question + two A records whose owner compresses to the question.
    Benchmark("writer: A answer, 2 records, compressed") { benchmark in
        world.wwwQuery.withBytes { packet in
            let query = try! QueryParser.parse(packet)
            let owner = UnsafeRawBufferPointer(rebasing: packet[query.qnameRange])
            let addresses: [[UInt8]] = [[192, 0, 2, 80], [192, 0, 2, 81]]
            func writeAnswer(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Int {
                var writer = ResponseWriter(buffer: world.output, limit: 512)
                writer.header.id = query.header.id
                _ = writer.writeQuestion(from: packet, query: query)
                _ = writer.writeRecord(owner: owner, type: .a, ttl: 300, rdata: first, section: .answer)
                _ = writer.writeRecord(owner: owner, type: .a, ttl: 300, rdata: second, section: .answer)
                return writer.finish()
            }
            addresses[0].withUnsafeBytes { first in
                addresses[1].withUnsafeBytes { second in
                    // Compressed: each record's owner is a 2-byte pointer to the question's name.
                    precondition(writeAnswer(first, second) == packet.count + 2 * (2 + 10 + 4))
                    for _ in benchmark.scaledIterations {
                        blackHole(writeAnswer(first, second))
                    }
                }
            }
        }
    }

    // 3. Zone lookup: ZoneIndex.lookup of a name as it comes in a query (any case).
    for (label, name) in [("static status.example.com", "status.example.com"), ("NXDOMAIN missing.example.com", "missing.example.com"),
                          ("wildcard anything.apps.example.com", "anything.apps.example.com")] {
        let wire = DNSQuery.wireName(name)
        Benchmark("lookup: \(label)") { benchmark in
            wire.withUnsafeBytes { name in
                for _ in benchmark.scaledIterations {
                    blackHole(world.snapshot.index.lookup(name))
                }
            }
        }
    }

    // 4. Steering: the decision for www.example.com, client from us-east by ECS. Set up outside
    // the closure: the closure is one measured iteration, so its own setup would be counted.
    let table = world.snapshot.steering!
    let service = table.service(named: try! DNSName("www.example.com."))!
    Benchmark("steering: www.example.com, ECS client in us-east") { benchmark in
        var random = SplitMix64(state: 1)
        var ignored = IgnoredSteps()
        for _ in benchmark.scaledIterations {
            blackHole(Steerer.steer(
                service: service, ipv6: false, client: world.client.address, clientSubnet: world.ecs,
                table: table, health: world.snapshot.health, rng: &random, observer: &ignored
            ).count)
        }
    }

    // 5. End to end: QueryProcessor from query bytes into a reused output buffer, as a UDP
    // worker calls it. Each answer is checked once before measuring.
    for query in [world.statusQuery, world.steeredECSQuery, world.nxdomainQuery, world.cnameChainQuery] + world.otherQueries {
        query.withBytes { packet in world.checkAnswered(packet, label: query.label, expect: query.expect) }
        Benchmark("end to end: \(query.label)", configuration: noAllocations) { benchmark in
            var client = world.client
            query.withBytes { packet in
                for _ in benchmark.scaledIterations {
                    client.randomSeed &+= 1
                    blackHole(QueryProcessor.respond(to: packet, from: client, snapshot: world.snapshot, into: world.output))
                }
            }
        }
    }
}
