// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

/// What an HTTP shell over SwiftNIO needs (admin API, demo backend, proxy).
let nioHTTP: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
    .product(name: "Logging", package: "swift-log"),
]

let package = Package(
    name: "Meridian",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "meridian", targets: ["meridian"]),
        // The query path as a library, for the micro-benchmarks in Benchmarks/ (a package of its own).
        .library(name: "MeridianCore", targets: ["DNSWire", "ZoneStore", "Topology", "Steering", "QueryEngine"]),
        // What the fuzz targets in Fuzz/ (a package of its own) drive besides the query path:
        // the gossip wire format and the agent's HTTP proxy.
        .library(name: "MeridianGossipWire", targets: ["HealthGossip"]),
        .library(name: "MeridianAgentProxy", targets: ["AgentProxy", "RegionAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // ldns, Debian's libldns-dev (pkg-config name `ldns`). Only ZoneStore's loader imports it.
        .systemLibrary(name: "CLDNS", pkgConfig: "ldns", providers: [.apt(["libldns-dev"])]),

        // Small concurrency helpers for services (a value awaited until it is known).
        .target(
            name: "ServiceSupport",
            dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: strict
        ),

        // recvmmsg/sendmmsg, which Swift's Glibc module does not export.
        .target(name: "CDatagramBatch"),

        // Pure DNS wire codec: names, header, question, EDNS/ECS, bounded reader, compressing writer.
        .target(name: "DNSWire", swiftSettings: strict),

        // Regions, endpoints and services from YAML: the configuration steering decides from.
        .target(
            name: "Topology",
            dependencies: ["DNSWire", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),

        // Steering: service + client + health view + RNG → endpoints, TTL, ECS scope. Pure.
        .target(name: "Steering", dependencies: ["Topology", "DNSWire"], swiftSettings: strict),

        // Zone files → immutable, lookup-ready zones (RFC 1034 §4.3.2).
        .target(name: "ZoneStore", dependencies: ["DNSWire", "CLDNS"], swiftSettings: strict),

        // Pure, synchronous: query bytes + snapshot → response bytes or drop.
        .target(name: "QueryEngine", dependencies: ["DNSWire", "ZoneStore", "Topology", "Steering"], swiftSettings: strict),

        // NIO shell: UDP/TCP listeners, snapshot store, reload, metrics.
        .target(
            name: "DNSServer",
            dependencies: [
                "QueryEngine", "ZoneStore", "DNSWire", "Topology", "CDatagramBatch", "ServiceSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // Region agent: balancing policies, health-check state machines, latency estimators
        // (pure); the HTTP proxy shell comes next.
        .target(name: "RegionAgent", dependencies: ["DNSWire"], swiftSettings: strict),

        // Gossip between agents and DNS nodes, the pure part: membership (SWIM), region health
        // reports, the message codec and HMAC-authenticated frames (swift-crypto).
        .target(
            name: "HealthGossip",
            dependencies: ["DNSWire", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // The gossip member as a Service: UDP datagrams and TCP full-state sync over SwiftNIO.
        .target(
            name: "GossipService",
            dependencies: [
                "HealthGossip", "ServiceSupport", "Steering",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // A small HTTP/1.1 listener Service (NIOHTTP1), shared by the admin API and the demo backend.
        .target(
            name: "HTTPService",
            dependencies: nioHTTP + [
                "ServiceSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: strict
        ),

        // Prometheus exposition for admin APIs: a registry, its swift-metrics factory and the
        // `GET /metrics` route (text format 0.0.4), served by agents and DNS nodes.
        .target(
            name: "MetricsExport",
            dependencies: [
                "HTTPService",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),

        // `meridian backend`: a demo HTTP backend with fail/slow/hang switches and a WebSocket echo.
        .target(
            name: "DemoBackend",
            dependencies: ["HTTPService", .product(name: "NIOWebSocket", package: "swift-nio")] + nioHTTP,
            swiftSettings: strict
        ),

        // The region agent's reverse proxy (NIOHTTP1 shell over RegionAgent's policies).
        .target(
            name: "AgentProxy",
            dependencies: ["RegionAgent", "Topology", "DNSWire", "HTTPService", "MetricsExport", "HealthGossip", .product(name: "CoreMetrics", package: "swift-metrics")] + nioHTTP,
            swiftSettings: strict
        ),

        // Admin HTTP API of a DNS node: health reports in; state, totals, events and the status page out.
        .target(
            name: "Admin",
            dependencies: ["DNSServer", "QueryEngine", "Steering", "HTTPService", "GossipService", "HealthGossip", "MetricsExport"] + nioHTTP,
            swiftSettings: strict
        ),

        // Failover drills: the local deployment they (and `meridian demo`) start, the probes that
        // query it as clients of every region, and the report judged against SLOs.
        .target(
            name: "Drill",
            dependencies: ["DNSWire", "Topology", "HealthGossip", .product(name: "Yams", package: "Yams")] + nioHTTP,
            swiftSettings: strict
        ),

        .executableTarget(
            name: "meridian",
            dependencies: [
                "DNSServer", "ZoneStore", "QueryEngine", "Topology", "Steering", "DNSWire", "Admin", "DemoBackend", "HTTPService", "AgentProxy", "RegionAgent", "MetricsExport",
                "GossipService", "HealthGossip", "Drill", "ServiceSupport", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // CLDNS: the differential check of the query parser against ldns.
        // Shared by the test suites: hand-made DNS packets (a byte builder, the malformed-query
        // table), a plain blocking socket client, and the time scale of sanitizer runs.
        .target(name: "TestSupport", dependencies: ["DNSWire"], path: "Tests/TestSupport"),
        .testTarget(name: "DNSWireTests", dependencies: ["DNSWire", "CLDNS", "TestSupport"]),
        .testTarget(name: "ZoneStoreTests", dependencies: ["ZoneStore"]),
        .testTarget(name: "TopologyTests", dependencies: ["Topology", "DNSWire"]),
        .testTarget(name: "RegionAgentTests", dependencies: ["RegionAgent", "DNSWire"]),
        .testTarget(name: "HealthGossipTests", dependencies: ["HealthGossip", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "GossipServiceTests",
            dependencies: [
                "GossipService", "HealthGossip", "Steering", "Topology", "DNSWire", "MetricsExport", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "AgentProxyTests",
            dependencies: [
                "AgentProxy", "Topology", "HealthGossip", "RegionAgent", "DemoBackend", "HTTPService", "MetricsExport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "SteeringTests", dependencies: ["Steering", "Topology", "DNSWire"]),
        .testTarget(name: "QueryEngineTests", dependencies: ["QueryEngine", "ZoneStore", "DNSWire", "Topology", "Steering"]),
        .testTarget(
            name: "DNSServerTests",
            dependencies: [
                "DNSServer", "QueryEngine", "ZoneStore", "DNSWire", "Topology", "Steering", "ServiceSupport", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AdminTests",
            dependencies: [
                "Admin", "DNSServer", "QueryEngine", "Steering", "Topology", "DNSWire", "GossipService", "HealthGossip", "HTTPService",
                "MetricsExport", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "DrillTests", dependencies: ["Drill", "Topology"]),
        .testTarget(name: "EndToEndTests", dependencies: ["DNSWire", "TestSupport"]),
    ]
)
