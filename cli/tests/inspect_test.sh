#!/usr/bin/env bash
# End-to-end checks of `wsbx inspect`: the text report, the JSON report
# (parsed, and checked value by value), feature detection, --disasm of all
# functions and of one named each way, and every bad input with its exit
# code. The modules are written here as text; wsbx reads .wat itself, and
# wat2wasm makes the binary with a name section, to which a custom section
# is appended by hand.
# Usage: inspect_test.sh WSBX WAT2WASM PYTHON3
set -u
wsbx=$1 wat2wasm=$2 python=$3
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$(dirname "$0")/expect.sh"
has_line() { grep -qxF -- "$2" "$1"; }      # has_line FILE LINE (exactly)
lacks() { ! grep -qF -- "$2" "$1"; }        # lacks FILE TEXT
count_is() { [ "$(grep -c -- "$2" "$1")" = "$3" ]; }  # count_is FILE RE N

# A module with an import and an export of every kind, a 64-bit second
# memory, SIMD, a tail call, nested blocks, and a start function.
cat >"$tmp/all.wat" <<'EOF'
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "table" (table 2 10 funcref))
  (import "env" "mem" (memory 1 2))
  (import "env" "counter" (global $counter (mut i32)))
  (memory $big i64 1 16)
  (global $answer i32 (i32.const 42))
  (global $pi f64 (f64.const 3.25))
  (data (memory $big) (i64.const 0) "hi")
  (elem (i32.const 0) $add)
  (func $add (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func $loop (export "spin") (param i64) (result i64)
    (local i32 v128)
    block (result i32)
      i32.const 1
      if
        nop
      else
        i32.const 3
        call $log
      end
      i32.const 7
    end
    drop
    v128.const i32x4 1 2 3 4
    i32x4.extract_lane 2
    drop
    i64.const 0
    i64.load 1 offset=8
    drop
    (return_call $loop (i64.add (local.get 0) (i64.const -1))))
  (func $main
    i32.const 5
    call $log)
  (export "big" (memory $big))
  (export "table" (table 0))
  (export "counter" (global $counter))
  (start $main))
EOF
# The same as a binary with a name section, then a custom section "meta"
# of 10 bytes (a 4-byte name and 5 payload bytes) at the end.
"$wat2wasm" --enable-all --debug-names "$tmp/all.wat" -o "$tmp/all.wasm"
meta_offset=$(stat -c %s "$tmp/all.wasm")
printf '\0\n\4meta\1\2\3\4\5' >>"$tmp/all.wasm"

# --- The text report.
expect "inspect a binary" 0 'module "' "" -- "$wsbx" inspect "$tmp/all.wasm"
cp "$tmp/out" "$tmp/all.txt"
for line in \
  '  func 0 "env" "log" (func (param i32))' \
  '  table 0 "env" "table" (table 2 10 funcref)' \
  '  memory 0 "env" "mem" (memory 1 2)' \
  '  global 0 "env" "counter" (global (mut i32))' \
  'exports (5):' \
  '  "add" func 1 (func (param i32 i32) (result i32)) name "add"' \
  '  "spin" func 2 (func (param i64) (result i64)) name "loop"' \
  '  "big" memory 1 (memory i64 1 16)' \
  '  "table" table 0 (table 2 10 funcref)' \
  '  "counter" global 0 (global (mut i32))' \
  'types: 4' \
  'functions: 4 (1 imported, 3 defined)' \
  '  0 (memory 1 2) imported' \
  '  1 (memory i64 1 16)' \
  '  0 (table 2 10 funcref) imported' \
  '  0 (global (mut i32)) imported' \
  '  1 (global i32) = i32.const 42' \
  '  2 (global f64) = f64.const 3.25' \
  'data segments: 1 (1 active, 0 passive)' \
  'element segments: 1 (1 active, 0 passive, 0 declarative)' \
  'start: 3 "main"' \
  'custom sections: "name" (73 bytes), "meta" (10 bytes)' \
  'features: mutable-globals simd tail-call multi-memory memory64' \
  "$(printf '  0x%06x  custom      size 10  "meta"' "$meta_offset")" \
  '  0x000008  type        size 19'; do
  check "text: $line" has_line "$tmp/all.txt" "$line"
done
check "text: sections in file order" count_is "$tmp/all.txt" '^  0x' 12
check "text: the code section before the name section" sh -c \
  "grep '^  0x' '$tmp/all.txt' | sed -n '9p;11p' | tr '\n' ' ' | grep -q 'code.*\"name\"'"

# The text form, read by wsbx itself: no name section, no custom sections.
expect "inspect a .wat" 0 "features: mutable-globals simd tail-call multi-memory memory64" "" -- \
  "$wsbx" inspect "$tmp/all.wat"
check "a .wat has no custom sections" has_line "$tmp/out" "custom sections: none"
check "a .wat export has no name-section name" has_line "$tmp/out" \
  '  "add" func 1 (func (param i32 i32) (result i32))'

# --- The JSON report: one object that parses, with these values.
expect "inspect --json" 0 '{"file":' "" -- "$wsbx" inspect "$tmp/all.wasm" --json
cp "$tmp/out" "$tmp/all.json"
check "--json parses" sh -c "'$python' -m json.tool '$tmp/all.json' >/dev/null"
cat >"$tmp/check_all.py" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
meta_offset = int(sys.argv[2])
imports = {i["kind"]: i for i in d["imports"]}
assert [i["kind"] for i in d["imports"]] == ["func", "table", "memory", "global"]
assert imports["func"]["module"] == "env" and imports["func"]["name"] == "log"
assert imports["func"]["type"] == {"params": ["i32"], "results": [],
                                   "text": "(func (param i32))"}
assert imports["table"]["type"] == {"element": "funcref", "min": 2, "max": 10,
    "address": "i32", "text": "(table 2 10 funcref)"}
assert imports["memory"]["type"]["min"] == 1 and imports["memory"]["type"]["max"] == 2
assert imports["global"]["type"]["value"] == "i32"
assert imports["global"]["type"]["mutable"] is True
exports = {e["name"]: e for e in d["exports"]}
assert exports["add"]["kind"] == "func" and exports["add"]["index"] == 1
assert exports["add"]["function_name"] == "add"
assert exports["spin"]["function_name"] == "loop"
assert exports["spin"]["type"]["results"] == ["i64"]
assert exports["big"]["type"] == {"min": 1, "max": 16, "address": "i64",
                                  "text": "(memory i64 1 16)"}
assert "function_name" not in exports["big"]
assert exports["counter"]["kind"] == "global"
assert d["types"] == 4
assert d["functions"] == {"imported": 1, "defined": 3}
assert [m["imported"] for m in d["memories"]] == [True, False]
assert d["memories"][1]["type"]["address"] == "i64"
assert d["tables"][0]["type"]["element"] == "funcref"
g = d["globals"]
assert g[0]["init"] is None and g[0]["imported"] is True
assert g[1]["init"] == "i32.const 42" and g[1]["type"]["mutable"] is False
assert g[2]["init"] == "f64.const 3.25" and g[2]["type"]["value"] == "f64"
assert d["data_segments"] == {"count": 1, "active": 1, "passive": 0}
assert d["element_segments"]["count"] == 1
assert d["start"] == 3
assert d["features"] == ["mutable-globals", "simd", "tail-call",
                         "multi-memory", "memory64"], d["features"]
names = [s["name"] for s in d["sections"]]
assert names == ["type", "import", "function", "memory", "global", "export",
                 "start", "element", "code", "data", "custom", "custom"], names
assert d["sections"][0] == {"id": 1, "name": "type", "offset": 8, "size": 19}
assert d["sections"][-1]["custom_name"] == "meta"
assert d["custom_sections"][1] == {"name": "meta", "offset": meta_offset,
                                   "size": 10}
assert d["custom_sections"][0]["name"] == "name"
for a, b in zip(d["sections"], d["sections"][1:]):
    assert b["offset"] > a["offset"] + a["size"], (a, b)
EOF
check "--json values" "$python" "$tmp/check_all.py" "$tmp/all.json" "$meta_offset"

# Names are escaped: quotes, backslashes, control characters; UTF-8 kept.
printf '%s\n' '(module (func (export "q\"b\\s\n\01\c3\a9") nop))' >"$tmp/esc.wat"
expect "escaped names in text" 0 '"q\"b\\s\n\u0001é" func 0 (func)' "" -- \
  "$wsbx" inspect "$tmp/esc.wat"
expect "escaped names in JSON" 0 "" "" -- "$wsbx" inspect "$tmp/esc.wat" --json
check "an escaped name reads back" "$python" -c '
import json, sys
assert json.load(open(sys.argv[1]))["exports"][0]["name"] == "q\"b\\s\n\x01\u00e9"
' "$tmp/out"

# --- Features: each found from what the module holds, none in a 1.0 one.
cat >"$tmp/feat.wat" <<'EOF'
(module
  (type $pair (func (result i32 i64)))
  (table $t0 1 funcref)
  (table $t1 i64 2 externref)
  (memory 1)
  (global $g i32 (i32.add (i32.const 1) (i32.const 2)))
  (data $d "abc")
  (func $f (type $pair)
    i32.const 1
    i32.extend8_s
    f32.const 1.5
    i32.trunc_sat_f32_s
    i32.add
    i64.const 2)
  (func (param v128) (result v128)
    local.get 0
    local.get 0
    i8x16.relaxed_swizzle)
  (func
    i32.const 0
    i32.const 0
    i32.const 1
    memory.copy
    f32.const nan:0x200000
    drop
    f64.const -inf
    drop))
EOF
expect "features of a 3.0 module" 0 \
  "features: sign-extension saturating-float-to-int multi-value reference-types bulk-memory multiple-tables simd relaxed-simd extended-const table64" \
  "" -- "$wsbx" inspect "$tmp/feat.wat"
check "an extended constant is shown whole" has_line "$tmp/out" \
  '  0 (global i32) = i32.const 1 i32.const 2 i32.add'
check "a 64-bit table" has_line "$tmp/out" '  1 (table i64 2 externref)'
printf '%s\n' '(module (memory 1) (table 1 funcref) (global i32 (i32.const 0))' \
  '  (elem (i32.const 0) 0) (data (i32.const 0) "x")' \
  '  (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))' \
  >"$tmp/mvp.wat"
expect "a 1.0 module uses no features" 0 "features: none" "" -- "$wsbx" inspect "$tmp/mvp.wat"
expect "... in JSON too" 0 '"features":[]}' "" -- "$wsbx" inspect "$tmp/mvp.wat" --json
# Bulk memory from a passive segment alone, with no instruction for it.
printf '(module (memory 1) (data "x"))' >"$tmp/passive.wat"
expect "a passive data segment is bulk memory" 0 "features: bulk-memory" "" -- \
  "$wsbx" inspect "$tmp/passive.wat"

# --- --disasm: every defined function, indented by block depth.
expect "--disasm" 0 'func 1 "add" (func (param i32 i32) (result i32))' "" -- \
  "$wsbx" inspect "$tmp/all.wasm" --disasm
cp "$tmp/out" "$tmp/all.dis"
check "--disasm: three bodies" count_is "$tmp/all.dis" '^func ' 3
check "--disasm: no imported function" lacks "$tmp/all.dis" 'func 0'
for re in \
  '^func 2 "loop" (func (param i64) (result i64))$' \
  '^  (local i32 v128)$' \
  '^  [0-9a-f]\{6\}: block (result i32)$' \
  '^  [0-9a-f]\{6\}:   i32.const 1$' \
  '^  [0-9a-f]\{6\}:   if$' \
  '^  [0-9a-f]\{6\}:     nop$' \
  '^  [0-9a-f]\{6\}:   else$' \
  '^  [0-9a-f]\{6\}:     call 0  ;; "log"$' \
  '^  [0-9a-f]\{6\}:   end$' \
  '^  [0-9a-f]\{6\}: v128.const i32x4 0x00000001 0x00000002 0x00000003 0x00000004$' \
  '^  [0-9a-f]\{6\}: i32x4.extract_lane 2$' \
  '^  [0-9a-f]\{6\}: i64.load 1 offset=8$' \
  '^  [0-9a-f]\{6\}: i64.const -1$' \
  '^  [0-9a-f]\{6\}: return_call 2  ;; "loop"$' \
  '^func 3 "main" (func)$'; do
  check "--disasm: $re" count_is "$tmp/all.dis" "$re" 1
done
check "--disasm: each body ends with end at depth 0" count_is "$tmp/all.dis" \
  '^  [0-9a-f]\{6\}: end$' 4
# Each offset is where that instruction's opcode byte sits in the binary.
cat >"$tmp/check_offsets.py" <<'EOF'
import re, sys
wasm = open(sys.argv[1], "rb").read()
opcodes = {"local.get": 0x20, "i32.add": 0x6A, "block": 0x02, "if": 0x04,
           "else": 0x05, "end": 0x0B, "call": 0x10, "return_call": 0x12,
           "v128.const": 0xFD, "i64.load": 0x29, "drop": 0x1A}
seen = 0
for line in open(sys.argv[2]):
    m = re.match(r"  ([0-9a-f]{6}): +([a-z0-9_.]+)", line)
    if m and m.group(2) in opcodes:
        assert wasm[int(m.group(1), 16)] == opcodes[m.group(2)], line
        seen += 1
assert seen >= 20, seen
EOF
check "--disasm: offsets are the opcodes' in the binary" \
  "$python" "$tmp/check_offsets.py" "$tmp/all.wasm" "$tmp/all.dis"
expect "--disasm of a .wat" 0 "i64.load 1 offset=8" "" -- "$wsbx" inspect "$tmp/all.wat" --disasm
expect "floats read back" 0 "f32.const nan:0x200000" "" -- "$wsbx" inspect "$tmp/feat.wat" --disasm
check "... -inf too" has "$tmp/out" "f64.const -inf"

# --disasm FUNC: by index, export name, name-section name (with or without $).
for func in 2 spin loop '$loop'; do
  expect "--disasm $func" 0 'func 2 "loop"' "" -- "$wsbx" inspect "$tmp/all.wasm" --disasm "$func"
  check "--disasm $func: that function only" count_is "$tmp/out" '^func ' 1
done
expect "--disasm add" 0 'func 1 "add"' "" -- "$wsbx" inspect "$tmp/all.wasm" --disasm add
check "--disasm add: not spin" lacks "$tmp/out" "return_call"
expect "--disasm main (a name, no export)" 0 'func 3 "main" (func)' "" -- \
  "$wsbx" inspect "$tmp/all.wasm" --disasm main

# --- Bad input.
expect "missing file" 1 "" "cannot read $tmp/none.wasm" -- "$wsbx" inspect "$tmp/none.wasm"
printf '(module (func (result i32) i64.const 1))' >"$tmp/mistyped.wat"
expect "an invalid module names the file" 1 "" "$tmp/mistyped.wat: " -- \
  "$wsbx" inspect "$tmp/mistyped.wat"
check "... and says why" has "$tmp/err" "type mismatch"
printf 'hello' >"$tmp/junk.wasm"
expect "junk names the file" 1 "" "$tmp/junk.wasm: at offset 0x0: magic header not detected" -- \
  "$wsbx" inspect "$tmp/junk.wasm"
printf '(module (func)' >"$tmp/syntax.wat"
expect "a .wat syntax error" 1 "" "syntax.wat:1:" -- "$wsbx" inspect "$tmp/syntax.wat"
expect "a directory" 1 "" "Is a directory" -- "$wsbx" inspect "$tmp"
expect "unknown FUNC" 1 "" "all.wasm has no function \"nope\"" -- \
  "$wsbx" inspect "$tmp/all.wasm" --disasm nope
check "... lists how to name one" has "$tmp/err" \
  "name one by index (1 to 3), by export name (\"add\", \"spin\") or by name-section name (\"add\", \"loop\", \"main\")"
{ echo '(module'; for i in $(seq 1 12); do echo "(func (export \"f$i\"))"; done; echo ')'; } \
  >"$tmp/many.wat"
expect "a long list of names is cut short" 1 "" \
  'by export name ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", and 2 more)' -- \
  "$wsbx" inspect "$tmp/many.wat" --disasm f13
expect "FUNC out of range" 1 "" "has no function \"4\"" -- \
  "$wsbx" inspect "$tmp/all.wasm" --disasm 4
expect "an imported FUNC has no body" 1 "" "function 0 (\"log\") is imported" -- \
  "$wsbx" inspect "$tmp/all.wasm" --disasm log
check "nothing on stdout for an error" lacks "$tmp/out" "func"
expect "unknown option" 2 "" "--bogus" -- "$wsbx" inspect "$tmp/all.wasm" --bogus
expect "no module" 2 "" "file is required" -- "$wsbx" inspect
expect "--json with --disasm" 2 "" "excludes" -- "$wsbx" inspect "$tmp/all.wasm" --json --disasm
"$wat2wasm" "$tmp/mvp.wat" -o "$tmp/mvp.wasm"
expect "a module from a pipe" 0 "features: none" "" -- \
  sh -c "cat '$tmp/mvp.wasm' | '$wsbx' inspect /dev/stdin"
expect "inspect - reads stdin" 0 'module "stdin"' "" -- \
  sh -c "cat '$tmp/mvp.wasm' | '$wsbx' inspect -"
check "... and reports it" has "$tmp/out" "features: none"
expect "inspect - reads text too" 0 'module "stdin"' "" -- \
  sh -c "cat '$tmp/mvp.wat' | '$wsbx' inspect -"
expect "a text error on stdin" 1 "" "stdin:1:1: " -- sh -c "printf 'x' | '$wsbx' inspect -"

echo "$failures failure(s)"
[ "$failures" = 0 ]
