import LibFuzzerDriver

/// `main`'s argv.
public typealias FuzzerArguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

/// Why the targets have an entry point of their own: SwiftPM renames a Swift executable's entry
/// point to `<Module>_main` (so that tests can link the module) and links it with `main`
/// defined as that symbol, so a module without one does not link and libFuzzer's own `main`
/// is never used. Each target therefore defines
/// `@_cdecl("<Module>_main")` and calls this, which hands the arguments to libFuzzer's driver
/// (the same flags and behaviour as its `main`), after writing seeds if asked to (`Seeds`).
public func runLibFuzzer(
    _ argc: CInt, _ argv: FuzzerArguments,
    seeds: () -> [(name: String, bytes: [UInt8])],
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    Seeds.writeIfRequested(seeds)
    var argc = argc
    var argv: FuzzerArguments? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
}
