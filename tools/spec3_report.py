#!/usr/bin/python3
"""Runs wsbx-spectest over every .wast of the 3.0 spec suite, all folders.

Prints, per folder, the files that pass and the assertions passed and
failed, then every file with failures: how many, and how many of them are
commands the .wast reader could not read (text syntax it lacks) rather than
engine outcomes. A crash or a timeout counts as a failed file.

usage: spec3_report.py WSBX_SPECTEST SUITE_DIR [--plain] [--timeout S]
"""

import argparse
import collections
import os
import re
import subprocess
import sys

SUMMARY = re.compile(r": (\d+) passed, (\d+) failed")


def run_file(spectest, path, plain, timeout):
    """(passed, failed, unreadable, note) for one script."""
    cmd = [spectest] + (["--plain"] if plain else []) + [path]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return 0, 1, 0, "timeout after %ds" % timeout
    prefix = path + ":"
    passed = failed = unreadable = 0
    found = False
    for line in proc.stdout.splitlines():
        if not line.startswith(prefix):
            continue
        m = SUMMARY.search(line)
        if m and line[len(prefix):].startswith(" "):
            passed, failed = int(m.group(1)), int(m.group(2))
            found = True
        elif ": unreadable command: " in line:
            unreadable += 1
    if proc.returncode < 0 or not found:
        return passed, max(failed, 1), unreadable, "exit %d" % proc.returncode
    return passed, failed, unreadable, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spectest")
    ap.add_argument("suite")
    ap.add_argument("--plain", action="store_true")
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()

    files = []
    for root, _, names in os.walk(args.suite):
        files += [os.path.join(root, n) for n in names if n.endswith(".wast")]
    if not files:
        print("no .wast files under " + args.suite, file=sys.stderr)
        return 2
    files.sort()

    folders = collections.OrderedDict()
    failing = []
    for path in files:
        folder = os.path.relpath(os.path.dirname(path), args.suite)
        passed, failed, unreadable, note = run_file(
            args.spectest, path, args.plain, args.timeout)
        f = folders.setdefault(folder, [0, 0, 0, 0, 0])
        f[0] += 1
        f[1] += failed == 0 and passed > 0
        f[2] += passed
        f[3] += failed
        f[4] += unreadable
        if failed or not passed:
            failing.append((os.path.relpath(path, args.suite), passed, failed,
                            unreadable, note))

    print("%-16s %11s %10s %10s %11s" %
          ("folder", "files ok", "passed", "failed", "unreadable"))
    total = [0, 0, 0, 0, 0]
    for folder, f in folders.items():
        print("%-16s %5d/%-5d %10d %10d %11d" %
              (folder, f[1], f[0], f[2], f[3], f[4]))
        total = [a + b for a, b in zip(total, f)]
    print("%-16s %5d/%-5d %10d %10d %11d" %
          ("total", total[1], total[0], total[2], total[3], total[4]))
    print()
    print("files with failures (passed, failed, of which unreadable):")
    for name, passed, failed, unreadable, note in failing:
        print("  %-44s %6d %6d %6d %s" %
              (name, passed, failed, unreadable, note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
