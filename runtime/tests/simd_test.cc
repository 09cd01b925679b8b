// End-to-end tests of v128 values outside the lane arithmetic the spec
// suite covers: the two-slot layout through locals mixed with scalars,
// blocks and loops with v128 parameters, br/br_if/select, wasm and host
// calls, globals, Invoke, and memory bounds of vector accesses. Also a few
// lane-arithmetic edge cases of simd.h, and the relaxed SIMD instructions'
// deterministic results in both compile modes.
#include "runtime/execute/simd.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
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


// ---- Relaxed SIMD. Each instruction runs in a module of its own, with its
// operands as parameters and as v128.const immediates, compiled plain and
// optimized: all four must agree (one deterministic choice per instruction).

void AppendU32(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    out.push_back(v != 0 ? byte | 0x80 : byte);
  } while (v != 0);
}
void AppendSection(std::vector<uint8_t>& out, uint8_t id,
                   const std::vector<uint8_t>& body) {
  out.push_back(id);
  AppendU32(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}

// (func (export "f") (param v128*) (result v128) operands (0xFD code)).
std::vector<uint8_t> RelaxedModule(uint32_t code,
                                   const std::vector<simd::V128>& operands,
                                   bool consts) {
  const uint8_t params = consts ? 0 : static_cast<uint8_t>(operands.size());
  std::vector<uint8_t> type = {0x01, 0x60, params};
  type.insert(type.end(), params, 0x7B);
  type.insert(type.end(), {0x01, 0x7B});
  std::vector<uint8_t> body = {0x00};  // no locals
  for (size_t i = 0; i < operands.size(); ++i) {
    if (!consts) {
      body.insert(body.end(), {0x20, static_cast<uint8_t>(i)});
      continue;
    }
    body.insert(body.end(), {0xFD, 0x0C});
    const auto* bytes = reinterpret_cast<const uint8_t*>(&operands[i]);
    body.insert(body.end(), bytes, bytes + 16);
  }
  body.push_back(0xFD);
  AppendU32(body, code);
  body.push_back(0x0B);
  std::vector<uint8_t> code_section = {0x01};
  AppendU32(code_section, static_cast<uint32_t>(body.size()));
  code_section.insert(code_section.end(), body.begin(), body.end());

  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  AppendSection(m, 1, type);
  AppendSection(m, 3, {0x01, 0x00});
  AppendSection(m, 7, {0x01, 0x01, 'f', 0x00, 0x00});
  AppendSection(m, 10, code_section);
  return m;
}

simd::V128 RunRelaxed(uint32_t code, const std::vector<simd::V128>& operands) {
  std::vector<simd::V128> results;
  for (CompileMode mode : {CompileMode::kPlain, CompileMode::kOptimized}) {
    for (bool consts : {false, true}) {
      CAPTURE(code);
      CAPTURE(consts);
      CAPTURE(mode == CompileMode::kPlain);
      auto module =
          LoadModule(RelaxedModule(code, operands, consts), Limits(), mode);
      INFO(module.status().ToString());
      REQUIRE(module.ok());
      Store store;
      auto inst = store.Instantiate(*module, {});
      REQUIRE(inst.ok());
      std::vector<Value> args;
      if (!consts) {
        for (const simd::V128& v : operands) {
          args.push_back(Value{ValType::kV128, v.lo, v.hi});
        }
      }
      InvokeResult r = store.Invoke((*inst)->FindExport("f")->func, args);
      REQUIRE(r.ok());
      REQUIRE(r.values.size() == 1);
      results.push_back({r.values[0].bits, r.values[0].hi});
      CHECK(results.back().lo == results.front().lo);
      CHECK(results.back().hi == results.front().hi);
    }
  }
  return results.front();
}

template <typename T, int N = 16 / sizeof(T)>
simd::V128 Vec(const T (&lanes)[N]) {
  simd::Lanes<T> l;
  for (int i = 0; i < N; ++i) l.v[i] = lanes[i];
  return simd::Join(l);
}
template <typename T>
T Lane(simd::V128 v, uint32_t i) {
  return simd::ExtractLane<T>(v, i);
}
bool SameBits(simd::V128 a, simd::V128 b) {
  return a.lo == b.lo && a.hi == b.hi;
}

TEST_CASE("relaxed simd: i8x16.relaxed_swizzle selects 0 from 16 up") {
  uint8_t a[16], s[16] = {0, 15, 16, 17, 31, 100, 127, 128,
                          200, 255, 3, 9, 0x8F, 0x10, 0x70, 14};
  for (int i = 0; i < 16; ++i) a[i] = static_cast<uint8_t>(0xA0 + i);
  simd::V128 r = RunRelaxed(0x100, {Vec<uint8_t>(a), Vec<uint8_t>(s)});
  const uint8_t want[16] = {0xA0, 0xAF, 0, 0, 0, 0, 0, 0,
                            0,    0,    0xA3, 0xA9, 0, 0, 0, 0xAE};
  CHECK(SameBits(r, Vec<uint8_t>(want)));
}

TEST_CASE("relaxed simd: relaxed_trunc saturates, NaN gives 0") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  simd::V128 r = RunRelaxed(0x101, {Vec<float>({nan, 3e9f, -3e9f, -1.9f})});
  CHECK(SameBits(r, Vec<int32_t>({0, INT32_MAX, INT32_MIN, -1})));
  r = RunRelaxed(0x102, {Vec<float>({nan, -1.0f, 5e9f, 4294967040.0f})});
  CHECK(SameBits(r, Vec<uint32_t>({0, 0, UINT32_MAX, 4294967040u})));
  const double dnan = std::numeric_limits<double>::quiet_NaN();
  r = RunRelaxed(0x103, {Vec<double>({dnan, -1e10})});
  CHECK(SameBits(r, Vec<int32_t>({0, INT32_MIN, 0, 0})));
  r = RunRelaxed(0x103, {Vec<double>({2147483647.9, -2147483648.9})});
  CHECK(SameBits(r, Vec<int32_t>({INT32_MAX, INT32_MIN, 0, 0})));
  r = RunRelaxed(0x104, {Vec<double>({1e10, 4294967295.5})});
  CHECK(SameBits(r, Vec<uint32_t>({UINT32_MAX, UINT32_MAX, 0, 0})));
  r = RunRelaxed(0x104, {Vec<double>({-0.9, dnan})});
  CHECK(SameBits(r, Vec<uint32_t>({0, 0, 0, 0})));
}

TEST_CASE("relaxed simd: relaxed_madd and relaxed_nmadd round twice") {
  // x * y = 1 + 2^-15 + 2^-22 + 2^-37: the last term is lost when the
  // product is rounded, so x * y + z is 0 unfused and 2^-37 fused.
  const float x = 0x1.000004p+0f, y = 0x1.0002p+0f, z = -0x1.000204p+0f;
  const float big = std::numeric_limits<float>::max();
  simd::V128 r = RunRelaxed(0x105, {Vec<float>({x, big, 2.0f, -0.0f}),
                                    Vec<float>({y, 2.0f, 3.0f, 1.0f}),
                                    Vec<float>({z, -big, 10.0f, 0.0f})});
  CHECK(Lane<float>(r, 0) == 0.0f);
  CHECK(std::isinf(Lane<float>(r, 1)));  // FLT_MAX * 2 overflows first
  CHECK(Lane<float>(r, 2) == 16.0f);
  CHECK(Lane<float>(r, 3) == 0.0f);
  r = RunRelaxed(0x106, {Vec<float>({-x, x, 2.0f, 1.0f}),
                         Vec<float>({y, -y, 3.0f, 1.0f}),
                         Vec<float>({z, z, 10.0f, 1.0f})});
  CHECK(SameBits(r, Vec<float>({0.0f, 0.0f, 4.0f, 0.0f})));

  const double dx = 0x1.00000004p+0, dy = 0x1.000002p+0,
               dz = -0x1.00000204p+0;
  const double dbig = std::numeric_limits<double>::max();
  r = RunRelaxed(0x107, {Vec<double>({dx, dbig}), Vec<double>({dy, 2.0}),
                         Vec<double>({dz, -dbig})});
  CHECK(Lane<double>(r, 0) == 0.0);
  CHECK(std::isinf(Lane<double>(r, 1)));
  r = RunRelaxed(0x108, {Vec<double>({-dx, 2.0}), Vec<double>({dy, 3.0}),
                         Vec<double>({dz, 10.0})});
  CHECK(SameBits(r, Vec<double>({0.0, 4.0})));
}

TEST_CASE("relaxed simd: relaxed_laneselect is bitselect at every width") {
  const simd::V128 a = simd::Splat<uint8_t>(0x11);
  const simd::V128 b = simd::Splat<uint8_t>(0x22);
  // Masks that are neither all-ones nor all-zeros in any lane, with the
  // top bit set in some lanes and clear in others.
  const simd::V128 m = {0x80FF7F0F00F0FF01ull, 0xFEDCBA9876543210ull};
  const simd::V128 want = simd::Or(simd::And(a, m), simd::AndNot(b, m));
  for (uint32_t code : {0x109u, 0x10Au, 0x10Bu, 0x10Cu}) {
    CAPTURE(code);
    CHECK(SameBits(RunRelaxed(code, {a, b, m}), want));
  }
  // All-ones and all-zeros lanes pick a and b whole.
  const simd::V128 whole = {0xFFFFFFFF00000000ull, 0x00000000FFFFFFFFull};
  CHECK(SameBits(RunRelaxed(0x10B, {a, b, whole}),
                 simd::V128{0x1111111122222222ull, 0x2222222211111111ull}));
}

TEST_CASE("relaxed simd: relaxed_min and relaxed_max are min and max") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const simd::V128 a = Vec<float>({nan, 1.0f, -0.0f, 0.0f});
  const simd::V128 b = Vec<float>({1.0f, nan, 0.0f, -0.0f});
  simd::V128 lo = RunRelaxed(0x10D, {a, b});
  simd::V128 hi = RunRelaxed(0x10E, {a, b});
  for (uint32_t i : {0u, 1u}) {
    CHECK(std::isnan(Lane<float>(lo, i)));
    CHECK(std::isnan(Lane<float>(hi, i)));
  }
  // -0 is below +0 whichever operand it is.
  CHECK(Lane<uint32_t>(lo, 2) == 0x80000000u);
  CHECK(Lane<uint32_t>(lo, 3) == 0x80000000u);
  CHECK(Lane<uint32_t>(hi, 2) == 0u);
  CHECK(Lane<uint32_t>(hi, 3) == 0u);

  const double dnan = std::numeric_limits<double>::quiet_NaN();
  lo = RunRelaxed(0x10F, {Vec<double>({dnan, 0.0}), Vec<double>({2.0, -0.0})});
  hi = RunRelaxed(0x110, {Vec<double>({2.0, -0.0}), Vec<double>({dnan, 0.0})});
  CHECK(std::isnan(Lane<double>(lo, 0)));
  CHECK(Lane<uint64_t>(lo, 1) == 0x8000000000000000ull);
  CHECK(std::isnan(Lane<double>(hi, 0)));
  CHECK(Lane<uint64_t>(hi, 1) == 0u);
  lo = RunRelaxed(0x10F, {Vec<double>({-5.0, 3.0}), Vec<double>({2.0, 7.0})});
  CHECK(SameBits(lo, Vec<double>({-5.0, 3.0})));
}

TEST_CASE("relaxed simd: relaxed_q15mulr_s saturates 0x8000 * 0x8000") {
  simd::V128 r = RunRelaxed(
      0x111, {Vec<int16_t>({INT16_MIN, -32767, 32767, 0x4000, -0x4000, 1,
                            INT16_MIN, 0}),
              Vec<int16_t>({INT16_MIN, INT16_MIN, 32767, 0x4000, 0x4000,
                            0x4000, 1, 0})});
  CHECK(SameBits(r, Vec<int16_t>({INT16_MAX, INT16_MAX, 32766, 0x2000,
                                  -0x2000, 1, -1, 0})));
}

TEST_CASE("relaxed simd: relaxed dot products take both bytes signed") {
  int8_t a[16], ones[16];
  for (int i = 0; i < 16; ++i) {
    a[i] = static_cast<int8_t>(i + 1);
    ones[i] = 1;
  }
  simd::V128 r = RunRelaxed(0x112, {Vec<int8_t>(a), Vec<int8_t>(ones)});
  CHECK(SameBits(r, Vec<int16_t>({3, 7, 11, 15, 19, 23, 27, 31})));
  // 0x80 bytes: -128 * -128 twice is 32768, saturated to 32767; -128 in
  // the second operand is -128 (an unsigned reading would give 128).
  const simd::V128 m80 = simd::Splat<uint8_t>(0x80);
  r = RunRelaxed(0x112, {m80, m80});
  CHECK(SameBits(r, simd::Splat<int16_t>(INT16_MAX)));
  r = RunRelaxed(0x112, {Vec<int8_t>(ones), m80});
  CHECK(SameBits(r, simd::Splat<int16_t>(-256)));
  r = RunRelaxed(0x112, {m80, simd::Splat<int8_t>(127)});
  CHECK(SameBits(r, simd::Splat<int16_t>(-32512)));

  // dot_add: the saturated i16 sums, paired into i32, plus c (wrapping).
  r = RunRelaxed(0x113,
                 {m80, m80, Vec<int32_t>({1, -1, INT32_MAX, 0})});
  CHECK(SameBits(r, Vec<uint32_t>({65535u, 65533u, 0x7FFFFFFFu + 65534u,
                                   65534u})));
  r = RunRelaxed(0x113, {Vec<int8_t>(a), Vec<int8_t>(ones),
                         Vec<int32_t>({0, 1, 2, 3})});
  CHECK(SameBits(r, Vec<int32_t>({10, 27, 44, 61})));
}

}  // namespace
}  // namespace wsbx
