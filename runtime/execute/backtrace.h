// Building a Trap's backtrace from the call frames of the ExecContext
// (internal to the interpreter).
#ifndef WSBX_RUNTIME_EXECUTE_BACKTRACE_H_
#define WSBX_RUNTIME_EXECUTE_BACKTRACE_H_

#include <cstdint>

#include "runtime/execute/exec_context.h"
#include "runtime/value.h"

namespace wsbx {

// Fills *trap (kind, message, backtrace) from the frames above `base_depth`
// and the trap details in *ctx, which it clears; ctx->trap_pc names the
// innermost frame's instruction (see ExecContext).
void FillTrap(ExecContext* ctx, TrapKind kind, uint32_t base_depth,
              Trap* trap);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_EXECUTE_BACKTRACE_H_
