// libFuzzer target: plain against optimized code (diff_check.h). An input
// that begins with the wasm magic is run as it is; any other input drives
// the module generator (module_gen.h), whose modules must load. A difference
// is printed and aborts, so libFuzzer keeps the input; such inputs go to
// fuzz/regressions/diff/ and are replayed by every test run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "fuzz/diff_check.h"
#include "fuzz/module_gen.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6D};
  std::span<const uint8_t> input(data, size);
  wsbx::fuzz::DiffConfig config;
  config.arg_seed = wsbx::fuzz::SeedFromBytes(input);
  std::vector<uint8_t> generated;
  std::span<const uint8_t> wasm = input;
  if (size < 4 || !std::equal(kMagic, kMagic + 4, data)) {
    generated = wsbx::fuzz::GenerateModule(input);
    wasm = generated;
    config.require_load = true;
  }
  std::string diff = wsbx::fuzz::CompareModes(wasm, config);
  if (!diff.empty()) {
    std::fprintf(stderr, "diff_fuzzer: plain and optimized code differ: %s\n",
                 diff.c_str());
    std::abort();
  }
  return 0;
}
