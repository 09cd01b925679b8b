// Loops over arrays: a sieve of Eratosthenes, an integer matrix product and
// a 2-D stencil. Exercises loads, stores, index arithmetic and back-edges.
#include "bench_util.h"

static uint64_t Sieve(uint32_t limit) {
  uint8_t* composite = calloc(limit + 1, 1);
  uint64_t count = 0, sum = 0;
  for (uint32_t i = 2; i <= limit; ++i) {
    if (composite[i]) continue;
    ++count;
    sum += i;
    for (uint64_t j = (uint64_t)i * i; j <= limit; j += i) composite[j] = 1;
  }
  free(composite);
  return count * 1000003u + sum;
}

static uint64_t MatMul(int n) {
  int32_t* a = malloc(sizeof(int32_t) * n * n);
  int32_t* b = malloc(sizeof(int32_t) * n * n);
  int32_t* c = calloc((size_t)n * n, sizeof(int32_t));
  for (int i = 0; i < n * n; ++i) {
    a[i] = (i * 7 + 3) % 101 - 50;
    b[i] = (i * 13 + 5) % 97 - 48;
  }
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      int32_t aik = a[i * n + k];
      for (int j = 0; j < n; ++j) c[i * n + j] += aik * b[k * n + j];
    }
  uint64_t h = BenchSeed();
  for (int i = 0; i < n * n; i += 7) h = BenchMix(h, (uint32_t)c[i]);
  free(a);
  free(b);
  free(c);
  return h;
}

static uint64_t Stencil(int n, int steps) {
  int32_t* grid = malloc(sizeof(int32_t) * n * n);
  int32_t* next = malloc(sizeof(int32_t) * n * n);
  for (int i = 0; i < n * n; ++i) grid[i] = (i * 31) & 1023;
  for (int s = 0; s < steps; ++s) {
    for (int y = 1; y < n - 1; ++y)
      for (int x = 1; x < n - 1; ++x) {
        int i = y * n + x;
        next[i] = (grid[i - 1] + grid[i + 1] + grid[i - n] + grid[i + n] +
                   4 * grid[i]) >>
                  3;
      }
    for (int i = 0; i < n; ++i) {
      next[i] = grid[i];
      next[(n - 1) * n + i] = grid[(n - 1) * n + i];
      next[i * n] = grid[i * n];
      next[i * n + n - 1] = grid[i * n + n - 1];
    }
    int32_t* t = grid;
    grid = next;
    next = t;
  }
  uint64_t h = BenchSeed();
  for (int i = 0; i < n * n; i += 5) h = BenchMix(h, (uint32_t)grid[i]);
  free(grid);
  free(next);
  return h;
}

int main(int argc, char** argv) {
  long n = BenchArg(argc, argv, 100);
  uint64_t h = BenchSeed();
  h = BenchMix(h, Sieve((uint32_t)n * 100000));
  h = BenchMix(h, MatMul((int)n * 2));
  h = BenchMix(h, Stencil(200, (int)n / 2));
  return BenchReport("loops", h);
}
