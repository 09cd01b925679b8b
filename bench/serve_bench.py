#!/usr/bin/env python3
"""Measures `wsbx serve` on loopback with the json_hello example guest.

    bench/serve_bench.py                      # build/cli/wsbx, about 20 s
    bench/serve_bench.py --no-access-log      # the same without the access log
    bench/serve_bench.py --wsbx PATH --guest PATH --requests 5000 --duration 20

Starts `wsbx serve GUEST --listen 127.0.0.1:0` (a config file with
"access_log": "" under --no-access-log), reads the port from its
"listening on 127.0.0.1:PORT" line, then:

  (a) sends --requests sequential GET requests over one keep-alive
      connection with http.client and reports the median and p99 latency;
  (b) when `wrk` is on PATH (Debian package wrk), runs
      `wrk -t2 -c16 -d10s --latency` against the server and reports
      requests/s and its latency percentiles;
  (c) reads GET /metrics and reports the requests the server counted.

Stops the server with SIGTERM. Everything stays on 127.0.0.1; every step
has a time limit. The client and the server share the machine's cores, so
the figures are a floor for what the server alone would do.
"""
import argparse
import http.client
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUTE = "/"


class Server:
    """A `wsbx serve` process; its stderr is read (and dropped) by a thread
    so that access-log lines never fill the pipe."""

    def __init__(self, argv, start_timeout):
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.port = None
        self.head = []  # the first lines, for error messages
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                if len(self.head) < 20:
                    self.head.append(line.rstrip("\n"))
                if self.port is None:
                    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
                    if m:
                        self.port = int(m.group(1))
                        ready.set()
            ready.set()  # the process ended

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        ready.wait(start_timeout)
        if self.port is None:
            self.stop()
            sys.exit("wsbx serve did not start:\n  " + "\n  ".join(self.head))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        return self.proc.returncode


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    k = math.ceil(p / 100.0 * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, k))]


def sequential(port, n, warmup, timeout):
    """Median and p99 (ms) of n GETs on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    times = []
    try:
        for i in range(warmup + n):
            start = time.perf_counter()
            conn.request("GET", ROUTE + "bench?i=%d" % i)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - start
            if response.status != 200 or b'"hello"' not in body:
                sys.exit("unexpected response %d: %r" % (response.status, body[:200]))
            if response.getheader("Connection", "").lower() == "close":
                sys.exit("the server closed the keep-alive connection")
            if i >= warmup:
                times.append(elapsed * 1000.0)
    finally:
        conn.close()
    times.sort()
    return {"median": statistics.median(times), "p99": percentile(times, 99),
            "min": times[0], "max": times[-1]}


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    return float(m.group(1)) * scale


def run_wrk(wrk, port, threads, connections, duration):
    argv = [wrk, "-t%d" % threads, "-c%d" % connections, "-d%ds" % duration,
            "--latency", "http://127.0.0.1:%d%sbench" % (port, ROUTE)]
    out = subprocess.run(argv, capture_output=True, text=True,
                         timeout=duration + 60)
    if out.returncode != 0:
        sys.exit("wrk failed:\n" + out.stdout + out.stderr)
    text = out.stdout
    result = {"argv": " ".join(argv[:-1]), "percentiles": {}}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    result["rps"] = float(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([\d.]+\w+)", text)
    result["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", text)
    result["socket_errors"] = m.group(1).strip() if m else ""
    dist = text.split("Latency Distribution", 1)
    if len(dist) == 2:
        for p, value in re.findall(r"^\s+(\d+)%\s+(\S+)", dist[1], re.M):
            result["percentiles"][int(p)] = to_ms(value)
    return result


def server_counts(port, timeout):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/metrics")
        response = conn.getresponse()
        text = response.read().decode()
    finally:
        conn.close()
    counts = {}
    for route, status, value in re.findall(
            r'^wsbx_requests_total\{route="([^"]*)",status="(\d+)"\} (\d+)$',
            text, re.M):
        counts[(route, int(status))] = int(value)
    m = re.search(r'^wsbx_request_duration_seconds_sum\{route="%s"\} (\S+)$'
                  % re.escape(ROUTE), text, re.M)
    busy = float(m.group(1)) if m else None
    m = re.search(r'^wsbx_fuel_total\{route="%s"\} (\d+)$' % re.escape(ROUTE),
                  text, re.M)
    fuel = int(m.group(1)) if m else None
    return counts, busy, fuel


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wsbx", default=os.path.join(ROOT, "build/cli/wsbx"),
                        help="the wsbx binary (wsbx-serve must be beside it or on PATH)")
    parser.add_argument("--guest",
                        default=os.path.join(ROOT, "build/serve/examples/serve_json_hello.wasm"))
    parser.add_argument("--requests", type=int, default=2000,
                        help="sequential requests for the latency figures")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=0,
                        help="the server's worker threads (0: its default, one per core)")
    parser.add_argument("--no-access-log", action="store_true",
                        help="serve from a config file with \"access_log\": \"\"")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()

    for path in (args.wsbx, args.guest):
        if not os.path.exists(path):
            sys.exit(path + " does not exist (build it, or pass --wsbx / --guest)")
    guest = os.path.abspath(args.guest)
    tmp = tempfile.TemporaryDirectory(prefix="serve_bench.")
    if args.no_access_log:
        config = os.path.join(tmp.name, "routes.json")
        with open(config, "w") as f:
            json.dump({"access_log": "", "routes": {ROUTE: {"module": guest}}}, f)
        argv = [args.wsbx, "serve", config]
    else:
        argv = [args.wsbx, "serve", guest, "--route", ROUTE]
    argv += ["--listen", "127.0.0.1:0"]
    if args.workers > 0:
        argv += ["--workers", str(args.workers)]

    server = Server(argv, start_timeout=30)
    results = {"date": time.strftime("%Y-%m-%d"), "cores": os.cpu_count(),
               "server": " ".join(argv), "access_log": not args.no_access_log}
    try:
        results["sequential"] = sequential(server.port, args.requests, args.warmup,
                                           timeout=30)
        sent = args.requests + args.warmup
        wrk = shutil.which("wrk")
        if wrk:
            results["wrk"] = run_wrk(wrk, server.port, args.threads,
                                     args.connections, args.duration)
            sent += results["wrk"]["requests"] or 0
        else:
            results["wrk"] = None
        counts, busy, fuel = server_counts(server.port, timeout=30)
        results["server_counted"] = {
            "route_200": counts.get((ROUTE, 200), 0),
            "route_other": sum(v for (r, s), v in counts.items() if r == ROUTE and s != 200),
            "client_sent": sent,
            "duration_sum_s": busy,
            "fuel_total": fuel,
        }
    finally:
        code = server.stop()
    results["server_exit"] = code

    seq = results["sequential"]
    rows = [
        ("date", results["date"]),
        ("cores (server and load share them)", str(results["cores"])),
        ("server", results["server"]),
        ("access log", "on (stderr)" if results["access_log"] else "off"),
        ("sequential keep-alive GETs", str(args.requests)),
        ("  median latency", "%.3f ms" % seq["median"]),
        ("  p99 latency", "%.3f ms" % seq["p99"]),
        ("  min / max", "%.3f / %.3f ms" % (seq["min"], seq["max"])),
    ]
    w = results["wrk"]
    if w:
        rows.append(("wrk", w["argv"]))
        rows.append(("  requests/s", "%.0f" % w["rps"] if w["rps"] else "?"))
        for p in sorted(w["percentiles"]):
            value = w["percentiles"][p]
            rows.append(("  latency p%d" % p, "%.3f ms" % value if value is not None else "?"))
        rows.append(("  non-2xx responses", str(w["non_2xx"])))
        if w["socket_errors"]:
            rows.append(("  socket errors", w["socket_errors"]))
    else:
        rows.append(("wrk", "not installed (Debian: apt-get install wrk); skipped"))
    c = results["server_counted"]
    rows.append(("/metrics: route %s status 200" % ROUTE, str(c["route_200"])))
    rows.append(("/metrics: route %s other statuses" % ROUTE, str(c["route_other"])))
    rows.append(("responses the client read", str(c["client_sent"])))
    rows.append(("server exit status after SIGTERM", str(code)))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print("%-*s  %s" % (width, key, value))
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
