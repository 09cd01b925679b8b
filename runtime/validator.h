// Module validation (spec chapter 3), complete on its own: the compiler
// trusts a module this accepts. Bodies are checked with explicit control and
// operand stacks, never host recursion on nesting depth.
#ifndef WSBX_RUNTIME_VALIDATOR_H_
#define WSBX_RUNTIME_VALIDATOR_H_

#include "absl/status/status.h"
#include "runtime/limits.h"
#include "runtime/module.h"

namespace wsbx {

absl::Status ValidateModule(const Module& module,
                            const Limits& limits = Limits());

}  // namespace wsbx

#endif  // WSBX_RUNTIME_VALIDATOR_H_
