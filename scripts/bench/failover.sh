#!/usr/bin/env bash
# scripts/bench/failover.sh: the same endpoint failure on Meridian, gdnsd and PowerDNS, on
# loopback. A `meridian backend` answers /healthz on port CHECK_PORT of every IPv4 endpoint
# address of regions/ (127.0.0.11 .12 .21 .22 .31), the only thing behind that address. Each
# system answers www.example.com with every up address of the first region (us-east: .11 weight
# 2, .12 weight 1), over its own health checks of those backends:
#   gdnsd 3     metafo over a weighted (multi) set per region, http_status GET /healthz;
#               interval 2 s (its minimum), timeout 1 s, up_thresh 1, ok_thresh 1,
#               down_thresh 1: the smallest thresholds it accepts, so one failed check takes an
#               address out and one good check brings it back (PowerDNS's behaviour)
#   PowerDNS    LUA record ifurlup over one set per region, selector all;
#               lua-health-checks-interval=1 (its minimum), check timeout 1 s,
#               lua-health-checks-expire-delay=3600 (the default: checks go on while asked)
#   Meridian    2 DNS nodes (serve --gossip) + one agent per region (health checks, gossip),
#               policy nearest, answers 2, asked with ECS 10.1.0.0/16 (a us-east client);
#               run with the anchors' settings (interval 1 s, then 2 s; rise 1 fall 1) and with
#               its own shortest ones (MERIDIAN_OWN). No client traffic goes through the
#               agent's proxy unless TRAFFIC=1 (a request every ~20 ms to the victim's
#               endpoint), so by default only the active checks see the death.
# Trial: after a random pause (0..JITTER s, so kills fall at random points of the check
# intervals; the same before restarts), SIGKILL 127.0.0.11's backend; dig every ~20 ms each DNS node of the system until none
# answers 127.0.0.11 (death → excluded; for Meridian the LAST of the 2 nodes); wait SETTLE s;
# restart the backend on the same address and port; from its first /healthz answer, poll until
# every node answers .11 again (restart → readmitted; the backend's own start-up, 0.1-0.3 s
# on a busy machine, is left out). Prints every trial, then a markdown table with median, p90 and max
# per system and the ratios Meridian/PowerDNS (target ≤ 0.5) and Meridian/gdnsd (target ≤ 0.2).
#
# Usage: scripts/bench/failover.sh [TRIALS=5] [SYSTEMS="pdns meridian-pdns gdnsd meridian-gdnsd meridian-own"]
#        [MERIDIAN_OWN="100ms 100ms 1 1"] (interval timeout rise fall) [TIMEOUT=20] [SETTLE=1] [JITTER=2] [TRAFFIC=0]
#        (MERIDIAN_BIN=... skips the build). stdout: the table; progress: stderr.
# Every process it starts is stopped by PID on exit (also on Ctrl-C); every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
for arg in "$@"; do [[ -n "$arg" && "$arg" == *=* ]] && export "${arg?}"; done
TRIALS=${TRIALS:-5}
SYSTEMS=${SYSTEMS:-pdns meridian-pdns gdnsd meridian-gdnsd meridian-own}
MERIDIAN_OWN=${MERIDIAN_OWN:-100ms 100ms 1 1}
TIMEOUT=${TIMEOUT:-20}        # seconds: one exclusion or readmission wait, at most
SETTLE=${SETTLE:-1}           # seconds between the exclusion and the restart
JITTER=${JITTER:-2}           # seconds: a random pause of up to this before each kill and restart
CONVERGE=${CONVERGE:-60}      # seconds: a system's first good answers, at most
TRAFFIC=${TRAFFIC:-0}         # 1: Meridian's endpoint carries requests (its passive checks)
log() { echo "[failover $(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; for f in "$tmp"/*.err "$tmp"/*/*.err "$tmp"/*/*.log; do [[ -s "$f" ]] && { echo "== $f" >&2; tail -5 "$f" >&2; }; done; exit 1; }
source scripts/bench/lib.sh

apt_install_missing dig:bind9-dnsutils curl:curl python3:python3 gdnsd:gdnsd pdns_server:pdns-server \
  pdns-backend-bind:pdns-backend-bind
ensure_meridian_bin
scratch_dir
trap 'log "interrupted"; exit 130' INT TERM

# The endpoints (regions/ order of failover), one backend on each address.
ENDPOINTS=$(www_endpoints regions zones/example.com.services.yaml)
VICTIM=$(awk 'NR == 1 { print $2 }' <<<"$ENDPOINTS")
CHECK_PORT=$(free_port)
declare -A BPID
backend() { # address
  start_backend "$MERIDIAN_BIN" "$1" "$CHECK_PORT" "www-$1" "$tmp/backends.err"
  BPID[$1]=$LAST_PID; pids+=("$LAST_PID")
}
for a in $(awk '{ print $2 }' <<<"$ENDPOINTS"); do backend "$a"; done
for a in $(awk '{ print $2 }' <<<"$ENDPOINTS"); do wait_http "$a" "$CHECK_PORT"; done
log "backends on $(awk '{ printf "%s ", $2 }' <<<"$ENDPOINTS")port $CHECK_PORT; the victim is $VICTIM"

DIG_ARGS=(+subnet=10.1.0.0/16)
# Predicates on an answer ("a b "): the victim excluded (and something answered), or included.
excluded() { [[ -n "$1" && " $1" != *" $VICTIM "* ]]; }
included() { [[ " $1" == *" $VICTIM "* ]]; }

# ---------------------------------------------------------------- systems ---
# start_<system>: starts it, sets PORTS (its DNS ports) and SETTINGS (for the table).
SYS_PIDS=()
start_pdns() {
  local d="$tmp/pdns" args
  pdns_config "$d" "$PWD/zones" "$(pdns_www_record "$CHECK_PORT" all "$ENDPOINTS")"
  PORTS=("$(free_port)")
  read -r -a args <<<"$(pdns_args "$d" 127.0.0.1 "${PORTS[0]}" 1 1)"
  pdns_server "${args[@]}" --lua-health-checks-expire-delay=3600 </dev/null >"$d/pdns.log" 2>&1 &
  SYS_PIDS+=($!); pids+=($!)
  SETTINGS="lua-health-checks-interval=1, ifurlup timeout 1 s, up/down on 1 check"
}
start_gdnsd() {
  local d="$tmp/gdnsd"
  PORTS=("$(free_port)")
  gdnsd_config "$d" "127.0.0.1:${PORTS[0]}" 1 "$CHECK_PORT" 2 1 1 1 "$ENDPOINTS"
  gdnsd_zones "$d" "$PWD/zones" 'www 30 DYNA metafo!www'
  gdnsd -c "$d" start </dev/null >"$d/gdnsd.log" 2>&1 &
  SYS_PIDS+=($!); pids+=($!)
  SETTINGS="http_status interval 2 s, timeout 1 s, up_thresh 1, ok_thresh 1, down_thresh 1"
}
# start_meridian INTERVAL TIMEOUT RISE FALL: 2 DNS nodes and an agent per region.
start_meridian() {
  local d="$tmp/meridian-$1-$3-$4" health r lat lon clients n
  health="{ path: /healthz, interval: $1, timeout: $2, rise: $3, fall: $4 }"
  mkdir -p "$d/regions"
  while read -r r lat lon clients; do
    { meridian_region "$r" "$lat" "$lon" "$clients"
      n=0
      while read -r _ a w; do
        n=$(( n + 1 ))
        meridian_endpoint "$r-www-$n" "$a" "$w" "$health" "http://$a:$CHECK_PORT"
      done < <(awk -v r="$r" '$1 == r' <<<"$ENDPOINTS")
    } >"$d/regions/$r.yaml"
  done <<<"us-east 39.04 -77.49 10.1.0.0/16
eu-west 53.35 -6.26 10.2.0.0/16
ap-south 19.08 72.88 10.3.0.0/16"
  "$MERIDIAN_BIN" check --zones zones --regions "$d/regions" >&2 || die "the generated regions do not check"
  "$MERIDIAN_BIN" keygen --out "$d/gossip.key"
  local before=${#pids[@]}
  meridian_dns_nodes "$MERIDIAN_BIN" 2 "$d/regions" "$d/gossip.key" "$d"
  for r in us-east eu-west ap-south; do meridian_agent "$MERIDIAN_BIN" "$d/regions/$r.yaml" "$d/gossip.key" "$d/agent-$r"; done
  SYS_PIDS+=("${pids[@]:$before}")
  PORTS=("${DNS_PORTS[@]}")
  SETTINGS="interval $1, timeout $2, rise $3, fall $4; 2 DNS nodes"
  (( TRAFFIC )) && start_traffic "$d/agent-us-east.out"
  return 0
}
# start_traffic AGENT_OUT: a request every ~20 ms through the agent's proxy for the victim's
# endpoint, so that the agent's passive checks (refused connections on real traffic) see the
# death too. Stops with the system, or after 15 minutes.
start_traffic() {
  local proxy="" end _
  for _ in $(seq 100); do
    proxy=$(sed -n "s/^listening [^ ]* \($VICTIM:[0-9]*\)$/\1/p" "$1" 2>/dev/null | head -1)
    [[ -n "$proxy" ]] && break; sleep 0.05
  done
  [[ -n "$proxy" ]] || die "the us-east agent did not say where it listens for $VICTIM"
  end=$(( $(now_ms) + 900000 ))
  ( while (( $(now_ms) < end )); do curl -s -o /dev/null -m 1 "http://$proxy/" || true; sleep 0.02; done ) &
  SYS_PIDS+=($!); pids+=($!)
  SETTINGS+="; + a request every 20 ms through the agent ($proxy)"
}
stop_system() {
  local p keep=()
  for p in "${SYS_PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do [[ " ${SYS_PIDS[*]} " == *" $p "* ]] || keep+=("$p"); done
  pids=("${keep[@]}"); SYS_PIDS=()
}
start_system() { # system
  case "$1" in
    pdns) start_pdns ;;
    gdnsd) start_gdnsd ;;
    meridian-pdns) start_meridian 1000ms 1000ms 1 1 ;;
    meridian-gdnsd) start_meridian 2000ms 1000ms 1 1 ;;
    meridian-own) read -r -a own <<<"$MERIDIAN_OWN"; start_meridian "${own[@]}" ;;
    *) die "unknown system '$1' (pdns, gdnsd, meridian-pdns, meridian-gdnsd, meridian-own)" ;;
  esac
}

# ------------------------------------------------------------------ trials ---
declare -A DEATH RESTART SET
# A random pause: exclusion and readmission happen just after a check, so fixed pauses would
# kill or restart the backend at the same point of every check interval.
random_phase() { sleep "$(awk -v j="$JITTER" -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", rand() * j }')"; }
show() { case $1 in timeout | -1) echo "not within $TIMEOUT s" ;; *) echo "$1 ms" ;; esac; }
for sys in $SYSTEMS; do
  start_system "$sys"
  SET[$sys]=$SETTINGS
  log "$sys: $SETTINGS; DNS on ${PORTS[*]}"
  # Ready: every node answers the victim (PowerDNS's first answers count every address down).
  read -r ready _ < <(poll_until "$(now_ms)" included "$CONVERGE" "${PORTS[@]}")
  [[ "$ready" != timeout ]] || die "$sys does not answer $VICTIM on every node within $CONVERGE s"
  sleep 2
  for trial in $(seq "$TRIALS"); do
    random_phase
    t0=$(now_ms)
    kill -9 "${BPID[$VICTIM]}"
    read -r ms per_node < <(poll_until "$t0" excluded "$TIMEOUT" "${PORTS[@]}")
    { wait "${BPID[$VICTIM]}" || true; } 2>/dev/null
    DEATH[$sys]+="$ms "
    sleep "$SETTLE"
    random_phase
    backend "$VICTIM"
    wait_http "$VICTIM" "$CHECK_PORT"
    t0=$(now_ms)
    read -r back per_node2 < <(poll_until "$t0" included "$TIMEOUT" "${PORTS[@]}")
    RESTART[$sys]+="$back "
    log "$sys trial $trial: excluded after $(show "$ms") (per node: $per_node), readmitted after $(show "$back") (per node: $per_node2)"
    # Next trial from a steady state: the backend answering, every node including it.
    sleep "$SETTLE"
  done
  stop_system
done

# ------------------------------------------------------------------ report ---
# stats VALUES: "median p90 max" (nearest rank; a timeout counts as infinite).
stats() {
  tr ' ' '\n' <<<"$1" | sed '/^$/d; s/^timeout$/999999999/' | sort -n | awk '
    { v[NR] = $1 }
    function rank(p) { i = int(p * NR + 0.999999); return v[i < 1 ? 1 : i] }
    function show(x) { return x >= 999999999 ? "timeout" : x }
    END { print show(rank(0.5)), show(rank(0.9)), show(v[NR]) }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
declare -A MED
echo "## Failover: Meridian, gdnsd and PowerDNS ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $TRIALS trials each)"
echo
echo "One endpoint ($VICTIM, us-east) loses its only backend (SIGKILL), then it is restarted. Times from the kill until no DNS node answers the address, and from the restarted backend's first /healthz answer until every node answers the address again; dig every ~20 ms. Versions: gdnsd $({ gdnsd -h 2>&1 || true; } | awk '/version/ { print $NF; exit }'), PowerDNS $({ pdns_server --version 2>&1 || true; } | sed -n 's/.*Server \([0-9.]*\).*/\1/p' | head -1), Meridian $MERIDIAN_BIN."
echo
echo "| system | settings | death → excluded, ms (median / p90 / max) | restart → readmitted, ms (median / p90 / max) |"
echo "|---|---|---:|---:|"
for sys in $SYSTEMS; do
  read -r dm dp dx < <(stats "${DEATH[$sys]}")
  read -r rm rp rx < <(stats "${RESTART[$sys]}")
  MED[$sys.d]=$dm; MED[$sys.r]=$rm
  echo "| $sys | ${SET[$sys]} | $dm / $dp / $dx | $rm / $rp / $rx |"
done
echo
echo "| ratio (medians) | death → excluded | restart → readmitted | target |"
echo "|---|---:|---:|---:|"
for pair in "meridian-own pdns 0.5" "meridian-pdns pdns 0.5" "meridian-own gdnsd 0.2" "meridian-gdnsd gdnsd 0.2"; do
  read -r m a target <<<"$pair"
  [[ " $SYSTEMS " == *" $m "* && " $SYSTEMS " == *" $a "* ]] || continue
  echo "| $m / $a | $(ratio "${MED[$m.d]}" "${MED[$a.d]}") | $(ratio "${MED[$m.r]}" "${MED[$a.r]}") | ≤ $target |"
done
echo
echo "Per trial (ms): $(for sys in $SYSTEMS; do printf '%s: excluded %s/ readmitted %s; ' "$sys" "${DEATH[$sys]}" "${RESTART[$sys]}"; done)"
