// The interpreter entry point used by Store: runs a function on the store's
// ExecContext (value stack, call stack, counters) without host recursion
// for wasm-to-wasm calls.
#ifndef WSBX_RUNTIME_EXECUTE_INTERPRETER_H_
#define WSBX_RUNTIME_EXECUTE_INTERPRETER_H_

#include <cstdint>
#include <memory>
#include <span>

#include "runtime/limits.h"
#include "runtime/store/store.h"
#include "runtime/value.h"

namespace wsbx {

std::unique_ptr<ExecContext, ExecContextDeleter> NewExecContext(
    const Limits& limits);

// Calls `func` (wasm or host, of this store) with arguments and results as
// 8-byte slots in Value::bits form. Returns TrapKind::kNone on success;
// otherwise fills *trap (kind, message, backtrace) and returns its kind.
// Re-entrant: a host function may call Execute again on the same store.
TrapKind Execute(Store& store, FunctionInstance* func,
                 std::span<const uint64_t> args, std::span<uint64_t> results,
                 Trap* trap);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_EXECUTE_INTERPRETER_H_
