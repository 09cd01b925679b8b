#!/bin/sh
# Times the SIMD benchmark: kernels.c built scalar and with -msimd128, each
# run RUNS times under `wsbx run`; prints the median wall times and the
# speedup, and fails if the two builds print different checksums or the
# SIMD build holds no SIMD instructions.
#   bench/simd/run.sh [BUILD_DIR [RUNS [ITERATIONS]]]   (default: build 5 400)
set -eu

build=${1:-build}
runs=${2:-5}
iterations=${3:-400}
wsbx=$build/cli/wsbx
scalar=$build/bench/simd/kernels-scalar.wasm
simd=$build/bench/simd/kernels-simd.wasm

for f in "$wsbx" "$scalar" "$simd"; do
  if [ ! -e "$f" ]; then
    echo "missing $f: run ninja -C $build first" >&2
    exit 1
  fi
done

# The vectorised build must contain v128 instructions, the scalar one none.
simd_ops='(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.'
if command -v wasm-objdump >/dev/null 2>&1; then
  n_simd=$(wasm-objdump -d "$simd" | grep -cE "$simd_ops" || true)
  n_scalar=$(wasm-objdump -d "$scalar" | grep -cE "$simd_ops" || true)
  if [ "$n_simd" -eq 0 ] || [ "$n_scalar" -ne 0 ]; then
    echo "unexpected SIMD instruction counts: simd build $n_simd," \
      "scalar build $n_scalar" >&2
    exit 1
  fi
  echo "SIMD instructions: $n_simd in the -msimd128 build, 0 in the scalar build"
fi

now_ns() { date +%s%N; }

# Runs one build $runs times; prints "median_ms checksum_line".
measure() {
  times=""
  line=""
  i=0
  while [ "$i" -lt "$runs" ]; do
    start=$(now_ns)
    out=$("$wsbx" run "$1" -- "$iterations")
    end=$(now_ns)
    if [ -n "$line" ] && [ "$out" != "$line" ]; then
      echo "$1: output changed between runs: $line / $out" >&2
      exit 1
    fi
    line=$out
    times="$times $(( (end - start) / 1000000 ))"
    i=$((i + 1))
  done
  median=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $line"
}

scalar_result=$(measure "$scalar")
simd_result=$(measure "$simd")
scalar_ms=${scalar_result%% *}
simd_ms=${simd_result%% *}
scalar_line=${scalar_result#* }
simd_line=${simd_result#* }

if [ "$scalar_line" != "$simd_line" ]; then
  echo "checksums differ: scalar '$scalar_line', simd '$simd_line'" >&2
  exit 1
fi
echo "checksum: $scalar_line"
echo "scalar: median ${scalar_ms} ms over $runs runs ($iterations iterations)"
echo "simd:   median ${simd_ms} ms over $runs runs ($iterations iterations)"
awk -v s="$scalar_ms" -v v="$simd_ms" \
  'BEGIN { if (v > 0) printf "speedup: %.2fx\n", s / v }'
