#!/usr/bin/env bash
# End-to-end checks of `wsbx run --policy` and `wsbx policy show` on the
# built binary: presets run guests, a policy file's caps take effect, flags
# win over the file, presets round-trip through `policy show`, on_denied
# "exit" ends a guest, and every bad policy is exit 2 naming the key.
# Usage: policy_test.sh WSBX
set -u
wsbx=$1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$(dirname "$0")/expect.sh"
policy() { printf '%s\n' "$2" > "$tmp/$1.json"; }  # policy NAME JSON

# --- Guests, as text modules.
# WASI hello: _start writes "hello\n" to stdout, twice.
cat > "$tmp/hello.wat" <<'EOF'
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
EOF
# grow N: memory.grow's result; spin: never returns; count N: loops N
# times; depth N: N nested calls.
cat > "$tmp/caps.wat" <<'EOF'
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "spin") (loop (br 0)))
  (func (export "count") (param $n i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call $depth (i32.sub (local.get 0) (i32.const 1))))))))
EOF
# path_open on fd 3 (the first granted directory): open_ok opens file.txt,
# open_escape tries ../secret; each returns the errno; after_escape tries
# the escape, then returns 7 (reached only when the guest goes on).
cat > "$tmp/open.wat" <<'EOF'
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "file.txt")
  (data (i32.const 200) "../secret")
  (func (export "open_ok") (result i32)
    (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 8)
      (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 0)))
  (func $escape (export "open_escape") (result i32)
    (call $open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 9)
      (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 0)))
  (func (export "after_escape") (result i32)
    (drop (call $escape))
    (i32.const 7)))
EOF
mkdir -p "$tmp/box"
echo granted > "$tmp/box/file.txt"
echo SECRET > "$tmp/secret"

# --- Each preset runs a small guest.
for p in standard strict paranoid; do
  expect "preset $p runs a WASI guest" 0 "hello" "" -- \
    "$wsbx" run --policy "$p" "$tmp/hello.wat"
  expect "preset $p runs an export" 0 "5" "" -- \
    "$wsbx" run --policy "$p" "$tmp/caps.wat" --invoke depth 5
done
# Their caps differ: 4096 pages are strict's 256M, 1024 paranoid's 64M.
expect "standard: memory grows to 2001 pages" 0 "1" "" -- \
  "$wsbx" run --policy standard "$tmp/caps.wat" --invoke grow 2000
expect "strict: 256M refuses 4097 pages" 0 "-1" "" -- \
  "$wsbx" run --policy strict "$tmp/caps.wat" --invoke grow 4096
expect "strict: 300 pages fit" 0 "1" "" -- \
  "$wsbx" run --policy strict "$tmp/caps.wat" --invoke grow 300
expect "paranoid: 64M refuses 1100 pages" 0 "-1" "" -- \
  "$wsbx" run --policy paranoid "$tmp/caps.wat" --invoke grow 1100
expect "standard: depth 10000 is fine" 0 "10000" "" -- \
  "$wsbx" run --policy standard "$tmp/caps.wat" --invoke depth 10000
expect "strict: depth 10000 exceeds max_call_depth 5000" 134 "" \
  "call stack exhausted" -- \
  "$wsbx" run --policy strict "$tmp/caps.wat" --invoke depth 10000
expect "paranoid: an endless loop stops at its fuel or timeout" 124 "" "" -- \
  "$wsbx" run --policy paranoid "$tmp/caps.wat" --invoke spin
within "paranoid's 2s timeout" 2000

# --- A policy file's caps take effect.
policy mem '{"mem": "2M"}'
expect "file mem 2M: 20 more pages fit" 0 "1" "" -- \
  "$wsbx" run --policy "$tmp/mem.json" "$tmp/caps.wat" --invoke grow 20
expect "file mem 2M: 40 more pages do not" 0 "-1" "" -- \
  "$wsbx" run --policy "$tmp/mem.json" "$tmp/caps.wat" --invoke grow 40
expect "without the policy 40 pages fit" 0 "1" "" -- \
  "$wsbx" run "$tmp/caps.wat" --invoke grow 40
policy fuel '{"fuel": 100000}'
expect "file fuel stops an endless loop" 124 "" "fuel exhausted" -- \
  "$wsbx" run --policy "$tmp/fuel.json" "$tmp/caps.wat" --invoke spin
expect "file fuel allows a short loop" 0 "0" "" -- \
  "$wsbx" run --policy "$tmp/fuel.json" "$tmp/caps.wat" --invoke count 100
policy timeout '{"timeout": "300ms"}'
expect "file timeout stops an endless loop" 124 "" "timeout" -- \
  "$wsbx" run --policy "$tmp/timeout.json" "$tmp/caps.wat" --invoke spin
within "file timeout 300ms" 300
policy depth '{"max_call_depth": 100, "stack": "64K", "compile": "plain"}'
expect "file max_call_depth" 134 "" "call stack exhausted" -- \
  "$wsbx" run --policy "$tmp/depth.json" "$tmp/caps.wat" --invoke depth 200
expect "... and below it the call works" 0 "50" "" -- \
  "$wsbx" run --policy "$tmp/depth.json" "$tmp/caps.wat" --invoke depth 50

policy output '{"max_output": "4B"}'
expect "file max_output cuts the guest's output" 0 "hell" "" -- \
  "$wsbx" run --policy "$tmp/output.json" "$tmp/hello.wat"
check "... at 4 bytes" lacks "$tmp/out" "hello"
policy flood '{"max_output": "4B", "on_denied": "exit"}'
expect "on_denied exit: a write past max_output ends the guest" 126 "hell" \
  "fd_write refused (fbig" -- "$wsbx" run --policy "$tmp/flood.json" "$tmp/hello.wat"

# --- A flag given explicitly wins over the file.
expect "--mem wins over the file's mem" 0 "1" "" -- \
  "$wsbx" run --policy "$tmp/mem.json" --mem 8M "$tmp/caps.wat" --invoke grow 40
expect "--fuel wins over the file's fuel" 0 "0" "" -- \
  "$wsbx" run --policy "$tmp/fuel.json" --fuel 100000000 "$tmp/caps.wat" \
  --invoke count 1000000
expect "... which the file alone does not allow" 124 "" "fuel exhausted" -- \
  "$wsbx" run --policy "$tmp/fuel.json" "$tmp/caps.wat" --invoke count 1000000
expect "an empty --mem cannot lift the file's mem" 2 "" "--mem: empty value" -- \
  "$wsbx" run --policy "$tmp/mem.json" --mem "" "$tmp/caps.wat" --invoke grow 40
expect "--max-output wins over the file's" 0 "hello" "" -- \
  "$wsbx" run --policy "$tmp/output.json" --max-output 1K "$tmp/hello.wat"
expect "--max-call-depth wins over a preset" 0 "10000" "" -- \
  "$wsbx" run --policy strict --max-call-depth 20000 "$tmp/caps.wat" \
  --invoke depth 10000
expect "--timeout wins over paranoid's" 124 "" "timeout" -- \
  "$wsbx" run --policy paranoid --fuel 100000000000 --timeout 300ms \
  "$tmp/caps.wat" --invoke spin
within "--timeout 300ms instead of 2s" 300

expect "-v names the policy" 0 "hello" "policy strict (flags given" -- \
  "$wsbx" run -v --policy strict "$tmp/hello.wat"

# --- `policy show` prints a policy file that behaves as the preset.
for p in standard strict paranoid; do
  expect "policy show $p" 0 "\"on_denied\"" "" -- "$wsbx" policy show "$p"
  cp "$tmp/out" "$tmp/$p.json"
  expect "... reads back as the same policy" 0 "" "" -- \
    "$wsbx" policy show "$tmp/$p.json"
  check "... printed identically" cmp -s "$tmp/out" "$tmp/$p.json"
done
check "paranoid shows on_denied exit" has "$tmp/paranoid.json" '"on_denied": "exit"'
check "strict shows its timeout" has "$tmp/strict.json" '"timeout": "30s"'
expect "strict from the file: depth 10000 exceeds 5000 too" 134 "" \
  "call stack exhausted" -- \
  "$wsbx" run --policy "$tmp/strict.json" "$tmp/caps.wat" --invoke depth 10000
expect "strict from the file: 4096 pages refused too" 0 "-1" "" -- \
  "$wsbx" run --policy "$tmp/strict.json" "$tmp/caps.wat" --invoke grow 4096
expect "paranoid from the file ends a refused open too" 126 "" \
  "path_open refused" -- \
  "$wsbx" run --policy "$tmp/paranoid.json" --dir-ro "$tmp/box" \
  "$tmp/open.wat" --invoke open_escape
expect "policy show --help" 0 "NAME" "" -- "$wsbx" policy show --help
check "... names the kind of value, not TEXT" lacks "$tmp/out" "TEXT"
expect "policy show of an unknown name lists the presets" 2 "" \
  "presets: standard, strict, paranoid" -- "$wsbx" policy show lenient

# --- on_denied: "error" returns the errno, "exit" ends the guest.
expect "a granted open succeeds under paranoid" 0 "0" "" -- \
  "$wsbx" run --policy paranoid --dir-ro "$tmp/box" "$tmp/open.wat" \
  --invoke open_ok
expect "strict: a refused open returns notcapable (76)" 0 "76" "" -- \
  "$wsbx" run --policy strict --dir-ro "$tmp/box" "$tmp/open.wat" \
  --invoke open_escape
expect "strict: the guest goes on after a refusal" 0 "7" "" -- \
  "$wsbx" run --policy strict --dir-ro "$tmp/box" "$tmp/open.wat" \
  --invoke after_escape
expect "paranoid: a refused open ends the guest (exit 126)" 126 "" \
  "path_open refused (notcapable" -- \
  "$wsbx" run --policy paranoid --dir-ro "$tmp/box" --audit "$tmp/a.jsonl" \
  "$tmp/open.wat" --invoke after_escape
check "... says why" has "$tmp/err" "on_denied is \"exit\""
check "... before the guest could go on" lacks "$tmp/out" "7"
check "... and the audit log records it" has "$tmp/a.jsonl" '"ended_guest":true'
check "... naming the call and the path" has "$tmp/a.jsonl" '"function":"path_open"'
check "... and the path" has "$tmp/a.jsonl" '../secret'
# A file with grants, audit and on_denied, all from the policy.
policy grants "{\"dirs_ro\": [\"$tmp/box\"], \"audit\": \"$tmp/b.jsonl\",
  \"on_denied\": \"exit\"}"
expect "a file's dirs_ro grant applies" 0 "0" "" -- \
  "$wsbx" run --policy "$tmp/grants.json" "$tmp/open.wat" --invoke open_ok
expect "a file's on_denied exit ends the guest" 126 "" "path_open refused" -- \
  "$wsbx" run --policy "$tmp/grants.json" "$tmp/open.wat" --invoke after_escape
check "... into the file's audit log" has "$tmp/b.jsonl" '"ended_guest":true'
expect "--audit wins over the file's audit" 126 "" "" -- \
  "$wsbx" run --policy "$tmp/grants.json" --audit "$tmp/c.jsonl" \
  "$tmp/open.wat" --invoke after_escape
check "... writing only there" has "$tmp/c.jsonl" '"ended_guest":true'
expect "without any grant the open is badf (8), not a refusal" 0 "8" "" -- \
  "$wsbx" run --policy paranoid "$tmp/open.wat" --invoke open_escape
policy env '{"env": ["GREETING=hi"], "dirs": ["::x"]}'
expect "a bad dirs entry in a file" 2 "" '"dirs": an empty HOST' -- \
  "$wsbx" run --policy "$tmp/env.json" "$tmp/hello.wat"

# --- Every bad input is exit 2 with a message naming the key and the file.
bad() {  # bad NAME JSON WANT_ERR
  policy bad "$2"
  expect "bad policy: $1" 2 "" "$3" -- \
    "$wsbx" run --policy "$tmp/bad.json" "$tmp/hello.wat"
  check "... names the file" has "$tmp/err" "$tmp/bad.json"
}
bad "unknown key" '{"memory": "64M"}' 'line 1, column 2: "memory": unknown key (keys: mem, fuel'
bad "mem not a string" '{"mem": 64}' '"mem": expected a string, got a number'
bad "mem without a unit" '{"mem": "64"}' '"mem": '
bad "mem bad unit" '{"mem": "64X"}' '"mem": '
bad "fuel as a string" '{"fuel": "100"}' '"fuel": expected a whole number, got a string'
bad "fuel negative" '{"fuel": -5}' "\"fuel\": cannot parse '-5'"
bad "fuel fraction" '{"fuel": 2.5}' "\"fuel\": cannot parse '2.5'"
bad "timeout without a unit" '{"timeout": "2"}' '"timeout": '
bad "timeout as a number" '{"timeout": 2}' '"timeout": expected a string'
bad "stack too small" '{"stack": "16K"}' "\"stack\": '16K' is outside 64K to 1G"
bad "max_call_depth 0" '{"max_call_depth": 0}' '"max_call_depth": cannot parse'
bad "max_table_elements too big" '{"max_table_elements": 5000000000}' \
  '"max_table_elements": cannot parse'
bad "compile unknown" '{"compile": "fast"}' "\"compile\": 'fast' is not optimized or plain"
bad "max_output without a unit" '{"max_output": "10"}' '"max_output": '
bad "audit empty" '{"audit": ""}' '"audit": the path is empty'
bad "dirs not an array" '{"dirs": "/tmp"}' '"dirs": expected an array of strings'
bad "dirs_ro item not a string" '{"dirs_ro": [1]}' '"dirs_ro": expected an array of strings, got a number'
bad "env bad name" '{"env": ["=x"]}' '"env": '
bad "on_denied unknown" '{"on_denied": "kill"}' "\"on_denied\": 'kill' is not error or exit"
bad "on_denied not a string" '{"on_denied": false}' '"on_denied": expected "error" or "exit"'
bad "duplicate key" '{"mem": "1M", "mem": "2M"}' 'duplicate key "mem"'
bad "malformed: trailing comma" '{"mem": "1M",
}' 'line 2, column 1: expected a string key'
bad "malformed: unterminated" '{"mem": "1M"' "line 2, column 1: expected ',' or '}'"
bad "not an object" '["mem"]' 'a policy is a JSON object, not an array'
bad "empty file" '' 'line 2, column 1: unexpected end of input'
check "the key's line and column are given" \
  has "$tmp/err" "$tmp/bad.json: line"
expect "an unknown preset lists the presets" 2 "" \
  "--policy: no preset or policy file named 'lenient' (presets: standard, strict, paranoid)" -- \
  "$wsbx" run --policy lenient "$tmp/hello.wat"
expect "a missing file path lists the presets" 2 "" "presets: standard" -- \
  "$wsbx" run --policy "$tmp/none.json" "$tmp/hello.wat"
head -c 2000000 /dev/zero | tr '\0' ' ' > "$tmp/huge.json"
expect "a policy file over 1 MiB" 2 "" "huge.json: larger than a policy file may be (1048576 bytes)" -- \
  "$wsbx" run --policy "$tmp/huge.json" "$tmp/hello.wat"
expect "a directory is not a policy" 2 "" "$tmp/box" -- \
  "$wsbx" run --policy "$tmp/box" "$tmp/hello.wat"
expect "an empty --policy is refused" 2 "" "--policy: empty value" -- \
  "$wsbx" run --policy "" "$tmp/hello.wat"
expect "a bad flag is still the flag's error" 2 "" "--mem: " -- \
  "$wsbx" run --policy strict --mem 64 "$tmp/hello.wat"

echo "$failures failure(s)"
[ "$failures" = 0 ]
