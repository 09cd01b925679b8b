#include "runtime/compile/pairs.h"

#include <array>
#include <cassert>

namespace wsbx {
namespace {

// One listed group: its instructions and their lengths in words (0:
// variable, only for a last branch table), and the handler running it.
struct Group {
  IOp ops[4];
  uint32_t words[4];
  int size;
  IOp fused;
};

#define WSBX_PAIR_GROUP(X, a, la, b, lb)                             \
  {{IOp::k##a, IOp::k##b, IOp::kCount, IOp::kCount}, {la, lb, 0, 0}, 2, \
   IOp::k##a##b},
#define WSBX_TRIPLE_GROUP(X, a, la, b, lb, c, lc)                       \
  {{IOp::k##a, IOp::k##b, IOp::k##c, IOp::kCount}, {la, lb, lc, 0}, 3,  \
   IOp::k##a##b##c},
#define WSBX_QUAD_GROUP(X, a, la, b, lb, c, lc, d, ld)                  \
  {{IOp::k##a, IOp::k##b, IOp::k##c, IOp::k##d}, {la, lb, lc, ld}, 4,   \
   IOp::k##a##b##c##d},
// Longer groups first: the first match wins.
constexpr Group kGroups[] = {WSBX_QUADS(WSBX_QUAD_GROUP, )
                                 WSBX_TRIPLES(WSBX_TRIPLE_GROUP, )
                                     WSBX_PAIRS(WSBX_PAIR_GROUP, )};
#undef WSBX_PAIR_GROUP
#undef WSBX_TRIPLE_GROUP
#undef WSBX_QUAD_GROUP
constexpr size_t kNumGroups = sizeof(kGroups) / sizeof(kGroups[0]);
constexpr size_t kNumOps = static_cast<size_t>(IOp::kCount);

// The groups by first instruction, longest first: those starting with op
// are groups[first[op]] up to groups[first[op + 1]].
struct GroupIndex {
  std::array<Group, kNumGroups> groups{};
  std::array<uint16_t, kNumOps + 1> first{};
};
constexpr GroupIndex MakeIndex() {
  GroupIndex index;
  size_t n = 0;
  for (size_t op = 0; op < kNumOps; ++op) {
    index.first[op] = static_cast<uint16_t>(n);
    for (const Group& g : kGroups) {
      if (static_cast<size_t>(g.ops[0]) == op) index.groups[n++] = g;
    }
  }
  index.first[kNumOps] = static_cast<uint16_t>(n);
  return index;
}
constexpr GroupIndex kIndex = MakeIndex();

}  // namespace

void FusePairs(std::span<const InstrStart> instrs, const void* const* handlers,
               std::vector<CodeWord>& code) {
  const uint32_t end = static_cast<uint32_t>(code.size());
  // Where instruction j ends.
  auto end_of = [&](size_t j) {
    return j + 1 < instrs.size() ? instrs[j + 1].pos : end;
  };
  for (size_t i = 0; i + 1 < instrs.size(); ++i) {
    const size_t op = static_cast<size_t>(instrs[i].op);
    for (size_t k = kIndex.first[op]; k < kIndex.first[op + 1]; ++k) {
      const Group& g = kIndex.groups[k];
      if (i + g.size > instrs.size()) continue;
      bool match = true;
      for (int m = 1; m < g.size && match; ++m) {
        match = instrs[i + m].op == g.ops[m];
      }
      if (!match) continue;
      // The layouts the handler assumes (a mismatch is a compiler bug).
      for (int m = 0; m < g.size; ++m) {
        const uint32_t words = end_of(i + m) - instrs[i + m].pos;
        if (g.words[m] != 0 && g.words[m] != words) {
          assert(false && "instruction length differs from code.h's list");
          match = false;
        }
      }
      if (!match) break;
      code[instrs[i].pos] =
          reinterpret_cast<uintptr_t>(handlers[static_cast<size_t>(g.fused)]);
      break;
    }
  }
}

}  // namespace wsbx
