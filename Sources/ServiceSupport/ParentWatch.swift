import Foundation

/// Children of `meridian demo` and `meridian drill` get `MERIDIAN_PARENT_PID`. If that process
/// goes away without stopping them (SIGKILL, a crash), they must not linger holding ports: the
/// watch notices that they were re-parented and shuts them down gracefully with SIGTERM
/// (exiting hard if that does not finish within 5 s).
public enum ParentWatch {
    public static func startFromEnvironment() {
        guard let text = ProcessInfo.processInfo.environment["MERIDIAN_PARENT_PID"], let parent = Int32(text) else { return }
        guard getppid() == parent else { return exitBecauseOrphaned() }
        Thread.detachNewThread {
            while getppid() == parent { usleep(250_000) }
            exitBecauseOrphaned()
        }
    }

    private static func exitBecauseOrphaned() {
        kill(getpid(), SIGTERM)
        sleep(5)
        _exit(1)
    }
}
