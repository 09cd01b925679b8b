// The SIMD benchmark: loops that clang's vectoriser turns into wasm SIMD when
// built with -msimd128 (and into scalar code with -fno-vectorize), with
// results that do not depend on the build: element-wise float updates (no
// reordered float sums), integer reductions, saturating byte arithmetic.
// Prints one checksum line; bench/simd/run.sh compares the two builds.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { kN = 1 << 16 };

static float x[kN], y[kN];
static uint8_t pixels[kN], out[kN];
static int16_t samples[kN];

// y = 0.5 * y + x: converges towards 2x, never overflows.
static void Relax(void) {
  for (int i = 0; i < kN; ++i) y[i] = 0.5f * y[i] + x[i];
}

// Brightens and thresholds bytes (i8x16.add_sat_u, min, compare).
static void Brighten(uint8_t amount) {
  for (int i = 0; i < kN; ++i) {
    unsigned v = pixels[i] + amount;
    out[i] = v > 255 ? 255 : (uint8_t)v;
  }
}

// Sum of squares of 16-bit samples (extending multiplies, adds).
static int64_t Energy(void) {
  int64_t sum = 0;
  for (int i = 0; i < kN; ++i) sum += (int32_t)samples[i] * samples[i];
  return sum;
}

// Sum of bytes: wide integer reductions are exact in any order.
static uint32_t ByteSum(const uint8_t* p) {
  uint32_t sum = 0;
  for (int i = 0; i < kN; ++i) sum += p[i];
  return sum;
}

int main(int argc, char** argv) {
  long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 400;
  if (iterations <= 0) iterations = 400;
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < kN; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    x[i] = (float)(state % 1000) / 64.0f;
    y[i] = 0;
    pixels[i] = (uint8_t)(state >> 20);
    samples[i] = (int16_t)(state >> 32);
  }
  uint64_t checksum = 0;
  for (long it = 0; it < iterations; ++it) {
    Relax();
    Brighten((uint8_t)(it & 63));
    checksum = checksum * 31 + ByteSum(out);
    checksum = checksum * 31 + (uint64_t)Energy();
  }
  // The float state: its bits, summed exactly as integers.
  uint64_t bits = 0;
  for (int i = 0; i < kN; ++i) {
    uint32_t b;
    __builtin_memcpy(&b, &y[i], 4);
    bits += b;
  }
  printf("simd-kernels %" PRIu64 " %" PRIu64 "\n", checksum, bits);
  return 0;
}
