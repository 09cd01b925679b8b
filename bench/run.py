#!/usr/bin/env python3
"""Runs the wsbx benchmark suite and prints native vs wsbx times.

    bench/run.py --build-dir build            # full suite (a few minutes)
    bench/run.py --build-dir build --check    # quick checksum test only
    bench/run.py --build-dir new --baseline old/cli/wsbx fib vm   # before/after

Every program prints one checksum line; the native and the wasm run must
print the same one, or the script fails. Times are medians of --runs runs,
native and wsbx interleaved, and every ratio is taken within this one run of
the script. When `wsbx run --help` lists --fuel, wsbx also runs with a huge
fuel budget and the counter-on / counter-off ratio is printed. --baseline
adds another wsbx binary (e.g. an older build), run interleaved with the
others on the same programs (with the fuel budget when it has --fuel), so
before and after are compared within one run.
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))
import gen_patho  # noqa: E402

# name, wasm file, native file, full-size argument, --check argument.
PROGRAMS = [
    ("fib", "fib.wasm", "fib-native", 38, 20),
    ("loops", "loops.wasm", "loops-native", 250, 10),
    ("float", "float.wasm", "float-native", 150, 5),
    ("hash", "hash.wasm", "hash-native", 200, 10),
    ("vm", "vm.wasm", "vm-native", 50, 5),
    ("sort", "sort.wasm", "sort-native", 150, 5),
    ("memops", "memops.wasm", "memops-native", 30, 2),
    ("memops-bulk", "memops-bulk.wasm", "memops-native", 150, 2),
    ("exprs", "exprs.wasm", "exprs-native", 150, 3),
]
# Pathological modules: case, full-size n, --check n.
PATHO = [("br_table", 30000000, 1000), ("nested", 30000000, 1000),
         ("locals", 200000, 100), ("recursion", 3000, 3)]
FUEL = str(10**15)
TIME = "/usr/bin/time"  # GNU time (Debian package "time"), for peak RSS


class BenchError(Exception):
    pass


def run(cmd):
    """Runs cmd; returns (seconds, stdout, peak RSS in KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise BenchError("%s exited %d: %s" % (" ".join(cmd), proc.returncode,
                                              err.decode(errors="replace").strip()))
    return seconds, out.decode(errors="replace").strip()


def run_rss(cmd):
    """Runs cmd under GNU time; returns its peak RSS in KiB.

    GNU time forks from a small process, so the child's ru_maxrss is its own;
    a child forked from this Python process would inherit Python's RSS as its
    high-water mark.
    """
    with tempfile.NamedTemporaryFile(mode="r") as f:
        subprocess.run([TIME, "-f", "%M", "-o", f.name] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(f.read().split()[-1])


class Suite:
    def __init__(self, build_dir, runs, baseline=None):
        self.baseline = baseline
        self.build_dir = build_dir
        self.bench = os.path.join(build_dir, "bench")
        self.wsbx = os.path.join(build_dir, "cli", "wsbx")
        self.runs = runs
        for path in (self.bench, self.wsbx):
            if not os.path.exists(path):
                raise BenchError("%s not found: build first (ninja -C %s)"
                                 % (path, build_dir))
        help_text = subprocess.run([self.wsbx, "run", "--help"],
                                   capture_output=True, text=True).stdout
        self.has_fuel = "--fuel" in help_text
        self.baseline_fuel = False
        if baseline:
            if not os.path.exists(baseline):
                raise BenchError("%s not found" % baseline)
            self.baseline_fuel = "--fuel" in subprocess.run(
                [baseline, "run", "--help"], capture_output=True,
                text=True).stdout

    def path(self, name):
        return os.path.join(self.bench, name)

    def wsbx_cmd(self, wasm, args, fuel=False):
        cmd = [self.wsbx, "run"]
        if fuel:
            cmd += ["--fuel", FUEL]
        return cmd + [self.path(wasm)] + args

    def program(self, name, wasm, native, arg, runs):
        """Median seconds per mode ('native', 'wsbx', 'fuel') for one program."""
        modes = {"native": [self.path(native), str(arg)],
                 "wsbx": self.wsbx_cmd(wasm, ["--", str(arg)])}
        if self.has_fuel:
            modes["fuel"] = self.wsbx_cmd(wasm, ["--", str(arg)], fuel=True)
        if self.baseline:
            modes["baseline"] = ([self.baseline, "run"] +
                                 (["--fuel", FUEL] if self.baseline_fuel else []) +
                                 [self.path(wasm), "--", str(arg)])
        times = {m: [] for m in modes}
        reference = None
        for _ in range(runs):
            for mode, cmd in modes.items():
                seconds, out = run(cmd)
                if not re.fullmatch(r"\S+ checksum [0-9a-f]{16}", out):
                    raise BenchError("%s (%s): unexpected output %r" % (name, mode, out))
                if reference is None:
                    reference = out
                elif out != reference:
                    raise BenchError("%s: checksum mismatch: %s gave %r, native %r"
                                     % (name, mode, out, reference))
                times[mode].append(seconds)
        return {m: statistics.median(t) for m, t in times.items()}

    def patho(self, case, n, runs, fuel=False):
        want = gen_patho.expected(case, n)
        cmd = self.wsbx_cmd(case + ".wasm", ["--invoke", "run", str(n)], fuel)
        times = []
        for _ in range(runs):
            seconds, out = run(cmd)
            if out != want:
                raise BenchError("%s: run(%d) printed %r, expected %s"
                                 % (case, n, out, want))
            times.append(seconds)
        return statistics.median(times)


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def check(suite):
    """One small run of everything; fails on any checksum difference."""
    for name, wasm, native, _, small in PROGRAMS:
        suite.program(name, wasm, native, small, 1)
        print("ok  %-12s (arg %d)" % (name, small))
    for case, _, small in PATHO:
        suite.patho(case, small, 1)
        if suite.has_fuel:
            suite.patho(case, small, 1, fuel=True)
        print("ok  %-12s (n %d)" % (case, small))


def full(suite, only):
    print("wsbx benchmark suite: median of %d runs, %s, %d CPUs, fuel %s"
          % (suite.runs, time.strftime("%Y-%m-%d"), os.cpu_count(),
             "on/off compared" if suite.has_fuel else "flag not available"))
    if not only or only & {p[0] for p in PROGRAMS}:
        programs(suite, only)
    if not only or only & {p[0] for p in PATHO}:
        pathological(suite, only)
    if not only or "load" in only:
        load(suite)
    if not only or "rss" in only:
        rss(suite)


def programs(suite, only):
    head = "| program | arg | native s | wsbx s | wsbx/native |"
    if suite.has_fuel:
        head += " wsbx --fuel s | --fuel/native | fuel on/off |"
    if suite.baseline:
        head += " baseline s | baseline/native |"
    print("\n" + head)
    print("|" + "---|" * (head.count("|") - 1))
    ratios, fuel_ratios, fuel_native, base_ratios = [], [], [], []
    for name, wasm, native, arg, _ in PROGRAMS:
        if only and name not in only:
            continue
        t = suite.program(name, wasm, native, arg, suite.runs)
        ratio = t["wsbx"] / t["native"]
        ratios.append(ratio)
        line = "| %s | %d | %.3f | %.3f | %.1f |" % (name, arg, t["native"],
                                                    t["wsbx"], ratio)
        if suite.has_fuel:
            fuel_ratios.append(t["fuel"] / t["wsbx"])
            fuel_native.append(t["fuel"] / t["native"])
            line += " %.3f | %.1f | %.3f |" % (t["fuel"], fuel_native[-1],
                                               fuel_ratios[-1])
        if suite.baseline:
            base_ratios.append(t["baseline"] / t["native"])
            line += " %.3f | %.1f |" % (t["baseline"], base_ratios[-1])
        print(line, flush=True)
    if ratios:
        line = "| **geomean** | | | | **%.1f** |" % geomean(ratios)
        if suite.has_fuel:
            line += " | **%.1f** | **%.3f** |" % (geomean(fuel_native),
                                                  geomean(fuel_ratios))
        if suite.baseline:
            line += " | **%.1f** |" % geomean(base_ratios)
        print(line)


def pathological(suite, only):
    print("\n| pathological module | n | wsbx s |" +
          (" wsbx --fuel s |" if suite.has_fuel else ""))
    print("|---|---|---|" + ("---|" if suite.has_fuel else ""))
    for case, n, _ in PATHO:
        if only and case not in only:
            continue
        line = "| %s | %d | %.3f |" % (case, n, suite.patho(case, n, suite.runs))
        if suite.has_fuel:
            line += " %.3f |" % suite.patho(case, n, suite.runs, fuel=True)
        print(line, flush=True)


def load(suite):
    print("\nLoad throughput (LoadModule = decode + validate + compile; median of 11):")
    for wasm in ("exprs.wasm", "fib.wasm"):
        _, out = run([suite.path("load_bench"), suite.path(wasm), "11"])
        f = dict(kv.split("=") for kv in out.split())
        print("  %-10s code section %7.1f KB: load %7.2f ms = %6.1f MB/s;"
              " validate alone %7.2f ms = %6.1f MB/s"
              % (wasm, int(f["code_bytes"]) / 1e3, float(f["load_ms"]),
                 float(f["load_mb_s"]), float(f["validate_ms"]),
                 float(f["validate_mb_s"])))


def initial_memory_bytes(path):
    """Minimum size of the module's first memory (memory section, id 5)."""
    data = open(path, "rb").read()
    pos = 8

    def leb():
        nonlocal pos
        v = shift = 0
        while True:
            b = data[pos]
            pos += 1
            v |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                return v
    while pos < len(data):
        sid = data[pos]
        pos += 1
        size = leb()
        end = pos + size
        if sid == 5 and leb() > 0:
            leb()  # limits flags
            return leb() * 65536
        pos = end
    return 0


# Peak RSS cases: label, module (from the build directory), wsbx arguments,
# native program and its argument (or None).
RSS_CASES = [
    ("one_func", "bench/one_func.wasm", ["--invoke", "f"], None, None),
    ("recursion", "bench/recursion.wasm", ["--invoke", "run", "1"], None, None),
    ("cli fib", "cli/fib.wasm", ["--invoke", "fib", "20"], None, None),
    ("fib", "bench/fib.wasm", ["--", "20"], "fib-native", "20"),
    ("exprs", "bench/exprs.wasm", ["--", "1"], "exprs-native", "1"),
]
RSS_GOAL_KIB = 3e6 / 1024  # 3 MB beyond linear memory for small modules


def rss(suite):
    if not os.path.exists(TIME):
        print("\nPeak RSS: skipped (%s not installed)" % TIME)
        return
    print("\nPeak RSS (GNU time %%M, median of 5; goal for small modules:"
          " %.2f MiB beyond linear memory):" % (RSS_GOAL_KIB / 1024))
    for name, module, args, native, arg in RSS_CASES:
        wasm = os.path.join(suite.build_dir, module)
        w = statistics.median(run_rss([suite.wsbx, "run", wasm] + args)
                              for _ in range(5))
        line = "  %-9s wsbx %5.2f MiB" % (name, w / 1024)
        if native:
            n = statistics.median(run_rss([suite.path(native), arg])
                                  for _ in range(5))
            line += " (native build %4.2f MiB)" % (n / 1024)
        else:
            line += " " * 26
        mem = initial_memory_bytes(wasm) / 1024
        size = os.path.getsize(wasm) / 1024
        print(line + "; module %6.1f KiB, linear memory %5.0f KiB;"
              " beyond linear memory %5.2f MiB" % (size, mem, (w - mem) / 1024))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", metavar="WSBX",
                        help="another wsbx binary to time on the same programs")
    parser.add_argument("--check", action="store_true",
                        help="only check checksums at small sizes (the meson test)")
    parser.add_argument("only", nargs="*",
                        help="program or case names (also 'load', 'rss') to run")
    args = parser.parse_args()
    try:
        suite = Suite(args.build_dir, args.runs, args.baseline)
        if args.check:
            check(suite)
        else:
            full(suite, set(args.only))
    except BenchError as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
