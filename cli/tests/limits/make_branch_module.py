#!/usr/bin/env python3
"""Writes a valid module whose branches would amplify in compiled code if
the compiler moved a branch's values one instruction per value, or searched
br_table targets linearly. Its exported `run` returns 7.

  wide N B    a block of N i32 results over one extra value, left by B
              `br_if`s (the last one taken) that each move all N values
  table D     D nested blocks and one br_table over all D of them, each
              target moving its value past an extra one

Usage: make_branch_module.py OUT wide|table N [B]
"""
import sys


def leb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def section(code, payload):
    return bytes([code]) + leb(len(payload)) + payload


def vec(items):
    return leb(len(items)) + b''.join(items)


I32_CONST0, I32_CONST1, I32_CONST7 = b'\x41\x00', b'\x41\x01', b'\x41\x07'
BLOCK, END, DROP = b'\x02', b'\x0b', b'\x1a'


def wide_body(n, branches):
    # locals: n i32, to take the block's values off the stack when no
    # branch is taken (the block must end with exactly its n results).
    body = bytearray(vec([leb(n) + b'\x7f']))
    body += BLOCK + leb(1)  # type 1: [] -> [i32 x n]
    body += I32_CONST1 + I32_CONST7 + I32_CONST0 * (n - 1)
    body += (I32_CONST0 + b'\x0d\x00') * (branches - 1)
    body += I32_CONST1 + b'\x0d\x00'
    for i in range(n):
        body += b'\x21' + leb(i)  # local.set
    body += DROP
    for i in range(n):
        body += b'\x20' + leb(i)  # local.get
    body += END + DROP * (n - 1) + END
    return bytes(body), [b'\x60\x00' + vec([b'\x7f'] * n)]


def table_body(depth):
    body = bytearray(b'\x00')  # no locals
    body += (BLOCK + b'\x7f') * depth
    body += I32_CONST1 + I32_CONST7 + I32_CONST0
    body += b'\x0e' + leb(depth) + b''.join(leb(i) for i in range(depth))
    body += leb(depth - 1)
    body += END * depth + END
    return bytes(body), []


def main():
    out, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == 'wide':
        body, extra_types = wide_body(n, int(sys.argv[4]))
    else:
        body, extra_types = table_body(n)
    module = b'\x00asm\x01\x00\x00\x00'
    module += section(1, vec([b'\x60\x00\x01\x7f'] + extra_types))
    module += section(3, vec([b'\x00']))
    module += section(7, vec([b'\x03run\x00\x00']))
    module += section(10, vec([leb(len(body)) + body]))
    with open(out, 'wb') as f:
        f.write(module)


if __name__ == '__main__':
    main()
