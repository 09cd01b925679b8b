// The compiler's last pass over a function: instruction pairs, triples and
// quadruples that one handler runs back to back (code.h, WSBX_PAIRS,
// WSBX_TRIPLES, WSBX_QUADS).
#ifndef WSBX_RUNTIME_COMPILE_PAIRS_H_
#define WSBX_RUNTIME_COMPILE_PAIRS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/compile/code.h"

namespace wsbx {

// Where one instruction of a function's internal code starts, and what it is.
struct InstrStart {
  uint32_t pos;
  IOp op;
};

// Rewrites the handler word of every instruction in `instrs` (one function's
// instructions in code order, positions into `code`, which ends with that
// function) that starts a listed group with the instructions after it, to
// that group's handler; longer groups are tried first.
void FusePairs(std::span<const InstrStart> instrs, const void* const* handlers,
               std::vector<CodeWord>& code);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_COMPILE_PAIRS_H_
