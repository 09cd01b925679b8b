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
constexpr PairInfo kPairList[] = {WSBX_PAIRS(WSBX_PAIR_INFO, )};
#undef WSBX_PAIR_INFO
constexpr size_t kNumPairs = sizeof(kPairList) / sizeof(kPairList[0]);
constexpr size_t kNumOps = static_cast<size_t>(IOp::kCount);

// The pairs grouped by first instruction: those starting with op are
// pairs[first[op]] up to pairs[first[op + 1]].
struct PairIndex {
  std::array<PairInfo, kNumPairs> pairs{};
  std::array<uint16_t, kNumOps + 1> first{};
};
constexpr PairIndex MakeIndex() {
  PairIndex index;
  size_t n = 0;
  for (size_t op = 0; op < kNumOps; ++op) {
    index.first[op] = static_cast<uint16_t>(n);
    for (const PairInfo& p : kPairList) {
      if (static_cast<size_t>(p.first) == op) index.pairs[n++] = p;
    }
  }
  index.first[kNumOps] = static_cast<uint16_t>(n);
  return index;
}
constexpr PairIndex kIndex = MakeIndex();

}  // namespace

void FusePairs(std::span<const InstrStart> instrs, const void* const* handlers,
               std::vector<CodeWord>& code) {
  const uint32_t end = static_cast<uint32_t>(code.size());
  for (size_t i = 0; i + 1 < instrs.size(); ++i) {
    const InstrStart& a = instrs[i];
    const InstrStart& b = instrs[i + 1];
    const size_t op = static_cast<size_t>(a.op);
    for (size_t k = kIndex.first[op]; k < kIndex.first[op + 1]; ++k) {
      const PairInfo& p = kIndex.pairs[k];
      if (p.second != b.op) continue;
      const uint32_t b_end = i + 2 < instrs.size() ? instrs[i + 2].pos : end;
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
