#!/usr/bin/env python3
"""Writes a valid module that is slow and large to compile: FUNCS functions
whose bodies each repeat REPEAT times `global.get 0; i32.const 1; i32.add;
global.set 0`, plus an exported empty _start.

Usage: make_big_module.py OUT FUNCS REPEAT
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


def main():
    out, funcs, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    step = bytes([0x23, 0x00, 0x41, 0x01, 0x6A, 0x24, 0x00])
    body = b'\x00' + step * repeat + b'\x0b'  # no locals
    code = leb(len(body)) + body
    start = b'\x00\x0b'
    module = b'\x00asm\x01\x00\x00\x00'
    module += section(1, vec([b'\x60\x00\x00']))              # type () -> ()
    module += section(3, vec([b'\x00'] * (funcs + 1)))         # functions
    module += section(6, vec([b'\x7f\x01\x41\x00\x0b']))       # mut i32 global
    module += section(7, vec([b'\x06_start\x00' + leb(funcs)]))
    module += section(10, leb(funcs + 1) + code * funcs + leb(len(start)) + start)
    with open(out, 'wb') as f:
        f.write(module)


if __name__ == '__main__':
    main()
