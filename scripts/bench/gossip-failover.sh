#!/usr/bin/env bash
# Failover through gossip on loopback: 3 DNS nodes (serve --gossip, nodes 2 and 3 join node 1),
# one region agent per region (joining node 1) over `meridian backend` processes, one key from
# `meridian keygen`; health checks every 250 ms, timeout 200 ms, rise 2, fall 2. Each trial:
#   backend death: kill -9 both backends of us-east's use-www-a, then dig all three nodes every
#     20 ms (+subnet=10.1.0.0/16) until none answers 127.0.0.11; ms from the kill to the last node.
#     The backends are restarted on their ports and the script waits until .11 is back everywhere.
#   agent death: kill -9 the us-east agent, then poll until every node answers 10.1.0.0/16
#     clients without any us-east address; ms from the kill to the last node. The agent is
#     restarted (same command) and the script waits until us-east is answered everywhere again.
# Prints each trial, then median, p90, p99 and max per scenario against the targets (backend
# death < 1 s p99, agent death < 3 s p99; with fewer than 100 trials p99 is the max).
#
# Usage: scripts/bench/gossip-failover.sh [TRIALS=10] [TIMEOUT=15]   (MERIDIAN_BIN=... skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { echo "[gossip-failover] $*" >&2; }
die() { log "$*"; for f in "$tmp"/*.err; do echo "== $f" >&2; tail -5 "$f" >&2; done; exit 1; }
source scripts/bench/lib.sh
for arg in "$@"; do [[ -n "$arg" && "$arg" == *=* ]] && export "${arg?}"; done
TRIALS=${TRIALS:-10}
TIMEOUT=${TIMEOUT:-15}          # seconds: one failover or recovery wait, at most
CONVERGE=${CONVERGE:-90}        # seconds: the cluster forming at startup, at most
command -v dig >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsutils; }
ensure_meridian_bin
scratch_dir
trap 'log "interrupted"; exit 130' INT TERM

# Backends: two for use-www-a (the ones killed), one per other region's endpoints.
declare -A BPORT BPID
backend() { # name [port]
  local name=$1 port=${2:-$(free_port)}
  start_backend "$MERIDIAN_BIN" 127.0.0.1 "$port" "$name" "$tmp/backend-$name.err"
  BPID[$name]=$LAST_PID; BPORT[$name]=$port; pids+=("$LAST_PID")
}
for b in use-a1 use-a2 use euw aps; do backend "$b"; done
for b in use-a1 use-a2 use euw aps; do wait_http 127.0.0.1 "${BPORT[$b]}"; done

# The three regions as in regions/, on free ports and over the backends above.
mkdir -p "$tmp/regions"
health='{ path: /healthz, interval: 250ms, timeout: 200ms, rise: 2, fall: 2 }'
endpoint() { # name address weight backend...
  local name=$1 address=$2 weight=$3 b urls=(); shift 3
  for b in "$@"; do urls+=("http://127.0.0.1:${BPORT[$b]}"); done
  meridian_endpoint "$name" "$address" "$weight" "$health" "${urls[@]}"
}
region() { meridian_region "$@"; }
{ region us-east 39.04 -77.49 10.1.0.0/16
  endpoint use-www-a 127.0.0.11 2 use-a1 use-a2
  endpoint use-www-b 127.0.0.12 1 use
  endpoint use-www-v6 '"::1"' 1 use; } >"$tmp/regions/us-east.yaml"
{ region eu-west 53.35 -6.26 10.2.0.0/16
  endpoint euw-www-a 127.0.0.21 1 euw
  endpoint euw-www-b 127.0.0.22 1 euw; } >"$tmp/regions/eu-west.yaml"
{ region ap-south 19.08 72.88 10.3.0.0/16
  endpoint aps-www-a 127.0.0.31 1 aps; } >"$tmp/regions/ap-south.yaml"
"$MERIDIAN_BIN" check --zones zones --regions "$tmp/regions" >&2 || die "the generated regions do not check"

"$MERIDIAN_BIN" keygen --out "$tmp/gossip.key"
meridian_dns_nodes "$MERIDIAN_BIN" 3 "$tmp/regions" "$tmp/gossip.key" "$tmp"
dns=("${DNS_PORTS[@]}"); admin=("${ADMINS[@]}")
declare -A APID
start_agent() {
  meridian_agent "$MERIDIAN_BIN" "$tmp/regions/$1.yaml" "$tmp/gossip.key" "$tmp/agent-$1"
  APID[$1]=$LAST_PID
}
for r in us-east eu-west ap-south; do start_agent "$r"; done

# A-records node i answers to a us-east client (empty on a timeout).
DIG_ARGS=(+subnet=10.1.0.0/16)
answer() { dns_answer "${dns[$1]}"; }
# Members every node sees alive with a report (JSON through python3).
alive_everywhere() {
  for a in "${admin[@]}"; do
    curl -s -m 2 "http://$a/v1/members" | python3 -c '
import json, sys
m = json.load(sys.stdin)["members"]
ok = len(m) == 6 and all(x["status"] == "alive" for x in m) and sum(1 for x in m if x["role"] == "agent" and "report" in x) == 3
sys.exit(0 if ok else 1)' 2>/dev/null || return 1
  done
}
# Polls the three nodes every 20 ms until `predicate NODE-ANSWER` holds on all: "ms n1 n2 n3".
poll() { poll_until "$1" "$2" "$TIMEOUT" "${dns[@]}"; }
no_a() { [[ -n "$1" && "$1" != *"127.0.0.11 "* ]]; }
with_a() { [[ "$1" == *"127.0.0.11 "* ]]; }
no_us_east() { [[ -n "$1" && "$1" != *"127.0.0.11 "* && "$1" != *"127.0.0.12 "* ]]; }
us_east() { [[ "$1" == "127.0.0.11 127.0.0.12 " ]]; }

started=$(now_ms)
formed=""
while (( $(now_ms) - started < CONVERGE * 1000 )); do alive_everywhere && { formed=$(( $(now_ms) - started )); break; }; sleep 0.2; done
if [[ -z "$formed" ]]; then
  # Measured anyway: a node that never learned of an agent cannot fail its region over.
  echo "WARNING: the cluster did not form (6 members alive with 3 reports on every node) in $CONVERGE s; measuring anyway"
  for i in 0 1 2; do echo "node $((i + 1)) sees:"; "$MERIDIAN_BIN" members --admin "${admin[$i]}" | sed 's/^/    /' || true; done
  formed="not within $CONVERGE s"
else
  formed="$formed ms"
fi
log "cluster formed: $formed"
read -r ready _ < <(poll "$(now_ms)" us_east)
[[ "$ready" != timeout ]] || die "us-east clients are not answered with 127.0.0.11 and .12 everywhere"

# After a timeout: how each node sees the us-east agent, and what it answers.
views() {
  for i in 0 1 2; do
    printf '    node %d answers [%s], sees ' $((i + 1)) "$(answer "$i")"
    curl -s -m 2 "http://${admin[$i]}/v1/members" | python3 -c '
import json, sys
m = {x["name"]: x for x in json.load(sys.stdin)["members"]}.get("agent-us-east")
r = (m or {}).get("report", {})
print("agent-us-east", m and m["status"], "incarnation", m and m["incarnation"], "report", r.get("version"),
      " ".join("%s=%s" % (e["name"], "up" if e["up"] else "down") for e in r.get("endpoints", [])))' || echo "(no members)"
  done
}
# A poll result for people: milliseconds, or how long it was not seen for.
show() { case $1 in timeout | -1) echo "not within $TIMEOUT s" ;; *) echo "$1 ms" ;; esac; }
declare -a BACKEND AGENT
for trial in $(seq "$TRIALS"); do
  # (i) backend death
  t0=$(now_ms)
  kill -9 "${BPID[use-a1]}" "${BPID[use-a2]}"
  read -r ms n1 n2 n3 < <(poll "$t0" no_a)
  wait "${BPID[use-a1]}" "${BPID[use-a2]}" 2>/dev/null || true
  BACKEND+=("$ms")
  echo "trial $trial backend death: $(show "$ms") (node 1: $(show "$n1"), node 2: $(show "$n2"), node 3: $(show "$n3"))"
  [[ "$ms" == timeout ]] && views
  backend use-a1 "${BPORT[use-a1]}"; backend use-a2 "${BPORT[use-a2]}"
  read -r back _ < <(poll "$(now_ms)" with_a)
  [[ "$back" != timeout ]] || die "use-www-a did not come back after its backends restarted"
  sleep 1
  # (ii) agent death
  t0=$(now_ms)
  kill -9 "${APID[us-east]}"
  read -r ms n1 n2 n3 < <(poll "$t0" no_us_east)
  wait "${APID[us-east]}" 2>/dev/null || true
  AGENT+=("$ms")
  echo "trial $trial agent death:   $(show "$ms") (node 1: $(show "$n1"), node 2: $(show "$n2"), node 3: $(show "$n3"))"
  [[ "$ms" == timeout ]] && views
  start_agent us-east
  read -r back _ < <(poll "$(now_ms)" us_east)
  [[ "$back" != timeout ]] || die "us-east did not come back after the agent restarted"
  log "trial $trial: backends back after restart, agent rejoined and answered in $back ms"
  sleep 1
done

# Nearest-rank percentiles; a trial that timed out counts as infinite.
stats() { # target-ms values...
  local target=$1; shift
  printf '%s\n' "$@" | sed 's/^timeout$/999999999/' | sort -n | awk -v target="$target" -v limit="$TIMEOUT" '
    { v[NR] = $1 }
    function rank(p) { i = int(p * NR + 0.999999); return v[i < 1 ? 1 : i] }
    function show(x) { return x >= 999999999 ? "> " limit " s" : x " ms" }
    END { p99 = rank(0.99); printf "| %s | %s | %s | %s | %d | < %d ms | %s |\n", show(rank(0.5)), show(rank(0.9)), show(p99), show(v[NR]), NR, target, p99 < target ? "PASS" : "MISS" }'
}
echo
echo "| scenario | median | p90 | p99 | max | trials | target (p99) | result |"
echo "|---|---:|---:|---:|---:|---:|---|---|"
echo "| backend death (250 ms × fall 2) $(stats 1000 "${BACKEND[@]}")"
echo "| agent death $(stats 3000 "${AGENT[@]}")"
echo
echo "cluster formed (6 members alive with reports on every node): $formed after the agents started"
