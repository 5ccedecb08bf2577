// LD_PRELOAD shim for running Swift servers under valgrind 3.19 (Debian 12).
//
// libdispatch parks the main thread of an async Swift program in sigsuspend() with a mask that
// lives in read-only memory. Valgrind 3.19's rt_sigsuspend wrapper writes to the mask it is
// given, faults, and aborts with "the 'impossible' happened". Handing the kernel a copy on the
// stack avoids the write to read-only memory; the call means the same.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8); // 8 bytes: the kernel's sigset size
}
