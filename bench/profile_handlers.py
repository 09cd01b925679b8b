#!/usr/bin/env python3
"""Profiles `wsbx run` per interpreter handler with perf.

    bench/profile_handlers.py BUILD/cli/wsbx BUILD/bench/vm.wasm -- 20

The interpreter is one function with computed-goto labels, so perf's
per-symbol report shows only `Run`. This script records cpu-clock samples,
then gives each sample inside Run to the nearest handler label at or before
it, using the labels' addresses from DWARF (DW_TAG_label), so wsbx must be
built with debug info (meson's default debugoptimized does; -Db_ndebug=true
keeps asserts out of the picture). Sampling skid can shift a share onto the
handler that follows a slow instruction; read the top entries, not the tail.
"""
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

RUN_SYMBOL = "wsbx::(anonymous namespace)::Run"


def handler_labels(binary):
    """Sorted (address, name) of every named label with an address."""
    dump = subprocess.run(["objdump", "--dwarf=info", binary],
                          capture_output=True, text=True, check=True).stdout
    labels, name, in_label = [], None, False
    for line in dump.splitlines():
        if "DW_TAG_" in line:
            in_label, name = "DW_TAG_label" in line, None
            continue
        if not in_label:
            continue
        m = re.search(r"DW_AT_name\s*:(?:.*:)?\s*(\S+)$", line)
        if m:
            name = m.group(1)
        m = re.search(r"DW_AT_low_pc\s*:\s*0x([0-9a-f]+)", line)
        if m and name:
            labels.append((int(m.group(1), 16), name))
    return sorted(labels)


def run_address(binary):
    """File address of the interpreter function (not its .cold part)."""
    out = subprocess.run(["nm", "-C", binary], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.split(None, 2)
        if (len(parts) == 3 and parts[1] in "tT" and
                parts[2].startswith(RUN_SYMBOL + "(") and "[clone" not in parts[2]):
            return int(parts[0], 16)
    raise SystemExit("no %s in %s" % (RUN_SYMBOL, binary))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    binary, rest = sys.argv[1], sys.argv[2:]
    labels = handler_labels(binary)
    addrs = [a for a, _ in labels]
    base = run_address(binary)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4000",
                        "-o", data, binary, "run"] + rest, check=True,
                       stdout=subprocess.DEVNULL)
        script = subprocess.run(["perf", "script", "-i", data, "-F",
                                 "ip,sym,symoff"], capture_output=True,
                                text=True, check=True).stdout
    counts, total = collections.Counter(), 0
    for line in script.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) < 2:
            continue
        total += 1
        m = re.match(r"(.+)\+0x([0-9a-f]+)$", parts[1])
        if not m:
            counts["(unknown)"] += 1
        elif m.group(1) == RUN_SYMBOL:
            i = bisect.bisect_right(addrs, base + int(m.group(2), 16)) - 1
            counts["Run " + (labels[i][1] if i >= 0 else "?")] += 1
        else:
            counts[m.group(1)] += 1
    for key, n in counts.most_common(20):
        print("%6.2f%%  %s" % (100.0 * n / total, key))


if __name__ == "__main__":
    main()
