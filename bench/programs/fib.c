// Call-heavy: naive recursive Fibonacci and Takeuchi's function. Almost all
// time goes to call/return and a compare, the interpreter's frame path.
#include "bench_util.h"

__attribute__((noinline)) static uint32_t Fib(uint32_t n) {
  return n < 2 ? n : Fib(n - 1) + Fib(n - 2);
}

__attribute__((noinline)) static int Tak(int x, int y, int z) {
  if (y >= x) return z;
  return Tak(Tak(x - 1, y, z), Tak(y - 1, z, x), Tak(z - 1, x, y));
}

int main(int argc, char** argv) {
  long n = BenchArg(argc, argv, 32);
  uint64_t h = BenchSeed();
  h = BenchMix(h, Fib((uint32_t)n));
  for (int i = 0; i < n / 4; ++i)
    h = BenchMix(h, (uint64_t)Tak(18 + i % 3, 12, 6));
  return BenchReport("fib", h);
}
