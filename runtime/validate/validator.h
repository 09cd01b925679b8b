// Module validation (spec chapter 3), complete on its own: the compiler
// trusts a module this accepts. Bodies are checked with explicit control and
// operand stacks, never host recursion on nesting depth.
#ifndef WSBX_RUNTIME_VALIDATE_VALIDATOR_H_
#define WSBX_RUNTIME_VALIDATE_VALIDATOR_H_

#include <cstdint>
#include <span>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "runtime/decode/instr.h"
#include "runtime/limits.h"
#include "runtime/module.h"

namespace wsbx {

absl::Status ValidateModule(const Module& module,
                            const Limits& limits = Limits());

// Receives a body as soon as it is valid: its index among the defined
// functions and the instructions the validator decoded, through the final
// `end`. The span is valid only during the call.
using ValidBodyFn =
    absl::FunctionRef<absl::Status(uint32_t, std::span<const Instr>)>;

// As above, and hands each valid body to `on_body` before checking the next
// one, so that a consumer (LoadModule's compiler) need not decode it again.
// An error from `on_body` ends validation with that error.
absl::Status ValidateModule(const Module& module, const Limits& limits,
                            ValidBodyFn on_body);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_VALIDATE_VALIDATOR_H_
