// The execution budget (runtime/execute/budget.h) through the embedding API: exact
// fuel boundaries within and across refill slices, with and without a
// deadline, bulk charges larger than a slice, deadlines that passed and
// interrupt flags.
#include "runtime/execute/budget.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/engine.h"
#include "runtime/execute/exec_context.h"
#include "runtime/store/store.h"

namespace wsbx {
namespace {

// (module
//   (memory (export "memory") 1100)
//   (func (export "count") (param $n i32) (result i32)      ;; 4 + 8 n fuel
//     (block $done (loop $l
//       (br_if $done (i32.eqz (local.get $n)))
//       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
//       (br $l)))
//     (local.get $n))
//   (func (export "fill") (param $n i32)                    ;; 4 + n / 64
//     (memory.fill (i32.const 0) (i32.const 7) (local.get $n))))
const std::vector<uint8_t> kModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x03, 0x03, 0x02, 0x00,
    0x01, 0x05, 0x04, 0x01, 0x00, 0xcc, 0x08, 0x07, 0x19, 0x03, 0x06, 0x6d,
    0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x05, 0x63, 0x6f, 0x75, 0x6e,
    0x74, 0x00, 0x00, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x01, 0x0a, 0x26,
    0x02, 0x18, 0x00, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x01,
    0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b, 0x20,
    0x00, 0x0b, 0x0b, 0x00, 0x41, 0x00, 0x41, 0x07, 0x20, 0x00, 0xfc, 0x0b,
    0x00, 0x0b};

uint64_t CountCost(uint64_t n) { return 4 + 8 * n; }

struct Harness {
  Store store;
  Instance* instance = nullptr;
  Harness() {
    auto module = LoadModule(kModule);
    REQUIRE(module.ok());
    auto inst = store.Instantiate(*module, {});
    REQUIRE(inst.ok());
    instance = *inst;
  }
  InvokeResult Call(const char* name, uint32_t arg) {
    std::optional<Extern> e = instance->FindExport(name);
    REQUIRE(e.has_value());
    Value v = Value::I32(arg);
    return store.Invoke(e->func, std::span<const Value>(&v, 1));
  }
  uint8_t Byte0() { return instance->memories[0]->base()[0]; }
};

TrapKind KindOf(const InvokeResult& r) {
  return r.ok() ? TrapKind::kNone : r.trap->kind;
}

TEST_CASE("budget: exactly enough fuel completes, one less traps") {
  Harness h;
  CHECK_FALSE(FuelRemaining(h.store).has_value());
  SetFuel(h.store, CountCost(10));
  CHECK(*FuelRemaining(h.store) == CountCost(10));
  CHECK(KindOf(h.Call("count", 10)) == TrapKind::kNone);
  CHECK(*FuelRemaining(h.store) == 0);
  CHECK(FuelConsumed(h.store) == CountCost(10));
  // Nothing left: the next call traps before running anything.
  InvokeResult r = h.Call("count", 0);
  CHECK(KindOf(r) == TrapKind::kFuelExhausted);
  CHECK(r.trap->message == "fuel exhausted");
  CHECK(LastTrapKind(h.store) == TrapKind::kFuelExhausted);
  CHECK(FuelConsumed(h.store) == CountCost(10));

  SetFuel(h.store, CountCost(10) - 1);
  CHECK(KindOf(h.Call("count", 10)) == TrapKind::kFuelExhausted);
  // Every run but the refused last one (1 unit) was charged.
  CHECK(*FuelRemaining(h.store) == 0);
  CHECK(FuelConsumed(h.store) == 2 * CountCost(10) - 1);
  SetFuel(h.store, std::nullopt);
  CHECK(KindOf(h.Call("count", 10)) == TrapKind::kNone);
  CHECK(FuelConsumed(h.store) == 3 * CountCost(10) - 1);
}

TEST_CASE("budget: the boundary is exact across many refill slices") {
  const uint64_t n = 3000000;  // 24M units: more than one slice
  static_assert(4 + 8 * 3000000 > kFuelSlice);
  for (bool deadline : {false, true}) {
    CAPTURE(deadline);
    Harness h;
    if (deadline) {
      SetDeadline(h.store,
                  std::chrono::steady_clock::now() + std::chrono::hours(1));
    }
    SetFuel(h.store, CountCost(n));
    CHECK(KindOf(h.Call("count", n)) == TrapKind::kNone);
    CHECK(FuelConsumed(h.store) == CountCost(n));
    SetFuel(h.store, CountCost(n) - 1);
    CHECK(KindOf(h.Call("count", n)) == TrapKind::kFuelExhausted);
    CHECK(FuelConsumed(h.store) == 2 * CountCost(n) - 1);
    // Stopping mid-loop: the same count each time.
    SetFuel(h.store, 1000001);
    CHECK(KindOf(h.Call("count", n)) == TrapKind::kFuelExhausted);
    CHECK(FuelConsumed(h.store) == 2 * CountCost(n) - 1 + 1000000);
  }
}

TEST_CASE("budget: a bulk charge larger than a slice") {
  Harness h;
  const uint32_t bytes = 70000000;  // 1,093,750 units, more than 2^20
  const uint64_t cost = 4 + bytes / kFuelBytesPerUnit;
  SetDeadline(h.store,
              std::chrono::steady_clock::now() + std::chrono::hours(1));
  SetFuel(h.store, cost - 1);
  CHECK(KindOf(h.Call("fill", bytes)) == TrapKind::kFuelExhausted);
  CHECK(h.Byte0() == 0);  // refused before writing anything
  CHECK(FuelConsumed(h.store) == 4);
  SetFuel(h.store, cost);
  CHECK(KindOf(h.Call("fill", bytes)) == TrapKind::kNone);
  CHECK(h.Byte0() == 7);
  CHECK(*FuelRemaining(h.store) == 0);
}

TEST_CASE("budget: a deadline that passed stops loops and bulk work") {
  Harness h;
  SetDeadline(h.store, std::chrono::steady_clock::now());
  InvokeResult r = h.Call("count", 100000000);
  CHECK(KindOf(r) == TrapKind::kTimeout);
  CHECK(r.trap->message == "timeout");
  CHECK(LastTrapKind(h.store) == TrapKind::kTimeout);
  // A short call may finish inside its slice; a large fill checks as it goes.
  CHECK(KindOf(h.Call("fill", 70000000)) == TrapKind::kTimeout);
  SetDeadline(h.store, std::nullopt);
  CHECK(KindOf(h.Call("count", 1000)) == TrapKind::kNone);
}

TEST_CASE("budget: an interrupt flag stops loops and bulk work") {
  Harness h;
  std::atomic<bool> flag{false};
  SetInterruptFlag(h.store, &flag);
  CHECK(KindOf(h.Call("count", 1000)) == TrapKind::kNone);
  flag = true;
  InvokeResult r = h.Call("count", 100000000);
  CHECK(KindOf(r) == TrapKind::kInterrupted);
  CHECK(r.trap->message == "interrupted");
  CHECK(LastTrapKind(h.store) == TrapKind::kInterrupted);
  CHECK(KindOf(h.Call("fill", 70000000)) == TrapKind::kInterrupted);
  CHECK(h.Byte0() == 0);
  // Removing or dropping the deadline keeps the flag watched, and the other
  // way round.
  SetDeadline(h.store,
              std::chrono::steady_clock::now() + std::chrono::hours(1));
  SetDeadline(h.store, std::nullopt);
  CHECK(KindOf(h.Call("count", 100000000)) == TrapKind::kInterrupted);
  SetDeadline(h.store, std::chrono::steady_clock::now());
  SetInterruptFlag(h.store, nullptr);
  CHECK(KindOf(h.Call("count", 100000000)) == TrapKind::kTimeout);
  SetDeadline(h.store, std::nullopt);
  CHECK(KindOf(h.Call("count", 100000000)) == TrapKind::kNone);
}

TEST_CASE("budget: a flag set by another thread stops a running call") {
  Harness h;
  std::atomic<bool> flag{false};
  SetInterruptFlag(h.store, &flag);
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    flag = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  // About 30 billion units: minutes of work unless the flag stops it.
  CHECK(KindOf(h.Call("count", 0xffffffff)) == TrapKind::kInterrupted);
  setter.join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
}

}  // namespace
}  // namespace wsbx
