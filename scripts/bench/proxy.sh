#!/usr/bin/env bash
# Meridian's region-agent proxy against HAProxy and nginx on loopback: the same three
# `meridian backend` processes behind each, keep-alive on both sides, once per balancing policy
# (round robin, then least connections); wrk -t1 -c64 in alternating rounds. Prints req/s, p99
# latency, the proxy's CPU time per request (utime+stime from /proc ÷ requests) and the ratios
# Meridian/HAProxy and Meridian/nginx, per policy.
#
# SYSCALLS=1 adds one run per proxy under `strace -c -f` (not timed: strace slows the proxy)
# and prints its system calls per request.
#
# Usage: scripts/bench/proxy.sh [ROUNDS=3] [DURATION=10] [CONNECTIONS=64] [POLICIES="round-robin least-connections"]
#        [SYSCALLS=1] (MERIDIAN_BIN=... skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
for arg in "$@"; do [[ "$arg" == *=* ]] && export "${arg?}"; done
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10}; CONNECTIONS=${CONNECTIONS:-64}
POLICIES=${POLICIES:-round-robin least-connections}; SYSCALLS=${SYSCALLS:-0}
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
tools=(wrk haproxy nginx); ((SYSCALLS)) && tools+=(strace)
for tool in "${tools[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts the packaged services; they are not ours to run.
  for s in haproxy nginx; do systemctl disable --now "$s" >/dev/null 2>&1 || service "$s" stop >/dev/null 2>&1 || true; done
fi
if [[ -z "${MERIDIAN_BIN:-}" ]]; then
  swift build -c release --product meridian >&2
  MERIDIAN_BIN="$(swift build -c release --show-bin-path)/meridian"
fi
tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/healthz" && return 0; sleep 0.1; done; echo "nothing answers on $1" >&2; tail -5 "$tmp"/*.out "$tmp"/*.err >&2 2>/dev/null; exit 1; }

backends=()
for i in 1 2 3; do
  port=$(free_port)
  taskset -c 1 "$MERIDIAN_BIN" backend --listen "127.0.0.1:$port" --name "b$i" >/dev/null 2>&1 &
  pids+=($!); backends+=("$port"); wait_port "$port"
done

declare -A HAPROXY_BALANCE=([round-robin]=roundrobin [least-connections]=leastconn)
declare -A NGINX_BALANCE=([round-robin]="" [least-connections]="least_conn;")
ticks=$(getconf CLK_TCK)
cpu() { # utime+stime of a process and its children (nginx workers)
  local total=0
  for p in $1 $(pgrep -P "$1" || true); do total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done
  echo $total
}
median() { tr ' ' '\n' | grep -v '^$' | sed 's/ms$//; s/us$//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
servers=(meridian haproxy nginx)
table=""; ratios=""; syscalls=""
for policy in $POLICIES; do
  declare -A PID=() PORT=() RPS=() P99=() CPU=()
  running=()
  # Meridian agent
  mport=$(free_port)
  {
    echo "region: bench"; echo "location: { lat: 0, lon: 0 }"; echo "endpoints:"
    echo "  - name: ep"; echo "    address: 127.0.0.1"; echo "    port: $mport"; echo "    services: [ www.example.com ]"
    echo "    balance: $policy"; echo "    backends:"
    for p in "${backends[@]}"; do echo "      - { url: \"http://127.0.0.1:$p\" }"; done
    echo "    health: { path: /healthz, interval: 1s, timeout: 500ms }"
  } >"$tmp/region.yaml"
  taskset -c 1 "$MERIDIAN_BIN" agent --region "$tmp/region.yaml" --log-level error >"$tmp/agent.out" 2>"$tmp/agent.err" &
  PID[meridian]=$!; PORT[meridian]=$mport; pids+=($!); running+=($!)

  # HAProxy: keep-alive, option redispatch (a killed backend does not cost seconds).
  hport=$(free_port)
  cat >"$tmp/haproxy.cfg" <<CFG
global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    option http-keep-alive
    option redispatch
frontend fe
    bind 127.0.0.1:$hport
    default_backend be
backend be
    balance ${HAPROXY_BALANCE[$policy]}
$(for i in 0 1 2; do echo "    server b$i 127.0.0.1:${backends[$i]} check inter 1s"; done)
CFG
  taskset -c 1 haproxy -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.out" 2>&1 &
  PID[haproxy]=$!; PORT[haproxy]=$hport; pids+=($!); running+=($!)

  # nginx: one worker (like the single-threaded haproxy and agent loop here), upstream keepalive.
  nport=$(free_port)
  cat >"$tmp/nginx.conf" <<CFG
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 4096; }
http {
    access_log off;
    upstream be {
        ${NGINX_BALANCE[$policy]}
$(for p in "${backends[@]}"; do echo "        server 127.0.0.1:$p;"; done)
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$nport;
        location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CFG
  taskset -c 1 nginx -c "$tmp/nginx.conf" -e "$tmp/nginx.err" >/dev/null 2>&1 &
  PID[nginx]=$!; PORT[nginx]=$nport; pids+=($!); running+=($!)
  for s in meridian haproxy nginx; do echo "[proxy] $policy: waiting for $s" >&2; wait_port "${PORT[$s]}"; done
  for round in $(seq "$ROUNDS"); do
    (( round % 2 == 0 )) && order=(nginx haproxy meridian) || order=("${servers[@]}")
    for s in "${order[@]}"; do
      before=$(cpu "${PID[$s]}")
      taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:${PORT[$s]}/" >"$tmp/wrk" 2>&1
      after=$(cpu "${PID[$s]}")
      requests=$(awk '/requests in/ {print $1}' "$tmp/wrk")
      rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk")
      p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk")
      us=$(awk -v t=$((after - before)) -v hz="$ticks" -v n="$requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
      RPS[$s]+="$rps "; P99[$s]+="$p99 "; CPU[$s]+="$us "
      echo "[proxy] $policy round $round $s: $rps req/s, p99 $p99, $us µs CPU/request" >&2
    done
  done
  if ((SYSCALLS)); then
    for s in "${servers[@]}"; do
      traced=(); for p in ${PID[$s]} $(pgrep -P "${PID[$s]}" || true); do traced+=(-p "$p"); done
      strace -c -f "${traced[@]}" -o "$tmp/strace" 2>/dev/null & tracer=$!
      sleep 0.5
      taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:${PORT[$s]}/" >"$tmp/wrk" 2>&1
      kill -INT "$tracer"; wait "$tracer" || true
      requests=$(awk '/requests in/ {print $1}' "$tmp/wrk")
      # strace -c: "% time, seconds, usecs/call, calls, [errors,] syscall"; the last row is the total.
      per=$(awk -v n="$requests" '$NF != "total" && $4 ~ /^[0-9]+$/ { calls[$NF] += $4; all += $4 }
        END { printf "%.2f (", all / n; for (c in calls) if (calls[c] / n >= 0.01) printf " %s %.2f", c, calls[c] / n; printf " )" }' "$tmp/strace")
      echo "[proxy] $policy $s: $per syscalls/request" >&2
      syscalls+="$policy, $s: $per syscalls/request"$'\n'
    done
  fi
  for s in "${servers[@]}"; do table+="| $policy | $s | $(echo "${RPS[$s]}" | median) | ${P99[$s]}| $(echo "${CPU[$s]}" | median) |"$'\n'; done
  for ref in haproxy nginx; do
    ratios+=$(awk -v a="$(echo "${RPS[meridian]}" | median)" -v b="$(echo "${RPS[$ref]}" | median)" -v c="$(echo "${CPU[meridian]}" | median)" -v d="$(echo "${CPU[$ref]}" | median)" -v r="$ref" -v p="$policy" \
      'BEGIN { printf "%s, Meridian/%s: req/s %.2f, CPU per request %.2f", p, r, a / b, c / d }')$'\n'
  done
  # The next policy starts its own proxies.
  for p in "${running[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${running[@]}"; do wait "$p" 2>/dev/null || true; done
done
echo "| policy | proxy | median req/s | p99 per round | median CPU µs/request |"
echo "|---|---|---:|---|---:|"
printf '%s' "$table"
printf '%s' "$ratios"
printf '%s' "$syscalls"
