import Foundation

/// Seed corpora are written by the targets themselves, with the code under test's own encoders
/// where there is one (gossip frames), so that seeds follow the format when it changes.
/// `scripts/fuzz.sh` with SEEDS=1 runs each target with `MERIDIAN_FUZZ_WRITE_SEEDS=<folder>`;
/// `runLibFuzzer` then writes the seeds there and exits before any fuzzing.
public enum Seeds {
    public static let environmentVariable = "MERIDIAN_FUZZ_WRITE_SEEDS"

    /// Writes `make()`'s seeds (file name, bytes) and exits, when asked to; else returns.
    public static func writeIfRequested(_ make: () -> [(name: String, bytes: [UInt8])]) {
        guard let folder = ProcessInfo.processInfo.environment[environmentVariable] else { return }
        let seeds = make()
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for seed in seeds {
                try Data(seed.bytes).write(to: URL(fileURLWithPath: folder).appendingPathComponent(seed.name))
            }
        } catch {
            fatalError("writing seeds to \(folder): \(error)")
        }
        print("wrote \(seeds.count) seeds to \(folder)")
        exit(0)
    }
}
