// libFuzzer target: arbitrary bytes through the text reader (text/wat.h),
// and what it writes through the loader. A text error must carry its
// "LINE:COL: " position; a binary that comes out must load or fail with a
// Status. Inputs that broke either go to fuzz/regressions/text/.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/engine.h"
#include "runtime/limits.h"
#include "text/wat.h"

namespace {

// "LINE:COL: " with both numbers positive, as text/wat.h promises.
bool HasPosition(std::string_view message) {
  size_t i = 0;
  for (int part = 0; part < 2; ++part) {
    const size_t digits = i;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
    if (i == digits || message[digits] == '0') return false;
    if (i >= message.size() || message[i] != ':') return false;
    ++i;
  }
  return i < message.size() && message[i] == ' ';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<uint8_t>> wasm = wsbx::text::WatToWasm(text);
  if (!wasm.ok()) {
    const absl::string_view message = wasm.status().message();
    if (!HasPosition(std::string_view(message.data(), message.size()))) {
      __builtin_trap();
    }
    return 0;
  }
  // Every binary the reader writes starts with the magic and version 1.
  static constexpr uint8_t kHeader[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  if (wasm->size() < 8 || !std::equal(kHeader, kHeader + 8, wasm->begin())) {
    __builtin_trap();
  }
  wsbx::Limits limits;
  auto module = wsbx::LoadModule(std::span<const uint8_t>(*wasm), limits);
  if (module.ok() &&
      !wsbx::ValidateBinary(std::span<const uint8_t>(*wasm), limits).ok()) {
    __builtin_trap();
  }
  return 0;
}
