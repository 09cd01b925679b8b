// PLACEHOLDER: replaced by the decoder implementation.
#include "runtime/decoder.h"
namespace wsbx {
absl::StatusOr<std::unique_ptr<Module>> DecodeModule(std::span<const uint8_t>, const Limits&) {
  return absl::UnimplementedError("decoder not written yet");
}
}  // namespace wsbx
