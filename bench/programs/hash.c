// Hashing and bit twiddling: a bitwise CRC-32, a 64-bit multiply-rotate
// hash, popcount/clz statistics and an open-addressing hash table.
#include "bench_util.h"

static uint32_t Crc32(const uint8_t* p, size_t n, uint32_t crc) {
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  return ~crc;
}

static inline uint64_t Rotl(uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}

static uint64_t MixHash(const uint64_t* words, size_t n, uint64_t seed) {
  uint64_t a = seed ^ 0x9E3779B97F4A7C15ULL, b = ~seed;
  for (size_t i = 0; i < n; ++i) {
    a = Rotl(a ^ words[i], 23) * 0xFF51AFD7ED558CCDULL;
    b = Rotl(b + words[i], 41) ^ (a >> 17);
  }
  return a ^ Rotl(b, 11);
}

static uint64_t BitStats(const uint64_t* words, size_t n) {
  uint64_t pop = 0, lead = 0, trail = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t w = words[i] | 1;
    pop += __builtin_popcountll(words[i]);
    lead += __builtin_clzll(w);
    trail += __builtin_ctzll(words[i] | (1ULL << 63));
  }
  return pop * 1000000 + lead * 1000 + trail;
}

// Inserts keys into a power-of-two table with linear probing, then looks up
// hits and misses.
static uint64_t Table(uint64_t* rng, uint32_t count) {
  uint32_t cap = 1;
  while (cap < count * 2) cap <<= 1;
  uint64_t* keys = calloc(cap, sizeof(uint64_t));
  uint64_t found = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t k = (BenchRandom(rng) % (count * 4ULL)) | 1;
    uint32_t s = (uint32_t)(k * 0x9E3779B97F4A7C15ULL >> 40) & (cap - 1);
    while (keys[s] != 0 && keys[s] != k) s = (s + 1) & (cap - 1);
    keys[s] = k;
  }
  for (uint32_t i = 0; i < count * 2; ++i) {
    uint64_t k = (uint64_t)i * 2 + 1;
    uint32_t s = (uint32_t)(k * 0x9E3779B97F4A7C15ULL >> 40) & (cap - 1);
    while (keys[s] != 0 && keys[s] != k) s = (s + 1) & (cap - 1);
    found += keys[s] == k;
  }
  free(keys);
  return found;
}

int main(int argc, char** argv) {
  long n = BenchArg(argc, argv, 100);
  size_t words = 1 << 16;
  uint64_t* buf = malloc(words * sizeof(uint64_t));
  uint64_t rng = 0x1234567;
  for (size_t i = 0; i < words; ++i) buf[i] = BenchRandom(&rng);
  uint64_t h = BenchSeed();
  uint32_t crc = 0;
  for (long r = 0; r < n / 10; ++r)
    crc = Crc32((const uint8_t*)buf, words * 8, crc);
  h = BenchMix(h, crc);
  for (long r = 0; r < n; ++r)
    h = BenchMix(h, MixHash(buf, words, (uint64_t)r));
  for (long r = 0; r < n; ++r)
    h = BenchMix(h, BitStats(buf, words) + (uint64_t)r);
  h = BenchMix(h, Table(&rng, (uint32_t)n * 5000));
  free(buf);
  return BenchReport("hash", h);
}
