#!/usr/bin/env bash
# Runs one WASI guest case under `wsbx run` and checks its effects on a
# fresh directory tree: root/ is granted, outside/ holds a sentinel that no
# case may read, create, change or delete.
# Usage: guest_test.sh WSBX FS_WASM MISC_WASM CASE [walk]
set -u
wsbx=$1 fs=$2 misc=$3 case=$4 mode=${5:-openat2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
walk=()
[ "$mode" = walk ] && walk=(--wasi-path-walk)

fail() { echo "FAIL $case ($mode): $*"; sed 's/^/  out: /' "$tmp/out" 2>/dev/null
         sed 's/^/  err: /' "$tmp/err" 2>/dev/null; exit 1; }

make_tree() {
  mkdir -p "$tmp/t/root/sub/deeper" "$tmp/t/outside"
  printf SECRET > "$tmp/t/outside/secret"
  printf hello > "$tmp/t/root/file.txt"
  printf inner > "$tmp/t/root/sub/inner.txt"
  ln -s ../outside/secret "$tmp/t/root/link_out"
  ln -s "$tmp/t/outside/secret" "$tmp/t/root/abs_link"
  ln -s loop2 "$tmp/t/root/loop1"
  ln -s loop1 "$tmp/t/root/loop2"
  ln -s sub "$tmp/t/root/in_link"
  ln -s ../file.txt "$tmp/t/root/sub/up_link"
  ln -s ../../outside "$tmp/t/root/sub/out_dir"
  ln -s ../outside/new "$tmp/t/root/dangling"
}
# Name, type, size, mode, link count and mtime of everything under $1, and
# the atime of files (relatime still records the first read of a new file;
# directory and link atimes move when they are listed or resolved).
snapshot() {
  (cd "$1" && { find . -type d -printf '%p %y %s %m %n %T@\n'
                find . -type l -printf '%p %y %s %m %n %T@ %l\n'
                find . ! -type d ! -type l -printf '%p %y %s %m %n %T@ %A@\n'; } | sort)
}

# run WANT_CODE ARGS...: runs wsbx with stdin from /dev/null.
run() {
  local want=$1; shift
  "$wsbx" run "${walk[@]}" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  local code=$?
  [ "$code" = "$want" ] || fail "exit $code, want $want"
}

make_tree
outside_before=$(snapshot "$tmp/t/outside")
root_before=$(snapshot "$tmp/t/root")
audit="$tmp/audit.jsonl"

case "$case" in
  readwrite)
    run 0 --dir "$tmp/t/root::/data" "$fs" -- readwrite
    [ "$(cat "$tmp/t/root/final.txt")" = AB2345Z ] || fail "final.txt content"
    [ ! -e "$tmp/t/root/newdir" ] || fail "newdir left behind" ;;
  readdir)
    run 0 --dir "$tmp/t/root::/data" "$fs" -- readdir ;;
  readonly)
    run 0 --dir-ro "$tmp/t/root::/data" --audit "$audit" "$fs" -- readonly
    # The guest reads file.txt, so atimes may move; nothing else may.
    [ "$(cut -d' ' -f1-6 <<<"$root_before")" = \
      "$(snapshot "$tmp/t/root" | cut -d' ' -f1-6)" ] || fail "read-only tree changed"
    grep -q '"reason":"read-only directory"' "$audit" || fail "no read-only audit event" ;;
  args)
    run 0 "$misc" -- args "x" "y z"
    grep -qxF 'argc=4|misc_guest.wasm|args|x|y z' "$tmp/out" || fail "argv" ;;
  env)
    run 0 "$misc" -- env
    ! grep -q '^env:' "$tmp/out" || fail "host environment leaked"
    WSBX_COPIED='copied value' WSBX_SECRET=no \
      run 0 --env A=1 --env WSBX_COPIED --env WSBX_UNSET_VAR "$misc" -- env
    [ "$(grep '^env:' "$tmp/out")" = "$(printf 'env:A=1\nenv:WSBX_COPIED=copied value')" ] \
      || fail "environment" ;;
  stdio)
    echo ping | "$wsbx" run "$misc" -- stdio >"$tmp/out" 2>"$tmp/err" || fail "exit $?"
    grep -qx 'stdin:ping' "$tmp/out" && grep -qx 'to stderr' "$tmp/err" || fail "stdio" ;;
  clocks|nogrants|badptr)
    run 0 "$misc" -- "$case" ;;
  refused)
    run 0 --audit "$audit" "$misc" -- refused
    [ "$(grep -c '"errno":"notsup"' "$audit")" = 1 ] || fail "1 notsup audit event"
    grep -q '^{"time":"[0-9T:.Z-]*","function":"proc_raise","args":{"sig":"9"}' "$audit" || fail "proc_raise event" ;;
  exit)
    run 7 "$misc" -- exit
    grep -qx 'before exit' "$tmp/out" || fail "output before exit lost" ;;
  trap)
    run 134 "$misc" -- trap
    grep -qx 'written before the trap' "$tmp/out" || fail "output before trap lost" ;;
  *)
    # Every other case is an escape attempt: refused, audited, no effect.
    run 0 --dir "$tmp/t/root::/data" --audit "$audit" "$fs" -- "$case"
    [ -s "$audit" ] || fail "no audit event"
    ! grep -v '^{"time":"[0-9]\{4\}-[0-9T:.-]*Z","function":"[a-z_]*","args":{.*},"errno":"[a-z0-9]*","reason":".*"}$' "$audit" \
      || fail "malformed audit line"
    [ "$root_before" = "$(snapshot "$tmp/t/root")" ] || fail "granted tree changed" ;;
esac
grep -qx "PASS $case" "$tmp/out" || [ "$case" = exit ] || [ "$case" = trap ] || fail "no PASS line"
[ "$outside_before" = "$(snapshot "$tmp/t/outside")" ] || fail "outside/ changed"
[ "$(ls "$tmp/t")" = "$(printf 'outside\nroot')" ] || fail "something created next to root/"
echo "ok   $case ($mode)"
