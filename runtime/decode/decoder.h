// Binary decoder (spec chapter 5): bytes to Module, one bounds-checked pass.
// Rejects every malformed input with the byte offset, the section and what
// was expected; enforces the loader limits before allocating.
#ifndef WSBX_RUNTIME_DECODE_DECODER_H_
#define WSBX_RUNTIME_DECODE_DECODER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/limits.h"
#include "runtime/module.h"

namespace wsbx {

absl::StatusOr<std::unique_ptr<Module>> DecodeModule(
    std::span<const uint8_t> bytes, const Limits& limits = Limits());
// The same, taking over `bytes` as Module::bytes instead of copying them.
absl::StatusOr<std::unique_ptr<Module>> DecodeModule(
    std::vector<uint8_t>&& bytes, const Limits& limits = Limits());

}  // namespace wsbx

#endif  // WSBX_RUNTIME_DECODE_DECODER_H_
