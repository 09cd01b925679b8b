#!/usr/bin/env bash
# End-to-end: `wsbx run` links imports from "wasi_unstable" (WASI snapshot
# 0) next to preview1 ones. The guest (wasi_unstable.wat) checks each
# call's results at snapshot-0 offsets and reports the first failed check
# as its exit code; here we check that code, its output, link errors and
# the audit log.
# Usage: wasi_unstable_test.sh WSBX GUEST_WAT
set -u
wsbx=$1 guest=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"

mkdir "$tmp/d"
printf '0123456789abcdef' >"$tmp/d/data.txt"
expect "a wasi_unstable guest runs to proc_exit(7)" 7 "hello from wasi_unstable" "" -- \
  "$wsbx" run "$guest" --dir "$tmp/d::/d"
grep -qx done "$tmp/out" || { echo "FAIL no 'done' line"; failures=$((failures + 1)); }
expect "without the grant path_open fails (exit 3)" 3 "hello from wasi_unstable" "" -- \
  "$wsbx" run "$guest"

# sock_accept came with preview1.
cat >"$tmp/accept.wat" <<'WAT'
(module
  (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (func (export "_start")))
WAT
expect "wasi_unstable has no sock_accept" 1 "" \
  "wasi_unstable.sock_accept (func): not a wasi_unstable function" -- \
  "$wsbx" run "$tmp/accept.wat"
cat >"$tmp/sig.wat" <<'WAT'
(module
  (import "wasi_unstable" "fd_seek" (func (param i32 i32 i32 i32) (result i32)))
  (func (export "_start")))
WAT
expect "a wrong wasi_unstable signature is refused" 1 "" "wasi_unstable.fd_seek" -- \
  "$wsbx" run "$tmp/sig.wat"
expect "--preload may not take the wasi_unstable name" 2 "" "WASI's own module name" -- \
  "$wsbx" run "$tmp/sig.wat" --preload "wasi_unstable=$tmp/accept.wat"

# A refusal through wasi_unstable is audited under the function's name.
cat >"$tmp/escape.wat" <<'WAT'
(module
  (import "wasi_unstable" "path_filestat_get"
    (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (data (i32.const 0) "../x")
  (func (export "_start")
    (call $exit (call $stat (i32.const 3) (i32.const 0) (i32.const 0)
                            (i32.const 4) (i32.const 64)))))
WAT
expect "path_filestat_get outside the grant: notcapable, audited" 76 "" \
  '"function":"path_filestat_get"' -- \
  "$wsbx" run "$tmp/escape.wat" --dir "$tmp/d::/d" --audit -

if [ "$failures" -ne 0 ]; then
  echo "$failures failed"
  exit 1
fi
