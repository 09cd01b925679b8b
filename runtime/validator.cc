// PLACEHOLDER: replaced by the validator implementation.
#include "runtime/validator.h"
namespace wsbx {
absl::Status ValidateModule(const Module&, const Limits&) {
  return absl::UnimplementedError("validator not written yet");
}
}  // namespace wsbx
