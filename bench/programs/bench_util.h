// Helpers shared by the benchmark programs: the size argument and the one
// checksum line each program prints. The native and the wasm build of a
// program must print the same line; bench/run.py compares them.
#ifndef WSBX_BENCH_UTIL_H_
#define WSBX_BENCH_UTIL_H_

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// The program's scale: argv[1] when given, else the default.
static inline long BenchArg(int argc, char** argv, long default_value) {
  if (argc < 2) return default_value;
  long v = strtol(argv[1], NULL, 10);
  return v > 0 ? v : default_value;
}

// FNV-1a style fold of a 64-bit value into a running checksum.
static inline uint64_t BenchMix(uint64_t h, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static inline uint64_t BenchSeed(void) { return 0xcbf29ce484222325ULL; }

// xorshift64*: a small deterministic generator, identical on every target.
static inline uint64_t BenchRandom(uint64_t* state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static inline int BenchReport(const char* name, uint64_t checksum) {
  printf("%s checksum %016" PRIx64 "\n", name, checksum);
  return 0;
}

#endif  // WSBX_BENCH_UTIL_H_
