// libFuzzer target: arbitrary bytes through decode, validate and compile.
// Any crash, sanitizer report, hang or runaway allocation is a bug; inputs
// that found one go to fuzz/regressions/load/ and are replayed by every test
// run (fuzz/regress_main.cc).
#include <cstddef>
#include <cstdint>
#include <span>

#include "runtime/engine.h"
#include "runtime/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wsbx::Limits limits;
  auto module = wsbx::LoadModule(std::span<const uint8_t>(data, size), limits);
  if (module.ok()) {
    // A module that loads must also pass validation alone.
    if (!wsbx::ValidateBinary(std::span<const uint8_t>(data, size), limits)
             .ok()) {
      __builtin_trap();
    }
  }
  return 0;
}
