#!/usr/bin/env bash
# scripts/bench/dns.sh: compare Meridian with NSD, Knot, gdnsd and PowerDNS on the same zones, on
# loopback: static zone data on all five, and a dynamic (health-checked, weighted) name on the
# three that have one.
#
# Usage:
#   scripts/bench/dns.sh [-h] [VAR=value ...]
#
# Settings come from the environment or from VAR=value arguments (same names):
#   KIND=static       static: the query list over zone data, on every server in SERVERS.
#                     dynamic: `www.example.com A` only, on gdnsd (metafo over a weighted set
#                     per region, http_status checks), PowerDNS (a LUA record: ifurlup over
#                     one set per region, then pickwrandom by weight) and Meridian (steered
#                     from REGIONS_DIR); NSD and Knot have no dynamic names and sit it out.
#                     The endpoints are REGIONS_DIR's IPv4 ones, in the failover order of
#                     ZONES_DIR/example.com.services.yaml; a `meridian backend` answers
#                     /healthz on each address (port CHECK_PORT) for gdnsd's and PowerDNS's
#                     checks. both: static, then dynamic (servers restarted in between).
#   CHECK_INTERVAL=2  seconds between gdnsd's and PowerDNS's health checks of each endpoint
#                     (gdnsd's minimum is 2 s; PowerDNS lua-health-checks-interval)
#   REGIONS_DIR=<repo>/regions   region files for the dynamic name
#   ROUNDS=3          measured rounds; each round runs every server once (the order
#                     alternates between rounds)
#   DURATION=10       seconds per dnsperf run (dnsperf -l)
#   WARMUP=2          seconds of unmeasured load per server before round 1 (0 = none)
#   QPS=200000        dnsperf -Q rate cap (0 = uncapped)
#   CLIENTS=4         dnsperf -c (client sockets / TCP connections)
#   CLIENT_THREADS=1  dnsperf -T
#   OUTSTANDING=100   dnsperf -q (max queries in flight)
#   TIMEOUT=2         dnsperf -t (seconds before a query counts as lost)
#   THREADS=1         server threads: Meridian gets --threads N, NSD server-count: N,
#                     Knot N UDP and N TCP workers, gdnsd N UDP and N TCP threads, PowerDNS
#                     N receiver threads (and 1 distributor). THREADS=auto: Meridian without
#                     --threads (all cores), the others = number of CPUs.
#   PIN=auto          taskset: dnsperf on CPU 0, servers on CPUs 1..n-1. auto = pin when
#                     the machine has >= 2 CPUs and THREADS <= CPUs-1; 1 = always; 0 = never
#   TCP=0             1 = queries over TCP (dnsperf -m tcp)
#   ECS=0             1 = add an EDNS Client Subnet option to every query (dnsperf -E 8:<hex>)
#   ECS_SUBNET=192.0.2.0/24   IPv4 subnet put in the ECS option
#   ECS_HEX=          raw option value (hex), overrides ECS_SUBNET (e.g. for IPv6)
#   EDNS=0            1 = send EDNS0 (dnsperf -e) even without ECS
#   P99=auto          auto: p99 from `dnsperf -O latency-histogram` when this dnsperf has
#                     it, otherwise average latency only; verbose: p99 from dnsperf -v
#                     per-query lines (this dnsperf, any version); 0: average only
#   SERVERS="nsd knot gdnsd pdns meridian"   which servers to run (any of them)
#   ZONES_DIR=<repo>/zones    directory of *.zone files; origin = file name minus .zone
#   QUERIES=          dnsperf query file ("name type" lines) for KIND=static. Default:
#                     scripts/bench/queries-example.txt when ZONES_DIR has
#                     example.com.zone, otherwise generated from the zones (QUERIES=auto
#                     forces generation: every owner/type in the files plus NXDOMAIN
#                     probes; names inside $INCLUDEd files are not followed)
#   MERIDIAN_BIN=     use this meridian binary instead of building one
#   BUILD_TIMEOUT=1800  seconds allowed for `swift build -c release --product meridian`
#   READY_TIMEOUT=10  seconds a server has to answer dig after start
#   OUT=              also write the markdown report to this file
#   KEEP_TMP=0        1 = keep the temp dir (configs, logs, raw dnsperf output)
#   STEERING=1        Meridian against itself instead: steered www.example.com against static
#                     status.example.com (runs scripts/bench/steering.sh with the same
#                     ROUNDS/DURATION)
#
# stdout gets only the markdown report; progress and errors go to stderr.
# Every process the script starts is stopped by PID on exit (also on Ctrl-C/TERM).
#
# Examples:
#   scripts/bench/dns.sh
#   scripts/bench/dns.sh ROUNDS=5 DURATION=20 TCP=1
#   scripts/bench/dns.sh KIND=both ECS=1
#   ECS=1 THREADS=auto PIN=0 scripts/bench/dns.sh
#   SERVERS=nsd ZONES_DIR=/tmp/zones scripts/bench/dns.sh
set -euo pipefail

ORIG_PWD="$PWD"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
cd "$REPO_ROOT"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export LC_ALL=C

for arg in "$@"; do
  if [[ "$arg" == STEERING=1 || "${STEERING:-0}" == 1 ]]; then
    exec "$SCRIPT_DIR/steering.sh" "${@/STEERING=1/}"
  fi
done
[[ "${STEERING:-0}" == 1 ]] && exec "$SCRIPT_DIR/steering.sh" "$@"

usage() { sed -n '2,/^set -euo pipefail/{/^#/{s/^# \{0,1\}//;p}}' "${BASH_SOURCE[0]}"; }

for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        [A-Z_]*=*) export "${arg?}" ;;
        *) echo "unknown argument: $arg (try -h)" >&2; exit 2 ;;
    esac
done

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
QPS="${QPS:-200000}"
CLIENTS="${CLIENTS:-4}"
CLIENT_THREADS="${CLIENT_THREADS:-1}"
OUTSTANDING="${OUTSTANDING:-100}"
TIMEOUT="${TIMEOUT:-2}"
THREADS="${THREADS:-1}"
PIN="${PIN:-auto}"
TCP="${TCP:-0}"
ECS="${ECS:-0}"
ECS_SUBNET="${ECS_SUBNET:-192.0.2.0/24}"
ECS_HEX="${ECS_HEX:-}"
EDNS="${EDNS:-0}"
P99="${P99:-auto}"
SERVERS="${SERVERS:-nsd knot gdnsd pdns meridian}"
KIND="${KIND:-static}"
CHECK_INTERVAL="${CHECK_INTERVAL:-2}"
REGIONS_DIR="${REGIONS_DIR:-$REPO_ROOT/regions}"
ZONES_DIR="${ZONES_DIR:-$REPO_ROOT/zones}"
QUERIES="${QUERIES:-}"
MERIDIAN_BIN="${MERIDIAN_BIN:-}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1800}"
READY_TIMEOUT="${READY_TIMEOUT:-10}"
OUT="${OUT:-}"
KEEP_TMP="${KEEP_TMP:-0}"

# Paths given relative to where the script was started from, not the repo root.
abspath() { case "$1" in ""|/*|auto) printf '%s' "$1" ;; *) printf '%s/%s' "$ORIG_PWD" "$1" ;; esac; }
ZONES_DIR="$(abspath "$ZONES_DIR")"
REGIONS_DIR="$(abspath "$REGIONS_DIR")"
QUERIES="$(abspath "$QUERIES")"
MERIDIAN_BIN="$(abspath "$MERIDIAN_BIN")"
OUT="$(abspath "$OUT")"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=scripts/bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
for v in ROUNDS DURATION WARMUP QPS CLIENTS CLIENT_THREADS OUTSTANDING TIMEOUT BUILD_TIMEOUT READY_TIMEOUT CHECK_INTERVAL; do
    is_uint "${!v}" || die "$v must be a non-negative integer (got '${!v}')"
done
(( ROUNDS >= 1 )) || die "ROUNDS must be >= 1"
(( DURATION >= 1 )) || die "DURATION must be >= 1"
(( CLIENTS >= 1 && CLIENT_THREADS >= 1 && OUTSTANDING >= 1 && TIMEOUT >= 1 )) \
    || die "CLIENTS, CLIENT_THREADS, OUTSTANDING and TIMEOUT must be >= 1"
[[ "$THREADS" == auto || "$THREADS" == 0 ]] && THREADS=auto
[[ "$THREADS" == auto ]] || { is_uint "$THREADS" && (( THREADS >= 1 )); } \
    || die "THREADS must be a positive integer or 'auto' (got '$THREADS')"
[[ "$PIN" =~ ^(auto|0|1)$ ]] || die "PIN must be auto, 0 or 1"
[[ "$TCP" =~ ^[01]$ && "$ECS" =~ ^[01]$ && "$EDNS" =~ ^[01]$ ]] || die "TCP, ECS and EDNS must be 0 or 1"
[[ "$P99" =~ ^(auto|verbose|0)$ ]] || die "P99 must be auto, verbose or 0"
read -r -a SERVER_LIST <<<"$SERVERS"
(( ${#SERVER_LIST[@]} >= 1 )) || die "SERVERS is empty"
for s in "${SERVER_LIST[@]}"; do
    [[ " nsd knot gdnsd pdns meridian " == *" $s "* ]] || die "unknown server '$s' in SERVERS (nsd, knot, gdnsd, pdns, meridian)"
done
want() { [[ " ${SERVER_LIST[*]} " == *" $1 "* ]]; }
case "$KIND" in
    static|dynamic) KINDS=("$KIND") ;;
    both) KINDS=(static dynamic) ;;
    *) die "KIND must be static, dynamic or both (got '$KIND')" ;;
esac
(( CHECK_INTERVAL >= 2 )) || die "CHECK_INTERVAL must be >= 2 (gdnsd's minimum)"
# Servers that run a kind: all of SERVERS for static names, those with dynamic names otherwise.
servers_for() { # kind
    local s
    for s in "${SERVER_LIST[@]}"; do
        [[ "$1" == static || " gdnsd pdns meridian " == *" $s "* ]] && printf '%s ' "$s"
    done
}
wants_dynamic() { [[ " ${KINDS[*]} " == *" dynamic "* && -n "$(servers_for dynamic)" ]]; }
# Display names.
declare -A NAME=([nsd]=NSD [knot]=Knot [gdnsd]=gdnsd [pdns]=PowerDNS [meridian]=Meridian)


# ---------------------------------------------------------------- cleanup ---
TMP=""
MERIDIAN_DESC=""
SERVER_PIDS=()   # PIDs of the servers we started (process-tree roots)
CLIENT_PID=""    # running dnsperf, if any

# "pid starttime" for a process and all its descendants (starttime guards against
# PID reuse when we come back to kill stragglers; zombies count as gone).
proc_tree() {
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v root="$1" '
        { pid = $1; s = $0; sub(/^.*\) /, "", s); split(s, f, " ")
          ppid[pid] = f[2]; start[pid] = f[20] }
        END {
            if (!(root in ppid)) exit
            q[1] = root; n = 1; seen[root] = 1
            for (i = 1; i <= n; i++) {
                p = q[i]; print p, start[p]
                for (c in ppid) if (ppid[c] == p && !(c in seen)) { seen[c] = 1; q[++n] = c }
            }
        }'
}

proc_alive_same() { # pid starttime
    local st
    st="$(awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); if (f[1] != "Z") print f[20] }' "/proc/$1/stat" 2>/dev/null || true)"
    [[ -n "$st" && "$st" == "$2" ]]
}

stop_tree() {
    local root="$1" tree i pid st
    tree="$(proc_tree "$root")"
    kill -TERM "$root" 2>/dev/null || true
    for (( i = 0; i < 50; i++ )); do
        kill -0 "$root" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$root" 2>/dev/null || true
    wait "$root" 2>/dev/null || true
    # Children of the root (NSD's server/xfrd processes) normally exit with it.
    while read -r pid st; do
        [[ -n "$pid" && "$pid" != "$root" ]] || continue
        for (( i = 0; i < 30; i++ )); do
            proc_alive_same "$pid" "$st" || break
            sleep 0.1
        done
        if proc_alive_same "$pid" "$st"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done <<<"$tree"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$CLIENT_PID" ]]; then
        kill -TERM "$CLIENT_PID" 2>/dev/null || true
        wait "$CLIENT_PID" 2>/dev/null || true
    fi
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        stop_tree "$pid"
    done
    if [[ -n "$TMP" && -d "$TMP" ]]; then
        if [[ "$KEEP_TMP" == 1 ]]; then
            log "kept temp dir $TMP"
        else
            rm -rf "$TMP"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted, stopping everything"; exit 130' INT
trap 'log "terminated, stopping everything"; exit 143' TERM

# ------------------------------------------------------------------ tools ---
ensure_tools() {
    local need=(dnsperf:dnsperf dig:bind9-dnsutils ss:iproute2)
    want nsd && need+=(nsd:nsd nsd-checkconf:nsd nsd-checkzone:nsd)
    want knot && need+=(knotd:knot knotc:knot)
    want gdnsd && need+=(gdnsd:gdnsd)
    want pdns && need+=(pdns_server:pdns-server pdns-backend-bind:pdns-backend-bind)
    wants_dynamic && need+=(curl:curl python3:python3)
    apt_install_missing "${need[@]}"
    local t
    for t in dnsperf dig ss taskset timeout getconf awk sort "${need[@]%%:*}"; do
        [[ "$t" == pdns-backend-bind ]] && continue
        command -v "$t" >/dev/null 2>&1 || die "required command '$t' not found (is its package installed with the command off PATH?)"
    done
}

# ---------------------------------------------------------------- helpers ---
NCPU="$(getconf _NPROCESSORS_ONLN)"
CLK_TCK="$(getconf CLK_TCK)"

# CPU ticks (utime+stime, plus cutime+cstime of reaped children) of a process tree.
cpu_ticks() {
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v root="$1" '
        { pid = $1; s = $0; sub(/^.*\) /, "", s); split(s, f, " ")
          # f[k] is field k+2 of /proc/PID/stat: utime 14, stime 15, cutime 16, cstime 17
          ppid[pid] = f[2]; t[pid] = f[12] + f[13] + f[14] + f[15] }
        END {
            if (!(root in t)) { print -1; exit }
            q[1] = root; n = 1; seen[root] = 1; sum = 0
            for (i = 1; i <= n; i++) {
                p = q[i]; sum += t[p]
                for (c in ppid) if (ppid[c] == p && !(c in seen)) { seen[c] = 1; q[++n] = c }
            }
            print sum
        }'
}

USED_PORTS=" "
pick_port() {
    local lo _hi p i
    read -r lo _hi </proc/sys/net/ipv4/ip_local_port_range || lo=32768
    # Stay below the ephemeral range so dnsperf's own sockets can never take the port.
    (( lo > 11000 )) || lo=61000
    for (( i = 0; i < 200; i++ )); do
        p=$(( 10000 + (RANDOM * 32768 + RANDOM) % (lo - 10000) ))
        [[ "$USED_PORTS" == *" $p "* ]] && continue
        if [[ -z "$(ss -Hlnu "sport = :$p" 2>/dev/null)" && -z "$(ss -Hlnt "sport = :$p" 2>/dev/null)" ]]; then
            USED_PORTS+="$p "
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

ecs_hex_from_subnet() { # a.b.c.d/len -> ECS option payload (RFC 7871), hex
    local net="${1%/*}" len="${1#*/}" a b c d i v nbytes
    if ! [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$ ]] || (( len > 32 )); then
        die "ECS_SUBNET must be a.b.c.d/len (use ECS_HEX for anything else)"
    fi
    IFS=. read -r a b c d <<<"$net"
    local bytes=("$a" "$b" "$c" "$d")
    nbytes=$(( (len + 7) / 8 ))
    printf '0001%02x00' "$len"
    for (( i = 0; i < nbytes; i++ )); do
        v=${bytes[i]}
        if (( i == nbytes - 1 && len % 8 != 0 )); then
            v=$(( v & (0xff << (8 - len % 8)) & 0xff ))
        fi
        printf '%02x' "$v"
    done
}

# Query list from zone files: every (owner, type) present, plus NXDOMAIN probes.
generate_queries() {
    local f origin
    for f in "$ZONES_DIR"/*.zone; do
        origin="$(basename "$f" .zone)"
        awk -v origin="${origin%.}." '
            function strip(line,   out, i, c, q) {   # drop comments and quoted text
                out = ""; q = 0
                for (i = 1; i <= length(line); i++) {
                    c = substr(line, i, 1)
                    if (q && c == "\\") { i++; continue }
                    if (c == "\"") { q = !q; if (q) out = out "\"\""; continue }
                    if (q) continue
                    if (c == ";") break
                    out = out c
                }
                return out
            }
            function absname(n) {
                if (n == "@") return origin
                if (n ~ /\.$/) return n
                return n "." origin
            }
            BEGIN {
                classes["IN"]; classes["CH"]; classes["HS"]; classes["CS"]
                owner = origin; zorigin = origin; buf = ""; depth = 0
            }
            {
                line = strip($0)
                # join parenthesised continuations
                tmp = line; opens = gsub(/\(/, "", tmp); tmp = line; closes = gsub(/\)/, "", tmp)
                if (depth > 0) { buf = buf " " line; depth += opens - closes; if (depth > 0) next; line = buf }
                else if (opens > closes) { buf = line; depth = opens - closes; next }
                gsub(/[()]/, " ", line)
                if (line ~ /^[ \t]*$/) next
                if (line ~ /^\$ORIGIN[ \t]/) { split(line, d, /[ \t]+/); origin = absname(d[2]); next }
                if (line ~ /^\$/) next
                n = split(line, w, /[ \t]+/)
                i = 1
                if (line ~ /^[ \t]/) { i = 2 }            # blank owner: previous one
                else { owner = absname(w[1]); i = 2 }
                for (; i <= n; i++) {
                    u = toupper(w[i])
                    if (u == "" || u ~ /^[0-9]+[SMHDW]?$/ || (u in classes)) continue
                    break
                }
                if (i > n) next
                type = toupper(w[i])
                if (type !~ /^[A-Z][A-Z0-9]*$/ || type ~ /^(RRSIG|NSEC|NSEC3|NSEC3PARAM|TYPE[0-9]+)$/) next
                name = owner
                gsub(/\*/, "wildcard-probe", name)
                key = tolower(name) " " type
                if (!(key in seen)) { seen[key] = 1; order[++cnt] = name " " type }
            }
            END {
                for (k = 1; k <= cnt; k++) { out = order[k]; sub(/\. /, " ", out); print out }
                nx = int(cnt / 5); if (nx < 2) nx = 2
                o = zorigin; sub(/\.$/, "", o)
                for (k = 1; k <= nx; k++) print "nxdomain-probe-" k "." o " " (k % 2 ? "A" : "AAAA")
            }' "$f"
    done
}

# "STATUS FLAGS" from a dig answer, e.g. "NOERROR qr aa", or "NOANSWER".
dig_status() { # port name type [extra dig args]
    local port="$1" name="$2" type="$3"; shift 3
    local out
    out="$(dig @127.0.0.1 -p "$port" +norec +time=1 +tries=1 +noall +comments "$@" "$name" "$type" 2>/dev/null || true)"
    local st fl
    st="$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -n1)"
    fl="$(sed -n 's/.*flags: \([a-z ]*\);.*/\1/p' <<<"$out" | head -n1)"
    [[ -n "$st" ]] && echo "$st $fl" || echo "NOANSWER"
}

declare -A PORT PID LOGF START_T READY_S

now_s() { date +%s.%N; }

# Proportional set size (kB) of a process tree: shared pages (NSD's forked servers) count
# once in total, not once per process.
tree_pss_kb() {
    local pid total=0 kb
    while read -r pid _; do
        [[ -n "$pid" ]] || continue
        kb="$(awk '/^Pss:/ { print $2; exit }' "/proc/$pid/smaps_rollup" 2>/dev/null || true)"
        total=$(( total + ${kb:-0} ))
    done < <(proc_tree "$1")
    echo "$total"
}
FIRST_ORIGIN=""

wait_ready() { # server
    local s="$1" deadline st
    deadline=$(( SECONDS + READY_TIMEOUT ))
    while :; do
        if ! kill -0 "${PID[$s]}" 2>/dev/null; then
            local rc=0
            wait "${PID[$s]}" || rc=$?
            log "$s exited during startup (exit status $rc); last lines of ${LOGF[$s]}:"
            tail -n 30 "${LOGF[$s]}" >&2 || true
            die "$s did not start"
        fi
        st="$(dig_status "${PORT[$s]}" "$FIRST_ORIGIN" SOA)"
        if [[ "$st" == "NOERROR "*" aa"* || "$st" == "NOERROR aa"* ]]; then
            [[ "$TCP" == 1 ]] && st="$(dig_status "${PORT[$s]}" "$FIRST_ORIGIN" SOA +tcp)"
            if [[ "$TCP" != 1 || "$st" == NOERROR* ]]; then
                READY_S[$CUR_KIND.$s]="$(awk -v a="${START_T[$s]}" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }')"
                return 0
            fi
        fi
        if (( SECONDS >= deadline )); then
            log "$s does not answer '$FIRST_ORIGIN SOA' authoritatively on 127.0.0.1:${PORT[$s]} after ${READY_TIMEOUT}s (last: $st); last lines of ${LOGF[$s]}:"
            tail -n 30 "${LOGF[$s]}" >&2 || true
            die "$s not ready"
        fi
        sleep 0.05
    done
}

# launch_server SERVER LOGFILE CMD...: starts CMD in the zones folder (relative $INCLUDEs
# resolve there), pinned, logging to LOGFILE, and waits until it answers.
launch_server() {
    local s="$1"
    LOGF[$s]="$2"
    shift 2
    : >>"${LOGF[$s]}"
    START_T[$s]="$(now_s)"
    (cd "$ZONES_DIR" && exec "${SERVER_PIN[@]}" "$@") </dev/null >>"${LOGF[$s]}" 2>&1 &
    PID[$s]=$!
    SERVER_PIDS+=("${PID[$s]}")
    wait_ready "$s"
    [[ "$CUR_KIND" == dynamic ]] && wait_dynamic_ready "$s"
    return 0
}

# stop_server SERVER: stops it and forgets its PID.
stop_server() {
    local pid="${PID[$1]}" keep=() p
    stop_tree "$pid"
    for p in "${SERVER_PIDS[@]}"; do [[ "$p" == "$pid" ]] || keep+=("$p"); done
    SERVER_PIDS=("${keep[@]}")
}

# Server threads for the reference servers.
server_count() { if [[ "$THREADS" == auto ]]; then echo "$NCPU"; else echo "$THREADS"; fi; }

start_nsd() {
    local d="$TMP/$CUR_KIND/nsd" f origin count
    mkdir -p "$d"
    PORT[nsd]="$(pick_port)"
    count="$(server_count)"
    nsd_config "$d" "${PORT[nsd]}" "$count" "$ZONES_DIR" >"$d/nsd.conf"
    nsd-checkconf "$d/nsd.conf" >&2 || die "nsd-checkconf rejected $d/nsd.conf"
    for f in "$ZONES_DIR"/*.zone; do
        origin="$(basename "$f" .zone)"
        # From inside the zones folder, like nsd (zonesdir), so relative $INCLUDEs resolve.
        (cd "$ZONES_DIR" && nsd-checkzone "$origin" "$(basename "$f")") >"$d/checkzone.log" 2>&1 || {
            cat "$d/checkzone.log" >&2; die "nsd-checkzone rejected $f"; }
    done
    # -d: stay in the foreground so $! is NSD's main process; it forks xfrd and the
    # server process(es), which cpu_ticks() counts as part of its tree.
    launch_server nsd "$d/nsd.log" nsd -d -c "$d/nsd.conf"
    log "nsd $(nsd -v 2>&1 | head -n1 | awk '{print $3}') ready on 127.0.0.1:${PORT[nsd]} (pid ${PID[nsd]}, server-count $count)"
}

start_knot() {
    local d="$TMP/$CUR_KIND/knot" f origin count
    mkdir -p "$d/db"
    PORT[knot]="$(pick_port)"
    count="$(server_count)"
    knot_config "$d" "${PORT[knot]}" "$count" "$ZONES_DIR" >"$d/knot.conf"
    knotc -c "$d/knot.conf" conf-check >&2 || die "knotc conf-check rejected $d/knot.conf"
    # Knot resolves a relative $INCLUDE from its working directory: the zones folder.
    launch_server knot "$d/knot.log" knotd -c "$d/knot.conf"
    log "knot $(knotd --version 2>&1 | awk '{print $NF}') ready on 127.0.0.1:${PORT[knot]} (pid ${PID[knot]}, $count UDP and $count TCP workers)"
}

build_meridian() {
    if [[ -n "$MERIDIAN_BIN" ]]; then
        [[ -x "$MERIDIAN_BIN" ]] || die "MERIDIAN_BIN=$MERIDIAN_BIN is not executable"
        MERIDIAN_DESC="$MERIDIAN_BIN"
        log "using MERIDIAN_BIN=$MERIDIAN_BIN (no build)"
        return 0
    fi
    command -v swift >/dev/null 2>&1 || die "swift not found on PATH (or set MERIDIAN_BIN)"
    log "building meridian (swift build -c release --product meridian; up to ${BUILD_TIMEOUT}s)"
    local blog="$TMP/build.log"
    if ! timeout "$BUILD_TIMEOUT" swift build -c release --product meridian >"$blog" 2>&1; then
        log "release build failed; last lines of the build output:"
        grep -E 'error:' "$blog" | head -n 20 >&2 || true
        echo "----" >&2
        tail -n 40 "$blog" >&2
        die "swift build -c release --product meridian failed"
    fi
    local bindir
    bindir="$(swift build -c release --show-bin-path 2>/dev/null)" || die "swift build --show-bin-path failed"
    MERIDIAN_BIN="$bindir/meridian"
    [[ -x "$MERIDIAN_BIN" ]] || die "build succeeded but $MERIDIAN_BIN is missing"
    MERIDIAN_DESC="release build of $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo 'uncommitted tree')"
    [[ -z "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no 2>/dev/null | head -n1)" ]] \
        || MERIDIAN_DESC+=" + local changes"
    log "built $MERIDIAN_BIN"
}

start_meridian() {
    local d="$TMP/$CUR_KIND/meridian" args
    mkdir -p "$d"
    PORT[meridian]="$(pick_port)"
    args=(serve --zones "$ZONES_DIR" --listen "127.0.0.1:${PORT[meridian]}")
    # Without agents, Meridian serves the configured endpoints as up.
    [[ "$CUR_KIND" == dynamic ]] && args+=(--regions "$REGIONS_DIR")
    [[ "$THREADS" == auto ]] || args+=(--threads "$THREADS")
    launch_server meridian "$d/meridian.log" "$MERIDIAN_BIN" "${args[@]}"
    log "meridian ready on 127.0.0.1:${PORT[meridian]} (pid ${PID[meridian]}, ${args[*]:4})"
}

# gdnsd 3 from a config folder: zones named by origin; for the dynamic kind `www` is a DYNA
# record over metafo (regions in failover order) of weighted sets, checked by http_status.
# Thresholds: up 1, ok 1, down 1 (no anti-flap; PowerDNS's checks have none either).
start_gdnsd() {
    local d="$TMP/$CUR_KIND/gdnsd" endpoints="" www="" count
    count="$(server_count)"
    PORT[gdnsd]="$(pick_port)"
    if [[ "$CUR_KIND" == dynamic ]]; then endpoints="$WWW_ENDPOINTS"; www='www 30 DYNA metafo!www'; fi
    gdnsd_config "$d" "127.0.0.1:${PORT[gdnsd]}" "$count" "${CHECK_PORT:-80}" "$CHECK_INTERVAL" 1 1 1 "$endpoints"
    gdnsd_zones "$d" "$ZONES_DIR" "$www"
    gdnsd -c "$d" checkconf >"$d/checkconf.log" 2>&1 || { tail -n 20 "$d/checkconf.log" >&2; die "gdnsd checkconf rejected $d"; }
    launch_server gdnsd "$d/gdnsd.log" gdnsd -c "$d" start
    log "gdnsd $(gdnsd_version) ready on 127.0.0.1:${PORT[gdnsd]} (pid ${PID[gdnsd]}, $count UDP and $count TCP threads)"
}

# PowerDNS Authoritative with the bind backend over copies of the zones; for the dynamic kind
# `www` is a LUA record (enable-lua-records=shared) checked every CHECK_INTERVAL seconds.
# The packet cache keeps its default (cache-ttl 20 s).
start_pdns() {
    local d="$TMP/$CUR_KIND/pdns" www="" count args
    count="$(server_count)"
    PORT[pdns]="$(pick_port)"
    [[ "$CUR_KIND" == dynamic ]] && www="$(pdns_www_record "$CHECK_PORT" weighted "$WWW_ENDPOINTS")"
    pdns_config "$d" "$ZONES_DIR" "$www"
    read -r -a args <<<"$(pdns_args "$d" 127.0.0.1 "${PORT[pdns]}" "$count" "$CHECK_INTERVAL")"
    (( count > 1 )) && args+=(--reuseport=yes)
    launch_server pdns "$d/pdns.log" pdns_server "${args[@]}"
    log "PowerDNS $(pdns_version) ready on 127.0.0.1:${PORT[pdns]} (pid ${PID[pdns]}, $count receiver thread(s))"
}
gdnsd_version() { { gdnsd -h 2>&1 || true; } | awk '/version/ { print $NF; exit }'; }
pdns_version() { { pdns_server --version 2>&1 || true; } | sed -n 's/.*Authoritative Server \([0-9.]*\).*/\1/p' | head -n1; }

# For the dynamic kind: until 5 answers in a row name only addresses of the first region
# (gdnsd's and PowerDNS's first checks have run; Meridian, which steers a client outside every
# region's networks to the region nearest its default location, any endpoint's), at most
# READY_TIMEOUT + 2 check intervals.
wait_dynamic_ready() { # server
    local s="$1" deadline ok=0 ans want="$FIRST_SET"
    [[ "$s" == meridian ]] && want="$(awk '{ printf "%s ", $2 }' <<<"$WWW_ENDPOINTS")"
    deadline=$(( SECONDS + READY_TIMEOUT + 2 * CHECK_INTERVAL ))
    while (( ok < 5 )); do
        ans="$(www_answer "$s")"
        if [[ -n "$ans" ]] && ! grep -qvxF -f <(tr ' ' '\n' <<<"$want" | sed '/^$/d') <<<"$ans"; then ok=$(( ok + 1 )); else ok=0; fi
        if (( SECONDS >= deadline )); then
            tail -n 30 "${LOGF[$s]}" >&2 || true
            die "$s does not answer www.example.com from $want after its checks (last: $(tr '\n' ' ' <<<"$ans"))"
        fi
        (( ok < 5 )) && sleep 0.1
    done
    READY_S[$CUR_KIND.$s]="$(awk -v a="${START_T[$s]}" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }')"
}
www_answer() { # server: the A records of www, one a line
    dig @127.0.0.1 -p "${PORT[$1]}" +norec +time=1 +tries=1 +short "${DIG_EXTRA[@]}" www.example.com A 2>/dev/null | sort || true
}

# The dynamic kind's precheck: 20 answers from each server, which addresses came how often.
precheck_dynamic() {
    local s i summary=""
    for s in "${ACTIVE[@]}"; do
        summary+="${summary:+; }${NAME[$s]}: $(for (( i = 0; i < 20; i++ )); do www_answer "$s"; done | sort | uniq -c | awk '{ printf "%s%s×%s", (NR > 1 ? " " : ""), $2, $1 }')"
    done
    PRECHECK_SUMMARY="www.example.com A asked 20 times per server: $summary"
    log "precheck: $PRECHECK_SUMMARY"
}

# Every distinct query once against each server; report rcode mix and differences.
precheck() {
    local uniq="$TMP/queries.uniq" name type s out n=0 diffs=0 bad=0
    # awk stops at 100 itself: `| head` would end it with SIGPIPE, fatal under pipefail.
    awk '!/^[ \t]*(;|$)/ { k = tolower($1) " " toupper($2); if (!(k in s)) { s[k]; print $1, $2; if (++n == 100) exit } }' \
        "$QUERY_FILE" >"$uniq"
    declare -A rc_mix=()
    while read -r name type; do
        n=$(( n + 1 ))
        local first="" firsts=""
        for s in "${ACTIVE[@]}"; do
            out="$(dig @127.0.0.1 -p "${PORT[$s]}" +norec +time=1 +tries=1 +noall +comments +answer \
                   "${DIG_EXTRA[@]}" "$name" "$type" 2>/dev/null || true)"
            local st ans
            st="$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out" | head -n1)"
            [[ -n "$st" ]] || st=NOANSWER
            ans="$(grep -v '^;' <<<"$out" | awk 'NF { $1 = tolower($1); print }' | sort | tr '\n' '|')"
            rc_mix[$s]+="$st "
            case "$st" in NOERROR|NXDOMAIN) ;; *) bad=$(( bad + 1 ))
                log "precheck: $s answered $st to '$name $type'" ;; esac
            if [[ -z "$first" ]]; then
                first="$s"; firsts="$st $ans"
            elif [[ "$st $ans" != "$firsts" ]]; then
                diffs=$(( diffs + 1 ))
                if (( diffs <= 10 )); then
                    log "precheck: '$name $type' differs: $first=[$firsts] $s=[$st $ans]"
                fi
            fi
        done
    done <"$uniq"
    for s in "${ACTIVE[@]}"; do
        log "precheck: $s rcodes over $n distinct queries: $(tr ' ' '\n' <<<"${rc_mix[$s]}" | sed '/^$/d' | sort | uniq -c | awk '{printf "%s%s=%s", (NR>1?", ":""), $2, $1}')"
    done
    (( diffs == 0 )) || log "precheck: WARNING: $diffs of $n distinct queries got different rcode/answer sections"
    (( bad == 0 )) || log "precheck: WARNING: $bad answers were neither NOERROR nor NXDOMAIN"
    PRECHECK_SUMMARY="$n distinct queries compared with dig"
    if (( ${#ACTIVE[@]} > 1 )); then
        PRECHECK_SUMMARY+=": $diffs differed between servers"
    fi
    (( bad == 0 )) || PRECHECK_SUMMARY+=", $bad not NOERROR/NXDOMAIN"
}

# Percentiles from `dnsperf -v` lines ("> RCODE name type 0.000123") or from the
# `-O latency-histogram` block. Prints "p50_us p99_us" (or "nan nan").
latency_percentiles() { # mode file
    if [[ "$1" == verbose ]]; then
        awk '/^> / && NF >= 5 && $2 != "T" && $2 != "I" {
                 us = int($NF * 1000000 + 0.5); h[us]++; n++; if (us > mx) mx = us }
             END {
                 if (n == 0) { print "nan nan"; exit }
                 c = 0; p50 = ""; p99 = ""
                 for (i = 0; i <= mx; i++) if (i in h) {
                     c += h[i]
                     if (p50 == "" && c >= 0.50 * n) p50 = i
                     if (p99 == "" && c >= 0.99 * n) { p99 = i; break }
                 }
                 print p50, p99
             }' "$2"
    else
        awk '/Latency bucket \(s\):.*answer count/ { inb = 1; next }
             inb && NF == 0 { exit }
             inb && $2 == "-" { sub(/:$/, "", $3); lo[++k] = $1; hi[k] = $3; cnt[k] = $4; n += $4 }
             END {
                 if (n == 0) { print "nan nan"; exit }
                 c = 0; p50 = ""; p99 = ""
                 for (i = 1; i <= k; i++) {
                     c += cnt[i]
                     if (p50 == "" && c >= 0.50 * n) p50 = hi[i] * 1000000
                     if (p99 == "" && c >= 0.99 * n) { p99 = hi[i] * 1000000; break }
                 }
                 printf "%.0f %.0f\n", p50, p99
             }' "$2"
    fi
}

# One dnsperf run against server $1; appends a row to $RESULTS unless $3 == warmup.
run_dnsperf() { # server seconds label
    local s="$1" secs="$2" label="$3"
    local out="$TMP/dnsperf-$CUR_KIND-$s-$label.out" err="$TMP/dnsperf-$CUR_KIND-$s-$label.err"
    local args=("${DNSPERF_ARGS[@]}" -d "$QUERY_FILE" -p "${PORT[$s]}" -l "$secs")
    local t0 t1 rc=0
    t0="$(cpu_ticks "${PID[$s]}")"
    "${CLIENT_PIN[@]}" timeout --signal=INT --kill-after=10 $(( secs + TIMEOUT + 30 )) \
        dnsperf "${args[@]}" </dev/null >"$out" 2>"$err" &
    CLIENT_PID=$!
    wait "$CLIENT_PID" || rc=$?
    CLIENT_PID=""
    t1="$(cpu_ticks "${PID[$s]}")"
    if (( rc != 0 )); then
        log "dnsperf against $s failed (exit $rc):"
        tail -n 20 "$err" >&2 || true
        die "dnsperf failed"
    fi
    kill -0 "${PID[$s]}" 2>/dev/null || { tail -n 30 "${LOGF[$s]}" >&2 || true; die "$s died during the run"; }
    (( t0 >= 0 && t1 >= 0 )) || die "lost track of $s's CPU time (process gone?)"
    [[ "$label" == warmup ]] && { rm -f "$out"; return 0; }

    local completed sent lost qps avg runtime rcodes p50 p99
    completed="$(awk '/Queries completed:/ { print $3; exit }' "$out")"
    sent="$(awk '/Queries sent:/ { print $3; exit }' "$out")"
    lost="$(awk '/Queries lost:/ { print $3; exit }' "$out")"
    qps="$(awk '/Queries per second:/ { print $4; exit }' "$out")"
    runtime="$(awk '/Run time \(s\):/ { print $4; exit }' "$out")"
    avg="$(awk '/Average Latency \(s\):/ { printf "%.1f", $4 * 1000000; exit }' "$out")"
    rcodes="$(awk -F'Response codes:[ \t]*' '/Response codes:/ { print $2; exit }' "$out")"
    [[ -n "$completed" && -n "$qps" && -n "$runtime" ]] || { tail -n 30 "$out" "$err" >&2; die "could not parse dnsperf output"; }
    (( completed > 0 )) || { tail -n 30 "$out" "$err" >&2; die "$s answered no queries"; }
    read -r p50 p99 <<<"nan nan"
    case "$LAT_MODE" in
        histogram|verbose) read -r p50 p99 < <(latency_percentiles "$LAT_MODE" "$out") ;;
    esac
    local cpu_us util
    cpu_us="$(awk -v d="$(( t1 - t0 ))" -v hz="$CLK_TCK" -v n="$completed" 'BEGIN { printf "%.3f", d / hz * 1000000 / n }')"
    util="$(awk -v d="$(( t1 - t0 ))" -v hz="$CLK_TCK" -v rt="$runtime" 'BEGIN { printf "%.0f", d / hz / rt * 100 }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\n' \
        "$s" "$label" "$sent" "$completed" "$lost" "$qps" "$qps" "$avg" "$p50" "$p99" "$cpu_us" "$util" >>"$RESULTS"
    printf '%s\t%s\t%s\n' "$s" "$label" "$rcodes" >>"$RCODES"
    log "$(printf '%-7s %-8s %-7s qps %8.0f  completed %9s  lost %5s  avg %6s us  p99 %5s us  cpu %6s us/q  (%s%% of a core)' \
        "$CUR_KIND" "$s" "$label" "$qps" "$completed" "$lost" "$avg" "$p99" "$cpu_us" "$util")"
    [[ "$LAT_MODE" == verbose ]] && : >"$out"   # per-query lines can be tens of MB
    return 0
}

# ------------------------------------------------------------------- main ---
ensure_tools

TMP="$(mktemp -d "${TMPDIR:-/tmp}/meridian-bench.XXXXXX")"

[[ -d "$ZONES_DIR" ]] || die "ZONES_DIR=$ZONES_DIR is not a directory"
ZONES_DIR="$(cd "$ZONES_DIR" && pwd)"
shopt -s nullglob
ZONE_FILES=("$ZONES_DIR"/*.zone)
shopt -u nullglob
(( ${#ZONE_FILES[@]} > 0 )) || die "no *.zone files in $ZONES_DIR (set ZONES_DIR to a directory of <origin>.zone files)"
FIRST_ORIGIN="$(basename "${ZONE_FILES[0]}" .zone)"

if [[ -z "$QUERIES" && -f "$ZONES_DIR/example.com.zone" ]]; then
    QUERIES="$SCRIPT_DIR/queries-example.txt"
fi
if [[ -z "$QUERIES" || "$QUERIES" == auto ]]; then
    QUERY_FILE="$TMP/queries.txt"
    generate_queries >"$QUERY_FILE"
    QUERY_SOURCE="generated from $(basename -a "${ZONE_FILES[@]}" | tr '\n' ' ')"
    QUERY_SOURCE="${QUERY_SOURCE% }"
else
    [[ -r "$QUERIES" ]] || die "QUERIES=$QUERIES is not readable"
    QUERY_FILE="$QUERIES"
    QUERY_SOURCE="${QUERIES#"$REPO_ROOT"/}"
fi
NQUERIES="$(awk '!/^[ \t]*(;|$)/' "$QUERY_FILE" | wc -l)"
(( NQUERIES > 0 )) || die "query file $QUERY_FILE has no queries"
log "zones: ${ZONES_DIR} (${#ZONE_FILES[@]} files); queries: $QUERY_SOURCE ($NQUERIES lines)"

# Latency percentiles: what can this dnsperf do?
HAS_HISTOGRAM=0
DNSPERF_LONG_HELP="$(dnsperf -H 2>&1 || true)"
[[ "$DNSPERF_LONG_HELP" == *latency-histogram* ]] && HAS_HISTOGRAM=1
case "$P99" in
    auto) if (( HAS_HISTOGRAM )); then LAT_MODE=histogram; else LAT_MODE=none; fi ;;
    verbose) LAT_MODE=verbose ;;
    0) LAT_MODE=none ;;
esac
DNSPERF_VERSION="$( (dnsperf -h 2>&1 || true) | awk '/^Version/ { v = $2 } END { print v }')"

# Pinning.
CLIENT_PIN=()
SERVER_PIN=()
do_pin=0
if [[ "$PIN" == 1 ]]; then
    (( NCPU >= 2 )) || die "PIN=1 needs at least 2 CPUs"
    do_pin=1
elif [[ "$PIN" == auto ]] && (( NCPU >= 2 )) && [[ "$THREADS" != auto ]] && (( THREADS <= NCPU - 1 )); then
    do_pin=1
fi
if (( do_pin )); then
    server_cpus="1-$(( NCPU - 1 ))"; (( NCPU == 2 )) && server_cpus=1
    CLIENT_PIN=(taskset -c 0)
    SERVER_PIN=(taskset -c "$server_cpus")
    PIN_DESC="dnsperf on CPU 0, servers on CPU(s) $server_cpus"
else
    PIN_DESC="none"
fi

# dnsperf arguments shared by all runs.
DNSPERF_ARGS=(-s 127.0.0.1 -c "$CLIENTS" -T "$CLIENT_THREADS" -q "$OUTSTANDING" -t "$TIMEOUT")
(( QPS > 0 )) && DNSPERF_ARGS+=(-Q "$QPS")
[[ "$TCP" == 1 ]] && DNSPERF_ARGS+=(-m tcp)
ECS_DESC="off"
if [[ "$ECS" == 1 ]]; then
    if [[ -z "$ECS_HEX" ]]; then
        ECS_HEX="$(ecs_hex_from_subnet "$ECS_SUBNET")"
        ECS_DESC="$ECS_SUBNET (option 8, $ECS_HEX)"
    else
        ECS_DESC="option 8, $ECS_HEX"
    fi
    [[ "$ECS_HEX" =~ ^([0-9a-fA-F]{2})+$ ]] || die "ECS_HEX must be an even number of hex digits"
    DNSPERF_ARGS+=(-E "8:$ECS_HEX")
elif [[ "$EDNS" == 1 ]]; then
    DNSPERF_ARGS+=(-e)
fi
case "$LAT_MODE" in
    histogram) DNSPERF_ARGS+=(-O latency-histogram) ;;
    verbose) DNSPERF_ARGS+=(-v) ;;
    none) DNSPERF_ARGS+=(-O suppress=timeouts) ;;
esac

DIG_EXTRA=()
[[ "$ECS" == 1 && -z "$ECS_HEX" ]] && DIG_EXTRA+=("+subnet=$ECS_SUBNET")
[[ "$TCP" == 1 ]] && DIG_EXTRA+=(+tcp)
STATIC_QUERY_FILE="$QUERY_FILE"
DYNAMIC_QUERY_FILE="$TMP/queries-dynamic.txt"
echo "www.example.com A" >"$DYNAMIC_QUERY_FILE"

runs=0
for k in "${KINDS[@]}"; do read -r -a l <<<"$(servers_for "$k")"; runs=$(( runs + ${#l[@]} )); done
(( runs > 0 )) || die "no server in SERVERS=\"$SERVERS\" has a ${KIND} name to serve"
est=$(( runs * (ROUNDS * (DURATION + 3) + WARMUP + 3) ))
log "plan: ${KINDS[*]} names, $runs server run(s) x $ROUNDS round(s) x ${DURATION}s, about ${est}s after startup"

{ want meridian || wants_dynamic; } && build_meridian

# The dynamic name's endpoints, and a `meridian backend` on each address for the checks.
WWW_ENDPOINTS=""
FIRST_SET=""
if wants_dynamic; then
    [[ -f "$ZONES_DIR/example.com.zone" ]] || die "KIND=$KIND needs example.com.zone in ZONES_DIR (the dynamic name is www.example.com)"
    WWW_ENDPOINTS="$(www_endpoints "$REGIONS_DIR" "$ZONES_DIR/example.com.services.yaml")"
    [[ -n "$WWW_ENDPOINTS" ]] || die "no IPv4 endpoints in $REGIONS_DIR/*.yaml"
    FIRST_SET="$(awk 'NR == 1 { r = $1 } $1 == r { printf "%s%s", (NR > 1 ? " " : ""), $2 }' <<<"$WWW_ENDPOINTS")"
    CHECK_PORT="$(pick_port)"
    for addr in $(awk '{ print $2 }' <<<"$WWW_ENDPOINTS"); do
        start_backend "$MERIDIAN_BIN" "$addr" "$CHECK_PORT" "www-$addr" "$TMP/backends.err"
        SERVER_PIDS+=("$LAST_PID")
    done
    for addr in $(awk '{ print $2 }' <<<"$WWW_ENDPOINTS"); do wait_http "$addr" "$CHECK_PORT"; done
    log "backends answer /healthz on $(awk '{ printf "%s ", $2 }' <<<"$WWW_ENDPOINTS")(port $CHECK_PORT)"
fi

# Other load on the machine (a compiler, say) skews every number; say so.
LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$LOAD_START" 'BEGIN { exit !(l > 0.5) }'; then
    log "WARNING: 1-minute load average is $LOAD_START before the servers start: other work on this machine will add noise"
fi

declare -A PSS_MB
# run_kind KIND: starts the servers of that kind, prechecks, warms up, runs the rounds, notes
# memory, stops them. Results in $TMP/results-KIND.tsv.
run_kind() {
    CUR_KIND="$1"
    read -r -a ACTIVE <<<"$(servers_for "$CUR_KIND")"
    RESULTS="$TMP/results-$CUR_KIND.tsv"
    RCODES="$TMP/rcodes-$CUR_KIND.tsv"
    : >"$RESULTS"
    : >"$RCODES"
    local s r i order
    if [[ "$CUR_KIND" == static ]]; then QUERY_FILE="$STATIC_QUERY_FILE"; else QUERY_FILE="$DYNAMIC_QUERY_FILE"; fi
    log "== $CUR_KIND names: ${ACTIVE[*]}"
    for s in "${ACTIVE[@]}"; do "start_$s"; done

    PRECHECK_SUMMARY=""
    if [[ "$CUR_KIND" == static ]]; then precheck; else precheck_dynamic; fi
    PRECHECK[$CUR_KIND]="$PRECHECK_SUMMARY"

    if (( WARMUP > 0 )); then
        for s in "${ACTIVE[@]}"; do
            log "warm-up $s (${WARMUP}s)"
            run_dnsperf "$s" "$WARMUP" warmup
        done
    fi
    for (( r = 1; r <= ROUNDS; r++ )); do
        # Rotate the order every round, so that no server always runs first or last.
        order=()
        for (( i = 0; i < ${#ACTIVE[@]}; i++ )); do
            order+=("${ACTIVE[$(( (i + r - 1) % ${#ACTIVE[@]} ))]}")
        done
        for s in "${order[@]}"; do
            run_dnsperf "$s" "$DURATION" "round$r"
            sleep 1
        done
    done
    for s in "${ACTIVE[@]}"; do
        PSS_MB[$CUR_KIND.$s]="$(awk -v k="$(tree_pss_kb "${PID[$s]}")" 'BEGIN { printf "%.1f", k / 1024 }')"
        stop_server "$s"
    done
}

declare -A PRECHECK
for kind in "${KINDS[@]}"; do
    [[ -n "$(servers_for "$kind")" ]] && run_kind "$kind"
done

# ----------------------------------------------------------------- report ---
LOAD_END="$(cut -d' ' -f1 /proc/loadavg)"
# stats <server> <column>: "median min max" over that server's rounds.
stats() {
    awk -F'\t' -v s="$1" -v c="$2" '$1 == s && $c != "nan" && $c != "" { print $c }' "$RESULTS" | sort -g |
        awk '{ a[NR] = $1 } END {
                 if (NR == 0) { print "nan nan nan"; exit }
                 m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
                 print m, a[1], a[NR] }'
}
fmt() { # printf-format value -> formatted, or n/a
    if [[ "$2" == nan || -z "$2" ]]; then echo "n/a"; else awk -v f="$1" -v v="$2" 'BEGIN { printf f, v }'; fi
}
ratio() {
    if [[ "$1" == nan || "$2" == nan ]] || awk -v b="$2" 'BEGIN { exit !(b == 0) }'; then echo "n/a"
    else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi
}

# results.tsv columns: 1 server 2 label 3 sent 4 completed 5 lost 6 qps 7 qps(int)
#                      8 avg_us 9 p50_us 10 p99_us 11 cpu_us_per_q 12 cpu_util_pct
case "$LAT_MODE" in
    histogram) LAT_NOTE="p99 from dnsperf -O latency-histogram (bucket upper bound, ~3% precision)" ;;
    verbose) LAT_NOTE="p99 computed from dnsperf -v per-query latencies (1 µs resolution)" ;;
    none)
        if (( HAS_HISTOGRAM )); then LAT_NOTE="p99 not collected (P99=0); average latency only"
        else LAT_NOTE="p99 not available: dnsperf $DNSPERF_VERSION has no -O latency-histogram, so latency is dnsperf's average (P99=verbose computes p99 from per-query -v output)"
        fi ;;
esac

version_of() { # server
    case "$1" in
        nsd) { nsd -v 2>&1 || true; } | head -n1 | awk '{print $3}' ;;
        knot) knotd --version 2>&1 | awk '{print $NF}' ;;
        gdnsd) gdnsd_version ;;
        pdns) pdns_version ;;
        meridian) echo "${MERIDIAN_DESC:-not run}" ;;
    esac
}
# Issue 7's targets for Meridian's CPU per query, as a ratio to each server's (none: "").
declare -A TARGET=([static.nsd]=1.00 [static.knot]=1.00 [dynamic.gdnsd]=1.00 [dynamic.pdns]=0.33)

report_kind() { # kind
    local kind="$1" s q qmin qmax a p c cmin cmax u lost_total ref t
    RESULTS="$TMP/results-$kind.tsv"
    read -r -a ACTIVE <<<"$(servers_for "$kind")"
    echo
    if [[ "$kind" == static ]]; then
        echo "### Static names: $QUERY_SOURCE ($NQUERIES lines)"
    else
        echo "### Dynamic name: www.example.com A"
        echo
        echo "- gdnsd: metafo over one weighted (multi) set per region, http_status GET /healthz every ${CHECK_INTERVAL}s (up/ok/down thresholds 1); PowerDNS: LUA record, ifurlup over one set per region (selector all) then pickwrandom by weight, checks every ${CHECK_INTERVAL}s; Meridian: steered from ${REGIONS_DIR#"$REPO_ROOT"/} (no agents: the endpoints count as up; checks are the agents' work, elsewhere). Endpoints: $(awk '{ printf "%s%s %s (weight %s)", (NR > 1 ? ", " : ""), $1, $2, $3 }' <<<"$WWW_ENDPOINTS"); backends on port ${CHECK_PORT:-n/a}"
    fi
    echo
    echo "- precheck: ${PRECHECK[$kind]:-n/a}"
    echo
    echo "| server | median qps | qps min–max | median avg latency (µs) | median p99 latency (µs) | median CPU µs/query | CPU µs/query min–max | median server CPU (% of a core) | lost (total) | start to first answer (s) | memory after the runs (PSS, MB) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    declare -A MED
    for s in "${ACTIVE[@]}"; do
        read -r q qmin qmax < <(stats "$s" 6)
        read -r a _ _ < <(stats "$s" 8)
        read -r p _ _ < <(stats "$s" 10)
        read -r c cmin cmax < <(stats "$s" 11)
        read -r u _ _ < <(stats "$s" 12)
        lost_total="$(awk -F'\t' -v s="$s" '$1 == s { t += $5 } END { print t + 0 }' "$RESULTS")"
        MED[$s.q]="$q"; MED[$s.a]="$a"; MED[$s.p]="$p"; MED[$s.c]="$c"
        echo "| ${NAME[$s]} | $(fmt '%.0f' "$q") | $(fmt '%.0f' "$qmin")–$(fmt '%.0f' "$qmax") | $(fmt '%.1f' "$a") | $(fmt '%.0f' "$p") | $(fmt '%.2f' "$c") | $(fmt '%.2f' "$cmin")–$(fmt '%.2f' "$cmax") | $(fmt '%.0f' "$u") | $lost_total | ${READY_S[$kind.$s]:-n/a} | ${PSS_MB[$kind.$s]:-n/a} |"
    done
    if [[ " ${ACTIVE[*]} " == *" meridian "* ]] && (( ${#ACTIVE[@]} > 1 )); then
        echo
        echo "| Meridian / | qps (> 1 better) | avg latency (< 1 better) | p99 latency (< 1 better) | CPU µs/query (< 1 better) | CPU target | met |"
        echo "|---|---:|---:|---:|---:|---:|---|"
        for ref in "${ACTIVE[@]}"; do
            [[ "$ref" == meridian ]] && continue
            t="${TARGET[$kind.$ref]:-}"
            c="$(ratio "${MED[meridian.c]}" "${MED[$ref.c]}")"
            echo "| ${NAME[$ref]} | $(ratio "${MED[meridian.q]}" "${MED[$ref.q]}") | $(ratio "${MED[meridian.a]}" "${MED[$ref.a]}") | $(ratio "${MED[meridian.p]}" "${MED[$ref.p]}") | **$c** | ${t:+≤ $t} | $(if [[ -z "$t" || "$c" == n/a ]]; then echo "—"; elif awk -v c="$c" -v t="$t" 'BEGIN { exit !(c <= t) }'; then echo yes; else echo no; fi) |"
        done
    fi
    echo
    echo "<details><summary>per-run numbers ($kind)</summary>"
    echo
    echo "| server | run | sent | completed | lost | qps | avg µs | p50 µs | p99 µs | CPU µs/query | CPU % | response codes |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    paste "$RESULTS" <(cut -f3 "$TMP/rcodes-$kind.tsv") | awk -F'\t' '{
        for (i = 1; i <= NF; i++) if ($i == "nan") $i = "n/a"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $7, $8, $9, $10, $11, $12, $13 }'
    echo
    echo "</details>"
}

{
    names=""
    for s in "${SERVER_LIST[@]}"; do [[ "$s" == meridian ]] || names+="${names:+, }${NAME[$s]}"; done
    echo "## Meridian vs ${names:-itself}: dnsperf on loopback"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), host: $NCPU CPUs, $(uname -sr); 1-min load average $LOAD_START before, $LOAD_END after (the benchmark itself adds about 1-2)"
    echo "- versions: $(for s in "${SERVER_LIST[@]}"; do printf '%s: %s; ' "${NAME[$s]}" "$(version_of "$s")"; done)dnsperf $DNSPERF_VERSION"
    echo "- zones: ${ZONES_DIR#"$REPO_ROOT"/} (${#ZONE_FILES[@]}); names: ${KINDS[*]}"
    echo "- transport: $([[ "$TCP" == 1 ]] && echo TCP || echo UDP); ECS: $ECS_DESC; server threads: $THREADS (the others' workers $(server_count)); pinning: $PIN_DESC"
    echo "- dnsperf: ${DNSPERF_ARGS[*]} -d <queries> -l $DURATION; $ROUNDS round(s), server order rotating between rounds; warm-up ${WARMUP}s"
    for kind in "${KINDS[@]}"; do
        [[ -n "$(servers_for "$kind")" ]] && report_kind "$kind"
    done
    echo
    echo "Notes:"
    echo "- Latency: $LAT_NOTE."
    echo "- CPU µs/query = server process tree's utime+stime (/proc/PID/stat, ${CLK_TCK} ticks/s) over the run ÷ queries completed."
    want pdns && echo "- PowerDNS keeps its default packet cache (cache-ttl 20 s): static answers come from it."
    if (( QPS > 0 )); then
        sat="$(cat "$TMP"/results-*.tsv | awk -F'\t' -v cap="$QPS" '$6 < 0.95 * cap { n++ } END { print n + 0 }')"
        if (( sat > 0 )); then
            echo "- $sat of $(cat "$TMP"/results-*.tsv | wc -l) runs stayed below 95% of the -Q $QPS cap: client or server was saturated, so latency there is mostly queueing (≈ outstanding ÷ qps); compare CPU µs/query, and run with a lower QPS for latency at a fixed load. A server near 100% × threads of CPU is the bottleneck; well below that, dnsperf is."
        else
            echo "- Every run reached the -Q $QPS cap: qps is the offered load, compare latency and CPU µs/query."
        fi
    fi
} >"$TMP/report.md"

cat "$TMP/report.md"
if [[ -n "$OUT" ]]; then
    cp "$TMP/report.md" "$OUT"
    log "report written to $OUT"
fi
