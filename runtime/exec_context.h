// The interpreter's per-Store execution state: the value stack (8-byte
// slots), the call-frame stack, the instruction budget and the details of a
// pending trap. Both stacks are allocated once at their limit so host calls
// that re-enter Execute nest on them without moving anything.
#ifndef WSBX_RUNTIME_EXEC_CONTEXT_H_
#define WSBX_RUNTIME_EXEC_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/code.h"
#include "runtime/limits.h"
#include "runtime/store.h"

namespace wsbx {

// One wasm activation. `fp` and `inst` are the caller's, restored on return;
// `func_index` names this activation's function (in its instance's module).
struct Frame {
  const CodeWord* ret_pc;
  uint64_t* fp;
  Instance* inst;
  uint32_t func_index;
};

// Instructions granted per refill of the counter.
inline constexpr int64_t kFuelSlice = int64_t{1} << 24;

struct ExecContext {
  Limits limits;
  std::unique_ptr<uint64_t[]> stack;
  uint64_t* stack_end = nullptr;
  uint64_t* top = nullptr;  // first free slot for a nested Execute
  std::unique_ptr<Frame[]> frames;
  uint32_t depth = 0;        // frames in use
  uint32_t max_depth = 0;
  uint32_t reentry = 0;      // nested Execute calls in progress
  // Decremented by each straight-line run's instruction count when the run
  // is entered; a negative value sends the interpreter to FuelSlowPath.
  int64_t fuel = kFuelSlice;
  CodeWord exit_stub[1] = {0};  // the return address of an Execute's frame

  // Trap details beyond the kind, set where the trap happened.
  Instance* trap_inst = nullptr;
  bool has_message = false;  // message overrides TrapKindMessage(kind)
  std::string message;
  int exit_code = 0;
};

// Called when `fuel` went negative: refills a slice or returns the trap that
// ends execution.
TrapKind FuelSlowPath(ExecContext* ctx);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_EXEC_CONTEXT_H_
