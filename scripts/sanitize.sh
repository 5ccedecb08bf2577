#!/usr/bin/env bash
# The whole test suite under a sanitizer: scripts/sanitize.sh [address|thread] [swift test options]
#   address (default): AddressSanitizer, into .build-asan; thread: ThreadSanitizer, into .build-tsan.
# The normal .build is left alone. The end-to-end tests drive the sanitized `meridian` binary
# (MERIDIAN_TEST_BINARY), so the server, agents and drills run under the sanitizer too. Any
# report fails the run (halt_on_error). Leak detection is off: the Swift runtime and SwiftNIO
# keep process-lifetime singletons that LeakSanitizer would report at every exit.
# MERIDIAN_TEST_TIME_SCALE stretches the end-to-end tests' waits and timing bounds (and divides
# their dnsperf rates) by how much slower sanitized processes run.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=${1:-address}
[[ $# -gt 0 ]] && shift
case "$sanitizer" in
  address) build=.build-asan; scale=3; export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=0}" ;;
  thread) build=.build-tsan; scale=5; export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}" ;;
  *) echo "usage: $0 [address|thread] [swift test options]" >&2; exit 2 ;;
esac
make deps
swift build --sanitize="$sanitizer" --build-path "$build" --product meridian
swift build --sanitize="$sanitizer" --build-path "$build" --build-tests
export MERIDIAN_TEST_TIME_SCALE="${MERIDIAN_TEST_TIME_SCALE:-$scale}"
MERIDIAN_TEST_BINARY="$PWD/$build/debug/meridian" scripts/run-tests.sh --sanitize="$sanitizer" --build-path "$build" "$@"
