// End-to-end tests of the compiler and interpreter: hand-assembled modules go
// through LoadModule, Store::Instantiate and Store::Invoke. Covers numeric
// edge cases, traps and backtraces, calls and deep recursion, br_table,
// multi-value blocks, memory bounds, host calls with re-entry, call_indirect.
#include "runtime/execute/interpreter.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "runtime/execute/budget.h"
#include "runtime/engine.h"
#include "runtime/execute/exec_context.h"
#include "runtime/store/store.h"
#include "runtime/tests/wasm_bytes.h"

namespace wsbx {
namespace {

using testing::AppendName;
using testing::AppendS64;
using testing::AppendU32;
using testing::Bytes;

// Instruction snippets for bodies.
Bytes I32(int32_t v) {
  Bytes b{0x41};
  AppendS64(b, v);
  return b;
}
Bytes I64(int64_t v) {
  Bytes b{0x42};
  AppendS64(b, v);
  return b;
}
Bytes Op(std::initializer_list<uint8_t> bytes) { return Bytes(bytes); }
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C;

// Builds a module with function imports, functions, one optional memory,
// one optional funcref table with an active segment at 0, and exports.
class ModuleBuilder {
 public:
  uint32_t Type(Bytes params, Bytes results) {
    Bytes t{0x60};
    AppendU32(t, static_cast<uint32_t>(params.size()));
    t.insert(t.end(), params.begin(), params.end());
    AppendU32(t, static_cast<uint32_t>(results.size()));
    t.insert(t.end(), results.begin(), results.end());
    types_.push_back(t);
    return static_cast<uint32_t>(types_.size() - 1);
  }
  uint32_t Import(const std::string& name, uint32_t type) {
    imports_.push_back({name, type});
    return static_cast<uint32_t>(imports_.size() - 1);
  }
  // `locals` is the encoded locals vector; `body` excludes the final end.
  uint32_t Func(uint32_t type, Bytes body, Bytes locals = {0},
                const std::string& export_name = "") {
    Bytes code = locals;
    code.insert(code.end(), body.begin(), body.end());
    code.push_back(0x0B);
    funcs_.push_back({type, code});
    uint32_t index = static_cast<uint32_t>(imports_.size() + funcs_.size() - 1);
    if (!export_name.empty()) exports_.push_back({export_name, index});
    return index;
  }
  void Memory(uint32_t min_pages) { memory_ = min_pages; }
  void Table(std::vector<uint32_t> elems, uint32_t size) {
    table_elems_ = std::move(elems);
    table_size_ = size;
  }
  void MutableGlobalI64() { global_ = true; }

  Bytes Build() const {
    Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    Section(out, 1, types_);
    std::vector<Bytes> imports;
    for (const auto& [name, type] : imports_) {
      Bytes b;
      AppendName(b, "env");
      AppendName(b, name);
      b.push_back(0x00);
      AppendU32(b, type);
      imports.push_back(b);
    }
    Section(out, 2, imports);
    std::vector<Bytes> funcs;
    for (const auto& f : funcs_) {
      Bytes b;
      AppendU32(b, f.first);
      funcs.push_back(b);
    }
    Section(out, 3, funcs);
    if (table_size_ > 0) {
      Section(out, 4, {Bytes{0x70, 0x00, uint8_t(table_size_)}});
    }
    if (memory_ >= 0) Section(out, 5, {Bytes{0x00, uint8_t(memory_)}});
    if (global_) Section(out, 6, {Bytes{kI64, 0x01, 0x42, 0x00, 0x0B}});
    std::vector<Bytes> exports;
    for (const auto& [name, index] : exports_) {
      Bytes b;
      AppendName(b, name);
      b.push_back(0x00);
      AppendU32(b, index);
      exports.push_back(b);
    }
    Section(out, 7, exports);
    if (!table_elems_.empty()) {
      Bytes b{0x00, 0x41, 0x00, 0x0B};
      AppendU32(b, static_cast<uint32_t>(table_elems_.size()));
      for (uint32_t e : table_elems_) AppendU32(b, e);
      Section(out, 9, {b});
    }
    std::vector<Bytes> codes;
    for (const auto& f : funcs_) {
      Bytes b;
      AppendU32(b, static_cast<uint32_t>(f.second.size()));
      b.insert(b.end(), f.second.begin(), f.second.end());
      codes.push_back(b);
    }
    Section(out, 10, codes);
    return out;
  }

 private:
  static void Section(Bytes& out, uint8_t id, const std::vector<Bytes>& items) {
    if (items.empty()) return;
    Bytes payload;
    AppendU32(payload, static_cast<uint32_t>(items.size()));
    for (const Bytes& i : items) {
      payload.insert(payload.end(), i.begin(), i.end());
    }
    out.push_back(id);
    AppendU32(out, static_cast<uint32_t>(payload.size()));
    out.insert(out.end(), payload.begin(), payload.end());
  }

  std::vector<Bytes> types_;
  std::vector<std::pair<std::string, uint32_t>> imports_;
  std::vector<std::pair<uint32_t, Bytes>> funcs_;
  std::vector<std::pair<std::string, uint32_t>> exports_;
  int memory_ = -1;
  std::vector<uint32_t> table_elems_;
  uint32_t table_size_ = 0;
  bool global_ = false;
};

// A store with one instance of the built module.
struct Harness {
  explicit Harness(const ModuleBuilder& b, std::vector<Extern> imports = {},
                   const Limits& limits = Limits())
      : store(limits) {
    Bytes bytes = b.Build();
    auto module = LoadModule(bytes, limits);
    REQUIRE_MESSAGE(module.ok(), module.status().ToString());
    auto inst = store.Instantiate(*module, imports);
    REQUIRE_MESSAGE(inst.ok(), inst.status().ToString());
    instance = *inst;
  }
  InvokeResult Call(const std::string& name, std::vector<Value> args = {}) {
    auto ext = instance->FindExport(name);
    REQUIRE(ext.has_value());
    return store.Invoke(ext->func, args);
  }
  Store store;
  Instance* instance = nullptr;
};

// Runs a one-function module `(params) -> result` on the given arguments.
InvokeResult RunOne(Bytes params, uint8_t result, Bytes body,
                    std::vector<Value> args) {
  ModuleBuilder b;
  b.Func(b.Type(params, {result}), body, {0}, "f");
  Harness h(b);
  return h.Call("f", args);
}

std::string TrapMessage(const InvokeResult& r) {
  return r.trap ? r.trap->message : "no trap";
}

TEST_CASE("interpreter: integer division and remainder edge cases") {
  const Bytes div_s = Op({0x20, 0, 0x20, 1, 0x6D});
  const Bytes rem_s = Op({0x20, 0, 0x20, 1, 0x6F});
  auto r = RunOne({kI32, kI32}, kI32, div_s, {Value::I32(7), Value::I32(0)});
  CHECK(TrapMessage(r) == "integer divide by zero");
  r = RunOne({kI32, kI32}, kI32, div_s,
             {Value::I32(0x80000000u), Value::I32(0xFFFFFFFFu)});
  CHECK(TrapMessage(r) == "integer overflow");
  r = RunOne({kI32, kI32}, kI32, rem_s,
             {Value::I32(0x80000000u), Value::I32(0xFFFFFFFFu)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == Value::I32(0));
  r = RunOne({kI32, kI32}, kI32, div_s,
             {Value::I32(static_cast<uint32_t>(-7)), Value::I32(2)});
  CHECK(r.values[0] == Value::I32(static_cast<uint32_t>(-3)));
  // i64.rem_u, shifts modulo width and rotates.
  r = RunOne({kI64, kI64}, kI64, Op({0x20, 0, 0x20, 1, 0x86}),
             {Value::I64(1), Value::I64(65)});
  CHECK(r.values[0] == Value::I64(2));
  r = RunOne({kI32, kI32}, kI32, Op({0x20, 0, 0x20, 1, 0x77}),
             {Value::I32(0x80000001u), Value::I32(33)});
  CHECK(r.values[0] == Value::I32(3));
  r = RunOne({kI32}, kI32, Op({0x20, 0, 0x67}), {Value::I32(0)});
  CHECK(r.values[0] == Value::I32(32));
}

TEST_CASE("interpreter: float semantics keep NaN bits and order zeros") {
  // f32.min(-0, +0) is -0; f64.max(+0, -0) is +0.
  auto r = RunOne({kF32, kF32}, kF32, Op({0x20, 0, 0x20, 1, 0x96}),
                  {Value::F32Bits(0x80000000u), Value::F32Bits(0)});
  CHECK(r.values[0].bits == 0x80000000u);
  r = RunOne({kF64, kF64}, kF64, Op({0x20, 1, 0x20, 0, 0xA5}),
             {Value::F64Bits(0), Value::F64Bits(0x8000000000000000ull)});
  CHECK(r.values[0].bits == 0);
  // A signalling NaN passes through locals, neg and copysign unchanged.
  r = RunOne({kF32}, kF32, Op({0x20, 0, 0x8C, 0x8C}),
             {Value::F32Bits(0x7FA00001u)});
  CHECK(r.values[0].bits == 0x7FA00001u);
  // nearest rounds half to even.
  r = RunOne({kF64}, kF64, Op({0x20, 0, 0x9E}), {Value::F64(2.5)});
  CHECK(r.values[0].f64() == 2.0);
  // u64 -> f32 rounds once, correctly.
  r = RunOne({kI64}, kF32, Op({0x20, 0, 0xB5}),
             {Value::I64(0x8000008000000001ull)});
  CHECK(r.values[0].f32() == 9223373136366403584.0f);
}

TEST_CASE("interpreter: float to integer truncation") {
  const Bytes trunc_s = Op({0x20, 0, 0xAA});  // i32.trunc_f64_s
  auto r = RunOne({kF64}, kI32, trunc_s, {Value::F64(-2147483648.9)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == Value::I32(0x80000000u));
  r = RunOne({kF64}, kI32, trunc_s, {Value::F64(-2147483649.0)});
  CHECK(TrapMessage(r) == "integer overflow");
  r = RunOne({kF64}, kI32, trunc_s, {Value::F64Bits(0x7FF8000000000000ull)});
  CHECK(TrapMessage(r) == "invalid conversion to integer");
  // i64.trunc_sat_f32_u clamps.
  r = RunOne({kF32}, kI64, Op({0x20, 0, 0xFC, 5}), {Value::F32(-5.0f)});
  CHECK(r.values[0] == Value::I64(0));
  r = RunOne({kF32}, kI64, Op({0x20, 0, 0xFC, 5}), {Value::F32(1e30f)});
  CHECK(r.values[0] == Value::I64(~uint64_t{0}));
}

TEST_CASE("interpreter: br_table and multi-value blocks") {
  // Three void blocks; br_table picks how many to leave.
  Bytes body = Cat({Op({0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0, 0x0E, 2,
                        0, 1, 2, 0x0B}),
                    I32(10), Op({0x0F, 0x0B}), I32(11), Op({0x0F, 0x0B}),
                    I32(12)});
  ModuleBuilder b;
  b.Func(b.Type({kI32}, {kI32}), body, {0}, "f");
  // br_table carrying a value that must move down past a dead one.
  Bytes carry = Cat({Op({0x02, kI32, 0x02, kI32}), I32(7), I32(99),
                     Op({0x20, 0, 0x0E, 1, 0, 1, 0x0B}), I32(1),
                     Op({0x6A, 0x0B})});
  b.Func(b.Type({kI32}, {kI32}), carry, {0}, "carry");
  // A [i32 i32] -> [i32 i32] block that swaps its inputs and leaves by a
  // branch with a dead value below: (a, b) -> b - a.
  uint32_t swap_type = b.Type({kI32, kI32}, {kI32, kI32});
  Bytes multi = Op({0x20, 0, 0x20, 1, 0x02, uint8_t(swap_type), 0x21, 2,
                    0x21, 3, 0x41, 0, 0x20, 2, 0x20, 3, 0x0C, 0, 0x0B, 0x6B});
  b.Func(b.Type({kI32, kI32}, {kI32}), multi, {1, 2, kI32}, "swap_sub");
  Harness h(b);
  CHECK(h.Call("f", {Value::I32(0)}).values[0] == Value::I32(10));
  CHECK(h.Call("f", {Value::I32(1)}).values[0] == Value::I32(11));
  CHECK(h.Call("f", {Value::I32(2)}).values[0] == Value::I32(12));
  CHECK(h.Call("f", {Value::I32(7)}).values[0] == Value::I32(12));
  CHECK(h.Call("carry", {Value::I32(0)}).values[0] == Value::I32(100));
  CHECK(h.Call("carry", {Value::I32(1)}).values[0] == Value::I32(99));
  CHECK(h.Call("carry", {Value::I32(5)}).values[0] == Value::I32(99));
  CHECK(h.Call("swap_sub", {Value::I32(10), Value::I32(3)}).values[0] ==
        Value::I32(static_cast<uint32_t>(-7)));
}

// fac(n) recursive and an unbounded recursion.
ModuleBuilder RecursionModule() {
  ModuleBuilder b;
  uint32_t t = b.Type({kI64}, {kI64});
  // if n == 0 then 1 else n * fac(n - 1)
  Bytes fac = Cat({Op({0x20, 0, 0x50, 0x04, kI64}), I64(1),
                   Op({0x05, 0x20, 0}), Op({0x20, 0}), I64(1),
                   Op({0x7D, 0x10, 0, 0x7E, 0x0B})});
  b.Func(t, fac, {0}, "fac");
  b.Func(b.Type({}, {}), Op({0x10, 1}), {0}, "forever");
  // depth(n): n == 0 ? 0 : depth(n - 1) + 1
  Bytes depth = Cat({Op({0x20, 0, 0x50, 0x04, kI64}), I64(0),
                     Op({0x05, 0x20, 0}), I64(1),
                     Op({0x7D, 0x10, 2}), I64(1), Op({0x7C, 0x0B})});
  b.Func(t, depth, {0}, "depth");
  return b;
}

TEST_CASE("interpreter: recursion depth and call stack exhaustion") {
  Harness h(RecursionModule());
  CHECK(h.Call("fac", {Value::I64(20)}).values[0] ==
        Value::I64(2432902008176640000ull));
  auto r = h.Call("depth", {Value::I64(10000)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == Value::I64(10000));
  r = h.Call("forever");
  CHECK(TrapMessage(r) == "call stack exhausted");
  CHECK(r.trap->backtrace.size() > 1000);
  // The context is reusable after the trap.
  CHECK(h.store.exec().depth == 0);
  CHECK(h.Call("fac", {Value::I64(5)}).values[0] == Value::I64(120));
}

TEST_CASE("interpreter: value stack limit is a trap") {
  Limits limits;
  limits.value_stack_slots = 1000;
  Harness h(RecursionModule(), {}, limits);
  CHECK(TrapMessage(h.Call("depth", {Value::I64(5000)})) ==
        "call stack exhausted");
  CHECK(h.Call("depth", {Value::I64(10)}).values[0] == Value::I64(10));
}

TEST_CASE("interpreter: memory bounds and bulk operations") {
  ModuleBuilder b;
  b.Memory(1);
  uint32_t load_t = b.Type({kI32}, {kI64});
  b.Func(load_t, Op({0x20, 0, 0x29, 3, 4}), {0}, "load_off4");
  uint32_t fill_t = b.Type({kI32, kI32, kI32}, {});
  b.Func(fill_t, Op({0x20, 0, 0x20, 1, 0x20, 2, 0xFC, 11, 0}), {0}, "fill");
  b.Func(b.Type({kI32}, {kI32}), Op({0x20, 0, 0x40, 0}), {0}, "grow");
  Harness h(b);
  CHECK(h.Call("load_off4", {Value::I32(65524)}).ok());
  CHECK(TrapMessage(h.Call("load_off4", {Value::I32(65525)})) ==
        "out of bounds memory access");
  CHECK(TrapMessage(h.Call("load_off4", {Value::I32(0xFFFFFFFFu)})) ==
        "out of bounds memory access");
  // fill is all-or-nothing; zero length at the end is fine.
  CHECK(TrapMessage(h.Call("fill", {Value::I32(65530), Value::I32(1),
                                    Value::I32(7)})) ==
        "out of bounds memory access");
  CHECK(h.Call("load_off4", {Value::I32(65524)}).values[0] == Value::I64(0));
  CHECK(h.Call("fill", {Value::I32(65536), Value::I32(1), Value::I32(0)}).ok());
  CHECK(h.Call("fill", {Value::I32(8), Value::I32(0xAB), Value::I32(8)}).ok());
  CHECK(h.Call("load_off4", {Value::I32(4)}).values[0] ==
        Value::I64(0xABABABABABABABABull));
  // After growing, the new page is addressable.
  CHECK(h.Call("grow", {Value::I32(1)}).values[0] == Value::I32(1));
  CHECK(h.Call("load_off4", {Value::I32(65529)}).ok());
  CHECK(h.Call("grow", {Value::I32(70000)}).values[0] ==
        Value::I32(0xFFFFFFFFu));
}

TEST_CASE("interpreter: call_indirect traps and cross-type checks") {
  ModuleBuilder b;
  uint32_t v_i = b.Type({}, {kI32});
  uint32_t i_i = b.Type({kI32}, {kI32});
  uint32_t f42 = b.Func(v_i, I32(42));
  uint32_t fid = b.Func(i_i, Op({0x20, 0}));
  b.Table({f42, fid}, 4);
  b.Func(i_i, Op({0x20, 0, 0x11, uint8_t(v_i), 0}), {0}, "call");
  Harness h(b);
  CHECK(h.Call("call", {Value::I32(0)}).values[0] == Value::I32(42));
  CHECK(TrapMessage(h.Call("call", {Value::I32(1)})) ==
        "indirect call type mismatch");
  CHECK(TrapMessage(h.Call("call", {Value::I32(2)})) ==
        "uninitialized element 2");
  CHECK(TrapMessage(h.Call("call", {Value::I32(4)})) == "undefined element");
}

TEST_CASE("interpreter: host calls, traps with backtrace and re-entry") {
  Store* store_ptr = nullptr;
  FunctionInstance* wasm_fac = nullptr;
  int host_calls = 0;
  // host(n): n < 0 traps; otherwise returns fac(n) computed by re-entering.
  HostFunction host = [&](HostContext& ctx, std::span<const uint64_t> args,
                          std::span<uint64_t> results) {
    ++host_calls;
    CHECK(ctx.store == store_ptr);
    CHECK(ctx.caller != nullptr);
    int64_t n = static_cast<int64_t>(args[0]);
    if (n < 0) {
      ctx.trap_message = "negative input";
      return TrapKind::kHostError;
    }
    Trap trap;
    uint64_t in = args[0], out = 0;
    TrapKind k = Execute(*ctx.store, wasm_fac, {&in, 1}, {&out, 1}, &trap);
    results[0] = out;
    return k;
  };
  ModuleBuilder b;
  uint32_t t = b.Type({kI64}, {kI64});
  b.Import("host", t);
  Bytes fac = Cat({Op({0x20, 0, 0x50, 0x04, kI64}), I64(1),
                   Op({0x05, 0x20, 0}), Op({0x20, 0}), I64(1),
                   Op({0x7D, 0x10, 1, 0x7E, 0x0B})});
  b.Func(t, fac, {0}, "fac");
  // via(n) = host(n) + 1, with an unrelated value below the arguments.
  b.Func(t, Cat({I64(1000), Op({0x20, 0, 0x10, 0, 0x7C})}), {0}, "via");
  Store store;
  store_ptr = &store;
  FuncType ft{{ValType::kI64}, {ValType::kI64}};
  Extern e = Extern::Func(store.AddHostFunction(ft, host, "host"));
  auto module = LoadModule(b.Build());
  REQUIRE(module.ok());
  auto inst = store.Instantiate(*module, {&e, 1});
  REQUIRE(inst.ok());
  wasm_fac = (*inst)->FindExport("fac")->func;
  FunctionInstance* via = (*inst)->FindExport("via")->func;
  std::vector<Value> five{Value::I64(5)};
  auto r = store.Invoke(via, five);
  REQUIRE(r.ok());
  CHECK(r.values[0] == Value::I64(1120));
  std::vector<Value> minus_one{Value::I64(~uint64_t{0})};
  r = store.Invoke(via, minus_one);
  CHECK(TrapMessage(r) == "negative input");
  REQUIRE(r.trap->backtrace.size() == 1);
  CHECK(r.trap->backtrace[0].func_index == 2);
  CHECK(host_calls == 2);
  CHECK(store.exec().depth == 0);
}

TEST_CASE("interpreter: unbounded host re-entry is capped") {
  Limits limits;
  limits.max_host_reentry = 5;
  Store store(limits);
  FunctionInstance* wasm = nullptr;
  HostFunction host = [&](HostContext& ctx, std::span<const uint64_t>,
                          std::span<uint64_t>) {
    Trap trap;
    return Execute(*ctx.store, wasm, {}, {}, &trap);
  };
  ModuleBuilder b;
  uint32_t t = b.Type({}, {});
  b.Import("host", t);
  b.Func(t, Op({0x10, 0}), {0}, "f");
  Extern e = Extern::Func(store.AddHostFunction(FuncType{}, host, "host"));
  auto module = LoadModule(b.Build(), limits);
  REQUIRE(module.ok());
  auto inst = store.Instantiate(*module, {&e, 1});
  REQUIRE(inst.ok());
  wasm = (*inst)->FindExport("f")->func;
  auto r = store.Invoke(wasm, {});
  CHECK(TrapMessage(r) == "call stack exhausted");
  CHECK(store.exec().reentry == 0);
}

TEST_CASE("interpreter: loops charge the instruction counter") {
  // Count down from n in a loop; fuel must drop by at least n.
  ModuleBuilder b;
  Bytes body = Cat({Op({0x03, 0x40, 0x20, 0, 0x41, 1, 0x6B, 0x22, 0, 0x0D, 0,
                        0x0B, 0x20, 0})});
  b.Func(b.Type({kI32}, {kI32}), body, {0}, "count");
  Harness h(b);
  int64_t before = h.store.exec().fuel;
  CHECK(h.Call("count", {Value::I32(1000)}).values[0] == Value::I32(0));
  CHECK(before - h.store.exec().fuel >= 1000);
}

TEST_CASE("interpreter: globals and sign extension") {
  ModuleBuilder b;
  b.MutableGlobalI64();
  b.Func(b.Type({kI64}, {kI64}),
         Op({0x20, 0, 0x24, 0, 0x23, 0, 0xC2}), {0}, "set_get_ext8");
  Harness h(b);
  CHECK(h.Call("set_get_ext8", {Value::I64(0x1FF)}).values[0] ==
        Value::I64(~uint64_t{0}));
  CHECK(h.Call("set_get_ext8", {Value::I64(0x17F)}).values[0] ==
        Value::I64(0x7F));
}

}  // namespace
}  // namespace wsbx

namespace wsbx {
namespace {

// The compiler fuses common pairs (constant operands, compare + branch,
// shift + add, constant add + memory access); each must behave exactly as
// the instructions it replaces.
TEST_CASE("interpreter: fused instructions keep the unfused semantics") {
  ModuleBuilder b;
  b.Memory(1);
  uint32_t i_i = b.Type({kI32}, {kI32});
  uint32_t ii_i = b.Type({kI32, kI32}, {kI32});
  // (x + 8) wraps at 32 bits before the access: 0xFFFFFFFC + 8 is address 4.
  b.Func(ii_i,
         Cat({Op({0x20, 0}), I32(8), Op({0x6A, 0x20, 1, 0x36, 2, 0}),
              Op({0x20, 0}), I32(8), Op({0x6A, 0x28, 2, 0})}),
         {0}, "store_load_wrapped");
  b.Func(i_i, Cat({Op({0x20, 0}), I32(33), Op({0x74})}), {0}, "shl33");
  b.Func(i_i, Cat({Op({0x20, 0}), I32(-1), Op({0x49})}), {0}, "lt_u_max");
  b.Func(i_i, Cat({Op({0x20, 0}), I32(-1), Op({0x48})}), {0}, "lt_s_minus1");
  // block (result i32) 1; x > 5 (signed); br_if 0; drop; 0 end
  b.Func(i_i,
         Cat({Op({0x02, kI32}), I32(1), Op({0x20, 0}), I32(5),
              Op({0x4A, 0x0D, 0, 0x1A}), I32(0), Op({0x0B})}),
         {0}, "gt5_br_if");
  // block (result i32) 7; x == 0; br_if 0; drop; 9 end
  b.Func(i_i,
         Cat({Op({0x02, kI32}), I32(7), Op({0x20, 0, 0x45, 0x0D, 0, 0x1A}),
              I32(9), Op({0x0B})}),
         {0}, "eqz_br_if");
  // (x << 2) + y, wrapping.
  b.Func(ii_i, Cat({Op({0x20, 0}), I32(2), Op({0x74, 0x20, 1, 0x6A})}), {0},
         "shl_add");
  // if (a <u b) 1 else 0, on i64 operands.
  b.Func(b.Type({kI64, kI64}, {kI32}),
         Cat({Op({0x20, 0, 0x20, 1, 0x54, 0x04, kI32}), I32(1), Op({0x05}),
              I32(0), Op({0x0B})}),
         {0}, "i64_lt_u_if");
  // select(a, b, c <s d) and select(a, b, c >u 5), the latter via a local.
  uint32_t iiii_i = b.Type({kI32, kI32, kI32, kI32}, {kI32});
  b.Func(iiii_i, Op({0x20, 0, 0x20, 1, 0x20, 2, 0x20, 3, 0x48, 0x1B}), {0},
         "select_lt_s");
  b.Func(iiii_i,
         Cat({Op({0x20, 0, 0x20, 1, 0x20, 2}), I32(5),
              Op({0x4B, 0x1B, 0x21, 3, 0x20, 3})}),
         {0}, "select_gt_u_imm");
  Harness h(b);
  auto call = [&](const std::string& name, std::vector<Value> args) {
    InvokeResult r = h.Call(name, args);
    REQUIRE_MESSAGE(r.ok(), TrapMessage(r));
    return r.values[0];
  };
  CHECK(call("store_load_wrapped", {Value::I32(0xFFFFFFFCu),
                                    Value::I32(0x12345678)}) ==
        Value::I32(0x12345678));
  CHECK(call("store_load_wrapped", {Value::I32(0), Value::I32(5)}) ==
        Value::I32(5));
  CHECK(TrapMessage(h.Call("store_load_wrapped",
                           {Value::I32(65532), Value::I32(1)})) ==
        "out of bounds memory access");
  CHECK(call("shl33", {Value::I32(3)}) == Value::I32(6));
  CHECK(call("lt_u_max", {Value::I32(0xFFFFFFFEu)}) == Value::I32(1));
  CHECK(call("lt_u_max", {Value::I32(0xFFFFFFFFu)}) == Value::I32(0));
  CHECK(call("lt_s_minus1", {Value::I32(0x80000000u)}) == Value::I32(1));
  CHECK(call("lt_s_minus1", {Value::I32(0)}) == Value::I32(0));
  CHECK(call("gt5_br_if", {Value::I32(6)}) == Value::I32(1));
  CHECK(call("gt5_br_if", {Value::I32(5)}) == Value::I32(0));
  CHECK(call("gt5_br_if", {Value::I32(0xFFFFFFF9u)}) == Value::I32(0));
  CHECK(call("eqz_br_if", {Value::I32(0)}) == Value::I32(7));
  CHECK(call("eqz_br_if", {Value::I32(4)}) == Value::I32(9));
  CHECK(call("shl_add", {Value::I32(0x40000001u), Value::I32(3)}) ==
        Value::I32(7));
  CHECK(call("i64_lt_u_if", {Value::I64(1), Value::I64(~0ull)}) ==
        Value::I32(1));
  CHECK(call("i64_lt_u_if", {Value::I64(~0ull), Value::I64(1)}) ==
        Value::I32(0));
  auto four = [](uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return std::vector<Value>{Value::I32(a), Value::I32(b), Value::I32(c),
                              Value::I32(d)};
  };
  CHECK(call("select_lt_s", four(10, 20, 0xFFFFFFFFu, 0)) == Value::I32(10));
  CHECK(call("select_lt_s", four(10, 20, 0, 0xFFFFFFFFu)) == Value::I32(20));
  CHECK(call("select_lt_s", four(10, 20, 3, 3)) == Value::I32(20));
  CHECK(call("select_gt_u_imm", four(1, 2, 6, 0)) == Value::I32(1));
  CHECK(call("select_gt_u_imm", four(1, 2, 5, 0)) == Value::I32(2));
  CHECK(call("select_gt_u_imm", four(1, 2, 0xFFFFFFFFu, 0)) == Value::I32(1));
}

// Fuel is charged per straight-line run, and a branch charges the run it
// lands in; runs go on across labels reached by falling through. Each path
// must cost exactly the instructions it executes (all but block, loop, else
// and end cost 1), counted here by hand.
TEST_CASE("interpreter: every branch form charges exactly what runs") {
  ModuleBuilder b;
  uint32_t i_i = b.Type({kI32}, {kI32});
  // block $end block $c block $b
  //   local.get 0  br_table $b $c $c $end          ;; x = 0, 1, 2, else
  // end ($b)  i32.const 10  local.set 1  br $end
  // end ($c)  local.get 0  i32.const 1  i32.sub
  //   if  i32.const 20 local.set 1  else  i32.const 30 local.set 1  end
  // end ($end)
  // loop $l  local.get 1  i32.const 7  i32.sub  local.tee 1
  //   i32.const 7  i32.gt_s  br_if $l  end
  // local.get 1
  b.Func(i_i,
         Op({0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0,    0x0E, 3,
             0,    1,    1,    2,    0x0B, 0x41, 10,   0x21, 1,    0x0C,
             1,    0x0B, 0x20, 0,    0x41, 1,    0x6B, 0x04, 0x40, 0x41,
             20,   0x21, 1,    0x05, 0x41, 30,   0x21, 1,    0x0B, 0x0B,
             0x03, 0x40, 0x20, 1,    0x41, 7,    0x6B, 0x22, 1,    0x41,
             7,    0x4A, 0x0D, 0,    0x0B, 0x20, 1}),
         {1, 1, kI32}, "paths");
  // block (result i32)  i32.const 1  i32.const 2  local.get 0  br_if 0
  //   drop drop i32.const 3  end  i32.const 10  i32.add
  // (the br_if moves its value down a slot: the branch with value moves)
  b.Func(i_i,
         Op({0x02, kI32, 0x41, 1, 0x41, 2, 0x20, 0, 0x0D, 0, 0x1A, 0x1A, 0x41,
             3, 0x0B, 0x41, 10, 0x6A}),
         {0}, "moves");
  Harness h(b);
  struct Case {
    const char* func;
    int32_t arg;
    int32_t result;
    uint64_t fuel;
  };
  // paths, x = 0: br_table, $b's run, 1 loop iteration (10 -> 3), get.
  // x = 1: else arm, 4 iterations (30 -> 2); x = 2: then arm, 2 (20 -> 6);
  // x = 3 or 9: the default straight to $end, 1 iteration (0 -> -7).
  const Case cases[] = {
      {"paths", 0, 3, 2 + 3 + 7 + 1},     {"paths", 1, 2, 2 + 4 + 2 + 28 + 1},
      {"paths", 2, 6, 2 + 4 + 2 + 14 + 1}, {"paths", 3, -7, 2 + 7 + 1},
      {"paths", 9, -7, 2 + 7 + 1},        {"moves", 1, 12, 4 + 2},
      {"moves", 0, 13, 4 + 3 + 2},
  };
  for (const Case& c : cases) {
    CAPTURE(c.func);
    CAPTURE(c.arg);
    SetFuel(h.store, std::nullopt);
    uint64_t before = FuelConsumed(h.store);
    InvokeResult r = h.Call(c.func, {Value::I32(c.arg)});
    REQUIRE(r.ok());
    CHECK(r.values[0] == Value::I32(c.result));
    CHECK(FuelConsumed(h.store) - before == c.fuel);
    // The budget boundary is the same count.
    SetFuel(h.store, c.fuel);
    CHECK(h.Call(c.func, {Value::I32(c.arg)}).ok());
    SetFuel(h.store, c.fuel - 1);
    InvokeResult short_run = h.Call(c.func, {Value::I32(c.arg)});
    REQUIRE_FALSE(short_run.ok());
    CHECK(short_run.trap->kind == TrapKind::kFuelExhausted);
  }
}

// How many instructions of the instance's code run through `op`'s handler.
size_t CountHandler(const Instance* instance, IOp op) {
  const uintptr_t h =
      reinterpret_cast<uintptr_t>(HandlerTable()[static_cast<int>(op)]);
  const std::vector<CodeWord>& code = instance->module->code->code;
  return static_cast<size_t>(std::count(code.begin(), code.end(), h));
}

// Pair handlers (code.h, WSBX_PAIRS) run two instructions in one dispatch;
// each must act as the two do, also when a branch lands on the second one
// or the second one traps.
TEST_CASE("interpreter: paired instructions act as the two they replace") {
  ModuleBuilder b;
  b.Memory(1);
  uint32_t ii_i = b.Type({kI32, kI32}, {kI32});
  uint32_t iii_i = b.Type({kI32, kI32, kI32}, {kI32});
  uint32_t i_i = b.Type({kI32}, {kI32});
  uint32_t v_v = b.Type({}, {});
  // Stores 100, 101, ... 107 at addresses 0, 4, ... 28 ...
  Bytes init;
  for (int i = 0; i < 8; ++i) {
    init = Cat({init, I32(4 * i), I32(100 + i), Op({0x36, 2, 0})});
  }
  // ... and the bytecode program 0 0 1 0 1 2 at 101 (memory starts zeroed).
  init = Cat({init, I32(103), I32(1), Op({0x3A, 0, 0}), I32(105), I32(1),
              Op({0x3A, 0, 0}), I32(106), I32(2), Op({0x3A, 0, 0})});
  b.Func(v_v, init, {0}, "init");
  // base + (i << 2), then i32.load: I32AddShl + I32Load.
  const Bytes index = Op({0x20, 0, 0x20, 1, 0x41, 2, 0x74, 0x6A});
  b.Func(ii_i, Cat({index, Op({0x28, 2, 0})}), {0}, "load");
  // block (result i32) local.get 0; local.get 2; br_if 0; drop; base + (i
  // << 2) end; i32.load: the br_if lands on the load that the pair holds.
  b.Func(iii_i,
         Cat({Op({0x02, kI32, 0x20, 0, 0x20, 2, 0x0D, 0, 0x1A}), index,
              Op({0x0B, 0x28, 2, 0})}),
         {0}, "load_or_base");
  // mem[base + 4 i] - mem[base + 4 j]: two indexed loads in a row.
  b.Func(b.Type({kI32, kI32, kI32}, {kI32}),
         Op({0x20, 0, 0x20, 1, 0x41, 2, 0x74, 0x6A, 0x28, 2, 0, 0x20, 0, 0x20,
             2, 0x41, 2, 0x74, 0x6A, 0x28, 2, 0, 0x6B}),
         {0}, "load_diff");
  // sub(local 0, local 1) as a call: the arguments are two copies.
  uint32_t sub = b.Func(ii_i, Op({0x20, 0, 0x20, 1, 0x6B}));
  b.Func(ii_i, Op({0x20, 0, 0x20, 1, 0x10, static_cast<uint8_t>(sub)}), {0},
         "call_sub");
  // (x + 3) * (x + 5) through two locals: two I32AddImm in a row.
  b.Func(i_i,
         Cat({Op({0x20, 0}), I32(3), Op({0x6A, 0x21, 1, 0x20, 0}), I32(5),
              Op({0x6A, 0x21, 2, 0x20, 1, 0x20, 2, 0x6C})}),
         {1, 2, kI32}, "two_adds");
  // Counts x down to 0 in steps of 1 while adding 2 to local 1:
  // loop  local.get 1 i32.const 2 i32.add local.set 1
  //       local.get 0 i32.const -1 i32.add local.tee 0 i32.const 0 i32.ne
  //       br_if 0  end  local.get 1
  b.Func(i_i,
         Cat({Op({0x03, 0x40, 0x20, 1}), I32(2), Op({0x6A, 0x21, 1, 0x20, 0}),
              I32(-1), Op({0x6A, 0x22, 0}), I32(0),
              Op({0x47, 0x0D, 0, 0x0B, 0x20, 1})}),
         {1, 1, kI32}, "count_down");
  // A bytecode loop as C interpreters compile: p += 1; switch (mem[p]):
  // 0 adds 1 to local 1, 1 doubles it, anything else stops.
  //   loop block block block
  //     local.get 0 i32.const 1 i32.add local.tee 0 i32.load8_u
  //     br_table 0 1 2
  //   end local.get 1 i32.const 1 i32.add local.set 1 br 2
  //   end local.get 1 i32.const 1 i32.shl local.set 1 br 1
  //   end end local.get 1
  b.Func(i_i,
         Op({0x03, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0,
             0x41, 1,    0x6A, 0x22, 0,    0x2D, 0,    0,    0x0E, 2,
             0,    1,    2,    0x0B, 0x20, 1,    0x41, 1,    0x6A, 0x21,
             1,    0x0C, 2,    0x0B, 0x20, 1,    0x41, 1,    0x74, 0x21,
             1,    0x0C, 1,    0x0B, 0x0B, 0x20, 1}),
         {1, 1, kI32}, "bytecode");
  Harness h(b);
  CHECK(CountHandler(h.instance, IOp::kI32AddImmI32Load8UBrTable) == 1);
  CHECK(CountHandler(h.instance, IOp::kI32AddShlI32Load) >= 2);
  CHECK(CountHandler(h.instance, IOp::kI32AddShlI32LoadI32AddShlI32Load) ==
        1);
  CHECK(CountHandler(h.instance, IOp::kCopyCopyCall) == 1);
  CHECK(CountHandler(h.instance, IOp::kCopyCall) == 1);
  CHECK(CountHandler(h.instance, IOp::kI32AddImmI32AddImm) >= 1);
  CHECK(CountHandler(h.instance, IOp::kI32AddImmBrFuelI32NeImm) == 1);

  REQUIRE(h.Call("init").ok());
  auto call = [&h](const char* name, std::vector<Value> args) {
    InvokeResult r = h.Call(name, std::move(args));
    REQUIRE(r.ok());
    return r.values[0];
  };
  CHECK(call("load", {Value::I32(0), Value::I32(3)}) == Value::I32(103));
  CHECK(call("load", {Value::I32(8), Value::I32(1)}) == Value::I32(103));
  InvokeResult oob = h.Call("load", {Value::I32(65532), Value::I32(1)});
  REQUIRE_FALSE(oob.ok());
  CHECK(oob.trap->kind == TrapKind::kMemoryOutOfBounds);
  const Value base = Value::I32(4), i = Value::I32(5);
  CHECK(call("load_or_base", {base, i, Value::I32(0)}) == Value::I32(106));
  CHECK(call("load_or_base", {base, i, Value::I32(1)}) == Value::I32(101));
  CHECK(call("call_sub", {Value::I32(10), Value::I32(3)}) == Value::I32(7));
  CHECK(call("load_diff", {Value::I32(4), Value::I32(6), Value::I32(1)}) ==
        Value::I32(5));
  InvokeResult oob2 =
      h.Call("load_diff", {Value::I32(0), Value::I32(1), Value::I32(1 << 20)});
  REQUIRE_FALSE(oob2.ok());
  CHECK(oob2.trap->kind == TrapKind::kMemoryOutOfBounds);
  CHECK(call("two_adds", {Value::I32(2)}) == Value::I32(35));
  CHECK(call("count_down", {Value::I32(5)}) == Value::I32(10));
  // The program at 101 (init): 0 0 1 0 1 2, so ((1 + 1) * 2 + 1) * 2.
  CHECK(call("bytecode", {Value::I32(100)}) == Value::I32(10));
}

// Results still held by locals are returned from there (no copy first);
// results that are not consecutive locals are copied into place.
TEST_CASE("interpreter: results returned straight from locals") {
  ModuleBuilder b;
  uint32_t iii_ii = b.Type({kI32, kI32, kI32}, {kI32, kI32});
  b.Func(iii_ii, Op({0x20, 1, 0x20, 2}), {0}, "middle");   // (b, c)
  b.Func(iii_ii, Op({0x20, 2, 0x20, 0}), {0}, "swapped");  // (c, a)
  b.Func(iii_ii, Op({0x20, 0, 0x20, 0}), {0}, "twice");    // (a, a)
  // 5, then (c, b) with `return`, over an extra value left on the stack.
  b.Func(iii_ii, Cat({I32(5), Op({0x20, 2, 0x20, 1, 0x0F})}), {0},
         "early");
  Harness h(b);
  const std::vector<Value> args = {Value::I32(1), Value::I32(2),
                                   Value::I32(3)};
  auto results = [&](const char* name) {
    InvokeResult r = h.Call(name, args);
    REQUIRE(r.ok());
    REQUIRE(r.values.size() == 2);
    return std::pair(r.values[0].i32(), r.values[1].i32());
  };
  CHECK(results("middle") == std::pair(2u, 3u));
  CHECK(results("swapped") == std::pair(3u, 1u));
  CHECK(results("twice") == std::pair(1u, 1u));
  CHECK(results("early") == std::pair(3u, 2u));
}

// Declared locals start at zero, so the compiler drops a constant zero
// stored into one not yet written before any label; any other zero store
// must still happen.
TEST_CASE("interpreter: zero stores into fresh locals") {
  // l1 = 0 (dropped); l2 = 5; l2 = 0 (kept: l2 was written);
  // result l1 * 100 + l2 + x
  ModuleBuilder straight;
  straight.Func(straight.Type({kI32}, {kI32}),
                Cat({Op({0x41, 0, 0x21, 1, 0x41, 5, 0x21, 2, 0x41, 0, 0x21, 2,
                         0x20, 1}),
                     I32(100), Op({0x6C, 0x20, 2, 0x6A, 0x20, 0, 0x6A})}),
                {1, 2, kI32}, "f");
  Harness h(straight);
  // Left: 5 and the second zero (100 becomes an immediate operand).
  CHECK(CountHandler(h.instance, IOp::kConst) == 2);
  InvokeResult r = h.Call("f", {Value::I32(3)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == Value::I32(3));

  // In a loop the zero store runs on every iteration:
  // loop: l3 = 0; l1 += l3; l3 = 7; --x; br_if  end  l1 * 100 + l3
  ModuleBuilder looped;
  looped.Func(looped.Type({kI32}, {kI32}),
              Cat({Op({0x03, 0x40, 0x41, 0, 0x21, 3, 0x20, 3, 0x20, 1, 0x6A,
                       0x21, 1, 0x41, 7, 0x21, 3, 0x20, 0, 0x41, 0x7F, 0x6A,
                       0x22, 0, 0x0D, 0, 0x0B, 0x20, 1}),
                   I32(100), Op({0x6C, 0x20, 3, 0x6A})}),
              {1, 3, kI32}, "f");
  Harness hl(looped);
  r = hl.Call("f", {Value::I32(3)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == Value::I32(7));
}

}  // namespace
}  // namespace wsbx
