#!/usr/bin/env bash
# End-to-end checks of `wsbx run` options a user meets first: --version,
# modules on stdin, negative --invoke arguments, the export list when
# _start is missing, import linking (every missing import at once,
# --unknown-imports, --preload), traps in start functions, --audit - and
# --max-output.
# Usage: run_options_test.sh WSBX FIB_WASM
set -u
wsbx=$1 fib=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"

# --- Version.
version=$("$wsbx" --version)
check "--version names wsbx and a version" grep -Eq '^wsbx [0-9]+\.[0-9]+\.[0-9]+ ' <<<"$version"
expect "wsbx version prints the same" 0 "$version" "" -- "$wsbx" version

# --- The module from stdin: binary or text by its content.
expect "run - reads a binary module" 0 "6765" "" -- sh -c "'$wsbx' run - --invoke fib 20 < '$fib'"
expect "run - through a pipe" 0 "6765" "" -- sh -c "cat '$fib' | '$wsbx' run - --invoke fib 20"
add='(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))'
expect "run - reads text" 0 "5" "" -- sh -c "echo '$add' | '$wsbx' run - --invoke add 2 3"
expect "validate - reads text" 0 "stdin: valid" "" -- sh -c "echo '$add' | '$wsbx' validate -"
expect "a text error on stdin names stdin:line:col" 1 "" "stdin:2:3: unexpected token" -- \
  sh -c "printf '(module\n  oops)' | '$wsbx' run -"
expect "stdin that is neither binary nor text" 1 "" "stdin:1:1: unexpected token 'hello', expected a module field (not a binary module, so read as WebAssembly text)" -- \
  sh -c "printf 'hello' | '$wsbx' validate -"
expect "empty stdin" 1 "" "stdin:" -- sh -c "'$wsbx' run - < /dev/null"
expect "a silent stdin stops at --timeout" 124 "" "deadline passed while reading stdin" -- \
  sh -c "sleep 5 | '$wsbx' run - --timeout 300ms"

# --- Negative --invoke arguments need no "--".
printf '%s\n' '(module' \
  '  (func (export "i") (param i32 i64) (result i64) (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))' \
  '  (func (export "f") (param f64 f32) (result f64 f32) (local.get 0) (local.get 1)))' > "$tmp/neg.wat"
expect "negative integers" 0 "-12" "" -- "$wsbx" run "$tmp/neg.wat" --invoke i -5 -7
expect "negative hex" 0 "-17" "" -- "$wsbx" run "$tmp/neg.wat" --invoke i -0x10 -1
expect "-inf and -.5" 0 "-inf" "" -- "$wsbx" run "$tmp/neg.wat" --invoke f -inf -.5
check "... -.5 printed back" has "$tmp/out" "-0.5"
expect "options after negative arguments still count" 124 "" "fuel" -- \
  "$wsbx" run "$tmp/neg.wat" --invoke i -5 -7 --fuel 1
expect "a NaN's bits round-trip" 0 "nan:0xfff8000000000001" "" -- \
  "$wsbx" run "$tmp/neg.wat" --invoke f nan:0xfff8000000000001 nan:0x7fc00001
check "... the f32 one too" has "$tmp/out" "nan:0x7fc00001"
expect "nan:0x bits that are no NaN" 2 "" "cannot parse 'nan:0x3ff0000000000000' as f64" -- \
  "$wsbx" run "$tmp/neg.wat" --invoke f nan:0x3ff0000000000000 1
expect "a bad negative number" 2 "" "cannot parse '-x' as i32" -- \
  "$wsbx" run "$tmp/neg.wat" --invoke i -- -x 1

# --- Without _start, the exports are listed with their signatures.
expect "no _start lists the exports" 1 "" \
  "no exported function '_start' (exported functions: fib(i32) -> i32, sum_to(i32) -> i64; call one with --invoke NAME)" -- \
  "$wsbx" run "$fib"
expect "an unknown --invoke lists them too" 1 "" "exported functions: fib(i32) -> i32" -- \
  "$wsbx" run "$fib" --invoke nope

# --- Imports: all missing ones at once; stand-ins; preloaded modules.
printf '%s\n' '(module' \
  '  (import "env" "log" (func $log (param i32)))' \
  '  (import "env" "mem" (memory 1))' \
  '  (import "env" "base" (global $base i32))' \
  '  (import "wasi_snapshot_preview1" "no_such_call" (func $nope))' \
  '  (func (export "call_log") (call $log (i32.const 1)))' \
  '  (func (export "base") (result i32) (global.get $base))' \
  '  (func (export "size") (result i32) (memory.size)))' > "$tmp/imports.wat"
expect "every missing import is listed" 1 "" "4 of 4 imports cannot be linked:" -- \
  "$wsbx" run "$tmp/imports.wat" --invoke base
for line in "env.log (func): nothing provides it" "env.mem (memory): nothing provides it" \
            "env.base (global): nothing provides it" \
            "wasi_snapshot_preview1.no_such_call (func): not a wasi_snapshot_preview1 function" \
            "--unknown-imports=trap or =default"; do
  check "... $line" has "$tmp/err" "$line"
done
expect "--unknown-imports=trap still needs the memory and global" 1 "" \
  "2 of 4 imports cannot be linked" -- "$wsbx" run "$tmp/imports.wat" --unknown-imports=trap --invoke base
expect "--unknown-imports=default: a zero global" 0 "0" "" -- \
  "$wsbx" run "$tmp/imports.wat" --unknown-imports=default --invoke base
expect "... a memory of the declared minimum" 0 "1" "" -- \
  "$wsbx" run "$tmp/imports.wat" --unknown-imports=default --invoke size
expect "... a function that does nothing" 0 "" "" -- \
  "$wsbx" run "$tmp/imports.wat" --unknown-imports=default --invoke call_log
printf '(module (import "env" "log" (func $log (param i32)))\n  (func (export "call_log") (call $log (i32.const 1))))' > "$tmp/log.wat"
expect "--unknown-imports=trap: calling one traps" 134 "" "unknown import env.log was called" -- \
  "$wsbx" run "$tmp/log.wat" --unknown-imports=trap --invoke call_log
expect "--unknown-imports takes error, trap, default" 2 "" \
  "--unknown-imports: 'maybe' is not one of error, trap, default" -- \
  "$wsbx" run "$tmp/log.wat" --unknown-imports=maybe --invoke call_log
printf '%s\n' '(module' \
  '  (memory (export "mem") 2)' \
  '  (global (export "base") i32 (i32.const 40))' \
  '  (global $calls (mut i32) (i32.const 0))' \
  '  (func (export "log") (param i32) (global.set $calls (i32.add (global.get $calls) (local.get 0))))' \
  '  (func (export "calls") (result i32) (global.get $calls)))' > "$tmp/env.wat"
expect "--preload links another module's exports" 0 "40" "" -- \
  "$wsbx" run "$tmp/imports.wat" --preload "env=$tmp/env.wat" --unknown-imports=trap --invoke base
expect "... its memory" 0 "2" "" -- \
  "$wsbx" run "$tmp/imports.wat" --preload "env=$tmp/env.wat" --unknown-imports=trap --invoke size
printf '(module (import "env" "calls" (func $calls (result i32)))\n  (import "env" "log" (func $log (param i32)))\n  (func (export "twice") (result i32) (call $log (i32.const 2)) (call $log (i32.const 3)) (call $calls)))' > "$tmp/user.wat"
expect "a preload keeps its state between calls" 0 "5" "" -- \
  "$wsbx" run "$tmp/user.wat" --preload "env=$tmp/env.wat" --invoke twice
sed 's/"env" "calls"/"lib" "calls"/' "$tmp/user.wat" > "$tmp/user2.wat"
expect "two preloads are two instances" 0 "0" "" -- \
  "$wsbx" run "$tmp/user2.wat" --preload "env=$tmp/env.wat" --preload "lib=$tmp/env.wat" --invoke twice
printf '(module (import "env" "calls" (func (result i32))) (func (export "_initialize")))' > "$tmp/needs_env.wat"
expect "a later preload links to an earlier one" 0 "5" "" -- \
  "$wsbx" run "$tmp/user.wat" --preload "env=$tmp/env.wat" --preload "x=$tmp/needs_env.wat" --invoke twice
expect "an earlier preload cannot link to a later one" 1 "" "env.calls (func): nothing provides it" -- \
  "$wsbx" run "$tmp/user.wat" --preload "x=$tmp/needs_env.wat" --preload "env=$tmp/env.wat" --invoke twice
printf '(module (import "env" "nothere" (func)) (import "env" "mem" (func)))' > "$tmp/wrong.wat"
expect "a preload without the export" 1 "" \
  "env.nothere (func): the module preloaded as env has no export nothere" -- \
  "$wsbx" run "$tmp/wrong.wat" --preload "env=$tmp/env.wat"
check "... and one of the wrong kind" has "$tmp/err" "env.mem (func): the module preloaded as env exports mem as a memory"
for bad in "env" "=x.wasm" "env=" "wasi_snapshot_preview1=$tmp/env.wat"; do
  expect "bad --preload '$bad'" 2 "" "--preload: " -- "$wsbx" run "$tmp/log.wat" --preload "$bad"
done
expect "a preload that cannot be read" 1 "" "cannot read $tmp/none.wasm" -- \
  "$wsbx" run "$tmp/log.wat" --preload "env=$tmp/none.wasm"

# --- A trap in a start function prints as any other trap.
printf '(module (func $boom (unreachable)) (start $boom) (func (export "f")))' > "$tmp/start.wat"
expect "a start-function trap" 134 "" "wsbx: trap: unreachable" -- "$wsbx" run "$tmp/start.wat" --invoke f
printf '(module (func (export "f") (unreachable)))' > "$tmp/invoke.wat"
"$wsbx" run "$tmp/invoke.wat" --invoke f 2> "$tmp/invoke.err"
check "... the first line as for an --invoke trap" \
  [ "$(head -1 "$tmp/err")" = "$(head -1 "$tmp/invoke.err")" ]

# --- The audit log on stderr, and its timestamps; --max-output.
printf '%s\n' '(module' \
  '  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))' \
  '  (import "wasi_snapshot_preview1" "proc_raise" (func $raise (param i32) (result i32)))' \
  '  (memory 1)' \
  '  (data (i32.const 16) "0123456789")' \
  '  (func $put (param $fd i32) (param $n i32) (result i32)' \
  '    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (local.get $n))' \
  '    (call $write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))' \
  '  (func (export "raise") (result i32) (call $raise (i32.const 2)))' \
  '  (func (export "out") (param i32 i32) (result i32) (call $put (local.get 0) (local.get 1)))' \
  '  (func (export "both") (result i32)' \
  '    (drop (call $put (i32.const 1) (i32.const 6))) (drop (call $put (i32.const 2) (i32.const 6)))' \
  '    (call $put (i32.const 2) (i32.const 1))))' > "$tmp/io.wat"
expect "--audit - writes to stderr" 0 "58" "wsbx audit: {\"time\":\"" -- \
  "$wsbx" run "$tmp/io.wat" --audit - --invoke raise
check "... the event" has "$tmp/err" '"function":"proc_raise","args":{"sig":"2"},"errno":"notsup"'
check "... no file named -" [ ! -e ./- ]
check "... the time is UTC to the microsecond" \
  grep -Eq '^wsbx audit: \{"time":"20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6}Z",' "$tmp/err"
expect "--max-output lets writes through up to the cap" 0 "0123456789" "" -- \
  "$wsbx" run "$tmp/io.wat" --max-output 16B --invoke out 1 10
# The write that crosses the cap is cut short; one past it fails with
# EFBIG (22) and is audited; stdout and stderr count together.
expect "--max-output: stdout and stderr share the cap" 0 "22" "" -- \
  "$wsbx" run "$tmp/io.wat" --max-output 10B --audit - --invoke both
check "... stdout got its 6 bytes" has "$tmp/out" "012345"
check "... stderr the 4 left" [ "$(head -c 4 "$tmp/err")" = "0123" ] 
check "... the refusal is audited" has "$tmp/err" '"function":"fd_write"'
check "... naming the cap" has "$tmp/err" '"max_output_bytes":"10"'
expect "--max-output takes sizes" 2 "" "--max-output: '10' has no unit" -- \
  "$wsbx" run "$tmp/io.wat" --max-output 10 --invoke raise

# --- Diagnostics on stderr: -v, -vv, --log-level; stdout stays the guest's.
mkdir -p "$tmp/data"
expect "-v names the grants, limits, load and instances" 0 "6765" "wsbx: info: grant: host directory $tmp/data as $tmp/data (read-write)" -- \
  "$wsbx" run -v "$fib" --dir "$tmp/data" --env HOME --mem 64M --invoke fib 20
for line in "wsbx: info: grant: environment variable HOME" \
            "wsbx: info: limits: host memory for the guest 67108864 bytes, memories 1024 pages each" \
            "wsbx: info: loaded $fib: " "compiled (optimized) in " "wsbx: info: instantiated $fib in " \
            "wsbx: info: run ended with exit code 0"; do
  check "... $line" has "$tmp/err" "$line"
done
check "... stdout holds only the result" [ "$(cat "$tmp/out")" = "6765" ]
check "... no import lines at -v" [ "$(grep -c 'debug:' "$tmp/err")" = 0 ]
expect "-vv adds each import" 0 "" "wsbx: debug: import env.log (func): linked" -- \
  "$wsbx" run -vv "$tmp/log.wat" --unknown-imports=default --invoke call_log
expect "--log-level info is -v" 0 "" "wsbx: info: run ended" -- \
  "$wsbx" run --log-level info "$fib" --invoke fib 1
expect "--log-level error is quiet" 0 "1" "" -- "$wsbx" run --log-level error "$fib" --invoke fib 1
check "... nothing on stderr" [ ! -s "$tmp/err" ]
expect "no -v: nothing on stderr" 0 "1" "" -- "$wsbx" run "$fib" --invoke fib 1
check "... indeed" [ ! -s "$tmp/err" ]
expect "a bad --log-level" 2 "" "--log-level: 'loud' is not one of error, warn, info, debug" -- \
  "$wsbx" run --log-level loud "$fib" --invoke fib 1
expect "validate -v" 0 "valid" "wsbx: info: validated" -- "$wsbx" validate -v "$fib"

echo "$failures failure(s)"
[ "$failures" = 0 ]
