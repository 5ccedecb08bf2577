#!/usr/bin/env bash
# Micro-benchmarks of the query path (the Benchmarks/ package, ordo-one/benchmark): time and heap
# allocations per query for the codec, the response writer, zone lookup, steering and
# QueryProcessor end to end. Runs every benchmark once (stored as the baseline `micro`), prints a
# summary table, then checks the end-to-end benchmarks against Benchmarks/Thresholds: exit 1 if
# any of them allocated (p90 of mallocs per 1,000 queries above 0), 3 if the control benchmark
# shows that the malloc counter does not see allocations (then every 0 would be vacuous).
# Usage: scripts/bench/micro.sh [options of `swift package benchmark`, e.g. --filter 'end to end.*']
# FULL=1 also prints the package's own tables (every percentile of every metric).
set -euo pipefail
cd "$(dirname "$0")/../.."

# The main package's CLDNS needs ldns and pkg-config. Nothing else: the benchmark package's
# MallocInterposer trait counts mallocs itself (no jemalloc), and no perf counters are used.
missing=""
for p in libldns-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [[ -n "$missing" ]]; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

benchmark=(swift package --package-path Benchmarks)
# Release build of the benchmarks and one run of each (1 s or 10,000 iterations of 1,000 queries).
"${benchmark[@]}" --allow-writing-to-package-directory benchmark baseline update micro --no-progress "$@" >&2

perOp=$(mktemp); raw=$(mktemp); trap 'rm -f "$perOp" "$raw"' EXIT
# Per query (the package divides by the scaling factor) and per iteration of 1,000 queries (--scale).
"${benchmark[@]}" benchmark baseline read micro --grouping metric --no-progress >"$perOp" 2>/dev/null
"${benchmark[@]}" benchmark baseline read micro --grouping metric --no-progress --scale >"$raw" 2>/dev/null
[[ "${FULL:-0}" == 1 ]] && sed -n '/^Host /,$p' "$perOp"

echo "Per query: wall-clock time (p50, p90 of the iterations), and mallocs per 1,000 queries (p90, max)."
echo
echo "| benchmark | p50 ns | p90 ns | mallocs / 1,000 queries, p90 | max |"
echo "|---|---:|---:|---:|---:|"
# Text tables: a title line ("Time (wall clock)", "Malloc (total)"), then rows "│ QueryPath:name … │ p0 │ … │".
awk -F'│' '
  function trim(s) { gsub(/^ +| +$/, "", s); return s }
  function name(s) { s = trim(s); sub(/^QueryPath:/, "", s); sub(/ \(ns\)/, "", s); sub(/ \*$/, "", s); return s }
  FNR == 1 { file++ }
  /^[A-Z][a-z]/ { section = $0 }
  /^│ QueryPath:/ {
    n = name($2)
    if (file == 1 && section ~ /^Time \(wall clock\)/) { p50[n] = trim($5); p90[n] = trim($7); names[++count] = n }
    if (file == 2 && section ~ /^Malloc \(total\)/) { m90[n] = trim($7); mmax[n] = trim($9) }
  }
  END {
    # In the order of the query path: codec, writer, lookup, steering, then end to end.
    split("control codec writer lookup steering end", stages, " ")
    for (s = 1; s in stages; s++)
      for (i = 1; i <= count; i++) {
        n = names[i]
        if (index(n, stages[s]) == 1) printf "| %s | %s | %s | %s | %s |\n", n, p50[n], p90[n], m90[n], mmax[n]
        if (index(n, "control") == 1 && m90[n] != 1000) counterBlind = 1
      }
    # Zeros mean something only if the counter sees the control'"'"'s allocations.
    if (counterBlind) { print "\nthe malloc counter missed the control'"'"'s 1,000 allocations: the counts above mean nothing"; exit 3 }
  }
' "$perOp" "$raw"
echo

# The allocation proof: end-to-end benchmarks against their static thresholds (0 mallocs, no tolerance).
if "${benchmark[@]}" benchmark thresholds check micro --path Benchmarks/Thresholds --no-progress >"$raw" 2>&1; then
  echo "thresholds check: PASS, no end-to-end benchmark allocated ($(ls Benchmarks/Thresholds | wc -l) checked)"
else
  cat "$raw"
  echo "thresholds check: FAIL, an end-to-end benchmark allocated (see above)"
  exit 1
fi
