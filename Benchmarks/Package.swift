// swift-tools-version: 6.1
// Micro-benchmarks of the query path (ordo-one/benchmark). A package of its own, so that the main
// package's build and `make test` never build the benchmark tool. Run: `make bench-micro`.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder: the repository's folder, whatever a
/// clone is called (`meridian`, `main`, a CI checkout).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "MeridianBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        // MallocInterposer counts mallocs without jemalloc.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "QueryPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MeridianCore", package: repository),
            ],
            path: "Benchmarks/QueryPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
