#!/usr/bin/env python3
"""Differential oracle: wsbx (optimized and plain code) against V8.

Makes modules (binaryen's `wasm-opt -ttf` over random bytes, and wsbx-gen
when the build has it), runs each through wsbx-trace twice and through
run_v8.js, compares the canonical traces and keeps every disagreement in
OUT/findings/NNN/, reduced with wasm-reduce when it is installed.
The trace protocol and the comparison rules are in fuzz/oracle/README.md.

  oracle.py --build build [--seconds S | --hours H] [--seed N] [--jobs J]
            [--out DIR] [--gen ttf|wsbx-gen|both]
  oracle.py --check MODULE.wasm --build build   (one module; used by wasm-reduce)
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_V8 = os.path.join(HERE, 'run_v8.js')

# Wasm 2.0, what wsbx implements. Reference types are a separate profile:
# binaryen 108 types some of its reference values as (ref $t) or anyref,
# which no 2.0 engine accepts, so those modules are filtered by wabt first.
FEATURES_2_0 = ['--enable-sign-ext', '--enable-nontrapping-float-to-int',
                '--enable-mutable-globals', '--enable-multivalue',
                '--enable-bulk-memory', '--enable-simd']
FEATURES_OFF = ['--disable-threads', '--disable-exception-handling',
                '--disable-tail-call', '--disable-gc', '--disable-memory64',
                '--disable-typed-function-references', '--disable-gc-nn-locals',
                '--disable-relaxed-simd', '--disable-extended-const']
PROFILES = {
    'base': FEATURES_2_0 + ['--disable-reference-types'] + FEATURES_OFF,
    'reftypes': FEATURES_2_0 + ['--enable-reference-types'] + FEATURES_OFF,
}

FUEL = 2_000_000_000  # far more than a hang-limited ttf module needs
TIMEOUT = 30          # seconds per engine run
ENDS_TRACE = re.compile(r'^trap \S+ (fuel|stack)$')


# ---- Running the engines ------------------------------------------------------

class Trace:
    """One engine's trace: its lines, and whether it ended early (fuel,
    stack or timeout), after which nothing can be compared."""

    def __init__(self, lines, ended=False, why=''):
        self.lines = lines
        self.ended = ended
        self.why = why

    def text(self):
        return '\n'.join(self.lines) + ('\n' if self.lines else '') + \
            (f'# ended: {self.why}\n' if self.ended else '')


def run_trace(cmd, timeout=TIMEOUT):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=timeout)
        out, timed_out = proc.stdout, False
    except subprocess.TimeoutExpired as e:
        out, timed_out = e.stdout or b'', True
    lines = out.decode('utf-8', 'replace').split('\n')
    if timed_out:
        # The last line may be cut short.
        return Trace(lines[:-1] if lines else [], True, 'timeout')
    return parse_trace(lines)


def parse_trace(lines):
    """A Trace from an engine's output lines (or an .expected file's)."""
    lines = [l for l in lines if l and not l.startswith('#')]
    for i, line in enumerate(lines):
        if ENDS_TRACE.match(line):
            return Trace(lines[:i], True, line)
    return Trace(lines)


class Engines:
    def __init__(self, build, node, fuel=FUEL, workdir=None):
        self.trace_bin = os.path.join(build, 'fuzz', 'wsbx-trace')
        if workdir:
            # A campaign runs its own copy, so rebuilding the tree under it
            # changes nothing mid-run.
            copy = os.path.join(workdir, 'wsbx-trace')
            shutil.copy2(self.trace_bin, copy)
            self.trace_bin = copy
        self.node = node
        self.fuel = fuel

    def wsbx(self, path, plain=False, extra=()):
        return [self.trace_bin] + (['--plain'] if plain else []) + \
            ['--fuel', str(self.fuel)] + list(extra) + [path]

    def v8(self, path, extra=()):
        return [self.node, '--experimental-wasm-type-reflection', RUN_V8] + \
            list(extra) + [path]

    def run_all(self, path):
        return {
            'opt': run_trace(self.wsbx(path)),
            'plain': run_trace(self.wsbx(path, plain=True)),
            'v8': run_trace(self.v8(path)),
        }

    def memories_differ_in_nans_only(self, path):
        """Runs wsbx (optimized) and V8 again, dumping the first exported
        memory, and tells whether every byte where they differ lies in a
        float both engines hold as a NaN (payloads are nondeterministic)."""
        with tempfile.TemporaryDirectory() as tmp:
            da, db = os.path.join(tmp, 'wsbx.mem'), os.path.join(tmp, 'v8.mem')
            run_trace(self.wsbx(path, extra=['--dump-memory', da]))
            run_trace(self.v8(path, extra=['--dump-memory', db]))
            if not (os.path.exists(da) and os.path.exists(db)):
                return False
            with open(da, 'rb') as f:
                a = f.read()
            with open(db, 'rb') as f:
                b = f.read()
        return nan_only_difference(a, b)


def nan_only_difference(a, b):
    if len(a) != len(b):
        return False
    covered = -1  # bytes up to here are explained
    chunk = 4096
    for base in range(0, len(a), chunk):
        if a[base:base + chunk] == b[base:base + chunk]:
            continue
        for i in range(base, min(base + chunk, len(a))):
            if a[i] == b[i] or i <= covered:
                continue
            end = nan_window(a, b, i)
            if end is None:
                return False
            covered = end
    return True


def nan_window(a, b, i):
    """The last byte of a 4- or 8-byte window around byte i that holds the
    same NaN (as _same_nan32/64 accept it) in a and b, or None."""
    for width, same in ((4, _same_nan32), (8, _same_nan64)):
        for start in range(max(0, i - width + 1), min(i, len(a) - width) + 1):
            wa = int.from_bytes(a[start:start + width], 'little')
            wb = int.from_bytes(b[start:start + width], 'little')
            if same(wa, wb):
                return start + width - 1
    return None


# ---- Comparing traces ---------------------------------------------------------

def _nan32(x):
    return (x & 0x7f800000) == 0x7f800000 and (x & 0x7fffff) != 0


def _nan64(x):
    return (x >> 52) & 0x7ff == 0x7ff and (x & ((1 << 52) - 1)) != 0


# NaN payloads are nondeterministic (spec 4.3.3): one engine may return the
# hardware's default NaN where another propagates an operand's payload. Two
# bit patterns are accepted as "the same NaN" only when both are NaNs and
# one of them is a canonical NaN (either sign): without that last condition
# every pair of small negative integers would pass as a pair of NaNs.
def _same_nan32(x, y):
    return x == y or (_nan32(x) and _nan32(y) and
                      0x7fc00000 in (x & 0x7fffffff, y & 0x7fffffff))


def _same_nan64(x, y):
    canonical = 0x7ff8000000000000
    mask = (1 << 63) - 1
    return x == y or (_nan64(x) and _nan64(y) and
                      canonical in (x & mask, y & mask))


def _same_bits64(x, y):
    """64 bits holding an f64, or two f32s, that may differ in NaN payload."""
    return _same_nan64(x, y) or all(
        _same_nan32(x >> s & 0xffffffff, y >> s & 0xffffffff) for s in (0, 32))


def v128_equivalent(a, b):
    """v128 tokens 0xL0:0xL1:0xL2:0xL3 agree when each 64-bit half does, as
    an f64 or as two f32 lanes (_same_bits64)."""
    la = [int(x, 16) for x in a.split(':')]
    lb = [int(x, 16) for x in b.split(':')]
    return all(_same_bits64(la[h] | la[h + 1] << 32, lb[h] | lb[h + 1] << 32)
               for h in (0, 2))


def nan_shaped_equivalent(kind, a, b):
    """Integers that differ only as NaN payloads: a float NaN reinterpreted
    or extracted from a v128 lane carries nondeterministic bits into an
    i32 or i64."""
    x, y = int(a), int(b)
    if kind == 'i32':
        return _same_nan32(x & 0xffffffff, y & 0xffffffff)
    return _same_bits64(x & (1 << 64) - 1, y & (1 << 64) - 1)


# V8 reports every failed float-to-int conversion alike, where the spec
# (and wsbx) call an out-of-range one "integer overflow": one class.
TRAP_CLASS = {'conv': 'overflow'}


def lines_equal(a, b, nan_tolerant=True):
    if a == b:
        return True
    if not nan_tolerant:
        return False
    ta, tb = a.split(' '), b.split(' ')
    if ta[0] == 'trap' and len(ta) == 3 and len(tb) == 3:
        return ta[1] == tb[1] and \
            TRAP_CLASS.get(ta[2], ta[2]) == TRAP_CLASS.get(tb[2], tb[2])
    if len(ta) != len(tb):
        return False
    for i, (x, y) in enumerate(zip(ta, tb)):
        if x == y:
            continue
        kind = ta[i - 1] if i > 0 and ta[i - 1] == tb[i - 1] else None
        if kind == 'v128' and v128_equivalent(x, y):
            continue
        if kind in ('i32', 'i64') and nan_shaped_equivalent(kind, x, y):
            continue
        return False
    return True


def compare(a, b, nan_memory=False, nan_tolerant=True):
    """Index of the first line where two traces disagree, or None. A trace
    that ended early is compared only up to where it ended."""
    limit = None
    if a.ended:
        limit = len(a.lines)
    if b.ended:
        limit = len(b.lines) if limit is None else min(limit, len(b.lines))
    la, lb = a.lines, b.lines
    if limit is not None:
        if len(la) < limit or len(lb) < limit:
            return min(len(la), len(lb))
        la, lb = la[:limit], lb[:limit]
    for i, (x, y) in enumerate(zip(la, lb)):
        if not lines_equal(x, y, nan_tolerant):
            if nan_memory and x.startswith('memory ') and y.startswith('memory '):
                continue
            return i
    if len(la) != len(lb):
        return min(len(la), len(lb))
    return None


def verdict(traces, memory_nan_only=None):
    """The disagreements among the three traces, as (pair, line index).
    `memory_nan_only`, called at most once, tells whether wsbx's and V8's
    memories differ only in NaN payloads; it is asked only when the memory
    hash is all that differs."""
    out = []
    # Optimized and plain code share every limit: they must agree exactly,
    # fuel and stack exhaustion included.
    opt, plain = traces['opt'], traces['plain']
    if opt.lines != plain.lines or opt.why != plain.why:
        i = next((k for k, (x, y) in enumerate(zip(opt.lines, plain.lines))
                  if x != y), min(len(opt.lines), len(plain.lines)))
        out.append(('opt-plain', i))
    answer = None
    for name in ('opt', 'plain'):
        i = compare(traces[name], traces['v8'])
        if i is None:
            continue
        if memory_nan_only and compare(traces[name], traces['v8'],
                                       nan_memory=True) is None:
            if answer is None:
                answer = memory_nan_only()
            if answer:
                continue
        out.append((name + '-v8', i))
    return out


def first_line(trace, i):
    return trace.lines[i] if i < len(trace.lines) else '<end>'


def shape(line):
    """What kind of line this is, without its values: 'trap oob',
    'result i32 f64', 'log v128', 'memory', '<end>'."""
    words = line.split(' ')
    if words[0] == 'trap' and len(words) == 3:
        return 'trap ' + words[2]
    if words[0] == 'result':
        return ' '.join(['result'] + words[2::2])
    if words[0] == 'log':
        return ' '.join(['log'] + words[1::2])
    return words[0]


def signature(traces, disagreements):
    """A short description of a disagreement that survives changes to the
    values involved: it groups findings, and wasm-reduce keeps reducing
    while `--check` still reports it."""
    parts = []
    for pair, i in disagreements:
        x, y = pair.split('-')
        parts.append(f'{pair}: {shape(first_line(traces[x], i))} | '
                     f'{shape(first_line(traces[y], i))}')
    return '; '.join(parts)


# ---- Making modules -------------------------------------------------------------

class Generator:
    def __init__(self, build, which, workdir):
        self.gen_bin = os.path.join(build, 'fuzz', 'wsbx-gen')
        self.which = which
        self.workdir = workdir
        self.have_gen = os.access(self.gen_bin, os.X_OK)
        if which == 'wsbx-gen' and not self.have_gen:
            sys.exit(f'oracle: {self.gen_bin} not built')

    def make(self, seed, index, path):
        """Writes module number `index` of the campaign `seed` to path and
        returns a description of how it was made, or None if the generator
        gave nothing valid."""
        rng = random.Random(f'{seed}-{index}')
        use_gen = self.have_gen and (
            self.which == 'wsbx-gen' or
            (self.which == 'both' and rng.random() < 0.5))
        size = rng.choice([1000, 4000, 10000, 30000])
        profile = 'reftypes' if rng.random() < 0.2 else 'base'
        if profile == 'reftypes':
            # Small inputs: binaryen 108's non-2.0 reference typing shows up
            # less often in small modules.
            size = rng.choice([300, 600, 1200, 2000])
        if use_gen:
            gen_seed = rng.getrandbits(63)
            cmd = [self.gen_bin, '--seed', str(gen_seed), '--size', str(size),
                   path]
            info = {'generator': 'wsbx-gen', 'gen_seed': gen_seed,
                    'size': size}
        else:
            raw = path + '.bin'
            with open(raw, 'wb') as f:
                f.write(rng.randbytes(size))
            cmd = ['wasm-opt', '-ttf', raw, '-o', path] + PROFILES[profile]
            info = {'generator': 'ttf', 'profile': profile, 'size': size}
        ok = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode == 0
        if ok and not use_gen:
            # Modules binaryen 108 types beyond 2.0 are not comparable.
            ok = subprocess.run(['wasm-validate', path],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode == 0
        info.update({'seed': seed, 'index': index})
        return info if ok else None


# ---- Findings -------------------------------------------------------------------

class Findings:
    def __init__(self, out, reduce_seconds, build, node):
        self.dir = os.path.join(out, 'findings')
        os.makedirs(self.dir, exist_ok=True)
        self.reduce_seconds = reduce_seconds
        self.build = build
        self.node = node
        self.lock = threading.Lock()
        self.signatures = {}
        self.items = []

    def add(self, path, info, traces, disagreements):
        sig = signature(traces, disagreements)
        with self.lock:
            seen = self.signatures.get(sig, 0)
            self.signatures[sig] = seen + 1
            reduce = seen == 0 and self.reduce_seconds > 0 and \
                shutil.which('wasm-reduce') is not None
            if seen >= 3:  # enough reproducers of this one
                self.items.append({'signature': sig, 'dir': None, **info})
                return
            number = len(os.listdir(self.dir))
            d = os.path.join(self.dir, f'{number:03d}')
            os.makedirs(d)
        shutil.copy(path, os.path.join(d, 'module.wasm'))
        for name, t in traces.items():
            with open(os.path.join(d, f'trace-{name}.txt'), 'w') as f:
                f.write(t.text())
        entry = {'signature': sig, 'dir': d,
                 'disagreements': [{'pair': p, 'line': i}
                                   for p, i in disagreements], **info}
        if reduce:
            entry['reduced'] = self.reduce(d, info)
        with open(os.path.join(d, 'info.json'), 'w') as f:
            json.dump(entry, f, indent=2)
        with self.lock:
            self.items.append(entry)

    def reduce(self, d, info):
        """Shrinks module.wasm to reduced.wasm while `oracle.py --check`
        still reports the same signature. Returns the reduced size or None."""
        features = PROFILES.get(info.get('profile', 'reftypes'))
        check = ' '.join([sys.executable, os.path.abspath(__file__),
                          '--check', os.path.join(d, 'test.wasm'),
                          '--build', self.build, '--node', self.node,
                          '--expect-file', os.path.join(d, 'signature.txt')])
        with open(os.path.join(d, 'signature.txt'), 'w') as f:
            f.write(check_signature(Engines(self.build, self.node),
                                    os.path.join(d, 'module.wasm')) + '\n')
        cmd = ['wasm-reduce', os.path.join(d, 'module.wasm'),
               '--command', check, '-t', os.path.join(d, 'test.wasm'),
               '-w', os.path.join(d, 'reduced.wasm'), '-b', '/usr/bin',
               '--timeout', str(TIMEOUT),
               '--extra-flags', ' '.join(features)] + features
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL,
                           timeout=self.reduce_seconds, cwd=d)
        except subprocess.TimeoutExpired:
            pass  # reduced.wasm holds the best result so far
        for leftover in ('test.wasm',):
            p = os.path.join(d, leftover)
            if os.path.exists(p):
                os.remove(p)
        out = os.path.join(d, 'reduced.wasm')
        if not os.path.exists(out):
            return None
        with open(os.path.join(d, 'reduced.wat'), 'w') as f:
            subprocess.run(['wasm2wat', out], stdout=f,
                           stderr=subprocess.DEVNULL)
        return os.path.getsize(out)


def check_signature(engines, path):
    traces = engines.run_all(path)
    found = verdict(traces,
                    lambda: engines.memories_differ_in_nans_only(path))
    return signature(traces, found) if found else 'agree'


# ---- The campaign -------------------------------------------------------------

class Campaign:
    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix='wsbx-oracle-')
        self.engines = Engines(args.build, args.node, workdir=self.workdir)
        self.generator = Generator(args.build, args.gen, self.workdir)
        self.findings = Findings(args.out, args.reduce_seconds, args.build,
                                 args.node)
        self.lock = threading.Lock()
        self.next_index = 0
        self.counts = {'modules': 0, 'invalid': 0, 'both_refused': 0,
                       'ended_early': 0, 'nan_memory': 0, 'nan_values': 0,
                       'disagreements': 0,
                       'errors': 0}
        self.deadline = time.monotonic() + args.seconds

    def take_index(self):
        with self.lock:
            i = self.next_index
            self.next_index += 1
            return i

    def count(self, key):
        with self.lock:
            self.counts[key] += 1

    def one(self, job):
        index = self.take_index()
        path = os.path.join(self.workdir, f'job{job}.wasm')
        info = self.generator.make(self.args.seed, index, path)
        if info is None:
            self.count('invalid')
            return
        traces = self.engines.run_all(path)
        self.count('modules')
        if all(t.lines == ['load error'] for t in traces.values()):
            self.count('both_refused')
            return
        if any(t.ended for t in traces.values()):
            self.count('ended_early')
        nan_only = []

        def memory_nan_only():
            nan_only.append(self.engines.memories_differ_in_nans_only(path))
            return nan_only[-1]
        found = verdict(traces, memory_nan_only)
        if any(nan_only):
            self.count('nan_memory')
        if not found and compare(traces['opt'], traces['v8'], nan_memory=True,
                                 nan_tolerant=False) is not None:
            self.count('nan_values')
        if found:
            self.count('disagreements')
            self.findings.add(path, info, traces, found)

    def worker(self, job):
        while time.monotonic() < self.deadline:
            try:
                self.one(job)
            except Exception as e:  # a broken run must not end the campaign
                self.count('errors')
                print(f'oracle: job {job}: {e!r}', file=sys.stderr, flush=True)

    def status(self, start):
        c = dict(self.counts)
        rate = c['modules'] / max(time.monotonic() - start, 1e-9)
        print(f'[{time.monotonic() - start:7.0f}s] modules {c["modules"]} '
              f'({rate:.2f}/s), disagreements {c["disagreements"]} '
              f'(kinds {len(self.findings.signatures)}), ended early '
              f'{c["ended_early"]}, NaN-only memory {c["nan_memory"]}, '
              f'NaN-only values {c["nan_values"]}, '
              f'generator misses {c["invalid"]}, errors {c["errors"]}',
              flush=True)

    def run(self):
        start = time.monotonic()
        threads = [threading.Thread(target=self.worker, args=(j,), daemon=True)
                   for j in range(self.args.jobs)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            threads[0].join(timeout=self.args.status_every)
            self.status(start)
        elapsed = time.monotonic() - start
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = {
            **self.counts,
            'seed': self.args.seed,
            'wall_seconds': round(elapsed, 1),
            'cpu_seconds': round(me.ru_utime + me.ru_stime + kids.ru_utime +
                                 kids.ru_stime, 1),
            'modules_per_second': round(self.counts['modules'] / elapsed, 3),
            'finding_kinds': self.findings.signatures,
            'findings': self.findings.items,
        }
        with open(os.path.join(self.args.out, 'summary.json'), 'w') as f:
            json.dump(summary, f, indent=2)
        print(json.dumps(summary, indent=2))
        shutil.rmtree(self.workdir, ignore_errors=True)
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--build', required=True, help='meson build directory')
    p.add_argument('--hours', type=float)
    p.add_argument('--seconds', type=float)
    p.add_argument('--seed', type=int)
    p.add_argument('--jobs', type=int, default=1)
    p.add_argument('--out', default='oracle-out')
    p.add_argument('--gen', choices=['ttf', 'wsbx-gen', 'both'], default='both')
    p.add_argument('--node', default=shutil.which('node') or 'node')
    p.add_argument('--reduce-seconds', type=float, default=300,
                   help='time for wasm-reduce per finding (0: no reduction)')
    p.add_argument('--status-every', type=float, default=30)
    p.add_argument('--check', metavar='MODULE',
                   help='print the disagreement signature of one module')
    p.add_argument('--expect-file',
                   help='with --check: exit 1 while the signature matches '
                        'the one in this file (wasm-reduce keeps those)')
    args = p.parse_args()
    args.build = os.path.abspath(args.build)
    if args.check:
        sig = check_signature(Engines(args.build, args.node), args.check)
        if args.expect_file:
            with open(args.expect_file) as f:
                return 1 if sig == f.read().strip() else 0
        print(sig)
        return 0 if sig == 'agree' else 1
    if args.seed is None:
        args.seed = random.SystemRandom().getrandbits(32)
    args.seconds = args.seconds if args.seconds is not None else \
        (args.hours or 1) * 3600
    os.makedirs(args.out, exist_ok=True)
    print(f'oracle: seed {args.seed}, {args.seconds:.0f}s, {args.jobs} job(s), '
          f'generators: {args.gen}', flush=True)
    return Campaign(args).run()


if __name__ == '__main__':
    sys.exit(main())
