#!/usr/bin/env bash
# Failover drills on the repo's demo topology (zones/, regions/: health checks every 500 ms,
# timeout 300 ms, rise 2, fall 2; 2 DNS nodes), each drill self-contained (`meridian drill`
# starts its own deployment on free ports and tears it down). For each scenario it runs TRIALS
# drills and prints, for the affected client region, the median and max of: time from the fault
# until the last DNS node stops answering the failed endpoints, and time from recovery until the
# last node answers them again; plus stale answers and missed SLOs over all trials.
#
# Usage: scripts/bench/drills.sh [TRIALS=5] [SCENARIOS="fail-region:us-east kill-agent:eu-west drain:ap-south fail-endpoint:use-www-a"]
#        (MERIDIAN_BIN=... skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
for arg in "$@"; do [[ -n "$arg" && "$arg" == *=* ]] && export "${arg?}"; done
TRIALS=${TRIALS:-5}
SCENARIOS=${SCENARIOS:-"fail-region:us-east kill-agent:eu-west drain:ap-south fail-endpoint:use-www-a"}
if [[ -z "${MERIDIAN_BIN:-}" ]]; then
  swift build -c release --product meridian >&2
  MERIDIAN_BIN="$(swift build -c release --show-bin-path)/meridian"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# meridian drills, $(date -u +%Y-%m-%d), $(nproc) cores, $TRIALS trials each"
echo
echo "| scenario | exclude median | exclude max | readmit median | readmit max | stale | SLOs missed |"
echo "|---|---|---|---|---|---|---|"
for scenario in $SCENARIOS; do
  kind=${scenario%%:*}; target=${scenario#*:}
  for trial in $(seq 1 "$TRIALS"); do
    # Exit status 1 means an SLO was missed: counted below, not fatal here.
    "$MERIDIAN_BIN" drill "--$kind" "$target" --fault-duration 6s --recovery-duration 8s --slo-readmit 8s \
      --json "$tmp/$kind-$trial.json" >"$tmp/$kind-$trial.out" 2>&1 || true
    [[ -s "$tmp/$kind-$trial.json" ]] || { echo "drill $kind $target failed:" >&2; tail -20 "$tmp/$kind-$trial.out" >&2; exit 1; }
  done
  python3 - "$kind $target" "$tmp"/"$kind"-*.json <<'PY'
import json, statistics, sys
label, files = sys.argv[1], sys.argv[2:]
exclude, readmit, stale, missed = [], [], 0, 0
for f in files:
    report = json.load(open(f))
    missed += 0 if report["passed"] else 1
    for region in report["regions"]:
        stale += region["staleAnswers"]
        if region["affected"]:
            exclude.append(region.get("excludeMs", float("inf")))
            readmit.append(region.get("readmitMs", float("inf")))
fmt = lambda v: "never" if v == float("inf") else f"{v:.0f} ms"
print(f"| {label} | {fmt(statistics.median(exclude))} | {fmt(max(exclude))} | {fmt(statistics.median(readmit))} | {fmt(max(readmit))} | {stale} | {missed} of {len(files)} |")
PY
done
