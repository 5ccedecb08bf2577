#!/usr/bin/env python3
"""Soak run: the whole demo deployment under steady load for a long time, with faults.

    scripts/soak.py [--duration 300] [--warmup 60] [--qps 3000] [--http-rps 100] [--out FILE]

Starts `meridian demo --free-ports` (release build: 2 DNS nodes, an agent per region, demo
backends), then for --duration seconds:
  - dnsperf over UDP against DNS node 1 (--qps) and over TCP against node 2 (--qps / 10),
    static and steered names;
  - HTTP GETs through one endpoint proxy (--http-rps), on keep-alive connections;
  - a zone reload (SIGHUP) of node 1 every 30 s, and every 60 s one backend of another
    endpoint failed through its admin API, then recovered 20 s later (health transitions
    and gossip while the load runs).
Resident memory (VmRSS) of every DNS node and agent is sampled every 5 s. The run passes when
no query is lost or gets another RCODE than its own (NOERROR; NXDOMAIN for the one name that
does not exist), every HTTP request gets 200, and no
process's memory grew by 5% or more from the end of the warm-up to the end.
A Markdown report goes to stdout (and to --out). Bounded: everything stops after the run.
Not part of `make test` (it takes minutes); `make soak` runs it.
"""

import argparse
import glob
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# dnsperf cycles through these in order; one (nothere) is NXDOMAIN by design, the rest NOERROR.
QUERIES = ["www.example.com A", "www.example.com AAAA", "example.com SOA", "example.com NS", "docs.example.com A",
           "mail.example.com A", "x.apps.example.com TXT", "nothere.example.com A", "_sip._tcp.example.com SRV"]


def release_binary():
    subprocess.run(["make", "-s", "deps"], cwd=ROOT, check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "meridian"], cwd=ROOT, check=True, stdout=sys.stderr)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "meridian")


def children(pid):
    """(pid, role) of the demo's child processes, role = the meridian subcommand."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != pid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            found.append((int(entry), argv[1].decode() if len(argv) > 1 else "?", b" ".join(argv).decode()))
        except (OSError, IndexError, ValueError):
            continue
    return found


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def endpoints(work):
    """Endpoint name -> (address, port, [backend URLs]) from the demo's rewritten region files."""
    result = {}
    for path in glob.glob(os.path.join(work, "**", "*.yaml"), recursive=True):
        text = open(path).read()
        if "region:" not in text:
            continue
        # The demo writes them block style: "- name: …" then "  address: …", "  port: …", "  - url: …".
        for block in re.split(r"\n *- name: ", text)[1:]:
            name = block.split("\n", 1)[0].strip()
            address = re.search(r"address: \"?([^\"\n]+)\"?", block).group(1)
            port = int(re.search(r"\n *port: (\d+)", block).group(1))
            result[name] = (address, port, re.findall(r"url: \"?(http[^\"\s]+)", block))
    return result


def parse_dnsperf(text):
    def number(label):
        m = re.search(label + r":\s+(\d+)", text)
        return int(m.group(1)) if m else 0
    codes = {}
    m = re.search(r"Response codes:\s+(.*)", text)
    if m:
        for name, count in re.findall(r"([A-Z]+) (\d+) \(", m.group(1)):
            codes[name] = int(count)
    return {"sent": number("Queries sent"), "completed": number("Queries completed"), "lost": number("Queries lost"), "rcodes": codes}


class HTTPLoad(threading.Thread):
    """GETs at a fixed rate on one keep-alive connection (reopened if the server closes it)."""

    def __init__(self, host, port, rps, until):
        super().__init__(daemon=True)
        self.host, self.port, self.rps, self.until = host, port, rps, until
        self.statuses, self.errors, self.sent = {}, [], 0

    def run(self):
        connection = None
        next_at = time.monotonic()
        while time.monotonic() < self.until:
            next_at += 1 / self.rps
            time.sleep(max(0, next_at - time.monotonic()))
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
                connection.request("GET", "/soak")
                response = connection.getresponse()
                response.read()
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except Exception as error:  # a failed request is what the soak counts
                self.errors.append(f"{type(error).__name__}: {error}")
                connection = None
            self.sent += 1


def post(url):
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=5).read()
    except Exception as error:
        print(f"POST {url}: {error}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--qps", type=int, default=3000)
    parser.add_argument("--http-rps", type=int, default=100)
    parser.add_argument("--out")
    parser.add_argument("--binary", help="a meridian binary (default: a release build)")
    args = parser.parse_args()
    binary = args.binary or release_binary()
    work = subprocess.run(["mktemp", "-d"], capture_output=True, text=True, check=True).stdout.strip()
    demo = subprocess.Popen([binary, "demo", "--free-ports", "--work-directory", work, "--zones", os.path.join(ROOT, "zones"),
                             "--regions", os.path.join(ROOT, "regions")], stdout=subprocess.PIPE, text=True)
    processes = []
    try:
        nodes = []
        deadline = time.monotonic() + 60
        for line in demo.stdout:
            if line.startswith("dns "):
                nodes.append(line.split()[1])
            if line.strip() == "ready" or time.monotonic() > deadline:
                break
        if len(nodes) < 2:
            sys.exit("the demo did not become ready")
        processes = [p for p in children(demo.pid) if p[1] in ("serve", "agent")]
        serve_pids = [p[0] for p in processes if p[1] == "serve"]
        eps = endpoints(work)
        target = eps["use-www-b"]
        faulted = eps["euw-www-a"][2][0]

        started = time.monotonic()
        until = started + args.duration
        queries = os.path.join(work, "queries")
        with open(queries, "w") as f:
            f.write("\n".join(QUERIES) + "\n")
        perf = []
        for (address, mode, qps) in [(nodes[0], "udp", args.qps), (nodes[1], "tcp", max(1, args.qps // 10))]:
            host, port = address.rsplit(":", 1)
            perf.append(subprocess.Popen(["dnsperf", "-s", host, "-p", port, "-m", mode, "-d", queries, "-l", str(args.duration),
                                          "-Q", str(qps), "-c", "4", "-t", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        load = HTTPLoad(target[0], target[1], args.http_rps, until)
        load.start()

        samples = []  # (seconds since start, {pid: KiB})
        reloads = faults = 0
        next_reload, next_fault, recover_at = 30, 60, None
        while time.monotonic() < until:
            elapsed = time.monotonic() - started
            samples.append((elapsed, {pid: rss_kib(pid) for pid, _, _ in processes}))
            if elapsed >= next_reload:
                os.kill(serve_pids[0], signal.SIGHUP)
                reloads += 1
                next_reload += 30
            if elapsed >= next_fault:
                post(faulted + "/admin/fail")
                faults += 1
                recover_at, next_fault = elapsed + 20, next_fault + 60
            if recover_at is not None and elapsed >= recover_at:
                post(faulted + "/admin/recover")
                recover_at = None
            time.sleep(max(0, min(5, until - time.monotonic())))
        if recover_at is not None:
            post(faulted + "/admin/recover")
        samples.append((time.monotonic() - started, {pid: rss_kib(pid) for pid, _, _ in processes}))
        results = [parse_dnsperf(p.communicate(timeout=60)[0]) for p in perf]
        load.join(timeout=30)
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            demo.kill()
        subprocess.run(["rm", "-rf", work])

    report, failures = [], []
    report.append(f"# Soak: {args.duration} s, warm-up {args.warmup} s ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n")
    report.append(f"`scripts/soak.py --duration {args.duration} --warmup {args.warmup} --qps {args.qps} --http-rps {args.http_rps}`\n")
    report.append(f"Faults during the run: {reloads} zone reloads (SIGHUP), {faults} backend failures and recoveries.\n")
    report.append("| load | sent | answered | lost | wrong answer |\n|---|---|---|---|---|")
    for name, r in zip(["DNS UDP, node 1", "DNS TCP, node 2"], results):
        # Every len(QUERIES)-th query is the NXDOMAIN one.
        nxdomain = r["rcodes"].get("NXDOMAIN", 0)
        expected = r["completed"] / len(QUERIES)
        bad = sum(v for k, v in r["rcodes"].items() if k not in ("NOERROR", "NXDOMAIN")) + max(0, int(abs(nxdomain - expected) - 1))
        report.append(f"| {name} | {r['sent']} | {r['completed']} | {r['lost']} | {bad} |")
        if r["sent"] == 0 or r["lost"] or bad or r["completed"] != r["sent"]:
            failures.append(f"{name}: {r}")
    not_ok = sum(v for k, v in load.statuses.items() if k != 200) + len(load.errors)
    report.append(f"| HTTP through {target[0]}:{target[1]} | {load.sent} | {load.statuses.get(200, 0)} | {len(load.errors)} | {not_ok - len(load.errors)} |\n")
    if load.sent == 0 or not_ok:
        failures.append(f"HTTP: statuses {load.statuses}, errors {load.errors[:5]}")

    report.append("| process | RSS after warm-up (MiB) | RSS at the end (MiB) | max (MiB) | growth |\n|---|---|---|---|---|")
    base = next((s for s in samples if s[0] >= args.warmup), samples[-1])
    for pid, role, command in processes:
        first, last = base[1].get(pid), samples[-1][1].get(pid)
        peak = max((s[1].get(pid) or 0) for s in samples)
        if not first or not last:
            failures.append(f"{role} {pid} exited during the run")
            continue
        growth = (last - first) / first * 100
        if role == "agent":
            label = "agent " + command.split("--region ")[1].split()[0].rsplit("/", 1)[-1].removesuffix(".yaml")
        else:
            label = "DNS node " + command.split("--listen ")[1].split()[0]
        report.append(f"| {label} | {first / 1024:.1f} | {last / 1024:.1f} | {peak / 1024:.1f} | {growth:+.1f}% |")
        if growth >= 5:
            failures.append(f"{label}: memory grew {growth:.1f}%")
    report.append("\n" + ("**PASS**" if not failures else "**FAIL**: " + "; ".join(failures)))
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
