// A freestanding guest for `wsbx run --invoke`: no imports, two exports.
// Built in the build with clang --target=wasm32 (see cli/meson.build).

// Naive recursion: a call-heavy workload.
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

// Integer overflow-free sum of 1..n as a 64-bit value.
long long sum_to(int n) {
  long long total = 0;
  for (int i = 1; i <= n; ++i) total += i;
  return total;
}
