#!/usr/bin/env python3
"""Writes the pool benchmark's large module as text: 16 MiB of memory with
64 KiB of data in 64 segments spread over it, a global, a table, and the
same `touch` export as pool_small.wat.

Usage: pool_large.py OUT.wat
"""
import sys

TOUCH = '''
  (global $g (mut i32) (i32.const 0))
  (table 4 funcref)
  ;; Writes one byte in each of `pages` 64 KiB pages (dirtying them).
  (func (export "touch") (param $pages i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $pages)))
        (i32.store8 (i32.mul (i32.rem_u (local.get $i) (memory.size))
                             (i32.const 65536))
                    (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))
'''


def main():
    segments = []
    for i in range(64):
        byte = '\\%02x' % (i % 251 + 1)
        segments.append('  (data (i32.const %d) "%s")' % (i * 256 * 1024, byte * 1024))
    with open(sys.argv[1], 'w') as f:
        f.write('(module\n  (memory (export "memory") 256)\n')
        f.write('\n'.join(segments))
        f.write(TOUCH)


if __name__ == '__main__':
    main()
