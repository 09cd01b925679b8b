#!/usr/bin/env bash
# Hard limits of `wsbx run`, one case per invocation: fuel (exact and
# deterministic), timeouts that end runaway loops, bulk operations and
# blocking WASI calls, memory/table caps, stacks and flag errors.
# Usage: limits_test.sh CASE WSBX LIMITS_WASM GUEST_WASM BIG_MEMORY_WASM
#                       BIG_TABLE_WASM START_SPIN_WASM MANY_TABLES_WASM
# Wall-clock checks are upper bounds with a margin for a loaded machine:
# a --timeout of T must end within T + SLACK_MS (default 500). Each timed
# case prints its measured overshoot.
set -u
case=$1 wsbx=$2 lim=$3 guest=$4 bigmem=$5 bigtab=$6 startspin=$7 manytab=$8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

source "$(dirname "$0")/../expect.sh"

# The value of `wsbx stats: fuel N` in the last run's stderr.
stats_fuel() { sed -n 's/^wsbx stats: fuel \([0-9]*\)$/\1/p' "$tmp/err"; }

same() {  # same NAME A B
  if [ "$2" = "$3" ] && [ -n "$2" ]; then
    echo "ok   $1 ($2)"
  else
    echo "FAIL $1: '$2' != '$3'"
    failures=$((failures + 1))
  fi
}

run=("$wsbx" run)
case $case in
timeout)
  expect "infinite loop under --timeout 1s" 124 "" "timeout" -- \
    "${run[@]}" "$lim" --timeout 1s --invoke spin
  within "infinite loop" 1000
  expect "start function under --timeout 300ms" 124 "" "timeout" -- \
    "${run[@]}" "$startspin" --timeout 300ms
  within "start function" 300
  expect "loop-free call tree under --timeout 500ms" 124 "" "timeout" -- \
    "${run[@]}" "$lim" --timeout 500ms --invoke fan 40
  within "call tree" 500
  expect "memory.grow loop under --timeout 500ms" 124 "" "timeout" -- \
    "${run[@]}" "$lim" --timeout 500ms --mem 4M --invoke grow_forever
  within "memory.grow loop" 500
  ;;
fuel)
  expect "infinite loop under --fuel" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 10000000 --invoke spin
  expect "start function under --fuel" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$startspin" --fuel 1000
  expect "loop-free call tree under --fuel" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 1000000 --invoke fan 40
  expect "memory.grow loop under --fuel" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 1000000 --mem 4M --invoke grow_forever
  ;;
fuel-exact)
  # count(10) costs 4 + 8 * 10 = 84 (see limits.wat).
  expect "count 10 with --fuel 84" 0 "0" "wsbx stats: fuel 84" -- \
    "${run[@]}" "$lim" --fuel 84 --stats --invoke count 10
  expect "count 10 with --fuel 83" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 83 --stats --invoke count 10
  same "a refused run is not charged" "$(stats_fuel)" 83
  expect "count 10 unlimited" 0 "0" "wsbx stats: fuel 84" -- \
    "${run[@]}" "$lim" --stats --invoke count 10
  # depth(n) costs 9 n + 4; fan(d) 12 * 2^d - 10.
  expect "depth 10000" 0 "10000" "wsbx stats: fuel 90004" -- \
    "${run[@]}" "$lim" --stats --invoke depth 10000
  expect "fan 10 with --fuel 12278" 0 "" "wsbx stats: fuel 12278" -- \
    "${run[@]}" "$lim" --fuel 12278 --stats --invoke fan 10
  expect "fan 10 with --fuel 12277" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 12277 --invoke fan 10
  # memory.fill of 64 KiB: the instruction plus 65536 / 64.
  expect "fill_once 0 with --fuel" 0 "1" "wsbx stats: fuel 1034" -- \
    "${run[@]}" "$lim" --stats --invoke fill_once 0
  ;;
fuel-deterministic)
  # The same budget stops at the same count, whatever the slice size (a
  # deadline shrinks the slices) and however long it takes.
  expect "spin --fuel 50000001 (1)" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 50000001 --stats --invoke spin
  a=$(stats_fuel)
  expect "spin --fuel 50000001 (2)" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 50000001 --timeout 60s --stats --invoke spin
  b=$(stats_fuel)
  same "spin stops at the same count" "$a" "$b"
  same "spin stops after whole runs of 5" "$a" 50000000
  expect "C memset --fuel (1)" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$guest" --mem 256M --fuel 30000000 --stats -- memset 64
  a=$(stats_fuel)
  expect "C memset --fuel (2)" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$guest" --mem 256M --fuel 30000000 --timeout 60s --stats -- memset 64
  b=$(stats_fuel)
  same "C guest stops at the same count" "$a" "$b"
  ;;
bulk)
  expect "memory.fill of 1 GiB, forever, --timeout 1s" 124 "" "timeout" -- \
    "${run[@]}" "$lim" --mem 1100M --timeout 1s --invoke fill_forever 16383
  within "memory.fill loop" 1000
  expect "one memory.fill of 1 GiB, --timeout 100ms" 124 "" "timeout" -- \
    "${run[@]}" "$lim" --mem 1100M --timeout 100ms --invoke fill_once 16383
  within "single memory.fill" 100
  expect "memory.copy of 512 MiB, forever, --timeout 1s" 124 "" "timeout" -- \
    "${run[@]}" "$lim" --mem 1100M --timeout 1s --invoke copy_forever 16383
  within "memory.copy loop" 1000
  expect "table.fill of 10M, forever, --timeout 1s" 124 "" "timeout" -- \
    "${run[@]}" "$lim" --timeout 1s --invoke table_fill_forever 9999000
  within "table.fill loop" 1000
  expect "C memset loop under --timeout 1s" 124 "" "timeout" -- \
    "${run[@]}" "$guest" --mem 1G --timeout 1s -- memset 512
  within "C memset" 1000
  # A 1 GiB fill is charged 16M before it starts: no byte is written.
  expect "one memory.fill of 1 GiB, --fuel 1000000" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --mem 1100M --fuel 1000000 --stats --invoke fill_once 16383
  expect "table.fill loop under --fuel" 124 "" "fuel exhausted" -- \
    "${run[@]}" "$lim" --fuel 10000000 --invoke table_fill_forever 1000000
  ;;
blocking)
  exec {pipe}< <(sleep 10)
  sleeper=$!
  expect "fd_read on a pipe that stays open, --timeout 1s" 124 "" "timeout" -- \
    "${run[@]}" "$guest" --timeout 1s -- read <&$pipe
  within "blocked read" 1000
  exec {pipe}<&-
  kill "$sleeper" 2>/dev/null
  expect "poll_oneoff sleep, --timeout 1s" 124 "" "timeout" -- \
    "${run[@]}" "$guest" --timeout 1s -- sleep
  within "sleep" 1000
  ;;
memory)
  # --mem 64M caps the whole account: the memory grows until it and the
  # instance's code and tables fill 64 MiB, to within one page.
  expect "grow until refused under --mem 64M" 0 "" \
    "(memories, tables, instances, code; cap 67108864)" -- \
    "${run[@]}" "$lim" --mem 64M --stats --invoke grow_until_refused
  grown=$(cat "$tmp/out")
  peak=$(sed -n 's/^wsbx stats: host memory for the guest peak \([0-9]*\) bytes.*/\1/p' "$tmp/err")
  if [ -n "$peak" ] && [ "$peak" -le 67108864 ] && [ "$peak" -gt $((67108864 - 65536)) ] \
     && [ "$grown" -ge 1000 ] && [ "$grown" -le 1023 ] \
     && grep -qF "memory 0 peak $((grown + 1)) pages" "$tmp/err"; then
    echo "ok   account filled to within a page ($grown pages grown, $peak bytes)"
  else
    echo "FAIL account under --mem 64M: grown '$grown', peak '$peak'"
    failures=$((failures + 1))
  fi
  expect "declared minimum above --mem" 1 "" \
    "memory minimum 2048 pages exceeds the cap of 1024 pages" -- \
    "${run[@]}" "$bigmem" --mem 64M
  expect "declared minimum within the default cap" 0 "" "" -- \
    "${run[@]}" "$bigmem"
  ;;
table)
  expect "declared table minimum above the cap" 1 "" \
    "table minimum 5000 elements exceeds the cap of 1000 elements" -- \
    "${run[@]}" "$bigtab" --max-table-elements 1000
  # 16 initial elements; grows of 1000 stop at 99016 under a 100000 cap.
  expect "table.grow until refused" 0 "99000" "" -- \
    "${run[@]}" "$lim" --max-table-elements 100000 --invoke table_grow_until_refused
  # Tables count in --mem: 20 tables of 10 M elements (1.6 GB asked for by a
  # 159-byte module) are refused at instantiation, without allocating them.
  expect "20 tables of 10 M elements under --mem 64M" 1 "" \
    "does not fit in the memory cap" -- \
    /usr/bin/time -f "rss %M KB" "${run[@]}" "$manytab" --mem 64M
  rss_kb=$(sed -n 's/^rss \([0-9]*\) KB$/\1/p' "$tmp/err")
  if [ -n "$rss_kb" ] && [ "$rss_kb" -lt 65536 ]; then
    echo "ok   refused tables cost ${rss_kb} KB of RSS"
  else
    echo "FAIL refused tables: RSS '${rss_kb}' KB"
    failures=$((failures + 1))
  fi
  # table.grow stops where the account is full: 1 MiB holds < 131072 refs.
  expect "table.grow until refused under --mem 1M" 0 "" "" -- \
    "${run[@]}" "$lim" --mem 1M --invoke table_grow_until_refused
  grown=$(cat "$tmp/out")
  if [ "$grown" -ge 100000 ] && [ "$grown" -lt 131072 ]; then
    echo "ok   table.grow stopped by --mem 1M at $grown elements"
  else
    echo "FAIL table.grow under --mem 1M: '$grown'"
    failures=$((failures + 1))
  fi
  ;;
load)
  # Loading is inside the budget: a 9 MB module of 4,000 functions takes
  # 0.4 to 0.8 s and 150 MB to compile (more under sanitizers); the deadline
  # and --mem stop it between function bodies.
  python3 "$(dirname "$0")/make_big_module.py" "$tmp/big.wasm" 4000 320
  expect "compiling a 9 MB module under --timeout 100ms" 124 "" \
    "timeout while loading" -- "${run[@]}" "$tmp/big.wasm" --timeout 100ms
  within "load under --timeout" 100
  # --mem covers the module's bytes and the code compiled from them.
  expect "compiling a 9 MB module under --mem 32M" 1 "" \
    "compiled code exceeds the memory cap" -- \
    "${run[@]}" "$tmp/big.wasm" --mem 32M
  expect "a 9 MB module under --mem 8M is not even read" 1 "" \
    "larger than the module size limit of 8388608 bytes" -- \
    "${run[@]}" "$tmp/big.wasm" --mem 8M
  # Compiled code stays linear in the module: 50,000 branches that each move
  # 1,000 values, and a br_table over 50,000 nested blocks, each once took
  # seconds and (the first) over a gigabyte to compile.
  make_branch="$(dirname "$0")/make_branch_module.py"
  python3 "$make_branch" "$tmp/wide.wasm" wide 1000 50000
  expect "50,000 branches of 1,000 values under --mem 64M --timeout 1s" \
    0 "7" "" -- "${run[@]}" "$tmp/wide.wasm" --mem 64M --timeout 1s \
    --invoke run
  within "wide branches" 1000
  python3 "$make_branch" "$tmp/table.wasm" table 50000
  expect "br_table over 50,000 blocks under --mem 64M --timeout 1s" \
    0 "7" "" -- "${run[@]}" "$tmp/table.wasm" --mem 64M --timeout 1s \
    --invoke run
  within "wide br_table" 1000
  ;;
stack)
  expect "runaway recursion" 134 "" "call stack exhausted" -- \
    "${run[@]}" "$lim" --invoke runaway 0
  expect "C runaway recursion names its frames" 134 "" "recurse_forever" -- \
    "${run[@]}" "$guest" -- recurse
  grep -qF "call stack exhausted" "$tmp/err" || {
    echo "FAIL C recursion message"; failures=$((failures + 1)); }
  expect "10000 frames by default (wat)" 0 "10000" "" -- \
    "${run[@]}" "$lim" --invoke depth 10000
  expect "10000 frames by default (C)" 0 "10000" "" -- \
    "${run[@]}" "$guest" -- depth 10000
  expect "--max-call-depth 100" 134 "" "call stack exhausted" -- \
    "${run[@]}" "$lim" --max-call-depth 100 --invoke depth 200
  expect "--max-call-depth 100 fits 98" 0 "98" "" -- \
    "${run[@]}" "$lim" --max-call-depth 100 --invoke depth 98
  expect "--stack 64K" 134 "" "call stack exhausted" -- \
    "${run[@]}" "$lim" --stack 64K --invoke depth 10000
  expect "--stack 64M allows 200000 frames" 0 "200000" "" -- \
    "${run[@]}" "$lim" --stack 64M --max-call-depth 300000 --invoke depth 200000
  ;;
flags)
  for bad in "--timeout 2d" "--timeout abc" "--timeout 0s" "--timeout -1s" \
             "--timeout 2" "--mem 64" "--mem 64T" "--stack 8" \
             "--fuel -1" "--fuel 1e6" "--stack 1K" "--stack 2G" \
             "--max-table-elements x" "--max-call-depth 0" \
             "--max-call-depth 99999999"; do
    # shellcheck disable=SC2086
    expect "bad flag: $bad" 2 "" "${bad%% *}" -- "${run[@]}" "$lim" $bad --invoke tiny 1
  done
  expect "good flags" 0 "2" "" -- "${run[@]}" "$lim" --timeout 1.5s --fuel 100 \
    --stack 1M --max-call-depth 1000 --max-table-elements 100 --invoke tiny 1
  ;;
*)
  echo "unknown case $case"; exit 2 ;;
esac

echo "$failures failure(s)"
[ "$failures" = 0 ]
