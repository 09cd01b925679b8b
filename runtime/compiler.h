// Compiles every validated body into the interpreter's threaded code
// (see interpreter.h) ahead of execution; branch targets resolved once.
#ifndef WSBX_RUNTIME_COMPILER_H_
#define WSBX_RUNTIME_COMPILER_H_

#include "absl/status/status.h"
#include "runtime/limits.h"
#include "runtime/module.h"

namespace wsbx {

// Requires a module that ValidateModule accepted; sets module.code.
absl::Status CompileModule(Module& module, const Limits& limits = Limits());

}  // namespace wsbx

#endif  // WSBX_RUNTIME_COMPILER_H_
