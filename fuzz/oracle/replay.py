#!/usr/bin/env python3
"""Replays the oracle's regression modules through wsbx-trace, optimized
and plain, and compares each trace with the committed one V8 produced,
under the oracle's comparison rules (oracle.py).

  replay.py WSBX_TRACE EXPECTED_DIR MODULE.wasm...
Each [oracle-]NAME.wasm is checked against EXPECTED_DIR/NAME.expected.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    trace_bin, expected_dir, modules = sys.argv[1], sys.argv[2], sys.argv[3:]
    failures = 0
    for module in modules:
        stem = os.path.splitext(os.path.basename(module))[0]
        stem = stem.removeprefix('oracle-')  # as meson names the output
        with open(os.path.join(expected_dir, stem + '.expected')) as f:
            expected = oracle.parse_trace(f.read().split('\n'))
        for mode in ([], ['--plain']):
            got = oracle.run_trace([trace_bin] + mode + [module])
            i = oracle.compare(got, expected)
            if i is None and got.why != expected.why:
                # Here the end of the trace is part of the expectation.
                i = len(got.lines)
                got.lines.append(got.why or '<no early end>')
                expected.lines.append(expected.why or '<no early end>')
            label = f'{stem} ({"plain" if mode else "optimized"})'
            if i is None:
                print(f'ok   {label}')
                continue
            failures += 1
            print(f'FAIL {label}: line {i + 1}\n'
                  f'  wsbx:     {oracle.first_line(got, i)}\n'
                  f'  expected: {oracle.first_line(expected, i)}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
