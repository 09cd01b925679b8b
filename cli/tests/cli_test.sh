#!/usr/bin/env bash
# End-to-end checks of the wsbx command: outputs, messages and exit codes;
# reactors; nothing wsbx or the guest writes lost (closed pipes, full disks,
# audit logs sharing stdout or stderr); signals and slow module files.
# Usage: cli_test.sh WSBX FIB_WASM TRAP_WASM IMPORT_WASM WAT2WASM
set -u
wsbx=$1 fib=$2 trap=$3 import=$4 wat2wasm=$5
failures=0
tmp=$(mktemp -d)
helpers=()  # background processes the tests start, ended on exit
trap 'kill "${helpers[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT

source "$(dirname "$0")/expect.sh"

# wat NAME TEXT: compiles the module TEXT to $tmp/NAME.wasm.
wat() { echo "$2" | "$wat2wasm" --debug-names - -o "$tmp/$1.wasm"; }

expect "invoke fib" 0 "6765" "" -- "$wsbx" run "$fib" --invoke fib 20
expect "invoke i64 result" 0 "5000050000" "" -- "$wsbx" run "$fib" --invoke sum_to 100000
expect "negative argument after --" 0 "-3" "" -- "$wsbx" run "$trap" --invoke divide -- -7 2
expect "multi-value results" 0 "2.5" "" -- "$wsbx" run "$trap" --invoke pair
expect "divide by zero traps" 134 "" "integer divide by zero" -- "$wsbx" run "$trap" --invoke divide 1 0
expect "trap names the frames" 134 "" "inner" -- "$wsbx" run "$trap" --invoke crash

# offset_of FILE HEX SKIP: the module offset of the bytes HEX (the first
# match on a byte boundary) plus SKIP, as the backtrace prints it.
offset_of() {
  local hex before
  hex=$(od -An -v -tx1 "$1" | tr -d ' \n')
  before=${hex%%"$2"*}
  if [ "$before" = "$hex" ] || [ $(( ${#before} % 2 )) = 1 ]; then
    echo "no $2 in $1"
    return
  fi
  printf '0x%x' $(( ${#before} / 2 + $3 ))
}
# Bodies of trap.wat: divide (size 7), inner (3), outer (4), bad_convert.
div_at=$(offset_of "$trap" 0700200020016d0b 6)
inner_at=$(offset_of "$trap" 0300000b 2)
outer_at=$(offset_of "$trap" 040010010b 2)
convert_at=$(offset_of "$trap" 0000c07fa81a0b 4)
# same FILE TEXT: FILE holds exactly TEXT (grep -F would take each line
# of a multi-line TEXT on its own).
same() { [ "$(cat "$1")" = "$2" ]; }
for mode in optimized plain; do
  expect "backtrace: a trap names function, index, offset ($mode)" 134 "" \
    "at divide (func 0) +$div_at" -- \
    "$wsbx" run "$trap" --compile $mode --invoke divide 1 0
  check "... and is the whole report ($mode)" same "$tmp/err" \
    "wsbx: trap: integer divide by zero
  at divide (func 0) +$div_at"
  expect "backtrace: innermost frame at the trap ($mode)" 134 "" \
    "at inner (func 1) +$inner_at" -- \
    "$wsbx" run "$trap" --compile $mode --invoke crash
  check "... its caller at the call ($mode)" same "$tmp/err" \
    "wsbx: trap: unreachable
  at inner (func 1) +$inner_at
  at outer (func 2) +$outer_at"
  expect "backtrace: an unnamed function by its export ($mode)" 134 "" \
    "at bad_convert (func 5) +$convert_at" -- \
    "$wsbx" run "$trap" --compile $mode --invoke bad_convert
done
expect "_start runs by default" 0 "" "" -- "$wsbx" run "$trap"
expect "no _start" 1 "" "no exported function '_start'" -- "$wsbx" run "$fib"
expect "unknown export" 1 "" "no exported function 'nope'" -- "$wsbx" run "$fib" --invoke nope
expect "wrong argument count" 2 "" "takes 1 argument" -- "$wsbx" run "$fib" --invoke fib
expect "bad argument" 2 "" "cannot parse 'x1' as i32" -- "$wsbx" run "$fib" --invoke fib x1
expect "unknown import" 1 "" "env.missing (func): nothing provides it" -- "$wsbx" run "$import"
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
# Text modules: a file named .wat that is not binary is read as text.
printf '%s\n' '(module' \
  '  (func (export "add") (param $a i32) (param $b i32) (result i32)' \
  '    (i32.add (local.get $a) (local.get $b))))' > "$tmp/add.wat"
expect "run a .wat" 0 "5" "" -- "$wsbx" run "$tmp/add.wat" --invoke add 2 3
expect "validate a .wat" 0 "add.wat: valid" "" -- "$wsbx" validate "$tmp/add.wat"
printf '(module\n  (func (i32.add (local.get 0) oops)))\n' > "$tmp/bad.wat"
expect "a .wat syntax error names line:col" 1 "" "bad.wat:2:32: unexpected token 'oops'" -- \
  "$wsbx" run "$tmp/bad.wat" --invoke f
expect "validate a .wat syntax error" 1 "" "bad.wat:2:32:" -- "$wsbx" validate "$tmp/bad.wat"
printf '(module (func (result i32) i64.const 1))' > "$tmp/mistyped.wat"
expect "an invalid .wat fails validation" 1 "" "type mismatch" -- \
  "$wsbx" validate "$tmp/mistyped.wat"
# WebAssembly 3.0: a tail-call loop that never ends stops at its budget,
# and a 64-bit memory grows only as far as --mem allows.
printf '(module (func $f (export "spin") (param i64) (result i64)\n  (return_call $f (i64.add (local.get 0) (i64.const 1)))))' > "$tmp/tail.wat"
expect "an endless tail-call loop stops at --fuel" 124 "" "fuel exhausted" -- \
  "$wsbx" run "$tmp/tail.wat" --fuel 1000000 --invoke spin 0
expect "an endless tail-call loop stops at --timeout" 124 "" "timeout" -- \
  "$wsbx" run "$tmp/tail.wat" --timeout 200ms --invoke spin 0
printf '(module (memory i64 1)\n  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))' > "$tmp/mem64.wat"
expect "memory64 grows under --mem" 0 "1" "" -- \
  "$wsbx" run "$tmp/mem64.wat" --mem 4M --invoke grow 10
expect "memory64 growth past --mem fails with -1" 0 "-1" "" -- \
  "$wsbx" run "$tmp/mem64.wat" --mem 4M --invoke grow 100
expect "memory64 growth by 2^40 pages fails with -1" 0 "-1" "" -- \
  "$wsbx" run "$tmp/mem64.wat" --invoke grow 1099511627776
cp "$tmp/add.wat" "$tmp/add.txt"
expect "text not named .wat gets a hint" 1 "" "is it WebAssembly text? name it .wat" -- \
  "$wsbx" run "$tmp/add.txt" --invoke add 2 3
expect "validate: the same hint" 1 "" "magic header not detected (not a binary module" -- \
  "$wsbx" validate "$tmp/add.txt"
cp "$fib" "$tmp/fib.wat"
expect "a binary named .wat is binary" 0 "6765" "" -- "$wsbx" run "$tmp/fib.wat" --invoke fib 20
expect "bad --mem" 2 "" "--mem" -- "$wsbx" run "$fib" --mem 12Q --invoke fib 1
# Sizes: K, M, G in any spelling are powers of 1024; a bare number needs a
# unit (0 excepted); durations take ms, s, m, h, and a bare number needs one.
for v in 128K 64M 64MiB 64MB 64mb 4G 4GiB 4GB; do
  expect "--mem $v" 0 "1" "" -- "$wsbx" run "$tmp/mem64.wat" --mem "$v" --invoke grow 0
done
expect "--mem 64K" 0 "5" "" -- "$wsbx" run "$tmp/add.wat" --mem 64K --invoke add 2 3
expect "--mem 64MB is 64 MiB: 1023 more pages fit" 0 "1" "" -- \
  "$wsbx" run "$tmp/mem64.wat" --mem 64MB --invoke grow 1023
expect "... 1024 do not" 0 "-1" "" -- "$wsbx" run "$tmp/mem64.wat" --mem 64MB --invoke grow 1024
expect "--mem 64: a bare number needs a unit" 2 "" \
  "--mem: '64' has no unit: add one, e.g. 64M" -- "$wsbx" run "$fib" --mem 64 --invoke fib 1
expect "--mem 0 is accepted, and nothing fits" 1 "" "larger than the module size limit of 0 bytes" -- \
  "$wsbx" run "$fib" --mem 0 --invoke fib 1
for v in 64T 1.5G -1M M 64Mi ""; do
  expect "bad --mem '$v'" 2 "" "--mem: " -- "$wsbx" run "$fib" --mem "$v" --invoke fib 1
done
for v in 64K 1M 64MiB 1GB; do
  expect "--stack $v" 0 "6765" "" -- "$wsbx" run "$fib" --stack "$v" --invoke fib 20
done
expect "--stack 8: a bare number needs a unit" 2 "" "--stack: '8' has no unit: add one, e.g. 8M" -- \
  "$wsbx" run "$fib" --stack 8 --invoke fib 1
expect "--stack 2GB is out of range" 2 "" "--stack: '2GB' is outside 64K to 1G" -- \
  "$wsbx" run "$fib" --stack 2GB --invoke fib 1
for v in 250ms 2s 1.5s 1m 1h; do
  expect "--timeout $v" 0 "6765" "" -- "$wsbx" run "$fib" --timeout "$v" --invoke fib 20
done
expect "--timeout 2: a bare number needs a unit" 2 "" \
  "--timeout: '2' has no unit: add one, e.g. 2s" -- "$wsbx" run "$fib" --timeout 2 --invoke fib 1
for v in 2d 0s 721h 1.5 abc; do
  expect "bad --timeout '$v'" 2 "" "--timeout: " -- "$wsbx" run "$fib" --timeout "$v" --invoke fib 1
done
expect "--compile plain" 0 "6765" "" -- "$wsbx" run "$fib" --compile plain --invoke fib 20
expect "--compile plain traps alike" 134 "" "integer divide by zero" -- "$wsbx" run "$trap" --compile plain --invoke divide 1 0
expect "--compile optimized" 0 "5000050000" "" -- "$wsbx" run "$fib" --compile optimized --invoke sum_to 100000
expect "bad --compile" 2 "" "--compile" -- "$wsbx" run "$fib" --compile fast --invoke fib 1
expect "no subcommand" 2 "" "" -- "$wsbx"

# --- Directory grants: --dir DIR is DIR under its own name; HOST::GUEST
# names it; --dir-ro the same, read-only. The guest prints the names of its
# preopens (fds 3 and 4) and the first bytes of f.txt in fd 3.
wat dirs '(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get"
    (func $prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name"
    (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory 1)
  (data (i32.const 32) "\n")
  (data (i32.const 48) "f.txt")
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $name (param $fd i32) (local $len i32)
    (if (call $prestat_get (local.get $fd) (i32.const 16)) (then (return)))
    (local.set $len (i32.load (i32.const 20)))
    (drop (call $prestat_dir_name (local.get $fd) (i32.const 256) (local.get $len)))
    (call $write (i32.const 256) (local.get $len))
    (call $write (i32.const 32) (i32.const 1)))
  (func (export "_start") (local $err i32)
    (call $name (i32.const 3))
    (call $name (i32.const 4))
    (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 48)
      (i32.const 5) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0)
      (i32.const 64)))
    (if (local.get $err) (then (call $proc_exit (local.get $err))))
    (i32.store (i32.const 0) (i32.const 512))
    (i32.store (i32.const 4) (i32.const 64))
    (local.set $err (call $fd_read (i32.load (i32.const 64)) (i32.const 0)
      (i32.const 1) (i32.const 8)))
    (if (local.get $err) (then (call $proc_exit (local.get $err))))
    (call $write (i32.const 512) (i32.load (i32.const 8)))))'
mkdir -p "$tmp/share" "$tmp/other"
echo "shared file" >"$tmp/share/f.txt"
expect "--dir DIR: the guest sees DIR under its own name" 0 "$tmp/share" "" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir "$tmp/share"
check "... and reads through it" has "$tmp/out" "shared file"
check "... named exactly DIR" [ "$(head -1 "$tmp/out")" = "$tmp/share" ]
expect "--dir with a relative DIR" 0 "shared file" "" -- \
  sh -c "cd '$tmp' && exec '$(realpath "$wsbx")' run '$tmp/dirs.wasm' --dir share"
check "... is named as given" [ "$(head -1 "$tmp/out")" = share ]
expect "--dir HOST::GUEST still names it GUEST" 0 "shared file" "" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir "$tmp/share::/data"
check "... /data" [ "$(head -1 "$tmp/out")" = /data ]
expect "--dir-ro DIR" 0 "shared file" "" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir-ro "$tmp/share"
check "... named DIR" [ "$(head -1 "$tmp/out")" = "$tmp/share" ]
expect "--dir and --dir-ro together: --dir first" 0 "shared file" "" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir-ro "$tmp/other::/ro" --dir "$tmp/share"
check "... fd 3 then fd 4" [ "$(head -2 "$tmp/out" | tr '\n' ' ')" = "$tmp/share /ro " ]
expect "--dir '' is refused" 2 "" "--dir: empty value" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir ""
expect "--dir ::/data is refused" 2 "" "--dir: an empty HOST in '::/data'" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir ::/data
expect "--dir-ro DIR:: is refused" 2 "" "--dir-ro: an empty GUEST in '$tmp/share::'" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir-ro "$tmp/share::"
expect "--dir of a missing directory is refused" 2 "" "$tmp/none" -- \
  "$wsbx" run "$tmp/dirs.wasm" --dir "$tmp/none"

# --- Reactors: _initialize runs once, before the export --invoke names.
wat reactor '(module
  (global $n (mut i32) (i32.const 0))
  (func (export "_initialize")
    (global.set $n (i32.add (global.get $n) (i32.const 42))))
  (func (export "value") (result i32) (global.get $n)))'
wat reactor_trap '(module
  (func $init (export "_initialize") (unreachable)) (func (export "f")))'
wat reactor_command '(module (func (export "_initialize")) (func (export "_start")))'
wat reactor_bad_type '(module
  (func (export "_initialize") (param i32)) (func (export "f")))'
# 0 if _initialize never ran, 84 if it ran twice.
expect "a reactor is initialized once before --invoke" 0 "42" "" -- \
  "$wsbx" run "$tmp/reactor.wasm" --invoke value
check "... and prints exactly its result" [ "$(cat "$tmp/out")" = 42 ]
expect "--invoke _initialize runs it once" 0 "" "" -- \
  "$wsbx" run "$tmp/reactor.wasm" --invoke _initialize
expect "a reactor needs --invoke" 1 "" "is a reactor" -- \
  "$wsbx" run "$tmp/reactor.wasm"
check "... says so and lists its functions" \
  has "$tmp/err" "--invoke NAME (exported functions: value)"
expect "a trap in _initialize" 134 "" "trap: unreachable" -- \
  "$wsbx" run "$tmp/reactor_trap.wasm" --invoke f
check "... names _initialize's frame" has "$tmp/err" "at init (func 0) +0x"
expect "_start and _initialize both is refused" 1 "" \
  "exports both _start and _initialize" -- \
  "$wsbx" run "$tmp/reactor_command.wasm"
expect "_initialize with parameters is refused" 1 "" \
  "_initialize must take no arguments" -- \
  "$wsbx" run "$tmp/reactor_bad_type.wasm" --invoke f

# --- A WASI guest for the output, audit and signal cases. Each export makes
# one refused call first (proc_raise), so the audit log has a line to show.
wat io '(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_raise"
    (func $proc_raise (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory 2)
  (data (i32.const 16) "ready\n")
  (data (i32.const 32) "guest stdout\n")
  (data (i32.const 48) "guest stderr\n")
  ;; One fd_write of [ptr, ptr + len); returns the WASI errno.
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func $refused (drop (call $proc_raise (i32.const 2))))
  (func (export "noisy")
    (call $refused)
    (drop (call $write (i32.const 1) (i32.const 32) (i32.const 13)))
    (drop (call $write (i32.const 2) (i32.const 48) (i32.const 13))))
  (func (export "trap") (call $refused) (unreachable))
  (func (export "exit") (call $refused) (call $proc_exit (i32.const 3)))
  ;; Says "ready" on stdout, then never ends.
  (func (export "spin")
    (call $refused)
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 6)))
    (loop $l (br $l)))
  ;; Says "ready", then blocks reading stdin (16 bytes at 256).
  (func (export "read_stdin") (result i32)
    (call $refused)
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 6)))
    (i32.store (i32.const 64) (i32.const 256))
    (i32.store (i32.const 68) (i32.const 16))
    (call $fd_read (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 72)))
  ;; Writes 64 KiB blocks to stdout until one fails; exits with its errno.
  (func (export "spew") (local $err i32)
    (call $refused)
    (loop $l
      (local.set $err
        (call $write (i32.const 1) (i32.const 1024) (i32.const 65536)))
      (br_if $l (i32.eqz (local.get $err))))
    (call $proc_exit (local.get $err))))'
io=$tmp/io.wasm
audit_line='"function":"proc_raise","args":{"sig":"2"},"errno":"notsup"'

# --- The audit log is written whatever way the run ends (signals and
# closed pipes below).
for c in "noisy 0" "trap 134" "exit 3" "spin 124"; do
  set -- $c
  rm -f "$tmp/audit"
  expect "audit log after $1" "$2" "" "" -- \
    "$wsbx" run "$io" --timeout 300ms --audit "$tmp/audit" --invoke "$1"
  check "... holds the refused call" has "$tmp/audit" "$audit_line"
done

# --- An audit log never truncates wsbx's own stdout or stderr.
expect "--audit /dev/stderr, stderr a file" 0 "guest stdout" "guest stderr" -- \
  "$wsbx" run "$io" --audit /dev/stderr --invoke noisy
check "... keeps the guest's stderr and adds the log" has "$tmp/err" "$audit_line"
expect "--audit /dev/stdout, stdout a file" 0 "guest stdout" "guest stderr" -- \
  "$wsbx" run "$io" --audit /dev/stdout --invoke noisy
check "... keeps the guest's stdout and adds the log" has "$tmp/out" "$audit_line"
expect "--audit naming the file stderr goes to" 0 "" "guest stderr" -- \
  "$wsbx" run "$io" --audit "$tmp/err" --invoke noisy --stats
check "... keeps the guest's stderr and adds the log" has "$tmp/err" "$audit_line"
check "... and the statistics" has "$tmp/err" "wsbx stats: elapsed"
echo "earlier line" >"$tmp/log"
expect "--audit /dev/fd/3 writes through fd 3" 0 "" "" -- \
  sh -c "exec '$wsbx' run '$io' --audit /dev/fd/3 --invoke noisy 3>>'$tmp/log'"
check "... keeping what was there" has "$tmp/log" "earlier line"
check "... and adding the log" has "$tmp/log" "$audit_line"
expect "--audit /dev/fd/3 open for reading is refused" 2 "" \
  "open for reading only" -- \
  sh -c "exec '$wsbx' run '$io' --audit /dev/fd/3 --invoke noisy 3<'$tmp/log'"
check "... before the guest runs" sh -c "! grep -q 'guest stdout' '$tmp/out'"
echo "stale line" >"$tmp/own.jsonl"
expect "an audit file of its own is truncated" 0 "" "" -- \
  "$wsbx" run "$io" --audit "$tmp/own.jsonl" --invoke noisy
check "... to hold only this run's log" [ "$(grep -c . "$tmp/own.jsonl")" = 1 ]
check "... which is the refused call" has "$tmp/own.jsonl" "$audit_line"

# --- A closed pipe: the guest's writes fail with the WASI errno pipe (64),
# which this guest exits with; wsbx is not killed by SIGPIPE (141).
rm -f "$tmp/audit"
"$wsbx" run "$io" --stats --audit "$tmp/audit" --invoke spew 2>"$tmp/err" |
  head -c 10 >/dev/null
check "a guest writing into a closed pipe gets errno pipe, exit 64" \
  [ "${PIPESTATUS[0]}" = 64 ]
check "... --stats still printed" has "$tmp/err" "wsbx stats: elapsed"
check "... --audit still written" has "$tmp/audit" "$audit_line"

# --- wsbx's own output that cannot be written is an error, not success.
expect "--invoke results into /dev/full" 1 "" \
  "cannot write to stdout: No space left on device" -- \
  sh -c "exec '$wsbx' run '$fib' --invoke fib 20 >/dev/full"
expect "validate into /dev/full" 1 "" "cannot write to stdout" -- \
  sh -c "exec '$wsbx' validate '$fib' >/dev/full"
expect "--stats into /dev/full" 1 "6765" "" -- \
  sh -c "exec '$wsbx' run '$fib' --stats --invoke fib 20 2>/dev/full"
expect "--audit /dev/full" 1 "" "cannot write audit log /dev/full" -- \
  "$wsbx" run "$io" --audit /dev/full --invoke noisy
expect "a failed write keeps the guest's own exit code" 3 "" \
  "cannot write audit log" -- "$wsbx" run "$io" --audit /dev/full --invoke exit

# --- SIGINT and SIGTERM stop the guest; wsbx reports and exits 128 + N.
# A script's background jobs start with SIGINT ignored, which wsbx keeps
# ignored: env restores the default, as an interactive shell has it.
# stop_with SIGNAL READY ARGS...: starts `wsbx ARGS`, waits until its stdout
# has the line READY (at most 5 s; no READY: 0.3 s), sends SIGNAL and leaves
# wsbx's exit code in $code; a wsbx still running 10 s later is killed (and
# the checks on $code fail). wsbx's stdin is $stop_stdin (default /dev/null).
stop_stdin=/dev/null
stop_with() {
  local sig=$1 ready=$2 i
  shift 2
  : >"$tmp/out"
  env --default-signal=INT,TERM "$wsbx" "$@" <"$stop_stdin" >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  if [ -z "$ready" ]; then
    sleep 0.3
  else
    for i in $(seq 100); do has "$tmp/out" "$ready" && break; sleep 0.05; done
  fi
  kill -"$sig" "$pid"
  for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid"
  code=$?
}
for c in "INT 130" "TERM 143"; do
  set -- $c
  rm -f "$tmp/audit"
  stop_with "$1" ready run "$io" --stats --audit "$tmp/audit" --invoke spin
  check "SIG$1 stops the guest, exit $2" [ "$code" = "$2" ]
  check "... with the trap 'interrupted'" has "$tmp/err" "trap: interrupted"
  check "... --stats printed" has "$tmp/err" "wsbx stats: elapsed"
  check "... --audit written" has "$tmp/audit" "$audit_line"
done
stop_with TERM ready run "$io" --timeout 60s --stats --invoke spin
check "SIGTERM with a --timeout set, exit 143" [ "$code" = 143 ]
# A guest blocked in fd_read on a pipe nobody writes: the signal interrupts
# the host call too (with no --timeout the read blocks in the kernel, with
# one it waits in poll()).
mkfifo "$tmp/quiet"
exec {quiet}<>"$tmp/quiet"  # holds a writer open that never writes
stop_stdin=$tmp/quiet
for t in "" "--timeout 60s"; do
  rm -f "$tmp/audit"
  stop_with INT ready run "$io" $t --stats --audit "$tmp/audit" \
    --invoke read_stdin
  check "SIGINT during a blocked fd_read ${t:-(no timeout)}, exit 130" [ "$code" = 130 ]
  check "... with the trap 'interrupted'" has "$tmp/err" "trap: interrupted"
  check "... --stats printed" has "$tmp/err" "wsbx stats: elapsed"
  check "... --audit written" has "$tmp/audit" "$audit_line"
done
exec {quiet}>&-
stop_stdin=/dev/null
mkfifo "$tmp/fifo"
stop_with INT "" run "$tmp/fifo"  # waiting for a writer
check "SIGINT while reading the module, exit 130" [ "$code" = 130 ]
check "... says so" has "$tmp/err" "interrupted while reading"

# --- Reading the module is under --timeout and the size limit.
expect "a FIFO with no writer, --timeout 300ms" 124 "" \
  "timeout: deadline passed while reading" -- \
  timeout 10 "$wsbx" run "$tmp/fifo" --timeout 300ms
within "FIFO with no writer" 300
exec {pipe}< <(sleep 10)
helpers+=($!)
expect "a silent pipe, --timeout 300ms" 124 "" \
  "timeout: deadline passed while reading /dev/stdin" -- \
  timeout 10 "$wsbx" run /dev/stdin --timeout 300ms <&$pipe
within "silent pipe" 300
exec {pipe}<&-
cat "$fib" >"$tmp/fifo" &
helpers+=($!)
expect "a module through a FIFO" 0 "6765" "" -- \
  timeout 10 "$wsbx" run "$tmp/fifo" --timeout 5s --invoke fib 20
truncate -s 2G "$tmp/huge.wasm"
expect "a file over the size limit is refused unread" 1 "" \
  "larger than the module size limit" -- "$wsbx" run "$tmp/huge.wasm"
within "2 GiB file refused" 0

echo "$failures failure(s)"
[ "$failures" = 0 ]
