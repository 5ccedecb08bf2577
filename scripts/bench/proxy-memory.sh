#!/usr/bin/env bash
# Peak memory of the region agent while a large body streams through it: starts a demo
# backend and `meridian agent` in front of it, uploads SIZE_MB (default 100) through the
# endpoint, and prints the agent's resident memory before and its peak (VmHWM) after.
# Usage: scripts/bench/proxy-memory.sh [SIZE_MB]   (MERIDIAN_BIN=... skips the release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${1:-100}
if [[ -z "${MERIDIAN_BIN:-}" ]]; then
  swift build -c release --product meridian >&2
  MERIDIAN_BIN="$(swift build -c release --show-bin-path)/meridian"
fi
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

wait_line() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1" >&2; exit 1; }
"$MERIDIAN_BIN" backend --listen 127.0.0.1:0 --name b1 >"$tmp/backend" 2>/dev/null &
pids+=($!)
wait_line "$tmp/backend" listening
backend_port=$(sed -n 's/^listening .*:\([0-9]*\)$/\1/p' "$tmp/backend")
endpoint_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/region.yaml" <<YAML
region: bench
location: { lat: 0, lon: 0 }
endpoints:
  - name: ep
    address: 127.0.0.1
    port: $endpoint_port
    services: [ www.example.com ]
    backends: [ { url: "http://127.0.0.1:$backend_port" } ]
    health: { path: /healthz, interval: 1s, timeout: 500ms }
YAML
"$MERIDIAN_BIN" agent --region "$tmp/region.yaml" --log-level error >"$tmp/agent" 2>/dev/null &
agent=$!
pids+=($agent)
wait_line "$tmp/agent" listening
rss() { awk "/^$1:/ {print \$2}" "/proc/$agent/status"; }
before=$(rss VmRSS)
head -c "$((SIZE_MB * 1024 * 1024))" /dev/zero >"$tmp/body"
result=$(curl -sS -m 120 -X POST -H 'Transfer-Encoding: chunked' --data-binary "@$tmp/body" "http://127.0.0.1:$endpoint_port/upload")
peak=$(rss VmHWM)
echo "upload: $result"
echo "agent resident memory: ${before} kB before, peak ${peak} kB while streaming ${SIZE_MB} MB (growth $(( (peak - before) / 1024 )) MB)"
