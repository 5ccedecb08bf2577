#!/usr/bin/env bash
# Heap allocations per answered query, once warm: runs Meridian under an LD_PRELOAD malloc
# counter twice — warm-up only, then warm-up plus N more queries — and divides the difference.
# Usage: scripts/bench/alloc-per-query.sh [N]   (MERIDIAN_BIN=... to skip the release build)
#        QUERIES=file picks the queries; STEERED=1 serves regions/ and asks the steered
#        www.example.com with an EDNS Client Subnet option.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-200000}
WARM=${WARM:-20000}
QUERIES=${QUERIES:-scripts/bench/queries-example.txt}
EXTRA_SERVE=()
EXTRA_PERF=()
if [[ "${STEERED:-0}" == 1 ]]; then
  QUERIES=$(mktemp); printf 'www.example.com A\n' >"$QUERIES"
  EXTRA_SERVE=(--regions regions)
  EXTRA_PERF=(-E 8:000118000a0102)
fi
command -v dnsperf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf; }
if [[ -z "${MERIDIAN_BIN:-}" ]]; then
  swift build -c release --product meridian >&2
  MERIDIAN_BIN="$(swift build -c release --show-bin-path)/meridian"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gcc -O2 -shared -fPIC -o "$tmp/malloc-count.so" scripts/bench/malloc-count.c -ldl

lines=$(grep -cv '^\s*$' "$QUERIES")
count_allocs() {  # $1 = number of queries to send
  local out="$tmp/out" pid port
  MALLOC_COUNT_FILE="$tmp/count" LD_PRELOAD="$tmp/malloc-count.so" \
    "$MERIDIAN_BIN" serve --zones zones "${EXTRA_SERVE[@]}" --listen 127.0.0.1:0 --threads 1 --log-level error >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/^listening .*:\([0-9]*\)$/\1/p' "$out" | head -1)
  dnsperf -s 127.0.0.1 -p "$port" -d "$QUERIES" -n $(( ($1 + lines - 1) / lines )) -c 1 -q 50 "${EXTRA_PERF[@]}" >"$tmp/perf" 2>&1
  local answered; answered=$(awk '/Queries completed:/ {print $3}' "$tmp/perf")
  kill -TERM "$pid"; wait "$pid" || true
  echo "$answered $(cat "$tmp/count")"
}
read -r a1 m1 < <(count_allocs "$WARM")
read -r a2 m2 < <(count_allocs $(( WARM + N )))
echo "warm-up run: $a1 queries answered, $m1 allocations in the process lifetime"
echo "longer run:  $a2 queries answered, $m2 allocations in the process lifetime"
awk -v a1="$a1" -v a2="$a2" -v m1="$m1" -v m2="$m2" 'BEGIN { printf "allocations per query once warm: %.4f (%d extra allocations over %d extra queries)\n", (m2-m1)/(a2-a1), m2-m1, a2-a1 }'
