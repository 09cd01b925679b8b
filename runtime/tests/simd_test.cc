// End-to-end tests of v128 values outside the lane arithmetic the spec
// suite covers: the two-slot layout through locals mixed with scalars,
// blocks and loops with v128 parameters, br/br_if/select, wasm and host
// calls, globals, Invoke, and memory bounds of vector accesses. Also a few
// lane-arithmetic edge cases of simd.h.
#include "runtime/execute/simd.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "runtime/engine.h"
#include "runtime/store/store.h"

namespace wsbx {
namespace {

// wat2wasm output of:
//   (module
//     (import "host" "rev" (func $rev (param i32 v128 i64) (result v128 i32)))
//     (memory 1)
//     (global $g (mut v128) (v128.const i32x4 1 2 3 4))
//     (func (export "mix") (param i32 v128 i64) (result i64 v128 i32)
//       (local v128 i32)
//       (local.set 4 (i32.add (local.get 0) (i32.const 1)))
//       (local.set 3 (i32x4.add (local.get 1) (local.get 1)))
//       (local.get 2) (local.get 3) (local.get 4))
//     (func (export "control") (param v128 v128 i32) (result v128)
//       (local v128)
//       (local.get 0)
//       (block (param v128) (result v128)
//         (loop (param v128) (result v128)
//           (i32x4.add (v128.const i32x4 1 1 1 1))
//           (local.tee 3)
//           (br_if 1 (i32.eqz (local.get 2)))
//           (local.set 2 (i32.sub (local.get 2) (i32.const 1)))
//           (br 0 (local.get 3))))
//       (select (local.get 1) (i32.eqz (local.get 2))))
//     (func (export "call") (param v128) (result v128 i32)
//       (call $rev (i32.const 7) (local.get 0) (i64.const 9)))
//     (func (export "global") (param v128) (result v128)
//       (global.get $g)
//       (global.set $g (local.get 0)))
//     (func (export "load") (param i32) (result v128)
//       (v128.load (local.get 0)))
//     (func (export "store_lane") (param i32 v128)
//       (v128.store8_lane 15 (local.get 0) (local.get 1)))
//   )
constexpr uint8_t kModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x2e, 0x07, 0x60,
    0x03, 0x7f, 0x7b, 0x7e, 0x02, 0x7b, 0x7f, 0x60, 0x03, 0x7f, 0x7b, 0x7e,
    0x03, 0x7e, 0x7b, 0x7f, 0x60, 0x03, 0x7b, 0x7b, 0x7f, 0x01, 0x7b, 0x60,
    0x01, 0x7b, 0x01, 0x7b, 0x60, 0x01, 0x7b, 0x02, 0x7b, 0x7f, 0x60, 0x01,
    0x7f, 0x01, 0x7b, 0x60, 0x02, 0x7f, 0x7b, 0x00, 0x02, 0x0c, 0x01, 0x04,
    0x68, 0x6f, 0x73, 0x74, 0x03, 0x72, 0x65, 0x76, 0x00, 0x00, 0x03, 0x07,
    0x06, 0x01, 0x02, 0x04, 0x03, 0x05, 0x06, 0x05, 0x03, 0x01, 0x00, 0x01,
    0x06, 0x16, 0x01, 0x7b, 0x01, 0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0b,
    0x07, 0x35, 0x06, 0x03, 0x6d, 0x69, 0x78, 0x00, 0x01, 0x07, 0x63, 0x6f,
    0x6e, 0x74, 0x72, 0x6f, 0x6c, 0x00, 0x02, 0x04, 0x63, 0x61, 0x6c, 0x6c,
    0x00, 0x03, 0x06, 0x67, 0x6c, 0x6f, 0x62, 0x61, 0x6c, 0x00, 0x04, 0x04,
    0x6c, 0x6f, 0x61, 0x64, 0x00, 0x05, 0x0a, 0x73, 0x74, 0x6f, 0x72, 0x65,
    0x5f, 0x6c, 0x61, 0x6e, 0x65, 0x00, 0x06, 0x0a, 0x81, 0x01, 0x06, 0x1c,
    0x02, 0x01, 0x7b, 0x01, 0x7f, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x04,
    0x20, 0x01, 0x20, 0x01, 0xfd, 0xae, 0x01, 0x21, 0x03, 0x20, 0x02, 0x20,
    0x03, 0x20, 0x04, 0x0b, 0x39, 0x01, 0x01, 0x7b, 0x20, 0x00, 0x02, 0x03,
    0x03, 0x03, 0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xfd, 0xae, 0x01, 0x22,
    0x03, 0x20, 0x02, 0x45, 0x0d, 0x01, 0x20, 0x02, 0x41, 0x01, 0x6b, 0x21,
    0x02, 0x20, 0x03, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x20, 0x02, 0x45,
    0x1b, 0x0b, 0x0a, 0x00, 0x41, 0x07, 0x20, 0x00, 0x42, 0x09, 0x10, 0x00,
    0x0b, 0x08, 0x00, 0x23, 0x00, 0x20, 0x00, 0x24, 0x00, 0x0b, 0x08, 0x00,
    0x20, 0x00, 0xfd, 0x00, 0x04, 0x00, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x20,
    0x01, 0xfd, 0x58, 0x00, 0x00, 0x0f, 0x0b,
};

Value V128(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return Value{ValType::kV128, uint64_t{a} | (uint64_t{b} << 32),
               uint64_t{c} | (uint64_t{d} << 32)};
}

// Imports host.rev: (i32 x, v128 v, i64 y) -> (v128 with v's halves swapped,
// x + y), so slot order and widths are visible.
struct Fixture {
  Fixture() {
    FuncType type{{ValType::kI32, ValType::kV128, ValType::kI64},
                  {ValType::kV128, ValType::kI32}};
    host = store.AddHostFunction(
        type,
        [](HostContext&, std::span<const uint64_t> args,
           std::span<uint64_t> results) {
          REQUIRE(args.size() == 4);
          REQUIRE(results.size() == 3);
          results[0] = args[2];
          results[1] = args[1];
          results[2] = static_cast<uint32_t>(args[0] + args[3]);
          return TrapKind::kNone;
        },
        "rev");
    auto module = LoadModule(kModule);
    INFO(module.status().ToString());
    REQUIRE(module.ok());
    Extern e;
    e.func = host;
    auto i = store.Instantiate(*module, {&e, 1});
    REQUIRE(i.ok());
    inst = *i;
  }
  InvokeResult Call(const char* name, std::vector<Value> args) {
    auto e = inst->FindExport(name);
    REQUIRE(e.has_value());
    return store.Invoke(e->func, args);
  }
  Store store;
  FunctionInstance* host = nullptr;
  Instance* inst = nullptr;
};

TEST_CASE("simd: v128 locals sit beside scalar locals") {
  Fixture f;
  InvokeResult r = f.Call(
      "mix", {Value::I32(41), V128(1, 2, 3, 0x80000000u), Value::I64(7)});
  REQUIRE(r.ok());
  REQUIRE(r.values.size() == 3);
  CHECK(r.values[0] == Value::I64(7));
  CHECK(r.values[1] == V128(2, 4, 6, 0));
  CHECK(r.values[2] == Value::I32(42));
}

TEST_CASE("simd: v128 through blocks, loops, branches and select") {
  Fixture f;
  InvokeResult r = f.Call(
      "control", {V128(10, 20, 30, 40), V128(9, 9, 9, 9), Value::I32(3)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == V128(14, 24, 34, 44));
  r = f.Call("control", {V128(0, 0, 0, 0), V128(9, 9, 9, 9), Value::I32(0)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == V128(1, 1, 1, 1));
}

TEST_CASE("simd: v128 arguments and results of host calls") {
  Fixture f;
  InvokeResult r = f.Call("call", {V128(1, 2, 3, 4)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == V128(3, 4, 1, 2));
  CHECK(r.values[1] == Value::I32(16));
}

TEST_CASE("simd: mutable v128 global") {
  Fixture f;
  InvokeResult r = f.Call("global", {V128(5, 6, 7, 8)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == V128(1, 2, 3, 4));
  r = f.Call("global", {V128(0, 0, 0, 0)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == V128(5, 6, 7, 8));
}

TEST_CASE("simd: vector accesses are bounds-checked at their width") {
  Fixture f;
  CHECK(f.Call("load", {Value::I32(65536 - 16)}).ok());
  for (uint32_t addr : {65536u - 15, 65536u, 0xFFFFFFFFu}) {
    InvokeResult r = f.Call("load", {Value::I32(addr)});
    REQUIRE(!r.ok());
    CHECK(r.trap->kind == TrapKind::kMemoryOutOfBounds);
  }
  CHECK(f.Call("store_lane", {Value::I32(65535), V128(0, 0, 0, 0)}).ok());
  InvokeResult r = f.Call("store_lane", {Value::I32(65536), V128(0, 0, 0, 0)});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kMemoryOutOfBounds);
}

TEST_CASE("simd: Invoke checks v128 argument types") {
  Fixture f;
  InvokeResult r = f.Call("load", {V128(0, 0, 0, 0)});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kHostError);
}

TEST_CASE("simd: lane arithmetic edge cases") {
  using simd::V128;
  // q15mulr_sat: -1.0 * -1.0 saturates to the largest value.
  V128 m = simd::Splat<int16_t>(INT16_MIN);
  CHECK(simd::ExtractLane<int16_t>(simd::Q15MulrSat(m, m), 3) == INT16_MAX);
  // dot: two products of -32768 * -32768 wrap to INT32_MIN.
  CHECK(simd::ExtractLane<int32_t>(simd::Dot(m, m), 0) == INT32_MIN);
  // narrow_u saturates negative lanes to 0 and large ones to 255.
  V128 n = simd::Narrow<uint8_t, int16_t>(simd::Splat<int16_t>(-5),
                                          simd::Splat<int16_t>(300));
  CHECK(simd::ExtractLane<uint8_t>(n, 0) == 0);
  CHECK(simd::ExtractLane<uint8_t>(n, 15) == 255);
  // Shift counts wrap at the lane width.
  V128 s = simd::Shl<int8_t>(simd::Splat<uint8_t>(1), 9);
  CHECK(simd::ExtractLane<uint8_t>(s, 0) == 2);
  // Bitmask takes lane sign bits, lane 0 first.
  V128 b =
      simd::ReplaceLane<uint32_t>(simd::Splat<uint32_t>(0), 2, 0x80000000u);
  CHECK(simd::Bitmask<uint32_t>(b) == 4);
  // swizzle: indices of 16 and above select zero.
  V128 idx = simd::ReplaceLane<uint8_t>(simd::Splat<uint8_t>(16), 1, 0);
  V128 w = simd::Swizzle(simd::Splat<uint8_t>(7), idx);
  CHECK(simd::ExtractLane<uint8_t>(w, 0) == 0);
  CHECK(simd::ExtractLane<uint8_t>(w, 1) == 7);
}

}  // namespace
}  // namespace wsbx
