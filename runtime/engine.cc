// LoadModule and ValidateBinary: the decode -> validate -> compile pipeline.
#include "runtime/engine.h"

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/compile/compiler.h"
#include "runtime/decode/decoder.h"
#include "runtime/status_macros.h"
#include "runtime/validate/validator.h"

namespace wsbx {

namespace {

// Once compiled, a module's function bodies and custom sections are never
// read again; only data segments are copied out of Module::bytes (at
// instantiation and by memory.init). Keeping just those means a loaded
// module costs its decoded form and internal code, not also its binary
// (which for a C program is mostly debug sections).
void KeepOnlyDataBytes(Module& module) {
  size_t total = 0;
  for (const DataSegment& d : module.datas) total += d.data_size;
  std::vector<uint8_t> kept;
  kept.reserve(total);
  for (DataSegment& d : module.datas) {
    const uint8_t* from = module.bytes.data() + d.data_offset;
    d.data_offset = static_cast<uint32_t>(kept.size());
    kept.insert(kept.end(), from, from + d.data_size);
  }
  for (FunctionBody& body : module.bodies) body.code_offset = body.code_end = 0;
  module.customs = {};
  module.bytes = std::move(kept);
}

absl::StatusOr<std::shared_ptr<const Module>> ValidateAndCompile(
    std::unique_ptr<Module> module, const Limits& limits,
    CompileMode mode, const LoadBudget& budget) {
  // Each body is compiled as soon as it validates, from the instructions the
  // validator decoded: one decode per body. The budget is checked around
  // each body, so a huge module stops near its deadline or code cap.
  BodyCompiler compiler(*module, mode);
  WSBX_RETURN_IF_ERROR(ValidateModule(
      *module, limits,
      [&compiler, &budget](uint32_t index, std::span<const Instr> instrs) {
        if (budget.deadline &&
            std::chrono::steady_clock::now() >= *budget.deadline) {
          return absl::DeadlineExceededError(absl::StrCat(
              "timeout while loading (at function body ", index, ")"));
        }
        WSBX_RETURN_IF_ERROR(compiler.Compile(index, instrs));
        if (compiler.code_bytes() > budget.max_code_bytes) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "compiled code exceeds the memory cap of ", budget.max_code_bytes,
              " bytes (at function body ", index, ")"));
        }
        return absl::OkStatus();
      }));
  compiler.Finish();
  KeepOnlyDataBytes(*module);
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Module>> LoadModule(
    std::span<const uint8_t> bytes, const Limits& limits, CompileMode mode,
    const LoadBudget& budget) {
  WSBX_ASSIGN_OR_RETURN(std::unique_ptr<Module> module,
                        DecodeModule(bytes, limits));
  return ValidateAndCompile(std::move(module), limits, mode, budget);
}

absl::StatusOr<std::shared_ptr<const Module>> LoadModule(
    std::vector<uint8_t>&& bytes, const Limits& limits, CompileMode mode,
    const LoadBudget& budget) {
  WSBX_ASSIGN_OR_RETURN(std::unique_ptr<Module> module,
                        DecodeModule(std::move(bytes), limits));
  return ValidateAndCompile(std::move(module), limits, mode, budget);
}

absl::Status ValidateBinary(std::span<const uint8_t> bytes,
                            const Limits& limits) {
  WSBX_ASSIGN_OR_RETURN(std::unique_ptr<Module> module,
                        DecodeModule(bytes, limits));
  return ValidateModule(*module, limits);
}

}  // namespace wsbx
