#!/usr/bin/env bash
# Runs the already built test suite in two phases: the in-process tests, then the end-to-end
# tests (the EndToEndTests target). Arguments go to both `swift test` calls (scripts/sanitize.sh
# adds its sanitizer and build folder).
# Why two phases: the end-to-end tests are synchronous and block for seconds to tens of seconds
# while they drive real processes, and Swift Testing runs them on the cooperative thread pool,
# which has one thread per core. Beside them, in-process async tests (servers in a
# ServiceGroup, gossip members) could not run for that long; on 2 cores, two end-to-end tests
# stalled them all and a gossip test's 10 s wait ran out.
set -euo pipefail
cd "$(dirname "$0")/.."
"${SWIFT:-swift}" test --skip-build --skip EndToEndTests "$@"
"${SWIFT:-swift}" test --skip-build --filter EndToEndTests "$@"
