import ServiceSupport
import Testing

/// After a big load the server returns freed heap pages with glibc's `malloc_trim`, found at
/// run time. On this platform (Linux, glibc) it must be found, or memory after a load stays at
/// its peak; `scripts/bench/zone-scale.sh` measures the effect.
@Suite struct FreedMemoryTests {
    @Test func trimmingIsAvailableOnGlibc() {
        #if os(Linux)
        #expect(FreedMemory.release())
        #endif
    }
}
