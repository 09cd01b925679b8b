// Trap backtraces: each frame's name (name section, else first export) and
// the module offset of its active instruction, in both compile modes. The
// expected offsets come from the test's own bytes (where it put each
// opcode), never from the engine.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runtime/compile/code.h"
#include "runtime/compile/compiler.h"
#include "runtime/engine.h"
#include "runtime/execute/budget.h"
#include "runtime/execute/interpreter.h"
#include "runtime/store/store.h"
#include "runtime/tests/wasm_bytes.h"

namespace wsbx {
namespace {

using testing::AppendName;
using testing::AppendU32;
using testing::Bytes;

constexpr uint8_t kI32 = 0x7F;

// Assembles a module from its sections and remembers where each body
// landed, so a test can name the module offset of any opcode it wrote.
class Assembler {
 public:
  void Section(uint8_t id, const std::vector<Bytes>& items) {
    Bytes payload;
    AppendU32(payload, static_cast<uint32_t>(items.size()));
    for (const Bytes& i : items) payload.insert(payload.end(), i.begin(), i.end());
    Raw(id, payload);
  }
  void Raw(uint8_t id, const Bytes& payload) {
    out_.push_back(id);
    AppendU32(out_, static_cast<uint32_t>(payload.size()));
    out_.insert(out_.end(), payload.begin(), payload.end());
  }
  // The code section; `bodies` hold locals and code, final end included.
  void Code(const std::vector<Bytes>& bodies) {
    Bytes payload;
    AppendU32(payload, static_cast<uint32_t>(bodies.size()));
    std::vector<size_t> starts;
    for (const Bytes& b : bodies) {
      AppendU32(payload, static_cast<uint32_t>(b.size()));
      starts.push_back(payload.size());
      payload.insert(payload.end(), b.begin(), b.end());
    }
    out_.push_back(10);
    AppendU32(out_, static_cast<uint32_t>(payload.size()));
    for (size_t s : starts) body_starts_.push_back(out_.size() + s);
    bodies_ = bodies;
    out_.insert(out_.end(), payload.begin(), payload.end());
  }
  // Function names (subsection 1 of the "name" custom section).
  void Names(const std::vector<std::pair<uint32_t, std::string>>& names) {
    Bytes map;
    AppendU32(map, static_cast<uint32_t>(names.size()));
    for (const auto& [index, name] : names) {
      AppendU32(map, index);
      AppendName(map, name);
    }
    Bytes payload;
    AppendName(payload, "name");
    payload.push_back(1);
    AppendU32(payload, static_cast<uint32_t>(map.size()));
    payload.insert(payload.end(), map.begin(), map.end());
    Raw(0, payload);
  }
  // Module offset of `pattern` in body `body` (defined-function order);
  // `skip` more bytes on from its start (e.g. past local.gets).
  uint32_t At(size_t body, const Bytes& pattern, size_t skip = 0) const {
    const Bytes& b = bodies_[body];
    auto it = std::search(b.begin(), b.end(), pattern.begin(), pattern.end());
    REQUIRE(it != b.end());
    // The pattern must be unique in its body, or the test means nothing.
    REQUIRE(std::search(it + 1, b.end(), pattern.begin(), pattern.end()) ==
            b.end());
    return static_cast<uint32_t>(body_starts_[body] + (it - b.begin()) + skip);
  }
  const Bytes& bytes() const { return out_; }

 private:
  Bytes out_{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  std::vector<Bytes> bodies_;
  std::vector<size_t> body_starts_;
};

Bytes Export(const std::string& name, uint32_t func) {
  Bytes b;
  AppendName(b, name);
  b.push_back(0x00);
  AppendU32(b, func);
  return b;
}

// Function 0 is the import env.host: () -> (), which traps. Defined ones:
//  1 div(a, b) = a / b               named "divide", exported "div_export"
//  2 two_loads(a, b) = [a] + [b]     exported "two_loads", "two_loads_alias"
//  3 load_add(a, b) = [a + 8 + 4]    exported "load_add"
//  4 mid(a, b) = [div(a, b)]         neither named nor exported
//  5 outer(a, b) = mid(a, b)         exported "outer"
//  6 spin(n): counts n down to 0     exported "spin"
//  7 call_host(): host(); unreachable  exported "call_host"
Assembler TrapModule() {
  Assembler a;
  a.Section(1, {{0x60, 2, kI32, kI32, 1, kI32}, {0x60, 0, 0},
                {0x60, 1, kI32, 1, kI32}});
  Bytes import;
  AppendName(import, "env");
  AppendName(import, "host");
  import.push_back(0x00);
  import.push_back(1);
  a.Section(2, {import});
  a.Section(3, {{0}, {0}, {0}, {0}, {0}, {2}, {1}});
  a.Section(5, {{0x00, 1}});
  a.Section(7, {Export("div_export", 1), Export("two_loads", 2),
                Export("two_loads_alias", 2), Export("load_add", 3),
                Export("outer", 5), Export("spin", 6),
                Export("call_host", 7)});
  a.Code({
      {0, 0x20, 0, 0x20, 1, 0x6D, 0x0B},
      {0, 0x20, 0, 0x28, 2, 0, 0x20, 1, 0x28, 2, 0, 0x6A, 0x0B},
      {0, 0x20, 0, 0x41, 8, 0x6A, 0x28, 2, 4, 0x0B},
      {0, 0x20, 0, 0x20, 1, 0x10, 1, 0x28, 2, 0, 0x0B},
      {0, 0x20, 0, 0x20, 1, 0x10, 4, 0x0B},
      {0, 0x03, 0x40, 0x20, 0, 0x41, 1, 0x6B, 0x22, 0, 0x41, 0, 0x4A, 0x0D, 0,
       0x0B, 0x20, 0, 0x0B},
      {0, 0x10, 0, 0x00, 0x0B},
  });
  a.Names({{1, "divide"}});
  return a;
}

struct TrapRun {
  explicit TrapRun(const Assembler& a, CompileMode mode) {
    auto module = LoadModule(a.bytes(), Limits(), mode);
    REQUIRE_MESSAGE(module.ok(), module.status().ToString());
    FuncType host_type{{}, {}};
    Extern host = Extern::Func(store.AddHostFunction(
        host_type,
        [](HostContext& ctx, std::span<const uint64_t>, std::span<uint64_t>) {
          ctx.trap_message = "host says no";
          return TrapKind::kHostError;
        },
        "host"));
    auto inst = store.Instantiate(*module, {&host, 1});
    REQUIRE_MESSAGE(inst.ok(), inst.status().ToString());
    instance = *inst;
  }
  Trap Call(const std::string& name, std::vector<Value> args) {
    auto ext = instance->FindExport(name);
    REQUIRE(ext.has_value());
    InvokeResult r = store.Invoke(ext->func, args);
    REQUIRE(r.trap.has_value());
    return *r.trap;
  }
  size_t Handlers(IOp op) const {
    const auto h =
        reinterpret_cast<uintptr_t>(HandlerTable()[static_cast<int>(op)]);
    const std::vector<CodeWord>& code = instance->module->code->code;
    return static_cast<size_t>(std::count(code.begin(), code.end(), h));
  }
  Store store;
  Instance* instance = nullptr;
};

std::vector<Value> I32s(uint32_t a, uint32_t b) {
  return {Value::I32(a), Value::I32(b)};
}

constexpr CompileMode kModes[] = {CompileMode::kPlain, CompileMode::kOptimized};
const char* ModeName(CompileMode m) {
  return m == CompileMode::kPlain ? "plain" : "optimized";
}

TEST_CASE("backtrace: the trapping instruction and the active calls") {
  const Assembler a = TrapModule();
  const uint32_t div_at = a.At(0, {0x6D});
  const uint32_t mid_call = a.At(3, {0x10, 1});
  const uint32_t outer_call = a.At(4, {0x10, 4});
  for (CompileMode mode : kModes) {
    INFO(ModeName(mode));
    TrapRun run(a, mode);
    Trap t = run.Call("outer", I32s(7, 0));
    CHECK(t.kind == TrapKind::kIntegerDivideByZero);
    REQUIRE(t.backtrace.size() == 3);
    CHECK(t.backtrace[0].func_index == 1);
    CHECK(t.backtrace[0].func_name == "divide");  // the name section wins
    CHECK(t.backtrace[0].code_offset == div_at);
    CHECK(t.backtrace[1].func_index == 4);
    CHECK(t.backtrace[1].func_name.empty());
    CHECK(t.backtrace[1].code_offset == mid_call);
    CHECK(t.backtrace[2].func_index == 5);
    CHECK(t.backtrace[2].func_name == "outer");  // from its export
    CHECK(t.backtrace[2].code_offset == outer_call);
    char expected[160];
    std::snprintf(expected, sizeof(expected),
                  "integer divide by zero\n  at divide (func 1) +0x%x\n"
                  "  at func 4 +0x%x\n  at outer (func 5) +0x%x",
                  div_at, mid_call, outer_call);
    CHECK(t.ToString() == expected);
  }
}

TEST_CASE("backtrace: fused and paired forms name the wasm instruction") {
  const Assembler a = TrapModule();
  const uint32_t first_load = a.At(1, {0x28, 2, 0, 0x20}, 0);
  const uint32_t second_load = a.At(1, {0x28, 2, 0, 0x6A});
  const uint32_t load_add = a.At(2, {0x28, 2, 4});
  const uint32_t br_if = a.At(5, {0x0D, 0});
  for (CompileMode mode : kModes) {
    INFO(ModeName(mode));
    TrapRun run(a, mode);
    if (mode == CompileMode::kOptimized) {
      // Otherwise the cases below would not reach the fused handlers.
      CHECK(run.Handlers(IOp::kI32LoadI32Load) == 1);
      CHECK(run.Handlers(IOp::kI32LoadAdd) == 1);
      CHECK(run.Handlers(IOp::kBrFuelI32GtSImm) == 1);
    }
    // The second load of a pair traps: the pair handler's pc is the
    // first's, the report must still name the second.
    Trap t = run.Call("two_loads", I32s(0, 70000));
    CHECK(t.kind == TrapKind::kMemoryOutOfBounds);
    REQUIRE(t.backtrace.size() == 1);
    CHECK(t.backtrace[0].func_name == "two_loads");  // its first export
    CHECK(t.backtrace[0].code_offset == second_load);
    t = run.Call("two_loads", I32s(70000, 0));
    REQUIRE(t.backtrace.size() == 1);
    CHECK(t.backtrace[0].code_offset == first_load);
    // An i32.add folded into the load's address: the load is what traps.
    t = run.Call("load_add", I32s(65530, 0));
    CHECK(t.kind == TrapKind::kMemoryOutOfBounds);
    REQUIRE(t.backtrace.size() == 1);
    CHECK(t.backtrace[0].code_offset == load_add);
    // A compare fused into br_if: fuel runs out where the branch charges.
    SetFuel(run.store, 1000);
    t = run.Call("spin", {Value::I32(1000000)});
    CHECK(t.kind == TrapKind::kFuelExhausted);
    REQUIRE(t.backtrace.size() == 1);
    CHECK(t.backtrace[0].code_offset == br_if);
    SetFuel(run.store, std::nullopt);
  }
}

TEST_CASE("backtrace: a host function's trap is reported at its call") {
  const Assembler a = TrapModule();
  const uint32_t call = a.At(6, {0x10, 0});
  for (CompileMode mode : kModes) {
    INFO(ModeName(mode));
    TrapRun run(a, mode);
    Trap t = run.Call("call_host", {});
    CHECK(t.message == "host says no");
    // The host function has no frame; the caller's names the call, not
    // the unreachable right after it, where its pc has moved on to.
    REQUIRE(t.backtrace.size() == 1);
    CHECK(t.backtrace[0].func_index == 7);
    CHECK(t.backtrace[0].func_name == "call_host");
    CHECK(t.backtrace[0].code_offset == call);
  }
}

TEST_CASE("backtrace: call stack exhaustion in deep recursion") {
  // f(n) = f(n + 1): every frame's active instruction is the call, except
  // the innermost, which traps on entry.
  Assembler a;
  a.Section(1, {{0x60, 1, kI32, 1, kI32}});
  a.Section(3, {{0}});
  a.Section(7, {Export("rec", 0)});
  a.Code({{0, 0x20, 0, 0x41, 1, 0x6A, 0x10, 0, 0x0B}});
  const uint32_t call = a.At(0, {0x10, 0});
  const uint32_t body = a.At(0, {0x20, 0, 0x41});
  for (CompileMode mode : kModes) {
    INFO(ModeName(mode));
    Limits limits;
    limits.max_call_depth = 50;
    Store store(limits);
    auto module = LoadModule(a.bytes(), limits, mode);
    REQUIRE(module.ok());
    auto inst = store.Instantiate(*module, {});
    REQUIRE(inst.ok());
    std::vector<Value> args{Value::I32(0)};
    InvokeResult r = store.Invoke((*inst)->FindExport("rec")->func, args);
    REQUIRE(r.trap.has_value());
    CHECK(r.trap->kind == TrapKind::kCallStackExhausted);
    REQUIRE(r.trap->backtrace.size() >= 2);
    for (size_t i = 1; i < r.trap->backtrace.size(); ++i) {
      CHECK(r.trap->backtrace[i].code_offset == call);
    }
    // The innermost frame either traps at the call that finds no room or
    // on entry, at the body's first instruction.
    const auto inner = r.trap->backtrace[0].code_offset;
    CHECK((inner == call || inner == body));
    CHECK(r.trap->ToString().find("(" +
                                  std::to_string(r.trap->backtrace.size() -
                                                 (inner == call ? 0 : 1)) +
                                  " frames)") != std::string::npos);
  }
}

TEST_CASE("backtrace: a trap in the start function") {
  // start (a bare function index, section 8) calls boom: unreachable.
  Assembler b;
  b.Section(1, {{0x60, 0, 0}});
  b.Section(3, {{0}, {0}});
  b.Raw(8, {0});
  b.Code({{0, 0x01, 0x10, 1, 0x0B}, {0, 0x01, 0x00, 0x0B}});
  b.Names({{0, "init"}, {1, "boom"}});
  const uint32_t unreachable = b.At(1, {0x00, 0x0B});
  const uint32_t call = b.At(0, {0x10, 1});
  for (CompileMode mode : kModes) {
    INFO(ModeName(mode));
    Store store;
    auto module = LoadModule(b.bytes(), Limits(), mode);
    REQUIRE_MESSAGE(module.ok(), module.status().ToString());
    auto inst = store.Instantiate(*module, {});
    CHECK(!inst.ok());
    const Trap& t = store.start_trap();
    CHECK(t.kind == TrapKind::kUnreachable);
    REQUIRE(t.backtrace.size() == 2);
    CHECK(t.backtrace[0].func_name == "boom");
    CHECK(t.backtrace[0].code_offset == unreachable);
    CHECK(t.backtrace[1].func_name == "init");
    CHECK(t.backtrace[1].code_offset == call);
  }
}

TEST_CASE("backtrace: the site table is charged with the code") {
  const Assembler a = TrapModule();
  auto module = LoadModule(a.bytes());
  REQUIRE(module.ok());
  const CompiledCode& code = *(*module)->code;
  CHECK(!code.sites.empty());
  CHECK(std::is_sorted(code.sites.begin(), code.sites.end(),
                       [](const CodeSite& x, const CodeSite& y) {
                         return x.pos < y.pos;
                       }));
  // A cap just above the code words alone no longer fits.
  LoadBudget budget;
  budget.max_code_bytes = code.code.size() * sizeof(CodeWord);
  CHECK(!LoadModule(a.bytes(), Limits(), CompileMode::kOptimized, budget)
             .ok());
}

}  // namespace
}  // namespace wsbx
