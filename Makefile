# Meridian — every target installs what it needs first, so a fresh Debian machine needs only `make`.
SWIFT ?= swift
ZONES ?= zones
LISTEN ?= 127.0.0.1:5353
REGIONS ?= regions
ADMIN ?= 127.0.0.1:8053
# Debian packages the build, the tests and the benchmarks use.
# chromium: the status page test loads the page headless. dnsperf: the faults-under-load tests.
APT_PACKAGES := libldns-dev pkg-config bind9-dnsutils nsd curl chromium dnsperf
BIN := .build/debug/meridian

.PHONY: deps build demo drill serve check test sanitize soak fuzz bench bench-micro clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
		systemctl disable --now nsd >/dev/null 2>&1 || true; \
	fi

build: deps
	$(SWIFT) build --product meridian

## The whole system on this machine: 2 DNS nodes (127.0.0.1:5353, 127.0.0.2:5353), an agent per
## region, demo backends; status page http://127.0.0.1:8053/. Ctrl-C stops every process.
demo: build
	$(BIN) demo --zones $(ZONES) --regions $(REGIONS)

## A self-contained failover drill on free ports: SCENARIO="--fail-region us-east" by default.
SCENARIO ?= --fail-region us-east
drill: build
	$(BIN) drill $(SCENARIO) --zones $(ZONES) --regions $(REGIONS) --json drill.json --svg drill.svg

## Serve zones/ on 127.0.0.1:5353 (UDP and TCP). Try: dig @127.0.0.1 -p 5353 www.example.com
serve: build
	$(BIN) serve --zones $(ZONES) --regions $(REGIONS) --listen $(LISTEN) --admin $(ADMIN) --identity $$(hostname) --allow-transfer 127.0.0.1

check: build
	$(BIN) check --zones $(ZONES) --regions $(REGIONS)

## Unit, in-process and end-to-end tests (the end-to-end ones run the built binary with dig,
## dnsperf and NSD), in two phases (scripts/run-tests.sh says why).
test: deps
	$(SWIFT) build --product meridian
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/run-tests.sh

## The test suite under AddressSanitizer (SANITIZER=thread: ThreadSanitizer), in its own build folder.
SANITIZER ?= address
sanitize: deps
	scripts/sanitize.sh $(SANITIZER)

## A soak run (not in `test`): the demo deployment under dnsperf and HTTP load for SOAK_SECONDS
## (default 300) with reloads and backend faults; fails on a lost query, a failed request, or
## 5% memory growth after warm-up. Report: SOAK_OUT (default soak.md).
SOAK_SECONDS ?= 300
SOAK_OUT ?= soak.md
soak: deps
	scripts/soak.py --duration $(SOAK_SECONDS) --out $(SOAK_OUT)

bench: deps
	scripts/bench/dns.sh

## Micro-benchmarks of the query path (the separate Benchmarks/ package; not part of `test`):
## time and mallocs per query, failing if a query end to end allocates.
bench-micro:
	scripts/bench/micro.sh

## libFuzzer targets (the separate Fuzz/ package): the DNS query parser, the query handler end to
## end, the gossip decoder and the proxy's HTTP request parsing, FUZZ_SECONDS each, under
## AddressSanitizer. Fails on any crash, hang, leak or sanitizer report (inputs kept in
## .build-fuzz-artifacts/). FUZZ_TARGETS picks some; see scripts/fuzz.sh for MERGE=1, SEEDS=1.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf .build
