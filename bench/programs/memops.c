// Bulk memory: memcpy, memmove and memset over a few MiB at varied sizes
// and alignments. Built twice for wasm: calling wasi-libc's memcpy, and with
// -mbulk-memory so the copies become memory.copy / memory.fill.
#include <string.h>

#include "bench_util.h"

int main(int argc, char** argv) {
  long n = BenchArg(argc, argv, 100);
  size_t size = 8u << 20;
  uint8_t* buf = malloc(size);
  for (size_t i = 0; i < size; ++i) buf[i] = (uint8_t)(i * 131 + (i >> 9));
  uint64_t rng = 7, h = BenchSeed();
  for (long round = 0; round < n * 12; ++round) {
    // A few large block moves...
    size_t big = (size / 4) - (BenchRandom(&rng) % 4096);
    size_t from = BenchRandom(&rng) % (size - big);
    size_t to = BenchRandom(&rng) % (size - big);
    memmove(buf + to, buf + from, big);
    memset(buf + (BenchRandom(&rng) % (size / 2)), (int)round, size / 16);
    // ...and many small unaligned copies.
    for (int k = 0; k < 2000; ++k) {
      size_t len = 1 + BenchRandom(&rng) % 256;
      size_t s = BenchRandom(&rng) % (size - len);
      size_t d = BenchRandom(&rng) % (size - len);
      memcpy(buf + d, buf + s, len);
    }
    h = BenchMix(h, buf[BenchRandom(&rng) % size]);
  }
  for (size_t i = 0; i < size; i += 4093) h = BenchMix(h, buf[i]);
  free(buf);
  return BenchReport("memops", h);
}
