# scripts/bench/lib.sh: helpers shared by the bench scripts. Sourced, not run.
#
# The caller defines log() and die(). Functions that start a process leave its PID in
# LAST_PID; the caller records it and stops it by that PID on exit.

# --------------------------------------------------------------- packages ---
# apt_install_missing CMD:PKG ...: installs PKG with apt-get when CMD is not on PATH, then
# stops and disables the Debian services the packages start (the scripts run their own).
apt_install_missing() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || dpkg -s "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  (( ${#missing[@]} > 0 )) || return 0
  [[ "$(id -u)" == 0 ]] || die "missing packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
  log "installing ${missing[*]} with apt-get"
  timeout 900 apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
  local svc
  for svc in nsd knot gdnsd pdns; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
  done
}

# ------------------------------------------------------------------ misc ---
# ensure_meridian_bin: MERIDIAN_BIN as given, or a release build's.
ensure_meridian_bin() {
  if [[ -z "${MERIDIAN_BIN:-}" ]]; then
    swift build -c release --product meridian >&2
    MERIDIAN_BIN="$(swift build -c release --show-bin-path)/meridian"
  fi
}
# scratch_dir: sets tmp (a new temp dir) and pids=(); on exit every PID in pids is killed
# (SIGKILL) and tmp removed.
scratch_dir() {
  tmp=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }

# --------------------------------------------------------------- backends ---
# start_backend MERIDIAN_BIN ADDR PORT NAME ERRFILE: a `meridian backend` (answers /healthz).
start_backend() {
  "$1" backend --listen "$2:$3" --name "$4" </dev/null >/dev/null 2>>"$5" &
  LAST_PID=$!
}
# wait_http ADDR PORT: until GET /healthz answers (tried every 10 ms), for at most 500 tries.
wait_http() {
  local _
  for _ in $(seq 500); do curl -s -o /dev/null -m 1 "http://$1:$2/healthz" && return 0; sleep 0.01; done
  die "nothing answers http://$1:$2/healthz"
}

# ------------------------------------------------- the dynamic name's data ---
# www_endpoints REGIONS_DIR [SERVICES_YAML]: "region address weight" for every IPv4 endpoint
# of the region files, regions in the failover order of the services file when it has one.
www_endpoints() {
  local dir=$1 services=${2:-} order=() f r
  if [[ -n "$services" && -f "$services" ]]; then
    read -r -a order < <(sed -n 's/^ *failover: *\[\(.*\)\].*/\1/p' "$services" | head -1 | tr -d ',')
  fi
  for f in "$dir"/*.yaml; do
    r=$(sed -n 's/^region: *//p' "$f")
    [[ " ${order[*]} " == *" $r "* ]] || order+=("$r")
  done
  for r in "${order[@]}"; do
    awk -v want="$r" '
      /^region:/ { region = $2 }
      /^ *- name:/ { addr = "" }
      /^ *address:/ { addr = $2; gsub(/"/, "", addr) }
      /^ *weight:/ && addr != "" && addr !~ /:/ && region == want { print region, addr, $2; addr = "" }' "$dir"/*.yaml
  done
}

# nsd_config DIR PORT COUNT ZONES: an NSD configuration on stdout serving every ZONES/*.zone
# (origin = file name) on 127.0.0.1@PORT with COUNT server processes, DIR for its state. The
# fairness settings of the comparisons: no response rate limiting, minimal responses.
nsd_config() {
  local dir=$1 port=$2 count=$3 zones=$4 f origin
  echo "server:"
  echo "    ip-address: 127.0.0.1@$port"
  echo "    do-ip6: no"
  echo "    server-count: $count"
  (( count > 1 )) && echo "    reuseport: yes"
  echo "    username: \"\""
  echo "    chroot: \"\""
  echo "    zonesdir: \"$zones\""
  echo "    database: \"\""
  echo "    zonelistfile: \"$dir/zone.list\""
  echo "    xfrdfile: \"$dir/xfrd.state\""
  echo "    pidfile: \"$dir/nsd.pid\""
  echo "    logfile: \"$dir/nsd.log\""
  echo "    verbosity: 0"
  echo "    hide-version: yes"
  echo "    minimal-responses: yes"
  echo "    refuse-any: no"
  echo "    zonefiles-write: 0"
  echo "    rrl-ratelimit: 0"
  echo "    rrl-whitelist-ratelimit: 0"
  echo "remote-control:"
  echo "    control-enable: no"
  for f in "$zones"/*.zone; do
      origin="$(basename "$f" .zone)"
      echo "zone:"
      echo "    name: \"$origin\""
      echo "    zonefile: \"$(basename "$f")\""
  done
}

# knot_config DIR PORT COUNT ZONES: a Knot configuration on stdout, the same zones and port,
# COUNT UDP and TCP workers, DIR for its state and database.
knot_config() {
  local dir=$1 port=$2 count=$3 zones=$4 f origin
  # The same fairness settings as NSD: no response rate limiting (Knot loads no rrl module
  # unless told), answers without extra sections beyond what the protocol needs (Knot's
  # default), no journal or zone file writes, no semantic checks slowing the load.
  echo "server:"
  echo "    listen: 127.0.0.1@$port"
  echo "    rundir: \"$dir\""
  echo "    udp-workers: $count"
  echo "    tcp-workers: $count"
  echo "    background-workers: 1"
  echo "    identity: \"\""
  echo "    version: \"\""
  echo "database:"
  echo "    storage: \"$dir/db\""
  echo "log:"
  echo "  - target: stderr"
  echo "    any: warning"
  echo "template:"
  echo "  - id: default"
  echo "    storage: \"$zones\""
  echo "    file: \"%s.zone\""
  echo "    semantic-checks: off"
  echo "    zonefile-sync: -1"
  echo "    zonefile-load: whole"
  echo "    journal-content: none"
  echo "zone:"
  for f in "$zones"/*.zone; do
      origin="$(basename "$f" .zone)"
      echo "  - domain: \"$origin\""
  done
}

# ------------------------------------------------------------------ gdnsd ---
# gdnsd_config DIR LISTEN THREADS HEALTH_PORT INTERVAL UP OK DOWN [ENDPOINTS]: DIR/config for
# gdnsd 3. ENDPOINTS ("region address weight" lines) become resource `www`: metafo over the
# regions in that order, each a weighted (multi) set of its addresses, every address checked
# with http_status GET /healthz on HEALTH_PORT. up_thresh 0.01 keeps a region answered while
# any of its addresses is up (as ifurlup and Meridian do).
gdnsd_config() {
  local dir=$1 listen=$2 threads=$3 hport=$4 interval=$5 up=$6 ok=$7 down=$8 endpoints=${9:-}
  mkdir -p "$dir/zones" "$dir/run" "$dir/state"
  {
    echo "options => {"
    echo "  listen => [ $listen ]"
    echo "  udp_threads => $threads"
    echo "  tcp_threads => $threads"
    echo "  run_dir => \"$dir/run\""
    echo "  state_dir => \"$dir/state\""
    echo "}"
    if [[ -n "$endpoints" ]]; then
    echo "service_types => {"
    echo "  www_http => { plugin => http_status, port => $hport, url_path => /healthz, interval => $interval,"
    echo "                up_thresh => $up, ok_thresh => $ok, down_thresh => $down }"
    echo "}"
    echo "plugins => {"
    echo "  weighted => {"
    echo "    service_types => www_http, multi => true, up_thresh => 0.01"
    awk '{ if ($1 != r) { if (r != "") print " }"; r = $1; printf "    www_%s => {", r } a = $2; gsub(/[.]/, "_", a); printf " a%s => [ %s, %s ]", a, $2, $3 }
         END { print " }" }' <<<"$endpoints" | tr '-' '_'
    echo "  }"
    echo "  metafo => { resources => { www => {"
    echo "    datacenters => [ $(awk '!s[$1]++ { printf "%s%s", (n++ ? ", " : ""), $1 }' <<<"$endpoints") ]"
    echo "    dcmap => { $(awk '!s[$1]++ { r = $1; gsub(/-/, "_", r); printf "%s => %%weighted!www_%s ", $1, r }' <<<"$endpoints")}"
    echo "  } } }"
    echo "}"
    fi
  } >"$dir/config"
}

# gdnsd_zones DIR ZONES_DIR [WWW_LINE]: DIR/zones/<origin> for every ZONES_DIR/<origin>.zone
# (gdnsd names zone files by origin), WWW_LINE appended to the first; subfolders (for
# $INCLUDE) are linked.
gdnsd_zones() {
  local dir=$1 zones=$2 extra=${3:-} f first=1 sub
  mkdir -p "$dir/zones"
  for f in "$zones"/*.zone; do
    { cat "$f"; (( first )) && [[ -n "$extra" ]] && printf '\n%s\n' "$extra"; } >"$dir/zones/$(basename "$f" .zone)"
    first=0
  done
  for sub in "$zones"/*/; do [[ -d "$sub" ]] && ln -sfn "${sub%/}" "$dir/zones/$(basename "$sub")"; done
  return 0
}

# --------------------------------------------------------------- PowerDNS ---
# pdns_config DIR ZONES_DIR [WWW_LINE]: DIR/named.conf (bind backend) over copies of the zones,
# WWW_LINE appended to the first; relative $INCLUDEs resolve in ZONES_DIR.
pdns_config() {
  local dir=$1 zones=$2 extra=${3:-} f first=1
  mkdir -p "$dir/zones"
  : >"$dir/pdns.conf"
  echo "options { directory \"$zones\"; };" >"$dir/named.conf"
  for f in "$zones"/*.zone; do
    { cat "$f"; (( first )) && [[ -n "$extra" ]] && printf '\n%s\n' "$extra"; } >"$dir/zones/$(basename "$f")"
    first=0
    echo "zone \"$(basename "$f" .zone)\" { type master; file \"$dir/zones/$(basename "$f")\"; };" >>"$dir/named.conf"
  done
}

# pdns_args DIR ADDR PORT THREADS CHECK_INTERVAL: pdns_server's command line, in the
# foreground, LUA records in the shared state (enable-lua-records=shared), health checks
# every CHECK_INTERVAL seconds.
pdns_args() {
  echo "--config-dir=$1 --socket-dir=$1 --local-address=$2 --local-port=$3 --launch=bind --bind-config=$1/named.conf" \
       "--enable-lua-records=shared --lua-health-checks-interval=$5 --daemon=no --guardian=no --disable-syslog" \
       "--write-pid=no --receiver-threads=$4 --distributor-threads=1 --security-poll-suffix= --webserver=no" \
       "--loglevel=4 --log-timestamp=no"
}

# pdns_www_record HEALTH_PORT PICK [ENDPOINTS]: the LUA line for www: ifurlup over one set per
# region (the first set with an address up is used), GET /healthz on HEALTH_PORT, then
# PICK = weighted: one address by weight (pickwrandom; 4.7's ifurlup has no weighted
# selector), or all: every address up in that set.
pdns_www_record() {
  local hport=$1 pick=$2 endpoints=$3 sets weights code
  sets=$(awk '{ if ($1 != r) { if (r != "") printf "},"; r = $1; printf "{"; n = 0 } printf "%s'\''%s'\''", (n++ ? "," : ""), $2 }
              END { printf "}" }' <<<"$endpoints")
  weights=$(awk '{ printf "%s['\''%s'\'']=%s", (NR > 1 ? "," : ""), $2, $3 }' <<<"$endpoints")
  code="ifurlup('http://www.example.com:$hport/healthz',{$sets},{selector='all',timeout='1'})"
  if [[ "$pick" == weighted ]]; then
    code=";local w={$weights} local t={} for _,a in ipairs($code) do t[#t+1]={w[a],a} end return pickwrandom(t)"
  fi
  echo "www 30 IN LUA A \"$code\""
}

# ------------------------------------------------------ Meridian clusters ---
# Functions that start processes append their PIDs to the caller's array `pids`.

# meridian_region NAME LAT LON CLIENTS: the head of a region file (agent ports free).
meridian_region() {
  printf 'region: %s\nlocation: { lat: %s, lon: %s }\nclients: [ "%s" ]\n' "$1" "$2" "$3" "$4"
  printf 'agent: { gossip: "127.0.0.1:%s", admin: "127.0.0.1:%s" }\nendpoints:\n' "$(free_port)" "$(free_port)"
}
# meridian_endpoint NAME ADDRESS WEIGHT HEALTH BACKEND_URL...: one endpoint of www.example.com;
# HEALTH is the flow map, e.g. "{ path: /healthz, interval: 250ms, timeout: 200ms, rise: 2, fall: 2 }".
meridian_endpoint() {
  local name=$1 address=$2 weight=$3 health=$4 url; shift 4
  printf '  - name: %s\n    address: %s\n    port: %s\n    weight: %s\n    services: [ www.example.com ]\n    backends:\n' \
    "$name" "$address" "$(free_port)" "$weight"
  for url in "$@"; do printf '      - { url: "%s" }\n' "$url"; done
  printf '    health: %s\n' "$health"
}

# meridian_dns_nodes BIN N REGIONS KEY DIR: N `meridian serve --gossip` nodes on loopback (nodes
# 2..N join node 1), logs in DIR/node<i>.{out,err}. Sets DNS_PORTS, ADMINS and GOSSIP_PORTS.
meridian_dns_nodes() {
  local bin=$1 n=$2 regions=$3 key=$4 dir=$5 i join _
  DNS_PORTS=(); ADMINS=(); GOSSIP_PORTS=()
  for (( i = 0; i < n; i++ )); do GOSSIP_PORTS+=("$(free_port)"); done
  for (( i = 0; i < n; i++ )); do
    join=(); (( i > 0 )) && join=(--join "127.0.0.1:${GOSSIP_PORTS[0]}")
    "$bin" serve --zones zones --regions "$regions" --listen 127.0.0.1:0 --admin 127.0.0.1:0 --threads 1 \
      --gossip "127.0.0.1:${GOSSIP_PORTS[$i]}" --gossip-key-file "$key" "${join[@]}" --log-level warning \
      </dev/null >"$dir/node$i.out" 2>"$dir/node$i.err" &
    pids+=($!)
    for _ in $(seq 200); do grep -q '^admin ' "$dir/node$i.out" 2>/dev/null && break; sleep 0.05; done
    DNS_PORTS+=("$(sed -n 's/^listening .*:\([0-9]*\)$/\1/p' "$dir/node$i.out" | head -1)")
    ADMINS+=("$(sed -n 's/^admin //p' "$dir/node$i.out")")
    [[ -n "${DNS_PORTS[$i]}" && -n "${ADMINS[$i]}" ]] || die "DNS node $(( i + 1 )) did not start"
  done
}
# meridian_agent BIN REGION_FILE KEY LOGPREFIX: an agent joining node 1; sets LAST_PID.
meridian_agent() {
  "$1" agent --region "$2" --join "127.0.0.1:${GOSSIP_PORTS[0]}" --gossip-key-file "$3" \
    --log-level warning </dev/null >>"$4.out" 2>>"$4.err" &
  LAST_PID=$!; pids+=($!)
}

# ------------------------------------------------------------ DNS polling ---
# dns_answer PORT: www.example.com's A records from 127.0.0.1:PORT, sorted, space-separated
# (empty on a timeout); DIG_ARGS adds options (e.g. +subnet=10.1.0.0/16).
dns_answer() {
  dig @127.0.0.1 -p "$1" www.example.com A "${DIG_ARGS[@]}" +short +tries=1 +time=1 2>/dev/null | sort | tr '\n' ' ' || true
}
# poll_until START PREDICATE LIMIT_S PORT...: asks every PORT every 20 ms (in parallel) until
# `PREDICATE ANSWER` holds on all of them. Prints the ms from START (a now_ms) until the last
# one first satisfied it, then each port's ms; "timeout" first if not within LIMIT_S.
# Needs $tmp for the answers.
poll_until() {
  local start=$1 predicate=$2 deadline=$(( $1 + $3 * 1000 )) ports=("${@:4}") hit=() t i out pending digs max=0
  for i in "${!ports[@]}"; do hit[i]=-1; done
  while :; do
    t=$(now_ms); digs=()
    for i in "${!ports[@]}"; do if (( hit[i] < 0 )); then dns_answer "${ports[$i]}" >"$tmp/ans$i" & digs+=($!); fi; done
    wait "${digs[@]}"
    pending=0
    for i in "${!ports[@]}"; do
      if (( hit[i] < 0 )); then
        out=$(<"$tmp/ans$i")
        if "$predicate" "$out"; then hit[i]=$(( $(now_ms) - start )); else pending=1; fi
      fi
    done
    (( pending == 0 )) && break
    (( $(now_ms) > deadline )) && { echo "timeout ${hit[*]}"; return 0; }
    sleep "$(awk -v d=$(( 20 - ($(now_ms) - t) )) 'BEGIN { printf "%.3f", (d > 0 ? d : 0) / 1000 }')"
  done
  for i in "${!ports[@]}"; do (( hit[i] > max )) && max=${hit[i]}; done
  echo "$max ${hit[*]}"
}
