// LoadModule and ValidateBinary: the decode -> validate -> compile pipeline.
#include "runtime/engine.h"

#include "runtime/compiler.h"
#include "runtime/decoder.h"
#include "runtime/status_macros.h"
#include "runtime/validator.h"

namespace wsbx {

absl::StatusOr<std::shared_ptr<const Module>> LoadModule(
    std::span<const uint8_t> bytes, const Limits& limits) {
  WSBX_ASSIGN_OR_RETURN(std::unique_ptr<Module> module,
                        DecodeModule(bytes, limits));
  WSBX_RETURN_IF_ERROR(ValidateModule(*module, limits));
  WSBX_RETURN_IF_ERROR(CompileModule(*module, limits));
  return std::shared_ptr<const Module>(std::move(module));
}

absl::Status ValidateBinary(std::span<const uint8_t> bytes,
                            const Limits& limits) {
  WSBX_ASSIGN_OR_RETURN(std::unique_ptr<Module> module,
                        DecodeModule(bytes, limits));
  return ValidateModule(*module, limits);
}

}  // namespace wsbx
