// The embedding API's front door: bytes to a validated, compiled Module that
// any number of Stores can instantiate (store.h).
#ifndef WSBX_RUNTIME_ENGINE_H_
#define WSBX_RUNTIME_ENGINE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/compiler.h"
#include "runtime/limits.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "runtime/value.h"

namespace wsbx {

// Decode + validate + compile. Errors name the offset and the reason. The
// loaded module keeps only what instances need: of the binary, just the data
// segments' contents (module.h, Module::bytes).
// `mode` chooses optimized or plain code (compiler.h).
absl::StatusOr<std::shared_ptr<const Module>> LoadModule(
    std::span<const uint8_t> bytes, const Limits& limits = Limits(),
    CompileMode mode = CompileMode::kOptimized);
// The same, taking over `bytes` instead of copying them first.
absl::StatusOr<std::shared_ptr<const Module>> LoadModule(
    std::vector<uint8_t>&& bytes, const Limits& limits = Limits(),
    CompileMode mode = CompileMode::kOptimized);

// Decode + validate only (what `wsbx validate` runs).
absl::Status ValidateBinary(std::span<const uint8_t> bytes,
                            const Limits& limits = Limits());

}  // namespace wsbx

#endif  // WSBX_RUNTIME_ENGINE_H_
