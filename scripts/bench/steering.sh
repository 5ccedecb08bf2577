#!/usr/bin/env bash
# Cost of steering: Meridian's CPU time per query on a steered service name (www.example.com,
# policy nearest, over regions/) against a static name in the same zone, with the same EDNS
# Client Subnet option on both, alternating rounds. Target: dynamic ≤ 1.1 × static.
#
# Usage: scripts/bench/steering.sh [ROUNDS=3] [DURATION=10]   (MERIDIAN_BIN=... skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
for arg in "$@"; do [[ -n "$arg" && "$arg" == *=* ]] && export "${arg?}"; done
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
QPS=${QPS:-200000}
command -v dnsperf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf; }
if [[ -z "${MERIDIAN_BIN:-}" ]]; then
  swift build -c release --product meridian >&2
  MERIDIAN_BIN="$(swift build -c release --show-bin-path)/meridian"
fi
tmp=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

printf 'status.example.com A\n' >"$tmp/static"
printf 'www.example.com A\n' >"$tmp/dynamic"
ECS_OPTION="8:000118000a0102"   # 10.1.2.0/24: a us-east client

taskset -c 1 "$MERIDIAN_BIN" serve --zones zones --regions regions --listen 127.0.0.1:0 --threads 1 --log-level error >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^listening' "$tmp/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^listening .*:\([0-9]*\)$/\1/p' "$tmp/out" | head -1)
[[ -n "$port" ]] || { echo "meridian did not start:" >&2; cat "$tmp/out" >&2; exit 1; }
dig @127.0.0.1 -p "$port" www.example.com +subnet=10.1.2.0/24 +short | grep -q '^127\.0\.0\.1[12]$' \
  || { echo "www.example.com is not steered to us-east; is regions/ intact?" >&2; exit 1; }

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
declare -A results
for round in $(seq "$ROUNDS"); do
  for kind in static dynamic; do
    before=$(cpu)
    taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$tmp/$kind" -l "$DURATION" -c 4 -q 100 -Q "$QPS" -E "$ECS_OPTION" >"$tmp/perf" 2>&1
    after=$(cpu)
    answered=$(awk '/Queries completed:/ {print $3}' "$tmp/perf")
    qps=$(awk '/Queries per second:/ {print $4}' "$tmp/perf")
    us=$(awk -v t=$((after - before)) -v hz="$ticks" -v n="$answered" 'BEGIN { printf "%.3f", t / hz * 1e6 / n }')
    results[$kind]+="$us "
    echo "[steering] round $round $kind: $answered answered, $qps qps, $us µs CPU/query" >&2
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
static=$(echo "${results[static]}" | median)
dynamic=$(echo "${results[dynamic]}" | median)
echo "| name | kind | median CPU µs/query | runs |"
echo "|---|---|---:|---|"
echo "| status.example.com A | static zone data | $static | ${results[static]}|"
echo "| www.example.com A | steered (nearest, ECS 10.1.2.0/24) | $dynamic | ${results[dynamic]}|"
awk -v s="$static" -v d="$dynamic" 'BEGIN { printf "\nsteered / static CPU per query: %.2f (target ≤ 1.10)\n", d / s }'
