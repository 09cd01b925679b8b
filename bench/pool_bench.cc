// The cost of a clean instance through the public API: a fresh one
// (Sandbox::Builder::Build from a compiled module: instantiate, initialise
// memory from the data segments) against a pool reset (Sandbox::Reset with
// the copy-on-write image), for a small and a large module, after a use
// that wrote 1 and 16 pages (the small module's one page 16 times). Medians of N runs, in microseconds; one line
// per module, which bench/run.py could parse.
//
// Usage: pool_bench SMALL.wasm LARGE.wasm [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <wsbx/wsbx.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

bool Measure(const char* label, const char* path, int runs) {
  auto module = wsbx::CompiledModule::FromFile(path);
  if (!module.ok()) {
    std::fprintf(stderr, "%s\n", module.error().ToString().c_str());
    return false;
  }
  wsbx::Sandbox::Builder builder;
  builder.UseModule(*module);
  std::vector<double> fresh;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    auto sandbox = builder.Build();
    fresh.push_back(Micros(Clock::now() - start));
    if (!sandbox.ok()) return false;
  }
  auto sandbox = builder.Build();
  if (!sandbox.ok() || !sandbox->EnableFastReset().ok()) return false;
  std::printf("pool %s: fresh %.2f us", label, Median(fresh));
  for (int pages : {1, 16}) {
    std::vector<double> reset;
    for (int i = 0; i < runs; ++i) {
      auto used = sandbox->Call<int32_t>("touch", pages);
      if (!used.ok() || *used != 1) {
        std::fprintf(stderr, "touch: state was not reset\n");
        return false;
      }
      auto start = Clock::now();
      auto r = sandbox->Reset();
      reset.push_back(Micros(Clock::now() - start));
      if (!r.ok()) return false;
    }
    std::printf(", reset after writing %d page%s %.2f us", pages,
                pages == 1 ? "" : "s", Median(reset));
  }
  std::printf("\n");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SMALL.wasm LARGE.wasm [N]\n", argv[0]);
    return 2;
  }
  const int runs = argc > 3 ? std::atoi(argv[3]) : 2000;
  bool ok = Measure("small (1 page)", argv[1], runs) &&
            Measure("large (256 pages, 64 KiB of data)", argv[2], runs);
  return ok ? 0 : 1;
}
