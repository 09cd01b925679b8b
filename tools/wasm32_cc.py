#!/usr/bin/env python3
"""Builds a wasm32 program with clang in two steps: compile, then link.

Usage: wasm32_cc.py CLANG ARGS...   (ARGS as for one `clang ... -o OUT SRC...`)

Why two steps: when clang links a wasm32 program with an -O flag and finds a
`wasm-opt` beside itself (Debian's binaryen puts one in /usr/bin), it runs
that optimizer on the output, which strips the name section and changes the
code. Test guests must not depend on whether binaryen is installed, so every
source is compiled with the given flags and the objects are linked without
any -O flag.
"""
import os
import subprocess
import sys
import tempfile

SOURCE_SUFFIXES = ('.c', '.cc', '.cpp', '.cxx')
LINK_ONLY_PREFIXES = ('-l', '-Wl,', '-L', '-fuse-ld=')


def main(argv):
    if len(argv) < 3:
        sys.stderr.write('usage: wasm32_cc.py CLANG ARGS...\n')
        return 2
    clang, args = argv[1], argv[2:]
    output, sources, flags = None, [], []
    i = 0
    while i < len(args):
        a = args[i]
        if a == '-o' and i + 1 < len(args):
            output = args[i + 1]
            i += 2
            continue
        if a.endswith(SOURCE_SUFFIXES) and not a.startswith('-'):
            sources.append(a)
        else:
            flags.append(a)
        i += 1
    if output is None or not sources:
        sys.stderr.write('wasm32_cc.py: need -o OUT and at least one source\n')
        return 2
    compile_flags = [f for f in flags if not f.startswith(LINK_ONLY_PREFIXES)]
    link_flags = [f for f in flags if not f.startswith('-O')]
    with tempfile.TemporaryDirectory() as tmp:
        objects = []
        for n, src in enumerate(sources):
            obj = os.path.join(tmp, '%d.o' % n)
            r = subprocess.run([clang] + compile_flags + ['-c', src, '-o', obj])
            if r.returncode != 0:
                return r.returncode
            objects.append(obj)
        r = subprocess.run([clang] + link_flags + objects + ['-o', output])
        return r.returncode


if __name__ == '__main__':
    sys.exit(main(sys.argv))
