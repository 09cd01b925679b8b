// Runs plain and optimized code side by side (diff_check.h). Both runs see
// identical inputs: the same bytes, limits, stub imports, fuel and
// arguments, so any difference in what they observe is a compiler bug.
#include "fuzz/diff_check.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fuzz/stub_imports.h"
#include "runtime/execute/budget.h"
#include "runtime/compile/compiler.h"
#include "runtime/engine.h"
#include "runtime/store/store.h"

namespace wsbx::fuzz {
namespace {

// Small caps so that a run costs little; frames stay far below the value
// stack so call depth, not frame size, decides stack exhaustion in both.
Limits DiffLimits() {
  Limits limits;
  limits.max_memory_pages = 16;
  limits.max_table_elements = 4096;
  limits.value_stack_slots = 1 << 18;
  limits.max_call_depth = 200;
  return limits;
}

// One of the two runs.
struct Run {
  explicit Run(std::shared_ptr<const Module> m) : module(std::move(m)) {}
  std::shared_ptr<const Module> module;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;
  std::vector<uint64_t> host_calls;  // import index, then the arguments
};

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// An argument: mostly edge cases, sometimes random bits.
Value Argument(ValType t, uint64_t& state) {
  static constexpr uint64_t kInts[] = {0,
                                       1,
                                       2,
                                       0xFFFFFFFFFFFFFFFF,
                                       0x80000000,
                                       0x7FFFFFFF,
                                       0x8000000000000000,
                                       65536,
                                       3};
  static constexpr uint32_t kF32s[] = {0,          0x80000000, 0x3F800000,
                                       0x7FC00000, 0x7F800000, 0x4F000000,
                                       0xC0490FDB};
  static constexpr uint64_t kF64s[] = {0,
                                       1ull << 63,
                                       0x3FF0000000000000,
                                       0x7FF8000000000000,
                                       0xFFF0000000000000,
                                       0x41E0000000000000,
                                       0xC00921FB54442D18};
  uint64_t r = SplitMix(state);
  uint64_t k = r % 16;
  uint64_t bits = SplitMix(state);
  switch (t) {
    case ValType::kI32:
      return Value::I32(static_cast<uint32_t>(k < 9 ? kInts[k] : bits));
    case ValType::kI64:
      return Value::I64(k < 9 ? kInts[k] : bits);
    case ValType::kF32:
      return Value::F32Bits(static_cast<uint32_t>(k < 7 ? kF32s[k] : bits));
    case ValType::kF64:
      return Value::F64Bits(k < 7 ? kF64s[k] : bits);
    case ValType::kV128:
      return Value{t, bits, SplitMix(state)};
    default:
      return Value::Default(t);  // null reference
  }
}

bool IsNaN(const Value& v) {
  if (v.type == ValType::kF32) return std::isnan(v.f32());
  if (v.type == ValType::kF64) return std::isnan(v.f64());
  return false;
}

bool SameValue(const Value& a, const Value& b) {
  if (IsNaN(a) && IsNaN(b)) return true;
  return a == b;
}

// A reference as something both runs can name: null, a function index in
// the run's own instance, or a host function's name.
std::string RefName(const Run& run, RefBits ref) {
  if (ref == kNullRef) return "null";
  const FunctionInstance* func = run.store->FunctionFromRef(ref);
  if (func == nullptr) return absl::StrCat("invalid ", ref);
  for (size_t i = 0; i < run.instance->funcs.size(); ++i) {
    if (run.instance->funcs[i] == func) return absl::StrCat("func ", i);
  }
  return absl::StrCat("foreign ", func->host_name);
}

std::string TrapName(const std::optional<Trap>& trap) {
  if (!trap.has_value()) return "no trap";
  return absl::StrCat("trap \"", trap->message, "\"");
}

// The functions a trap unwound through, innermost first, each with the
// module offset of its active instruction: both modes map their code back
// to the same wasm instruction.
std::string Backtrace(const Trap& trap) {
  std::string out;
  for (const BacktraceFrame& frame : trap.backtrace) {
    absl::StrAppend(&out, out.empty() ? "" : " < ", frame.func_index, "@",
                    frame.code_offset.has_value()
                        ? absl::StrCat(*frame.code_offset)
                        : std::string("?"));
  }
  return out;
}

std::string ValuesString(const std::vector<Value>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : " ", ValueToString(values[i]));
  }
  return out + "]";
}

std::string FuelString(Store& store) {
  std::optional<uint64_t> fuel = FuelRemaining(store);
  return fuel.has_value() ? absl::StrCat(*fuel) : "unlimited";
}

// Instantiates with stub imports under the budget; "" or the failure.
std::string Instantiate(Run& run, uint64_t fuel) {
  run.store = std::make_unique<Store>(DiffLimits());
  SetFuel(*run.store, fuel);
  std::vector<Extern> imports;
  for (size_t i = 0; i < run.module->imports.size(); ++i) {
    Extern ext;
    if (!StubImport(*run.store, *run.module, run.module->imports[i], &ext,
                    &run.host_calls, i)) {
      return "an import cannot be stubbed";
    }
    imports.push_back(ext);
  }
  auto instance = run.store->Instantiate(run.module, imports);
  if (!instance.ok()) {
    return absl::StrCat(instance.status().message(), " (trap kind ",
                        static_cast<int>(LastTrapKind(*run.store)),
                        ", fuel left ", FuelString(*run.store), ")");
  }
  run.instance = *instance;
  return "";
}

// Compares the results of one call; "" when they agree.
std::string CompareCall(Run& a, Run& b, const InvokeResult& ra,
                        const InvokeResult& rb) {
  if (ra.ok() != rb.ok() || (!ra.ok() && ra.trap->kind != rb.trap->kind)) {
    return absl::StrCat("plain: ", TrapName(ra.trap),
                        ", optimized: ", TrapName(rb.trap));
  }
  if (!ra.ok() && Backtrace(*ra.trap) != Backtrace(*rb.trap)) {
    return absl::StrCat(TrapName(ra.trap), " in functions ",
                        Backtrace(*ra.trap), " in plain code, ",
                        Backtrace(*rb.trap), " in optimized code");
  }
  if (ra.ok()) {
    bool same = ra.values.size() == rb.values.size();
    for (size_t i = 0; same && i < ra.values.size(); ++i) {
      same = SameValue(ra.values[i], rb.values[i]);
    }
    if (!same) {
      return absl::StrCat("plain returned ", ValuesString(ra.values),
                          ", optimized returned ", ValuesString(rb.values));
    }
  }
  std::string fuel_a = FuelString(*a.store), fuel_b = FuelString(*b.store);
  if (fuel_a != fuel_b) {
    return absl::StrCat("fuel left: plain ", fuel_a, ", optimized ", fuel_b,
                        " (", TrapName(ra.trap), ")");
  }
  if (a.host_calls != b.host_calls) {
    return absl::StrCat("host calls differ: plain made ", a.host_calls.size(),
                        " slots of records, optimized ", b.host_calls.size());
  }
  return "";
}

std::string CompareMemories(const Run& a, const Run& b) {
  for (size_t m = 0; m < a.instance->memories.size(); ++m) {
    const MemoryInstance& ma = *a.instance->memories[m];
    const MemoryInstance& mb = *b.instance->memories[m];
    if (ma.size_bytes() != mb.size_bytes()) {
      return absl::StrCat("memory ", m, " has ", ma.pages(),
                          " pages in plain, ", mb.pages(), " in optimized");
    }
    for (uint64_t i = 0; i < ma.size_bytes(); ++i) {
      if (ma.base()[i] != mb.base()[i]) {
        return absl::StrFormat(
            "memory %d byte %d: plain 0x%02x, optimized 0x%02x", m, i,
            ma.base()[i], mb.base()[i]);
      }
    }
  }
  return "";
}

std::string CompareGlobalsAndTables(const Run& a, const Run& b) {
  for (size_t g = 0; g < a.instance->globals.size(); ++g) {
    Value va = a.instance->globals[g]->Get();
    Value vb = b.instance->globals[g]->Get();
    bool same = IsRefType(va.type) ? RefName(a, va.bits) == RefName(b, vb.bits)
                                   : SameValue(va, vb);
    if (!same) {
      return absl::StrCat("global ", g, ": plain ", ValueToString(va),
                          ", optimized ", ValueToString(vb));
    }
  }
  for (size_t t = 0; t < a.instance->tables.size(); ++t) {
    TableInstance& ta = *a.instance->tables[t];
    TableInstance& tb = *b.instance->tables[t];
    if (ta.size() != tb.size()) {
      return absl::StrCat("table ", t, " has ", ta.size(),
                          " elements in plain, ", tb.size(), " in optimized");
    }
    for (uint32_t i = 0; i < ta.size(); ++i) {
      std::string ea = RefName(a, ta.data()[i]), eb = RefName(b, tb.data()[i]);
      if (ea != eb) {
        return absl::StrCat("table ", t, " element ", i, ": plain ", ea,
                            ", optimized ", eb);
      }
    }
  }
  return "";
}

// Calls every exported function in both runs; "" or the first difference.
std::string CallExports(Run& a, Run& b, const DiffConfig& config) {
  uint64_t state = config.arg_seed;
  const std::vector<Export>& exports = a.module->exports;
  for (size_t e = 0; e < exports.size(); ++e) {
    if (exports[e].kind != ExternKind::kFunc) continue;
    FunctionInstance* fa = a.instance->funcs[exports[e].index];
    FunctionInstance* fb = b.instance->funcs[exports[e].index];
    std::vector<Value> args;
    for (ValType t : fa->type->params) args.push_back(Argument(t, state));
    SetFuel(*a.store, config.fuel);
    SetFuel(*b.store, config.fuel);
    InvokeResult ra = a.store->Invoke(fa, args);
    InvokeResult rb = b.store->Invoke(fb, args);
    std::string diff = CompareCall(a, b, ra, rb);
    if (!diff.empty()) {
      return absl::StrCat("export \"", exports[e].name, "\" (function ",
                          exports[e].index, ") called with ",
                          ValuesString(args), ": ", diff);
    }
  }
  return "";
}

}  // namespace

uint64_t SeedFromBytes(std::span<const uint8_t> bytes) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (uint8_t b : bytes) hash = (hash ^ b) * 0x100000001B3ull;
  return hash;
}

std::string CompareModes(std::span<const uint8_t> wasm,
                         const DiffConfig& config) {
  const Limits limits = DiffLimits();
  auto plain = LoadModule(wasm, limits, CompileMode::kPlain);
  auto optimized = LoadModule(wasm, limits, CompileMode::kOptimized);
  if (plain.ok() != optimized.ok()) {
    return absl::StrCat("the module loads in one mode only: plain ",
                        plain.status().ToString(), ", optimized ",
                        optimized.status().ToString());
  }
  if (!plain.ok()) {
    if (!config.require_load) return "";
    return absl::StrCat("the module does not load: ",
                        plain.status().ToString());
  }
  Run a(*plain);
  Run b(*optimized);
  std::string fail_a = Instantiate(a, config.fuel);
  std::string fail_b = Instantiate(b, config.fuel);
  if (fail_a != fail_b) {
    return absl::StrCat("instantiation: plain \"", fail_a, "\", optimized \"",
                        fail_b, "\"");
  }
  if (!fail_a.empty()) return "";
  // The start function ran on the instantiation budget.
  if (FuelString(*a.store) != FuelString(*b.store)) {
    return absl::StrCat("fuel left after instantiation: plain ",
                        FuelString(*a.store), ", optimized ",
                        FuelString(*b.store));
  }
  std::string diff = CallExports(a, b, config);
  if (diff.empty()) diff = CompareMemories(a, b);
  if (diff.empty()) diff = CompareGlobalsAndTables(a, b);
  return diff;
}

}  // namespace wsbx::fuzz
