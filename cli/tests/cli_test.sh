#!/usr/bin/env bash
# End-to-end checks of the wsbx command: outputs, messages and exit codes.
# Usage: cli_test.sh WSBX FIB_WASM TRAP_WASM IMPORT_WASM
set -u
wsbx=$1 fib=$2 trap=$3 import=$4
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$(dirname "$0")/expect.sh"

expect "invoke fib" 0 "6765" "" -- "$wsbx" run "$fib" --invoke fib 20
expect "invoke i64 result" 0 "5000050000" "" -- "$wsbx" run "$fib" --invoke sum_to 100000
expect "negative argument after --" 0 "-3" "" -- "$wsbx" run "$trap" --invoke divide -- -7 2
expect "multi-value results" 0 "2.5" "" -- "$wsbx" run "$trap" --invoke pair
expect "divide by zero traps" 134 "" "integer divide by zero" -- "$wsbx" run "$trap" --invoke divide 1 0
expect "trap names the frames" 134 "" "inner" -- "$wsbx" run "$trap" --invoke crash
expect "_start runs by default" 0 "" "" -- "$wsbx" run "$trap"
expect "no _start" 1 "" "no exported function '_start'" -- "$wsbx" run "$fib"
expect "unknown export" 1 "" "no exported function 'nope'" -- "$wsbx" run "$fib" --invoke nope
expect "wrong argument count" 2 "" "takes 1 argument" -- "$wsbx" run "$fib" --invoke fib
expect "bad argument" 2 "" "cannot parse 'x1' as i32" -- "$wsbx" run "$fib" --invoke fib x1
expect "unknown import" 1 "" "unknown import env.missing" -- "$wsbx" run "$import"
expect "missing file" 1 "" "cannot read" -- "$wsbx" run "$tmp/none.wasm"
expect "unwritable audit log is refused before running" 2 "" "--audit: cannot write" -- "$wsbx" run "$fib" --audit "$tmp/missing/a.jsonl" --invoke fib 1
expect "a directory is not a module" 1 "" "Is a directory" -- "$wsbx" validate "$tmp"
expect "run a directory" 1 "" "Is a directory" -- "$wsbx" run "$tmp"
expect "module from a pipe" 0 "6765" "" -- sh -c "cat '$fib' | '$wsbx' run /dev/stdin --invoke fib 20"
expect "validate ok" 0 "valid" "" -- "$wsbx" validate "$fib"
printf '\0asm\1\0\0\0\1\5' > "$tmp/trunc.wasm"
expect "validate truncated" 1 "" "at offset 0x" -- "$wsbx" validate "$tmp/trunc.wasm"
printf 'hello' > "$tmp/junk.wasm"
expect "validate junk" 1 "" "magic header" -- "$wsbx" validate "$tmp/junk.wasm"
expect "bad --mem" 2 "" "--mem" -- "$wsbx" run "$fib" --mem 12Q --invoke fib 1
expect "--compile plain" 0 "6765" "" -- "$wsbx" run "$fib" --compile plain --invoke fib 20
expect "--compile plain traps alike" 134 "" "integer divide by zero" -- "$wsbx" run "$trap" --compile plain --invoke divide 1 0
expect "--compile optimized" 0 "5000050000" "" -- "$wsbx" run "$fib" --compile optimized --invoke sum_to 100000
expect "bad --compile" 2 "" "--compile" -- "$wsbx" run "$fib" --compile fast --invoke fib 1
expect "no subcommand" 2 "" "" -- "$wsbx"

echo "$failures failure(s)"
[ "$failures" = 0 ]
