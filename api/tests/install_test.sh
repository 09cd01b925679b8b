#!/usr/bin/env bash
# Installs the build into a temporary directory, then builds the embedding
# examples with nothing but `pkg-config --cflags --libs wsbx` and runs them.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR FIB_WASM CAPI_HELLO_WASM
set -euo pipefail
build=$1 src=$2 fib=$3 hello=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DESTDIR="$tmp/root" meson install -C "$build" --no-rebuild --quiet
pcfile=$(find "$tmp/root" -name wsbx.pc | head -n 1)
if [ -z "$pcfile" ]; then echo "FAIL: no wsbx.pc installed"; exit 1; fi
for f in include/wsbx/wsbx.hpp include/wsbx/wasm.h include/wsbx/wsbx.h; do
  if [ -z "$(find "$tmp/root" -path "*/$f")" ]; then echo "FAIL: $f not installed"; exit 1; fi
done
libdir=$(dirname "$(dirname "$pcfile")")
for lib in libwsbx.so libwsbx.a; do
  [ -e "$libdir/$lib" ] || { echo "FAIL: $lib not in $libdir"; exit 1; }
done
# The .pc file names the real prefix; the sysroot maps it into $tmp/root.
export PKG_CONFIG_PATH="$(dirname "$pcfile")" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
flags=$(pkg-config --cflags --libs wsbx)
echo "pkg-config --cflags --libs wsbx: $flags"
# The same checks for the C++ example and the C one (wsbx/wsbx.h).
check() {  # NAME BINARY
  local out
  out=$(LD_LIBRARY_PATH="$libdir" "$2" "$fib")
  echo "$out"
  grep -q "^fib(20) = 6765" <<<"$out" || { echo "FAIL: $1: fib(20)"; exit 1; }
  grep -q "^fib(40): fuel exhausted" <<<"$out" || { echo "FAIL: $1: fuel"; exit 1; }
  grep -q "^sum_to(1.5): invalid argument" <<<"$out" || {
    echo "FAIL: $1: type error"; exit 1; }
  grep -q "^sum of sum_to(1..100) = 171700 over 100 resets" <<<"$out" || {
    echo "FAIL: $1: pool"; exit 1; }
}
c++ -std=c++20 -o "$tmp/embed" "$src/api/examples/embed.cc" $flags
check embed.cc "$tmp/embed"
cc -o "$tmp/embed_c" "$src/api/examples/embed.c" $flags
check embed.c "$tmp/embed_c"
# A program of the standard C API, built as C with the same flags.
cc -std=c11 -I"$src/capi/examples" -c -o "$tmp/hello.o" \
  "$src/capi/examples/hello.c" $(pkg-config --cflags wsbx)
c++ -o "$tmp/hello" "$tmp/hello.o" $(pkg-config --libs wsbx)
LD_LIBRARY_PATH="$libdir" "$tmp/hello" "$hello" || {
  echo "FAIL: the wasm.h example"; exit 1; }
echo "ok: installed, the three examples built with pkg-config alone, ran"
