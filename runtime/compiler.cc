// PLACEHOLDER: replaced by the compiler implementation.
#include "runtime/compiler.h"
namespace wsbx {
absl::Status CompileModule(Module&, const Limits&) {
  return absl::UnimplementedError("compiler not written yet");
}
}  // namespace wsbx
