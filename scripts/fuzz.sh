#!/usr/bin/env bash
# libFuzzer targets of the Fuzz/ package (issue 8), each run for a bounded time:
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 60 s each, every target)
# Targets: FuzzDNSParser, FuzzQueryHandler, FuzzGossipDecoder, FuzzHTTPRequest.
# Builds Fuzz/ with -sanitize=fuzzer,address (Swift and C code alike) into Fuzz/.build, then
# runs each target on a scratch copy of its committed seed corpus (Fuzz/Corpus/<TARGET>), so
# the repository's corpus does not grow. Exits 1 if any target crashed, trapped on an
# invariant, hung past -timeout, ran out of memory, leaked or drew a sanitizer report; the
# input that did it is kept in $FUZZ_ARTIFACTS (default .build-fuzz-artifacts/), and
#   Fuzz/.build/debug/<TARGET> <artifact>   replays it.
# Prints one summary line per target: runs, exec/s, coverage (edges), features, corpus size.
#   MERGE=1   merge the inputs a run found to be new into Fuzz/Corpus/<TARGET> (libFuzzer -merge=1,
#             which keeps only inputs that add coverage); then commit them if they are worth it.
#   SEEDS=1   rewrite the seed corpora from the targets' own seed lists (and run nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
all=(FuzzDNSParser FuzzQueryHandler FuzzGossipDecoder FuzzHTTPRequest)
seconds=${1:-60}
[[ $# -gt 0 ]] && shift
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [${all[*]}]" >&2; exit 2; }
for target in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $target "* ]] || { echo "unknown target $target (have: ${all[*]})" >&2; exit 2; }
done

# The main package's CLDNS needs libldns-dev and pkg-config; the toolchain brings libFuzzer.
make deps >&2
flags=(--package-path Fuzz --build-path Fuzz/.build -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address)
# (gold warns once per ASan helper symbol that it cannot export it: noise, filtered out.)
swift build "${flags[@]}" 2>&1 | { grep -v "Cannot export local symbol" || true; } >&2
bin=$(swift build "${flags[@]}" --show-bin-path)

# Swift's own crash backtracer would run under ASan and be reported instead of the crash.
export SWIFT_BACKTRACE=enable=no
# Symbolized stacks in reports; halt on the first error.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:symbolize=1}"

if [[ "${SEEDS:-0}" == 1 ]]; then
  for target in "${targets[@]}"; do
    rm -rf "Fuzz/Corpus/$target"
    MERIDIAN_FUZZ_WRITE_SEEDS="$PWD/Fuzz/Corpus/$target" "$bin/$target"
  done
  exit 0
fi

artifacts=${FUZZ_ARTIFACTS:-$PWD/.build-fuzz-artifacts}
mkdir -p "$artifacts"
scratch=$(mktemp -d /tmp/meridian-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in "${targets[@]}"; do
  corpus="$scratch/$target"
  mkdir -p "$corpus"
  cp -R "Fuzz/Corpus/$target/." "$corpus/"
  log="$artifacts/$target.log"
  rm -f "$artifacts/$target-"*  # inputs kept by an earlier run of this target
  status=PASS
  # The outer timeout only guards against a fuzzer that stops answering (libFuzzer's own
  # -max_total_time ends a healthy run; -timeout=10 fails one input that runs over 10 s).
  timeout --kill-after=30 $((seconds + 300)) "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "$corpus" >"$log" 2>&1 || status=FAIL
  # The last status line: "#RUNS DONE cov: N ft: N corp: N/SIZE lim: N exec/s: N rss: NMb".
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$last")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  seeds=$(find "Fuzz/Corpus/$target" -type f | wc -l)
  printf '%s: %s, %s s, %s runs, %s exec/s, coverage %s edges, %s features, corpus %s (%s seeds), peak RSS %s MB\n' \
    "$target" "$status" "$seconds" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$seeds" "${rss:-?}"
  if [[ $status == FAIL ]]; then
    failed+=("$target")
    # The report: from the first error line (a trap's message, the sanitizer's or libFuzzer's) on.
    first=$(grep -n -m1 -E 'Fatal error|ERROR: |ALARM|out-of-memory' "$log" | cut -d: -f1 || true)
    if [[ -n $first ]]; then sed -n "${first},$((first + 40))p" "$log"; else tail -40 "$log"; fi
    echo "  full log: $log; input kept as: $(ls "$artifacts/$target-"* 2>/dev/null | tr '\n' ' ')"
  elif [[ "${MERGE:-0}" == 1 ]]; then
    "$bin/$target" -merge=1 "Fuzz/Corpus/$target" "$corpus" >>"$log" 2>&1
    echo "  merged: Fuzz/Corpus/$target now has $(find "Fuzz/Corpus/$target" -type f | wc -l) inputs"
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAIL (${failed[*]})"
  exit 1
fi
echo "fuzz: PASS, ${#targets[@]} targets, ${seconds} s each"
