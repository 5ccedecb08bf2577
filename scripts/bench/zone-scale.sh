#!/usr/bin/env bash
# scripts/bench/zone-scale.sh: a generated zone of RECORDS A records (default 1,000,000) served
# by Meridian, NSD and Knot side by side (through scripts/bench/dns.sh): time from start to the
# first answer (the load), memory after the runs (PSS of the process tree), qps and CPU per
# query over queries for random names of the zone (10% of them NXDOMAIN). Then the same on the
# repo's small zone, for "qps unchanged from a small zone". Prints one summary table.
#
# Usage: scripts/bench/zone-scale.sh [RECORDS=1000000] [ROUNDS=3] [DURATION=10] [QPS=0]
#        (MERIDIAN_BIN=... skips the build; every other dns.sh setting passes through)
set -euo pipefail
cd "$(dirname "$0")/../.."
for arg in "$@"; do [[ -n "$arg" && "$arg" == *=* ]] && export "${arg?}"; done
export RECORDS=${RECORDS:-1000000} ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10}
export READY_TIMEOUT=${READY_TIMEOUT:-300}
export SERVERS=${SERVERS:-nsd knot meridian}   # dns.sh also runs gdnsd and PowerDNS by default
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/zones"
python3 - "$tmp" "$RECORDS" <<'PY'
import random, sys
tmp, n = sys.argv[1], int(sys.argv[2])
with open(f"{tmp}/zones/scale.example.zone", "w") as f:
    f.write("$ORIGIN scale.example.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n  IN NS ns1\nns1 IN A 192.0.2.1\n")
    for i in range(n):
        f.write(f"h{i} IN A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n")
rng = random.Random(7)
with open(f"{tmp}/queries.txt", "w") as q:
    for _ in range(20000):
        i = rng.randrange(n)
        q.write(f"h{i}.scale.example A\n" if rng.random() < 0.9 else f"missing{i}.scale.example A\n")
PY
echo "[zone-scale] generated $RECORDS records ($(du -h "$tmp/zones/scale.example.zone" | cut -f1)); running dns.sh on it" >&2
ZONES_DIR="$tmp/zones" QUERIES="$tmp/queries.txt" OUT="$tmp/big.md" scripts/bench/dns.sh >/dev/null
echo "[zone-scale] running dns.sh on the repo's small zone" >&2
OUT="$tmp/small.md" scripts/bench/dns.sh >/dev/null
# Fields of a row of dns.sh's table, split at "|": 2 name, 3 median qps, 7 median CPU µs/query,
# 11 start to first answer (s), 12 PSS (MB).
row() { awk -F'|' -v s="$2" '$2 ~ "^ " s " $" { gsub(/ /, "", $3); gsub(/ /, "", $7); gsub(/ /, "", $11); gsub(/ /, "", $12); print $3, $7, $11, $12; exit }' "$1"; }
echo "## Zone scale: $RECORDS records, $(date -u +%Y-%m-%d), $(nproc) cores"
echo
echo "| server | load (start to first answer) | memory (PSS) | qps | CPU µs/query | small-zone CPU µs/query | big / small CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for s in NSD Knot Meridian; do
    read -r q c start pss < <(row "$tmp/big.md" "$s") || continue
    read -r _ sc _ _ < <(row "$tmp/small.md" "$s") || sc=nan
    echo "| $s | ${start} s | ${pss} MB | $q | $c | $sc | $(awk -v a="$c" -v b="$sc" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }') |"
done
echo
echo "Full reports: dns.sh's tables for the big zone and the small one follow."
echo
cat "$tmp/big.md"
echo
cat "$tmp/small.md"
