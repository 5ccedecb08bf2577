#!/usr/bin/env bash
# Instructions per answered query, counted by valgrind's callgrind: a figure that does not move
# with the machine's noise, unlike CPU time. Each server runs under callgrind (all its threads
# and child processes); after WARMUP queries its counters are zeroed, dnsperf sends the query
# file QUERIES_N times over (one fixed set of queries), the counters are dumped, and the total
# instructions are divided by the answers. Servers: Meridian, NSD, Knot, on the same zones/
# (static names from scripts/bench/queries-example.txt), and Meridian's steered
# www.example.com (with an ECS option) beside its static names.
#
# Usage: scripts/bench/callgrind.sh [N=20000] [SERVERS="meridian nsd knot meridian-steered"]
#        (MERIDIAN_BIN=... skips the build; OUT=file also writes the report there;
#        KEEP_TMP=1 keeps the callgrind dumps for callgrind_annotate;
#        CALLGRIND_OPTIONS="--dump-instr=yes" adds per-instruction costs to them)
#
# Idle instructions (epoll_wait wakeups, timers) during the dnsperf run are counted too; the
# run lasts a few seconds, so they are a small share. Valgrind serialises threads, so thread
# count does not change the figure much; every server runs with one worker.
set -euo pipefail
cd "$(dirname "$0")/../.."
for arg in "$@"; do [[ "$arg" == *=* ]] && export "${arg?}"; done
N=${N:-20000}
WARMUP=${WARMUP:-2000}
SERVERS=${SERVERS:-"meridian nsd knot meridian-steered"}
export PATH="$PATH:/usr/sbin:/sbin"
log() { echo "[callgrind] $*" >&2; }
die() { log "$*"; exit 1; }
source scripts/bench/lib.sh
apt_install_missing valgrind:valgrind gcc:gcc dnsperf:dnsperf nsd:nsd knotd:knot dig:bind9-dnsutils
ensure_meridian_bin
zones="$PWD/zones"
tmp=$(mktemp -d)
# Valgrind 3.19 cannot read the DWARF 5 of a Swift release build, and aborts on libdispatch's
# sigsuspend(): run a copy without debug info (symbols stay) with the sigsuspend shim preloaded.
strip --strip-debug -o "$tmp/meridian.bin" "$MERIDIAN_BIN"
gcc -O2 -shared -fPIC -o "$tmp/sigsuspend.so" scripts/bench/valgrind-sigsuspend.c
pid=""
cleanup() { [[ -n "$pid" ]] && kill -- "$pid" 2>/dev/null; pkill -P "${pid:-0}" 2>/dev/null; wait 2>/dev/null || true
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then log "kept $tmp (callgrind_annotate $tmp/SERVER/callgrind.*)"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT INT TERM

# Query files: the static mix (every line answered from zone data) and the steered name.
repeat_to() { # file count < lines
  awk -v n="$2" '{ l[NR] = $0 } END { for (i = 0; i < n; i++) print l[i % NR + 1] }' >"$1"
}
grep -v '^;' scripts/bench/queries-example.txt | grep -v '^$' >"$tmp/static.mix"
repeat_to "$tmp/static.warm" "$WARMUP" <"$tmp/static.mix"
repeat_to "$tmp/static.run" "$N" <"$tmp/static.mix"
echo 'www.example.com A' | repeat_to "$tmp/steered.warm" "$WARMUP"
echo 'www.example.com A' | repeat_to "$tmp/steered.run" "$N"
ECS_OPTION="8:000118000a0102" # 10.1.2.0/24, a us-east client

start() { # server port -> sets pid
  local server=$1 port=$2 d="$tmp/$1"
  mkdir -p "$d/db"
  local vg=(valgrind --tool=callgrind ${CALLGRIND_OPTIONS:-} --trace-children=yes --callgrind-out-file="$d/callgrind.%p" --log-file="$d/valgrind.%p")
  case $server in
    meridian*) LD_PRELOAD="$tmp/sigsuspend.so" "${vg[@]}" "$tmp/meridian.bin" serve --zones zones --regions regions --listen "127.0.0.1:$port" --threads 1 --log-level error >"$d/out" 2>&1 & ;;
    nsd) nsd_config "$d" "$port" 1 "$zones" >"$d/nsd.conf"; (cd "$zones" && exec "${vg[@]}" nsd -d -c "$d/nsd.conf") >"$d/out" 2>&1 & ;;
    knot) knot_config "$d" "$port" 1 "$zones" >"$d/knot.conf"; (cd "$zones" && exec "${vg[@]}" knotd -c "$d/knot.conf") >"$d/out" 2>&1 & ;;
  esac
  pid=$!
  for _ in $(seq 600); do
    dig @127.0.0.1 -p "$port" +time=1 +tries=1 status.example.com A 2>/dev/null | grep -q 'status: NOERROR' && return 0
    sleep 0.1
  done
  log "$server did not answer within 60 s"; tail -n 20 "$d/out" "$d"/valgrind.* >&2; exit 1
}

tree_pids() { # pid -> the pid and its descendants
  local p=$1; echo "$p"; for c in $(pgrep -P "$p"); do tree_pids "$c"; done
}

dnsperf_fixed() { # port file [extra dnsperf args] -> answered count
  local port=$1 file=$2; shift 2
  dnsperf -s 127.0.0.1 -p "$port" -d "$file" -n 1 -c 1 -q 20 -t 10 "$@" >"$tmp/perf" 2>&1
  awk '/Queries completed:/ {print $3}' "$tmp/perf"
}

declare -A result
for server in $SERVERS; do
  port=$(free_port)
  log "$server: starting under callgrind on 127.0.0.1:$port"
  start "$server" "$port"
  kind=static; extra=()
  [[ $server == meridian-steered ]] && kind=steered
  [[ $server == meridian-steered ]] && extra=(-E "$ECS_OPTION")
  dnsperf_fixed "$port" "$tmp/$kind.warm" "${extra[@]}" >/dev/null
  mapfile -t pids < <(tree_pids "$pid")
  for p in "${pids[@]}"; do callgrind_control -z "$p" >/dev/null 2>&1 || true; done
  answered=$(dnsperf_fixed "$port" "$tmp/$kind.run" "${extra[@]}")
  rm -f "$tmp/$server"/callgrind.*
  for p in "${pids[@]}"; do callgrind_control -d "$p" >/dev/null 2>&1 || true; done
  # One dump file per process (and per dump); sum every "totals:" (or "summary:") line.
  instructions=$(cat "$tmp/$server"/callgrind.* 2>/dev/null | awk '/^totals:/ {s += $2} END {print s + 0}')
  kill -- "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pid=""
  [[ "$answered" == "$N" ]] || { log "$server answered $answered of $N queries"; cat "$tmp/perf" >&2; exit 1; }
  result[$server]=$(awk -v i="$instructions" -v n="$answered" 'BEGIN { printf "%.0f", i / n }')
  log "$server: $instructions instructions for $answered answers = ${result[$server]} per query"
done

{
  echo "Instructions per answered query under callgrind ($(date -u +%F), $(nproc) cores, $N queries after $WARMUP warm-up, one worker each)"
  echo
  echo "| server | queries | instructions/query | Meridian static ÷ this |"
  echo "|---|---|---:|---:|"
  for server in $SERVERS; do
    what="static mix (queries-example.txt)"
    [[ $server == meridian-steered ]] && what="www.example.com A, steered, ECS"
    ratio="n/a"
    [[ -n "${result[meridian]:-}" && $server != meridian* ]] && ratio=$(awk -v m="${result[meridian]}" -v s="${result[$server]}" 'BEGIN { printf "%.2f", m / s }')
    echo "| $server | $what | ${result[$server]} | $ratio |"
  done
} | tee "${OUT:-/dev/null}"
