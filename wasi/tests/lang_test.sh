#!/usr/bin/env bash
# Runs one language's file-handling guest (files_c, files_cpp, files_rust:
# the same script of reads, writes, listings, a rename and an escape try)
# and checks it behaves as under Node's WASI.
# Usage: lang_test.sh WSBX NODE NODE_RUNNER GUEST.wasm MODE [walk]
#   MODE rw: wsbx and node each run it on a fresh tree granted read-write;
#            their outputs and the resulting trees must be identical.
#   MODE ro: wsbx runs it on a read-only grant: reads and listings work,
#            every change fails as an error the program handles, the tree
#            is unchanged.
set -u
wsbx=$1 node=$2 runner=$3 guest=$4 mode=$5 resolver=${6:-openat2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
walk=()
[ "$resolver" = walk ] && walk=(--wasi-path-walk)
name=$(basename "$guest" .wasm)

fail() { echo "FAIL $name $mode ($resolver): $*"; exit 1; }

make_tree() {  # make_tree DIR: the granted root/ and a secret beside it
  mkdir -p "$1/root/sub"
  printf hello > "$1/root/file.txt"
  printf inner > "$1/root/sub/inner.txt"
  printf SECRET > "$1/secret"
}

run_wsbx() {  # run_wsbx FLAG TREE OUT
  "$wsbx" run "${walk[@]}" "$1" "$2/root::/data" "$guest" </dev/null >"$3" 2>"$3.err"
  local code=$?
  [ "$code" = 0 ] || { cat "$3.err"; fail "wsbx exit $code"; }
}

case "$mode" in
  rw)
    make_tree "$tmp/w"
    make_tree "$tmp/n"
    run_wsbx --dir "$tmp/w" "$tmp/w.out"
    "$node" --no-warnings "$runner" "$guest" "$tmp/n/root" /data \
      </dev/null >"$tmp/n.out" 2>"$tmp/n.err" || { cat "$tmp/n.err"; fail "node failed"; }
    diff -u "$tmp/n.out" "$tmp/w.out" || fail "output differs from node's"
    diff -r "$tmp/n" "$tmp/w" || fail "tree differs from node's"
    # The script really did change things (so the comparison means something).
    grep -qx 'write: ok' "$tmp/w.out" && grep -qx 'rename: ok' "$tmp/w.out" \
      && [ -f "$tmp/w/root/sub/moved.txt" ] || fail "writes did not happen" ;;
  ro)
    make_tree "$tmp/r"
    make_tree "$tmp/orig"
    run_wsbx --dir-ro "$tmp/r" "$tmp/r.out"
    expected='read: hello
list: file.txt,sub
list sub: inner.txt
write: error
read back: error
append: error
mkdir: error
rename: error
list after: file.txt,sub
outside: error'
    diff -u <(printf '%s\n' "$expected") "$tmp/r.out" || fail "read-only run"
    diff -r "$tmp/orig" "$tmp/r" || fail "read-only tree changed" ;;
  *) fail "unknown mode" ;;
esac
echo "ok   $name $mode ($resolver)"
