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
for f in include/wsbx/wsbx.hpp include/wsbx/wasm.h; do
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
c++ -std=c++20 -o "$tmp/embed" "$src/api/examples/embed.cc" $flags
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/embed" "$fib")
echo "$out"
grep -q "^fib(20) = 6765" <<<"$out" || { echo "FAIL: fib(20)"; exit 1; }
grep -q "^fib(40): fuel exhausted" <<<"$out" || { echo "FAIL: fuel"; exit 1; }
grep -q "^sum_to(1.5): invalid argument" <<<"$out" || { echo "FAIL: type error"; exit 1; }
grep -q "^sum of sum_to(1..100) = 171700 over 100 resets" <<<"$out" || {
  echo "FAIL: pool"; exit 1; }
# A program of the standard C API, built as C with the same flags.
cc -std=c11 -I"$src/capi/examples" -c -o "$tmp/hello.o" \
  "$src/capi/examples/hello.c" $(pkg-config --cflags wsbx)
c++ -o "$tmp/hello" "$tmp/hello.o" $(pkg-config --libs wsbx)
LD_LIBRARY_PATH="$libdir" "$tmp/hello" "$hello" || {
  echo "FAIL: the wasm.h example"; exit 1; }
echo "ok: installed, built with pkg-config alone, ran"
