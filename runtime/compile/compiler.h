// Compiles every validated body into the interpreter's threaded code
// (see interpreter.h) ahead of execution; branch targets resolved once.
#ifndef WSBX_RUNTIME_COMPILE_COMPILER_H_
#define WSBX_RUNTIME_COMPILE_COMPILER_H_

#include <cstdint>
#include <memory>
#include <span>

#include "absl/status/status.h"
#include "runtime/decode/instr.h"
#include "runtime/limits.h"
#include "runtime/module.h"

namespace wsbx {

// How bodies are compiled. kOptimized folds local.get into its consumers,
// redirects results into locals, fuses common instruction shapes and gives
// common groups one handler. kPlain does none of that: each wasm
// instruction becomes its own handler reading and writing frame slots. Both
// run the same programs with the same results, traps and fuel; plain code
// is the reference the optimized compiler is checked against (fuzz/).
enum class CompileMode : uint8_t { kOptimized, kPlain };

// Requires a module that ValidateModule accepted; sets module.code.
absl::Status CompileModule(Module& module, const Limits& limits = Limits(),
                           CompileMode mode = CompileMode::kOptimized);

// Compiles bodies from instructions already decoded, as LoadModule does with
// the ones the validator hands over, then resolves calls. `module` must
// outlive it and its bodies must be valid.
class BodyCompiler {
 public:
  explicit BodyCompiler(Module& module,
                        CompileMode mode = CompileMode::kOptimized);
  ~BodyCompiler();
  BodyCompiler(const BodyCompiler&) = delete;
  BodyCompiler& operator=(const BodyCompiler&) = delete;

  // Body `index` (among the defined functions): its instructions through
  // the final `end`, or none to have the body decoded here. Each body once,
  // in any order.
  absl::Status Compile(uint32_t index, std::span<const Instr> instrs);
  // After every body: resolves calls and sets module.code.
  void Finish();
  // Bytes of code emitted so far.
  uint64_t code_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_COMPILE_COMPILER_H_
