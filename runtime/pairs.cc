#include "runtime/pairs.h"

#include <array>
#include <cassert>

namespace wsbx {
namespace {

struct PairInfo {
  IOp first;
  uint32_t first_words;
  IOp second;
  uint32_t second_words;  // 0: variable (the second one is a branch table)
  IOp fused;
};

#define WSBX_PAIR_INFO(X, a, la, b, lb) {IOp::k##a, la, IOp::k##b, lb, IOp::k##a##b},
constexpr PairInfo kPairs[] = {WSBX_PAIRS(WSBX_PAIR_INFO, )};
#undef WSBX_PAIR_INFO

// Per IOp: whether some pair starts with it (most instructions do not).
constexpr std::array<bool, static_cast<size_t>(IOp::kCount)> MakeStarts() {
  std::array<bool, static_cast<size_t>(IOp::kCount)> starts{};
  for (const PairInfo& p : kPairs) starts[static_cast<size_t>(p.first)] = true;
  return starts;
}
constexpr auto kStartsPair = MakeStarts();

}  // namespace

void FusePairs(std::span<const InstrStart> instrs, const void* const* handlers,
               std::vector<CodeWord>& code) {
  const uint32_t end = static_cast<uint32_t>(code.size());
  for (size_t i = 0; i + 1 < instrs.size(); ++i) {
    const InstrStart& a = instrs[i];
    const InstrStart& b = instrs[i + 1];
    if (!kStartsPair[static_cast<size_t>(a.op)]) continue;
    const uint32_t b_end = i + 2 < instrs.size() ? instrs[i + 2].pos : end;
    for (const PairInfo& p : kPairs) {
      if (p.first != a.op || p.second != b.op) continue;
      // The layouts the handler assumes (a mismatch is a compiler bug).
      if (b.pos - a.pos != p.first_words ||
          (p.second_words != 0 && b_end - b.pos != p.second_words)) {
        assert(false && "instruction length differs from WSBX_PAIRS");
        break;
      }
      code[a.pos] = reinterpret_cast<uintptr_t>(
          handlers[static_cast<size_t>(p.fused)]);
      break;
    }
  }
}

}  // namespace wsbx
