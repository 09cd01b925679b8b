// The interpreter's per-Store execution state: the value stack (8-byte
// slots), the call-frame stack, the instruction budget and the details of a
// pending trap. Both stacks are allocated once at their limit so host calls
// that re-enter Execute nest on them without moving anything. The fuel
// counter is refilled in slices from the budget (runtime/execute/budget.h); the
// deadline and the interrupt flag are only looked at when a slice runs out,
// after host calls and between chunks of bulk work.
#ifndef WSBX_RUNTIME_EXECUTE_EXEC_CONTEXT_H_
#define WSBX_RUNTIME_EXECUTE_EXEC_CONTEXT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "runtime/compile/code.h"
#include "runtime/limits.h"
#include "runtime/store/store.h"

namespace wsbx {

// One wasm activation. `fp_slot` and `inst` are the caller's, restored on
// return; `func_index` names this activation's function (in its instance's
// module).
struct Frame {
  const CodeWord* ret_pc;
  Instance* inst;
  uint32_t fp_slot;  // the caller's frame, as a slot index into the stack
  uint32_t func_index;
};
// 24 bytes: deep recursion touches this many per call.
static_assert(sizeof(Frame) == 24);

// Fuel granted per refill of the counter without a deadline, and with one
// or an interrupt flag (about a millisecond of straight-line execution, so
// either is noticed within a few milliseconds).
inline constexpr int64_t kFuelSlice = int64_t{1} << 24;
inline constexpr int64_t kDeadlineSlice = int64_t{1} << 20;
// Bulk operations work in chunks of this many bytes and look at the
// deadline between chunks.
inline constexpr uint64_t kBulkChunkBytes = uint64_t{1} << 22;

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
  // Outside a charge it is never negative.
  int64_t fuel = kFuelSlice;
  // Everything ever placed in `fuel`: consumed = fuel_granted - fuel.
  uint64_t fuel_granted = kFuelSlice;
  bool fuel_limited = false;
  uint64_t fuel_reserve = 0;  // budget not yet in `fuel` (when limited)
  // Set whenever a deadline or an interrupt flag is watched: the code that
  // checks the clock only when this has a value then checks the flag too.
  // With a flag and no deadline it is time_point::max(), which never passes.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  const std::atomic<bool>* interrupt = nullptr;  // not owned
  TrapKind last_trap = TrapKind::kNone;
  CodeWord exit_stub[1] = {0};  // the return address of an Execute's frame
  // The Store's function list, kept here by the Store so that call_indirect
  // reaches it through ctx.
  FuncRefTable func_refs;

  // Trap details beyond the kind, set where the trap happened.
  Instance* trap_inst = nullptr;
  // The trapping instruction, in trap_inst's code; with trap_after_call,
  // the word after the call that trapped (a host function, or the call
  // stack) instead.
  const CodeWord* trap_pc = nullptr;
  bool trap_after_call = false;
  bool has_message = false;  // message overrides TrapKindMessage(kind)
  std::string message;
  int exit_code = 0;
};

// Called when `fuel` went negative after charging `charge`: refills a slice
// and returns kNone, or takes the charge back and returns kFuelExhausted,
// kTimeout or kInterrupted.
TrapKind FuelSlowPath(ExecContext* ctx, int64_t charge);

// kInterrupted when the interrupt flag is set, kTimeout when a deadline is
// set and has passed, else kNone. Reads the clock only when a real deadline
// is set.
TrapKind CheckDeadline(const ExecContext* ctx);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_EXECUTE_EXEC_CONTEXT_H_
