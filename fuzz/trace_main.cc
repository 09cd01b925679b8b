// wsbx-trace: runs a module the way the differential oracle expects
// (fuzz/oracle/README.md) and prints a canonical line trace that another
// engine (fuzz/oracle/run_v8.js) prints identically when both agree.
// Invariant: every line depends only on wasm semantics, never on addresses,
// timing or NaN payloads of scalar floats.
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/execute/budget.h"
#include "runtime/engine.h"
#include "runtime/store/store.h"

namespace {

constexpr uint64_t kDefaultFuel = 1'000'000'000;
constexpr std::string_view kLogModule = "fuzzing-support";
constexpr std::string_view kHangLimitExport = "hangLimitInitializer";

// One value in the trace's notation: "i32 -5", "f32 0x3fc00000", "f64 nan",
// "v128 0x00000001:0x00000000:...", "funcref null", "externref extern".
// Any NaN prints as "nan" because its bits are not portable across engines
// (JS numbers do not keep them).
std::string FormatValue(wsbx::ValType type, uint64_t bits, uint64_t hi) {
  char buf[96];
  switch (type) {
    case wsbx::ValType::kI32:
      std::snprintf(buf, sizeof buf, "i32 %" PRId32,
                    static_cast<int32_t>(static_cast<uint32_t>(bits)));
      break;
    case wsbx::ValType::kI64:
      std::snprintf(buf, sizeof buf, "i64 %" PRId64,
                    static_cast<int64_t>(bits));
      break;
    case wsbx::ValType::kF32: {
      uint32_t b = static_cast<uint32_t>(bits);
      bool nan = (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0;
      if (nan) return "f32 nan";
      std::snprintf(buf, sizeof buf, "f32 0x%08" PRIx32, b);
      break;
    }
    case wsbx::ValType::kF64: {
      double d;
      std::memcpy(&d, &bits, 8);
      if (std::isnan(d)) return "f64 nan";
      std::snprintf(buf, sizeof buf, "f64 0x%016" PRIx64, bits);
      break;
    }
    case wsbx::ValType::kV128:
      // Lanes as i32x4, lane 0 first; the comparer knows NaN lanes may differ.
      std::snprintf(buf, sizeof buf, "v128 0x%08x:0x%08x:0x%08x:0x%08x",
                    static_cast<uint32_t>(bits),
                    static_cast<uint32_t>(bits >> 32),
                    static_cast<uint32_t>(hi), static_cast<uint32_t>(hi >> 32));
      break;
    case wsbx::ValType::kFuncRef:
      return bits == wsbx::kNullRef ? "funcref null" : "funcref func";
    case wsbx::ValType::kExternRef:
      return bits == wsbx::kNullRef ? "externref null" : "externref extern";
  }
  return buf;
}

// The shared trap vocabulary (fuzz/oracle/README.md). Engines disagree on
// which table trap call_indirect raises for a missing index, so every
// out-of-range table index is "table" and every bad entry is "indirect".
std::string_view TrapWord(wsbx::TrapKind kind) {
  switch (kind) {
    case wsbx::TrapKind::kUnreachable:
      return "unreachable";
    case wsbx::TrapKind::kMemoryOutOfBounds:
      return "oob";
    case wsbx::TrapKind::kTableOutOfBounds:
    case wsbx::TrapKind::kUndefinedElement:
      return "table";
    case wsbx::TrapKind::kUninitializedElement:
    case wsbx::TrapKind::kIndirectCallTypeMismatch:
      return "indirect";
    case wsbx::TrapKind::kIntegerDivideByZero:
      return "div0";
    case wsbx::TrapKind::kIntegerOverflow:
      return "overflow";
    case wsbx::TrapKind::kInvalidConversionToInteger:
      return "conv";
    case wsbx::TrapKind::kCallStackExhausted:
      return "stack";
    case wsbx::TrapKind::kFuelExhausted:
    case wsbx::TrapKind::kTimeout:
      return "fuel";
    default:
      return "other";
  }
}

// Fuel and stack exhaustion depend on engine limits, not on wasm semantics:
// the trace ends there and the comparer stops at that line.
bool EndsTrace(wsbx::TrapKind kind) {
  return kind == wsbx::TrapKind::kFuelExhausted ||
         kind == wsbx::TrapKind::kTimeout ||
         kind == wsbx::TrapKind::kCallStackExhausted;
}

// A signature JS cannot call (v128 crosses no JS boundary): such exports
// are skipped by every engine.
bool HasV128(const wsbx::FuncType& type) {
  for (wsbx::ValType t : type.params) {
    if (t == wsbx::ValType::kV128) return true;
  }
  for (wsbx::ValType t : type.results) {
    if (t == wsbx::ValType::kV128) return true;
  }
  return false;
}

// "fuzzing-support" "log-*" imports print their arguments, whatever their
// types; every other function import returns zeroes (and is named on
// stderr, since a trace that relies on one proves less).
wsbx::FunctionInstance* ImportFunction(wsbx::Store& store,
                                       const wsbx::FuncType& type,
                                       const wsbx::Import& imp) {
  if (imp.module == kLogModule && imp.name.starts_with("log-")) {
    std::vector<wsbx::ValType> params = type.params;
    return store.AddHostFunction(
        type,
        [params](wsbx::HostContext&, std::span<const uint64_t> args,
                 std::span<uint64_t> results) {
          std::string line = "log";
          size_t slot = 0;
          for (wsbx::ValType t : params) {
            uint64_t hi = t == wsbx::ValType::kV128 ? args[slot + 1] : 0;
            line += " " + FormatValue(t, args[slot], hi);
            slot += t == wsbx::ValType::kV128 ? 2 : 1;
          }
          std::printf("%s\n", line.c_str());
          for (uint64_t& r : results) r = 0;
          return wsbx::TrapKind::kNone;
        },
        imp.name);
  }
  std::fprintf(stderr, "wsbx-trace: import %s.%s is a stub returning zeroes\n",
               imp.module.c_str(), imp.name.c_str());
  return store.AddHostFunction(
      type,
      [](wsbx::HostContext&, std::span<const uint64_t>,
         std::span<uint64_t> results) {
        for (uint64_t& r : results) r = 0;
        return wsbx::TrapKind::kNone;
      },
      imp.name);
}

// An extern for `imp`: the host functions above, or a fresh table, memory
// or zero global of the declared type.
std::optional<wsbx::Extern> ProvideImport(wsbx::Store& store,
                                          const wsbx::Module& module,
                                          const wsbx::Import& imp) {
  switch (imp.kind) {
    case wsbx::ExternKind::kFunc:
      return wsbx::Extern::Func(
          ImportFunction(store, module.types[imp.func_type], imp));
    case wsbx::ExternKind::kTable: {
      auto table = store.AddTable(imp.table);
      if (!table.ok()) return std::nullopt;
      return wsbx::Extern::Table(*table);
    }
    case wsbx::ExternKind::kMemory: {
      auto memory = store.AddMemory(imp.memory);
      if (!memory.ok()) return std::nullopt;
      return wsbx::Extern::Memory(*memory);
    }
    case wsbx::ExternKind::kGlobal:
      return wsbx::Extern::Global(
          store.AddGlobal(imp.global, wsbx::Value::Default(imp.global.type)));
  }
  return std::nullopt;
}

// FNV-1a (32-bit) over the bytes, the same function run_v8.js computes.
uint32_t HashBytes(const uint8_t* data, uint64_t size) {
  uint32_t h = 2166136261u;
  for (uint64_t i = 0; i < size; ++i) {
    h = (h ^ data[i]) * 16777619u;
  }
  return h;
}

struct Options {
  bool plain = false;
  uint64_t fuel = kDefaultFuel;
  bool memory_hash = true;
  const char* dump_path = nullptr;  // --dump-memory: first exported memory
  const char* path = nullptr;
};

bool ParseArgs(int argc, char** argv, Options* opts) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--plain") {
      opts->plain = true;
    } else if (arg == "--no-memory") {
      opts->memory_hash = false;
    } else if (arg == "--dump-memory" && i + 1 < argc) {
      opts->dump_path = argv[++i];
    } else if (arg == "--fuel" && i + 1 < argc) {
      char* end = nullptr;
      opts->fuel = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0') return false;
    } else if (!arg.starts_with("-") && opts->path == nullptr) {
      opts->path = argv[i];
    } else {
      return false;
    }
  }
  return opts->path != nullptr;
}

// Calls one export with default arguments and prints its line. Returns
// false when the trace must end (fuel or stack exhausted).
bool RunExport(wsbx::Store& store, wsbx::Instance& instance,
               const wsbx::Export& exp,
               wsbx::FunctionInstance* hang_limit_init) {
  wsbx::FunctionInstance* func = instance.funcs[exp.index];
  if (HasV128(*func->type)) {
    std::printf("skip %s v128\n", exp.name.c_str());
    return true;
  }
  // Resetting binaryen's hang limit before each call keeps one export that
  // spends it from making every later export trap at once.
  if (hang_limit_init != nullptr) {
    wsbx::InvokeResult reset = store.Invoke(hang_limit_init, {});
    if (!reset.ok()) {
      std::printf("trap %s %s\n", kHangLimitExport.data(),
                  TrapWord(reset.trap->kind).data());
      return !EndsTrace(reset.trap->kind);
    }
  }
  std::vector<wsbx::Value> args;
  for (wsbx::ValType t : func->type->params) {
    args.push_back(wsbx::Value::Default(t));
  }
  wsbx::InvokeResult result = store.Invoke(func, args);
  if (!result.ok()) {
    std::printf("trap %s %s\n", exp.name.c_str(),
                TrapWord(result.trap->kind).data());
    return !EndsTrace(result.trap->kind);
  }
  std::string line = "result " + exp.name;
  for (const wsbx::Value& v : result.values) {
    line += " " + FormatValue(v.type, v.bits, v.hi);
  }
  std::printf("%s\n", line.c_str());
  return true;
}

// Prints "memory NAME PAGES HASH" for every exported memory, and writes
// the first one's bytes to `dump_path` when given (the oracle compares
// dumps when hashes differ, to tell NaN payloads from real differences).
void PrintMemories(const wsbx::Module& module, wsbx::Instance& instance,
                   const char* dump_path) {
  for (const wsbx::Export& exp : module.exports) {
    if (exp.kind != wsbx::ExternKind::kMemory) continue;
    wsbx::MemoryInstance* mem = instance.memories[exp.index];
    std::printf("memory %s %" PRIu64 " 0x%08x\n", exp.name.c_str(),
                mem->pages(), HashBytes(mem->base(), mem->size_bytes()));
    if (dump_path != nullptr) {
      std::ofstream out(dump_path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(mem->base()),
                static_cast<std::streamsize>(mem->size_bytes()));
      dump_path = nullptr;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  if (!ParseArgs(argc, argv, &opts)) {
    std::fprintf(stderr,
                 "usage: wsbx-trace [--plain] [--fuel N] [--no-memory] "
                 "[--dump-memory FILE] MODULE.wasm\n");
    return 2;
  }
  std::ifstream in(opts.path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "wsbx-trace: cannot read %s\n", opts.path);
    return 2;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  wsbx::Limits limits;
  auto module = wsbx::LoadModule(
      std::move(bytes), limits,
      opts.plain ? wsbx::CompileMode::kPlain : wsbx::CompileMode::kOptimized);
  if (!module.ok()) {
    // A module the generator made but wsbx refuses is itself a finding.
    std::printf("load error\n");
    std::fprintf(stderr, "wsbx-trace: %s\n",
                 std::string(module.status().message()).c_str());
    return 1;
  }
  wsbx::Store store(limits);
  wsbx::SetFuel(store, opts.fuel);
  std::vector<wsbx::Extern> imports;
  for (const wsbx::Import& imp : (*module)->imports) {
    std::optional<wsbx::Extern> ext = ProvideImport(store, **module, imp);
    if (!ext) {
      std::printf("link error\n");
      return 1;
    }
    imports.push_back(*ext);
  }
  auto instance = store.Instantiate(*module, imports);
  if (!instance.ok()) {
    wsbx::TrapKind kind = wsbx::LastTrapKind(store);
    std::printf("instantiate %s\n", kind == wsbx::TrapKind::kNone
                                        ? "error"
                                        : TrapWord(kind).data());
    return 0;
  }
  wsbx::FunctionInstance* hang_limit_init = nullptr;
  for (const wsbx::Export& exp : (*module)->exports) {
    if (exp.kind == wsbx::ExternKind::kFunc && exp.name == kHangLimitExport) {
      hang_limit_init = (*instance)->funcs[exp.index];
    }
  }
  for (const wsbx::Export& exp : (*module)->exports) {
    if (exp.kind != wsbx::ExternKind::kFunc || exp.name == kHangLimitExport) {
      continue;
    }
    if (!RunExport(store, **instance, exp, hang_limit_init)) {
      std::fflush(stdout);
      return 0;
    }
  }
  if (opts.memory_hash) PrintMemories(**module, **instance, opts.dump_path);
  return 0;
}
