// Embedding wsbx from C++: one sandbox with a budget, typed calls, errors
// as values, and a pool of ready instances. Built against the installed
// library with `c++ -std=c++20 embed.cc $(pkg-config --cflags --libs wsbx)`.
//
// Usage: embed FIB_WASM   (the bundled example guest, exporting fib and
//                          sum_to)
#include <chrono>
#include <cstdio>

#include <wsbx/wsbx.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s fib.wasm\n", argv[0]);
    return 2;
  }
  // Load and compile once; instantiate as often as needed.
  wsbx::Result<wsbx::CompiledModule> module =
      wsbx::CompiledModule::FromFile(argv[1]);
  if (!module.ok()) {
    std::fprintf(stderr, "%s\n", module.error().ToString().c_str());
    return 1;
  }
  wsbx::Sandbox::Builder builder;
  builder.UseModule(*module)
      .Policy(wsbx::Policy::kStrict)
      .MemoryLimit(16 << 20)
      .Fuel(50'000'000);
  wsbx::Result<wsbx::Sandbox> sandbox = builder.Build();
  if (!sandbox.ok()) {
    std::fprintf(stderr, "%s\n", sandbox.error().ToString().c_str());
    return 1;
  }
  wsbx::Result<int32_t> fib = sandbox->Call<int32_t>("fib", 20);
  if (!fib.ok()) return 1;
  std::printf("fib(20) = %d (fuel %llu)\n", *fib,
              static_cast<unsigned long long>(sandbox->stats().fuel_consumed));
  // A budget spent is an error value, not a crash.
  wsbx::Result<int32_t> big = sandbox->Call<int32_t>("fib", 40);
  std::printf("fib(40): %s\n",
              big.ok() ? "finished" : big.error().ToString().c_str());
  // A wrong argument type is an API error; the guest never runs.
  wsbx::Result<int64_t> wrong = sandbox->Call<int64_t>("sum_to", 1.5);
  std::printf("sum_to(1.5): %s\n", wrong.error().ToString().c_str());

  // A pool: each lease gets an instance reset to its initial state.
  auto pool = wsbx::Pool::Create(builder, 2);
  if (!pool.ok()) return 1;
  long long total = 0;
  for (int i = 1; i <= 100; ++i) {
    auto lease = (*pool)->Acquire();
    if (!lease.ok()) return 1;
    wsbx::Result<int64_t> s = (**lease).Call<int64_t>("sum_to", i);
    if (!s.ok()) return 1;
    total += *s;
  }
  std::printf("sum of sum_to(1..100) = %lld over %llu resets\n", total,
              static_cast<unsigned long long>((*pool)->resets()));
  return (*fib == 6765 && !big.ok() && total == 171700) ? 0 : 1;
}
