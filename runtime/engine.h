// The embedding API's front door: bytes to a validated, compiled Module that
// any number of Stores can instantiate (store.h).
#ifndef WSBX_RUNTIME_ENGINE_H_
#define WSBX_RUNTIME_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/compile/compiler.h"
#include "runtime/limits.h"
#include "runtime/module.h"
#include "runtime/store/store.h"
#include "runtime/value.h"

namespace wsbx {

// What loading one module may spend beyond the Limits' structural caps.
struct LoadBudget {
  // Validation and compilation stop with kDeadlineExceeded ("timeout while
  // loading") once this has passed; checked before each function body.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Compiled code larger than this fails with kResourceExhausted; checked
  // after each function body (the CLI passes --mem).
  uint64_t max_code_bytes = UINT64_MAX;
};

// Decode + validate + compile. Errors name the offset and the reason. The
// loaded module keeps only what instances need: of the binary, just the data
// segments' contents (module.h, Module::bytes).
// `mode` chooses optimized or plain code (compiler.h).
absl::StatusOr<std::shared_ptr<const Module>> LoadModule(
    std::span<const uint8_t> bytes, const Limits& limits = Limits(),
    CompileMode mode = CompileMode::kOptimized,
    const LoadBudget& budget = LoadBudget());
// The same, taking over `bytes` instead of copying them first.
absl::StatusOr<std::shared_ptr<const Module>> LoadModule(
    std::vector<uint8_t>&& bytes, const Limits& limits = Limits(),
    CompileMode mode = CompileMode::kOptimized,
    const LoadBudget& budget = LoadBudget());

// Decode + validate only (what `wsbx validate` runs).
absl::Status ValidateBinary(std::span<const uint8_t> bytes,
                            const Limits& limits = Limits());

}  // namespace wsbx

#endif  // WSBX_RUNTIME_ENGINE_H_
