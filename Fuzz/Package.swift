// swift-tools-version: 6.1
// libFuzzer targets (issue 8): the DNS query parser, the query handler end to end, the gossip
// decoder and the agent proxy's HTTP request parsing. A package of its own, so that the main
// package's build and `make test` never build with the fuzzer; it is built only with
// `-sanitize=fuzzer,address` (libFuzzer supplies `main`), into its own build folder, by
// scripts/fuzz.sh (`make fuzz`).
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder: the repository's folder, whatever a
/// clone is called (`meridian`, `main`, a CI checkout).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// A fuzz target is a library-style module (no top-level code, no `@main`) that defines
/// `LLVMFuzzerTestOneInput` and an entry point calling libFuzzer's driver (see FuzzerMain.swift).
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + dependencies,
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "MeridianFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        // The versions the main package resolves; NIOEmbedded and Logging for the HTTP target.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // Declares libFuzzer's driver entry, which the targets' `main` calls (see FuzzerMain.swift).
        .target(name: "LibFuzzerDriver"),
        // The entry point, invariant checks that trap, and writing seed files.
        .target(name: "FuzzSupport", dependencies: ["LibFuzzerDriver"]),
        fuzzTarget("FuzzDNSParser", [.product(name: "MeridianCore", package: repository)]),
        fuzzTarget("FuzzQueryHandler", [.product(name: "MeridianCore", package: repository)]),
        fuzzTarget("FuzzGossipDecoder", [.product(name: "MeridianGossipWire", package: repository)]),
        fuzzTarget(
            "FuzzHTTPRequest",
            [
                .product(name: "MeridianAgentProxy", package: repository),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
