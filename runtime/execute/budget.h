// A Store's execution budget: fuel (wasm instructions plus bulk work) and a
// wall-clock deadline, shared by every call that runs on the Store, the start
// function included. Running out of fuel is TrapKind::kFuelExhausted and is
// deterministic; passing the deadline is TrapKind::kTimeout; an interrupt
// flag that became true (a signal, another thread) is TrapKind::kInterrupted.
#ifndef WSBX_RUNTIME_EXECUTE_BUDGET_H_
#define WSBX_RUNTIME_EXECUTE_BUDGET_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "runtime/store/store.h"
#include "runtime/value.h"

namespace wsbx {

// What costs fuel. Every wasm instruction executed costs 1 except the
// structural markers block, loop, else and end (they do no work of their
// own); the costs below come on top of the instruction's own 1.
inline constexpr uint64_t kFuelBytesPerUnit = 64;  // memory.fill/copy/init
inline constexpr uint64_t kFuelElemsPerUnit = 8;   // table.fill/copy/init/grow
inline constexpr uint64_t kFuelLocalsPerUnit = 8;  // zeroing locals on entry
inline constexpr uint64_t kFuelSlotsPerUnit = 8;   // a branch's value moves
inline constexpr uint64_t kFuelPerPage = 1;        // memory.grow, per page

// Cost of a bulk operation over n units of `per_unit` each.
inline constexpr uint64_t BulkFuel(uint64_t n, uint64_t per_unit) {
  return n / per_unit;
}

// Limits all later execution on `store` to `fuel` more units (nullopt: no
// limit, the default). Fuel is charged per straight-line run when the run is
// entered, so execution stops before the first run that does not fit: with
// a budget of exactly what a call needs it completes, with one less it traps
// and no instruction of the refused run has executed.
void SetFuel(Store& store, std::optional<uint64_t> fuel);
// Fuel left (nullopt when unlimited).
std::optional<uint64_t> FuelRemaining(Store& store);
// Fuel charged on `store` so far, limited or not.
uint64_t FuelConsumed(Store& store);

// Execution on `store` traps with kTimeout once `deadline` has passed
// (nullopt: none, the default). The clock is read only when the fuel counter
// runs out of its current slice, after host calls and between chunks of bulk
// operations; with a deadline set the slice is kDeadlineSlice (a few
// milliseconds of execution). Host functions that block (WASI) need the same
// deadline given to them.
void SetDeadline(Store& store,
                 std::optional<std::chrono::steady_clock::time_point> deadline);

// Execution on `store` traps with kInterrupted once `*flag` is true (null:
// no flag, the default). The flag is read where the deadline is, with the
// slice of a deadline, so a flag set from a signal handler or another thread
// stops the guest within a few milliseconds. It must outlive every call on
// `store` while set. Host functions that block need the flag given to them.
void SetInterruptFlag(Store& store, const std::atomic<bool>* flag);

// The kind of the last trap on `store` (kNone before any): lets an embedder
// tell a timeout in a start function (an Instantiate error) from other traps.
TrapKind LastTrapKind(Store& store);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_EXECUTE_BUDGET_H_
