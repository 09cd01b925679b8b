// Fuel, deadline and interrupt accounting (budget.h): the interpreter's slow
// path when the counter runs out of its slice, and the API that sets the
// budget. The outcome of a fuel budget never depends on slice sizes or
// timing: a charge traps exactly when the fuel left before it is smaller
// than the charge.
#include "runtime/execute/budget.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "runtime/execute/exec_context.h"

namespace wsbx {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;

int64_t SliceFor(const ExecContext* ctx) {
  return ctx->deadline ? kDeadlineSlice : kFuelSlice;
}

uint64_t Consumed(const ExecContext* ctx) {
  return ctx->fuel_granted - static_cast<uint64_t>(ctx->fuel);
}

// Fuel still owed to the guest when limited; only called with fuel >= 0.
uint64_t Available(const ExecContext* ctx) {
  return ctx->fuel_reserve + static_cast<uint64_t>(ctx->fuel);
}

// Sets the state to `consumed` so far and `available` left (ignored when
// unlimited), with at most one slice of it in the counter.
void Refill(ExecContext* ctx, uint64_t consumed, uint64_t available) {
  uint64_t slice = static_cast<uint64_t>(SliceFor(ctx));
  uint64_t grant = ctx->fuel_limited ? std::min(available, slice) : slice;
  ctx->fuel_reserve = ctx->fuel_limited ? available - grant : 0;
  ctx->fuel = static_cast<int64_t>(grant);
  ctx->fuel_granted = consumed + grant;
}

// Sets the time the checks look at (see ExecContext::deadline) and the
// slice that goes with it.
void Watch(ExecContext* ctx, std::optional<TimePoint> deadline) {
  if (!deadline && ctx->interrupt != nullptr) deadline = TimePoint::max();
  ctx->deadline = deadline;
  // Shrink (or regrow) the current slice to the size the deadline wants.
  Refill(ctx, Consumed(ctx), ctx->fuel_limited ? Available(ctx) : 0);
}

}  // namespace

TrapKind CheckDeadline(const ExecContext* ctx) {
  if (!ctx->deadline) return TrapKind::kNone;
  if (ctx->interrupt != nullptr &&
      ctx->interrupt->load(std::memory_order_relaxed)) {
    return TrapKind::kInterrupted;
  }
  if (*ctx->deadline == TimePoint::max()) return TrapKind::kNone;
  return std::chrono::steady_clock::now() >= *ctx->deadline
             ? TrapKind::kTimeout
             : TrapKind::kNone;
}

TrapKind FuelSlowPath(ExecContext* ctx, int64_t charge) {
  ctx->fuel += charge;  // undone: the counter is back to >= 0
  const uint64_t need = static_cast<uint64_t>(charge);
  if (ctx->fuel_limited && need > Available(ctx)) {
    return TrapKind::kFuelExhausted;
  }
  if (TrapKind t = CheckDeadline(ctx); t != TrapKind::kNone) return t;
  uint64_t available = ctx->fuel_limited ? Available(ctx) - need : 0;
  Refill(ctx, Consumed(ctx) + need, available);
  return TrapKind::kNone;
}

void SetFuel(Store& store, std::optional<uint64_t> fuel) {
  ExecContext* ctx = &store.exec();
  ctx->fuel_limited = fuel.has_value();
  // Keep a budget far from overflowing the signed counter arithmetic.
  Refill(ctx, Consumed(ctx),
         std::min<uint64_t>(fuel.value_or(0), uint64_t{1} << 62));
}

std::optional<uint64_t> FuelRemaining(Store& store) {
  const ExecContext* ctx = &store.exec();
  if (!ctx->fuel_limited) return std::nullopt;
  return Available(ctx);
}

uint64_t FuelConsumed(Store& store) {
  return Consumed(&store.exec());
}

void SetDeadline(Store& store, std::optional<TimePoint> deadline) {
  Watch(&store.exec(), deadline);
}

void SetInterruptFlag(Store& store, const std::atomic<bool>* flag) {
  ExecContext* ctx = &store.exec();
  std::optional<TimePoint> deadline = ctx->deadline;
  if (deadline == TimePoint::max()) deadline.reset();  // the flag's stand-in
  ctx->interrupt = flag;
  Watch(ctx, deadline);
}

TrapKind LastTrapKind(Store& store) { return store.exec().last_trap; }

}  // namespace wsbx
