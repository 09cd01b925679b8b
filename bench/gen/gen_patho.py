#!/usr/bin/env python3
"""Writes the pathological benchmark modules as .wat text.

Each module exports `run(n: i32) -> i64`, and expected(case, n) here gives
its answer, so bench/run.py can check the result at any size:
  br_table   a 4,096-way br_table inside 4,097 nested blocks (a big switch)
  nested     10,000 nested blocks with a branch out from the innermost
  locals     a function with 10,000 i64 locals, called n times
  recursion  a simple recursive function 15,000 frames deep, n times
Usage: gen_patho.py CASE OUT.wat
"""
import sys

MASK = (1 << 64) - 1
CASES = 4096
NESTED = 10000
LOCALS = 10000
DEPTH = 15000


def signed(v):
    v &= MASK
    return v - (1 << 64) if v >> 63 else v


def switch_index(i):
    # 1597 is odd, so this visits every case once per 4,096 iterations, in a
    # scattered order (hard on branch prediction, easy to sum in closed form).
    return i * 1597 & (CASES - 1)


def br_table_wat():
    out = ["(module", '  (func (export "run") (param $n i32) (result i64)',
           "    (local $i i32) (local $acc i64)",
           "    (block $done (br_if $done (i32.eqz (local.get $n)))",
           "    (loop $top", "    (block $exit"]
    out += ["    (block"] * CASES
    targets = " ".join(str(k) for k in range(CASES))
    out.append("      (br_table %s 0 (i32.and (i32.mul (local.get $i)"
               " (i32.const 1597)) (i32.const %d))))" % (targets, CASES - 1))
    for k in range(CASES):
        # End of block k: case k adds its constant and leaves the switch.
        depth = CASES - 1 - k
        out.append("      (local.set $acc (i64.add (local.get $acc) (i64.const %d)))"
                   " (br %d))" % (k * k + 1, depth))
    out += ["    ;; $exit",
            "    (local.set $i (i32.add (local.get $i) (i32.const 1)))",
            "    (br_if $top (i32.lt_u (local.get $i) (local.get $n)))))",
            "    (local.get $acc)))"]
    return "\n".join(out) + "\n"


def nested_wat():
    # Innermost: acc += i; odd i branch out past half the blocks (skipping
    # the extra 2 * i at the middle); every iteration then crosses the rest.
    half = NESTED // 2
    out = ["(module", '  (func (export "run") (param $n i32) (result i64)',
           "    (local $i i32) (local $acc i64)",
           "    (block $done (br_if $done (i32.eqz (local.get $n)))",
           "    (loop $top"]
    out.append("    " + "(block " * NESTED)
    out.append("      (local.set $acc (i64.add (local.get $acc)"
               " (i64.extend_i32_u (local.get $i))))")
    out.append("      (br_if %d (i32.and (local.get $i) (i32.const 1)))"
               % (half - 1))
    out.append("    " + ")" * (half - 1))
    out.append("      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u"
               " (i32.shl (local.get $i) (i32.const 1)))))")
    out.append("    " + ")" * (NESTED - half + 1))
    out += ["    (local.set $i (i32.add (local.get $i) (i32.const 1)))",
            "    (br_if $top (i32.lt_u (local.get $i) (local.get $n)))))",
            "    (local.get $acc)))"]
    return "\n".join(out) + "\n"


def locals_wat():
    out = ["(module", "  (func $work (param $x i64) (result i64)",
           "    (local %s)" % " ".join(["i64"] * LOCALS)]
    # Locals 1..LOCALS: every 10th is set to x * k; then every 5th is summed,
    # so half the reads see a set local and half must see zero.
    for k in range(10, LOCALS + 1, 10):
        out.append("    (local.set %d (i64.mul (local.get $x) (i64.const %d)))"
                   % (k, k))
    out.append("    (local.get 5)")
    for k in range(10, LOCALS + 1, 5):
        out.append("    (i64.add (local.get %d))" % k)
    out += ["  )",
            '  (func (export "run") (param $n i32) (result i64)',
            "    (local $i i32) (local $acc i64)",
            "    (block $done (loop $top",
            "      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))",
            "      (local.set $acc (i64.add (local.get $acc)"
            " (call $work (i64.extend_i32_u (local.get $i)))))",
            "      (local.set $i (i32.add (local.get $i) (i32.const 1)))",
            "      (br $top)))",
            "    (local.get $acc)))"]
    return "\n".join(out) + "\n"


def recursion_wat():
    return """(module
  (func $down (param $k i32) (result i64)
    (if (result i64) (i32.eqz (local.get $k))
      (then (i64.const 0))
      (else (i64.add (i64.extend_i32_u (local.get $k))
                     (call $down (i32.sub (local.get $k) (i32.const 1)))))))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i64.add (local.get $acc) (call $down (i32.const %d))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $acc)))
""" % DEPTH


def expected(case, n):
    """The value `run(n)` returns, as `wsbx run --invoke` prints it."""
    if case == "br_table":
        full, rest = divmod(n, CASES)
        acc = full * sum(k * k + 1 for k in range(CASES))
        acc += sum(switch_index(i) ** 2 + 1 for i in range(full * CASES, n))
    elif case == "nested":
        evens = (n + 1) // 2  # 0, 2, 4, ... below n; each adds 2 * i more
        acc = n * (n - 1) // 2 + 2 * (2 * evens * (evens - 1) // 2)
    elif case == "locals":
        per_x = sum(range(10, LOCALS + 1, 10))
        acc = per_x * sum(range(n))
    elif case == "recursion":
        acc = n * DEPTH * (DEPTH + 1) // 2
    else:
        raise ValueError(case)
    return str(signed(acc))


WRITERS = {"br_table": br_table_wat, "nested": nested_wat,
           "locals": locals_wat, "recursion": recursion_wat}

if __name__ == "__main__":
    with open(sys.argv[2], "w") as f:
        f.write(WRITERS[sys.argv[1]]())
