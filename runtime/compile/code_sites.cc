// Which internal operations get a CodeSite, and the lookup trap reports
// make. The classification errs towards including an operation: a missing
// one would make a trap there report the offset of an earlier site.
#include "runtime/compile/code_sites.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "runtime/opcodes.h"

namespace wsbx {
namespace {

bool IsWasmSite(Opcode op) {
  switch (GetOpcodeInfo(op).imm) {
    case ImmKind::kMemArg: case ImmKind::kMemArgLane: case ImmKind::kMemIndex:
    case ImmKind::kMemoryInit: case ImmKind::kMemoryCopy:
    case ImmKind::kTable: case ImmKind::kTableInit: case ImmKind::kTableCopy:
    case ImmKind::kFunc: case ImmKind::kCallIndirect: case ImmKind::kBrTable:
      return true;
    default:
      break;
  }
  switch (op) {
    case Opcode::kUnreachable:
    case Opcode::kI32DivS: case Opcode::kI32DivU: case Opcode::kI32RemS:
    case Opcode::kI32RemU: case Opcode::kI64DivS: case Opcode::kI64DivU:
    case Opcode::kI64RemS: case Opcode::kI64RemU:
    case Opcode::kI32TruncF32S: case Opcode::kI32TruncF32U:
    case Opcode::kI32TruncF64S: case Opcode::kI32TruncF64U:
    case Opcode::kI64TruncF32S: case Opcode::kI64TruncF32U:
    case Opcode::kI64TruncF64S: case Opcode::kI64TruncF64U:
      return true;
    default:
      return false;
  }
}

bool InFamily(IOp op, IOp first, IOp last) {
  return static_cast<int>(op) >= static_cast<int>(first) &&
         static_cast<int>(op) <= static_cast<int>(last);
}

bool ClassifySite(IOp op) {
  if (static_cast<int>(op) < kOpcodeCount) {
    return IsWasmSite(static_cast<Opcode>(op));
  }
  switch (op) {
    // Enter checks the stack and charges fuel; Fuel, CopyN, JumpFuel and
    // the conditional branches charge fuel (and so may time out).
    case IOp::kEnter: case IOp::kFuel: case IOp::kCopyN:
    case IOp::kCallImport: case IOp::kReturnCallImport:
    case IOp::kMemoryCopyBetween: case IOp::kMemoryFill64:
    case IOp::kMemoryInit64: case IOp::kMemoryGrow64: case IOp::kAddr64:
    case IOp::kNarrow64: case IOp::kTableGrow64: case IOp::kJumpFuel:
    case IOp::kBrFuelIf: case IOp::kBrFuelUnless:
      return true;
    default:
      break;
  }
  return InFamily(op, IOp::kBrFuelI32Eq, IOp::kBrFuelI32GeUImm) ||
         InFamily(op, IOp::kI32LoadAdd, IOp::kI64Store32Add);
}

}  // namespace

// The compiler asks for every instruction it emits: one table lookup.
bool IsCodeSite(IOp op) {
  static const std::array<bool, static_cast<size_t>(IOp::kCount)> kSites =
      [] {
        std::array<bool, static_cast<size_t>(IOp::kCount)> t{};
        for (size_t i = 0; i < t.size(); ++i) {
          t[i] = ClassifySite(static_cast<IOp>(i));
        }
        return t;
      }();
  return kSites[static_cast<size_t>(op)];
}

uint32_t FindCodeOffset(std::span<const CodeSite> sites, uint32_t pos,
                        bool before) {
  auto it = std::lower_bound(
      sites.begin(), sites.end(), pos,
      [](const CodeSite& s, uint32_t p) { return s.pos < p; });
  if (!before && it != sites.end() && it->pos == pos) return it->offset;
  // A trapping pc that names no site (which IsCodeSite should rule out)
  // still gets the nearest site before it.
  if (it == sites.begin()) return kNoCodeOffset;
  return std::prev(it)->offset;
}

}  // namespace wsbx
