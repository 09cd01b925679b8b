// The `wsbx` command: run a module's _start, or a reactor's _initialize and
// then an exported function, or validate a module. Exit codes are documented
// in docs/cli.md: 0 success, 1 load/link error or wsbx's own output could
// not be written, 2 usage error, 124 time or fuel budget spent, 134 trap,
// 126 a WASI operation refused under a policy's "on_denied": "exit", 128 + N
// when stopped by signal N (SIGINT, SIGTERM), and the guest's own code when
// it calls WASI proc_exit. The budget flags (--fuel, --timeout)
// and the caps (--mem, --max-table-elements, --stack, --max-call-depth) map
// onto runtime/execute/budget.h and Limits. Everything wsbx prints goes through
// cli/output.h, so no failed write goes unreported.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/args.h"
#include "cli/audit_log.h"
#include "cli/completions.h"
#include "cli/inspect.h"
#include "cli/linker.h"
#include "cli/log.h"
#include "cli/module_input.h"
#include "cli/output.h"
#include "cli/policy.h"
#include "cli/read_file.h"
#include "cli/serve_exec.h"
#include "cli/signals.h"
#include "cli/wasi_flags.h"
#include "runtime/execute/budget.h"
#include "runtime/engine.h"
#include "runtime/store/store.h"
#include "wasi/wasi.h"

namespace wsbx {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kExitLoadError = 1;
constexpr int kExitOutput = 1;  // wsbx's own output could not be written
constexpr int kExitUsage = 2;
constexpr int kExitBudget = 124;
constexpr int kExitDenied = 126;  // a refusal ended the guest (on_denied)
constexpr int kExitTrap = 134;

struct RunOptions {
  std::string file;
  std::string invoke;
  std::vector<std::string> args;
  std::string mem;
  std::string fuel;
  std::string timeout;
  std::string table_elements;
  std::string stack;
  std::string call_depth;
  bool stats = false;
  std::string compile = "optimized";  // or "plain" (compiler.h CompileMode)
  // WASI grants (deny by default).
  std::vector<std::string> dirs;
  std::vector<std::string> dirs_ro;
  std::vector<std::string> envs;
  std::string audit;
  std::string max_output;  // cap on stdout + stderr together
  // Imports: what stands in for those nothing provides; modules to link.
  std::string unknown_imports = "error";
  std::vector<std::string> preloads;
  bool path_walk = false;  // force the portable path resolver (tests)
  std::string policy;      // --policy FILE|NAME (cli/policy.h)
  bool exit_on_denied = false;
};

// Diagnostics options shared by the subcommands: -v (info), -vv (debug),
// --log-level.
struct LogOptions {
  int verbose = 0;
  std::string level;
};

std::string Millis(std::chrono::steady_clock::duration d) {
  return absl::StrFormat("%.3f ms",
                         std::chrono::duration<double, std::milli>(d).count());
}

// The version meson's project() declares, and what this build runs.
std::string VersionText() {
  return absl::StrCat("wsbx ", WSBX_VERSION,
                      " (WebAssembly 2.0 and 3.0 tail calls, extended "
                      "constants, multiple memories, memory64, relaxed SIMD; "
                      "WASI preview1 and snapshot 0)");
}

int Fail(int code, absl::string_view message) {
  PrintErr(absl::StrCat("wsbx: ", message, "\n"));
  return code;
}

int StoppedExit() { return 128 + StopSignal(); }

// The exit code of a trap (other than the guest's own exit).
int ExitForTrap(TrapKind kind) {
  switch (kind) {
    case TrapKind::kTimeout:
    case TrapKind::kFuelExhausted:
      return kExitBudget;
    case TrapKind::kInterrupted:
      return StoppedExit();
    default:
      return kExitTrap;
  }
}

int TrapExit(const Trap& trap) {
  if (trap.kind == TrapKind::kExit) return trap.exit_code;
  return Fail(ExitForTrap(trap.kind), "trap: " + trap.ToString());
}

// A module that could not be read or loaded: out of time, stopped by a
// signal, or a load error.
int LoadFailed(const absl::Status& status) {
  int code = absl::IsDeadlineExceeded(status) ? kExitBudget
             : absl::IsCancelled(status)      ? StoppedExit()
                                              : kExitLoadError;
  return Fail(code, status.message());
}

int CmdValidate(const std::string& file) {
  auto bytes = ReadModuleFile(file, Limits().max_module_bytes, std::nullopt,
                              &StopRequested());
  if (!bytes.ok()) return LoadFailed(bytes.status());
  auto binary = ModuleBinary(file, std::move(*bytes));
  if (!binary.ok()) return LoadFailed(binary.status());
  const auto start = Clock::now();
  absl::Status status = ValidateBinary(*binary);
  Log(LogLevel::kInfo, absl::StrFormat("validated %s (%d bytes of binary) in %s",
                                       DisplayName(file), binary->size(),
                                       Millis(Clock::now() - start)));
  if (!status.ok()) {
    return Fail(kExitLoadError,
                LoadErrorMessage(file, IsBinaryModule(*binary),
                                 status.message()));
  }
  PrintOut(DisplayName(file) + ": valid\n");
  return 0;
}

// Converts the command-line arguments to the function's parameter types.
bool ParseInvokeArgs(const RunOptions& opts, const FuncType& type,
                     std::vector<Value>* out, std::string* error) {
  if (opts.args.size() != type.params.size()) {
    *error = absl::StrFormat("'%s' takes %d argument(s), %d given",
                             opts.invoke, type.params.size(), opts.args.size());
    return false;
  }
  for (size_t i = 0; i < opts.args.size(); ++i) {
    absl::StatusOr<Value> v = ParseArg(opts.args[i], type.params[i]);
    if (!v.ok()) {
      *error = absl::StrFormat("argument %d: %s", i + 1, v.status().message());
      return false;
    }
    out->push_back(*v);
  }
  return true;
}

// Builds the WASI context from the grant flags; false with a usage error.
bool MakeWasiOptions(const RunOptions& opts, WasiOptions* out,
                     std::string* error) {
  std::string_view name = opts.file;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  out->args.emplace_back(name);
  if (opts.invoke.empty()) {
    out->args.insert(out->args.end(), opts.args.begin(), opts.args.end());
  }
  for (bool ro : {false, true}) {
    for (const std::string& d : ro ? opts.dirs_ro : opts.dirs) {
      absl::StatusOr<WasiPreopen> p = ParseDirGrant(d, ro);
      if (!p.ok()) {
        *error = std::string(ro ? "--dir-ro: " : "--dir: ") +
                 std::string(p.status().message());
        return false;
      }
      Log(LogLevel::kInfo,
          absl::StrFormat("grant: host directory %s as %s (%s)", p->host_path,
                          p->guest_path, ro ? "read-only" : "read-write"));
      out->preopens.push_back(*p);
    }
  }
  if (out->preopens.empty()) {
    Log(LogLevel::kInfo, "grant: no directories (the guest sees no files)");
  }
  for (const std::string& e : opts.envs) {
    absl::StatusOr<std::optional<std::string>> v = ParseEnvGrant(e);
    if (!v.ok()) {
      *error = "--env: " + std::string(v.status().message());
      return false;
    }
    if (v->has_value()) {
      Log(LogLevel::kInfo,
          "grant: environment variable " + (*v)->substr(0, (*v)->find('=')));
      out->env.push_back(**v);
    }
  }
  if (!opts.max_output.empty()) {
    absl::StatusOr<uint64_t> bytes = ParseByteSize(opts.max_output);
    if (!bytes.ok()) {
      *error = "--max-output: " + std::string(bytes.status().message());
      return false;
    }
    out->max_output_bytes = *bytes;
  }
  out->force_path_walk = opts.path_walk;
  out->exit_on_denied = opts.exit_on_denied;
  return true;
}

// The run's budget: limits plus optional fuel and timeout.
struct Budget {
  Limits limits;
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::nanoseconds> timeout;
};

// Reads the limit flags into *out; false with a usage error.
bool ParseBudget(const RunOptions& opts, Budget* out, std::string* error) {
  auto fail = [&](const char* flag, const absl::Status& s) {
    *error = std::string(flag) + ": " + std::string(s.message());
    return false;
  };
  Limits& limits = out->limits;
  // --mem caps each linear memory and the Store's whole account (memories,
  // tables, instances, code); 4G when not given.
  limits.max_store_bytes = limits.max_memory_pages * kPageSize;
  if (!opts.mem.empty()) {
    absl::StatusOr<uint64_t> bytes = ParseByteSize(opts.mem);
    if (!bytes.ok()) return fail("--mem", bytes.status());
    limits.max_memory_pages = *bytes / kPageSize;
    limits.max_store_bytes = *bytes;
  }
  if (!opts.fuel.empty()) {
    absl::StatusOr<uint64_t> n = ParseCount(opts.fuel, 0, kMaxFuel);
    if (!n.ok()) return fail("--fuel", n.status());
    out->fuel = *n;
  }
  if (!opts.timeout.empty()) {
    auto d = ParseDuration(opts.timeout);
    if (!d.ok()) return fail("--timeout", d.status());
    out->timeout = *d;
  }
  if (!opts.table_elements.empty()) {
    auto n = ParseCount(opts.table_elements, 0, UINT32_MAX);
    if (!n.ok()) return fail("--max-table-elements", n.status());
    limits.max_table_elements = *n;
  }
  if (!opts.stack.empty()) {
    absl::StatusOr<uint64_t> bytes = ParseStackBytes(opts.stack);
    if (!bytes.ok()) return fail("--stack", bytes.status());
    limits.value_stack_slots = *bytes / sizeof(uint64_t);
  }
  if (!opts.call_depth.empty()) {
    auto n = ParseCount(opts.call_depth, 1, kMaxCallDepth);
    if (!n.ok()) return fail("--max-call-depth", n.status());
    limits.max_call_depth = static_cast<uint32_t>(*n);
  }
  if (LogEnabled(LogLevel::kInfo)) {
    Log(LogLevel::kInfo,
        absl::StrFormat(
            "limits: host memory for the guest %d bytes, memories %d pages "
            "each, tables %d elements, value stack %d bytes, call depth %d, "
            "fuel %s, timeout %s",
            limits.max_store_bytes, limits.max_memory_pages,
            limits.max_table_elements,
            limits.value_stack_slots * sizeof(uint64_t), limits.max_call_depth,
            out->fuel ? absl::StrCat(*out->fuel) : "none",
            out->timeout ? Millis(*out->timeout) : "none"));
  }
  return true;
}

// --stats: exact numbers from the runtime, to stderr.
void PrintStats(Store& store, const Instance* instance,
                Clock::duration elapsed) {
  std::string text =
      absl::StrFormat("wsbx stats: fuel %d\n", FuelConsumed(store));
  if (instance != nullptr) {
    for (size_t i = 0; i < instance->memories.size(); ++i) {
      const MemoryInstance* m = instance->memories[i];
      absl::StrAppendFormat(&text,
                            "wsbx stats: memory %d peak %d pages (%d bytes), "
                            "final %d pages\n",
                            i, m->peak_pages(), m->peak_pages() * kPageSize,
                            m->pages());
    }
  }
  std::fprintf(stderr,
               "wsbx stats: host memory for the guest peak %llu bytes "
               "(memories, tables, instances, code; cap %llu)\n",
               static_cast<unsigned long long>(store.account().peak()),
               static_cast<unsigned long long>(store.account().limit()));
  double ms = std::chrono::duration<double, std::milli>(elapsed).count();
  absl::StrAppendFormat(&text, "wsbx stats: elapsed %.3f ms\n", ms);
  PrintErr(text);
}

// Reads and loads FILE; the status says why not (see LoadFailed). A stop
// signal during loading, which is not interruptible, is noticed after it.
absl::StatusOr<std::shared_ptr<const Module>> ReadAndLoad(
    const std::string& file, const RunOptions& opts, const Limits& limits,
    std::optional<Clock::time_point> deadline) {
  // Loading is inside the budget: the deadline, and --mem for the module's
  // bytes plus the code compiled from them.
  const auto read_start = Clock::now();
  auto bytes = ReadModuleFile(
      file, std::min(limits.max_module_bytes, limits.max_store_bytes),
      deadline, &StopRequested());
  if (!bytes.ok()) return bytes.status();
  auto binary = ModuleBinary(file, std::move(*bytes));
  if (!binary.ok()) return binary.status();
  // The binary's buffer becomes the module's (no second copy of it).
  const CompileMode mode =
      opts.compile == "plain" ? CompileMode::kPlain : CompileMode::kOptimized;
  LoadBudget load_budget;
  load_budget.deadline = deadline;
  // A binary converted from text may be larger than the file read.
  load_budget.max_code_bytes =
      limits.max_store_bytes -
      std::min<uint64_t>(binary->size(), limits.max_store_bytes);
  const bool is_binary = IsBinaryModule(*binary);
  const size_t binary_size = binary->size();
  const auto load_start = Clock::now();
  auto module = LoadModule(std::move(*binary), limits, mode, load_budget);
  if (module.ok()) {
    Log(LogLevel::kInfo,
        absl::StrFormat("loaded %s: %d bytes of binary, read in %s; decoded, "
                        "validated and compiled (%s) in %s; %d functions, %d "
                        "imports, %d exports",
                        DisplayName(file), binary_size,
                        Millis(load_start - read_start), opts.compile,
                        Millis(Clock::now() - load_start),
                        (*module)->bodies.size(), (*module)->imports.size(),
                        (*module)->exports.size()));
  }
  if (!module.ok()) {
    // A spent deadline stays DeadlineExceeded (exit 124); other load
    // errors become InvalidArgument (exit 1).
    if (absl::IsDeadlineExceeded(module.status())) {
      return absl::DeadlineExceededError(
          absl::StrCat(DisplayName(file), ": ", module.status().message()));
    }
    return absl::InvalidArgumentError(
        LoadErrorMessage(file, is_binary, module.status().message()));
  }
  if (StopRequested()) {
    return absl::CancelledError("interrupted while loading " + DisplayName(file));
  }
  return module;
}

const Export* FindFuncExport(const Module& module, std::string_view name) {
  for (const Export& e : module.exports) {
    if (e.name == name && e.kind == ExternKind::kFunc) return &e;
  }
  return nullptr;
}

// A WASI module is a command (it exports _start) or a reactor (it exports
// _initialize, to be called once before any other export). True for a
// reactor that can run as asked; an error for a module that is both, an
// _initialize of the wrong type, or a reactor given no export to call.
absl::StatusOr<bool> IsReactor(const Module& module, const RunOptions& opts) {
  const Export* init = FindFuncExport(module, "_initialize");
  if (init == nullptr) return false;
  if (FindFuncExport(module, "_start") != nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s exports both _start and _initialize: a WASI module is a command "
        "or a reactor, not both",
        DisplayName(opts.file)));
  }
  const FuncType& type = module.FuncTypeOf(init->index);
  if (!type.params.empty() || !type.results.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: _initialize must take no arguments and return nothing",
        DisplayName(opts.file)));
  }
  if (opts.invoke.empty()) {
    std::vector<std::string> names;
    for (const Export& e : module.exports) {
      if (e.kind == ExternKind::kFunc && &e != init) names.push_back(e.name);
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is a reactor (it exports _initialize, not _start): name the "
        "function to call with --invoke NAME (exported functions: %s)",
        DisplayName(opts.file), names.empty() ? "none" : absl::StrJoin(names, ", ")));
  }
  return true;
}

// A module loaded to be linked under a name (--preload NAME=MODULE).
struct PreloadModule {
  std::string name;
  std::string file;
  std::shared_ptr<const Module> module;
};

// A trap while instantiating (in a start function) ends the run as any
// other trap does; a link error is a load error.
int InstantiateFailed(const Store& store, const std::string& file,
                      const absl::Status& status) {
  if (status.code() == absl::StatusCode::kAborted) {
    return TrapExit(store.start_trap());
  }
  return Fail(kExitLoadError,
              absl::StrCat(DisplayName(file), ": ", status.message()));
}

// Links `module`'s imports and instantiates it; the exit code on failure.
std::optional<int> LinkAndInstantiate(
    Store& store, Wasi& wasi, const std::string& file,
    const std::shared_ptr<const Module>& module,
    const std::vector<Preloaded>& preloaded, UnknownImports unknown,
    Instance** out) {
  auto imports = LinkModuleImports(store, wasi, *module, preloaded, unknown);
  if (!imports.ok()) {
    std::string message(imports.status().message());
    if (unknown == UnknownImports::kError) {
      absl::StrAppend(&message,
                      "\n(--unknown-imports=trap or =default stands in for "
                      "what nothing provides; --preload NAME=MODULE links "
                      "another module's exports)");
    }
    return Fail(kExitLoadError, absl::StrCat(DisplayName(file), ": ", message));
  }
  const auto start = Clock::now();
  auto instance = store.Instantiate(module, *imports);
  if (!instance.ok()) return InstantiateFailed(store, file, instance.status());
  Log(LogLevel::kInfo,
      absl::StrFormat("instantiated %s in %s (host memory for the guest now "
                      "%d bytes)",
                      DisplayName(file), Millis(Clock::now() - start),
                      store.account().used()));
  *out = *instance;
  return std::nullopt;
}

// Instantiates the preloaded modules in order, each linked against WASI and
// the ones before it; a reactor's _initialize runs once.
std::optional<int> InstantiatePreloads(Store& store, Wasi& wasi,
                                       const std::vector<PreloadModule>& mods,
                                       UnknownImports unknown,
                                       std::vector<Preloaded>* out) {
  for (const PreloadModule& p : mods) {
    Instance* instance = nullptr;
    if (auto code = LinkAndInstantiate(store, wasi, p.file, p.module, *out,
                                       unknown, &instance)) {
      return code;
    }
    if (std::optional<Extern> init = instance->FindExport("_initialize");
        init && init->kind == ExternKind::kFunc) {
      InvokeResult r = store.Invoke(init->func, {});
      if (!r.ok()) return TrapExit(*r.trap);
    }
    out->push_back({p.name, instance});
  }
  return std::nullopt;
}

// Links and instantiates the module, runs a reactor's _initialize, then
// calls the export asked for; returns the exit code.
int RunModule(const RunOptions& opts, Store& store,
              const std::shared_ptr<const Module>& module, bool reactor,
              const std::vector<PreloadModule>& preloads, Wasi& wasi,
              Instance** instance_out) {
  const UnknownImports unknown = *ParseUnknownImports(opts.unknown_imports);
  std::vector<Preloaded> preloaded;
  if (auto code =
          InstantiatePreloads(store, wasi, preloads, unknown, &preloaded)) {
    return *code;
  }
  if (auto code = LinkAndInstantiate(store, wasi, opts.file, module, preloaded,
                                     unknown, instance_out)) {
    return *code;
  }
  Instance* instance = *instance_out;
  if (reactor && opts.invoke != "_initialize") {
    InvokeResult init =
        store.Invoke(instance->FindExport("_initialize")->func, {});
    if (!init.ok()) return TrapExit(*init.trap);
  }
  std::string name = opts.invoke.empty() ? "_start" : opts.invoke;
  std::optional<Extern> ext = instance->FindExport(name);
  if (!ext || ext->kind != ExternKind::kFunc) {
    return Fail(kExitLoadError,
                absl::StrFormat("%s: no exported function '%s' (exported "
                                "functions: %s; call one with --invoke NAME)",
                                DisplayName(opts.file), name,
                                ExportedFunctionList(*module)));
  }
  std::vector<Value> args;
  std::string error;
  if (!opts.invoke.empty() &&
      !ParseInvokeArgs(opts, *ext->func->type, &args, &error)) {
    return Fail(kExitUsage, error);
  }
  InvokeResult result = store.Invoke(ext->func, args);
  if (!result.ok()) return TrapExit(*result.trap);
  if (!opts.invoke.empty()) {
    std::string lines;
    for (const Value& v : result.values) {
      absl::StrAppend(&lines, FormatResult(v), "\n");
    }
    PrintOut(lines);
  }
  return 0;
}

// Reads and loads every --preload module; the exit code on failure.
std::optional<int> LoadPreloads(const RunOptions& opts, const Limits& limits,
                                std::optional<Clock::time_point> deadline,
                                std::vector<PreloadModule>* out) {
  for (const std::string& arg : opts.preloads) {
    auto parsed = ParsePreload(arg);
    if (!parsed.ok()) {
      return Fail(kExitUsage,
                  absl::StrCat("--preload: ", parsed.status().message()));
    }
    auto module = ReadAndLoad(parsed->second, opts, limits, deadline);
    if (!module.ok()) return LoadFailed(module.status());
    out->push_back({parsed->first, parsed->second, *module});
  }
  return std::nullopt;
}

int CmdRun(const RunOptions& opts) {
  const auto start = Clock::now();
  Budget budget;
  std::string error;
  if (!ParseBudget(opts, &budget, &error)) return Fail(kExitUsage, error);
  const Limits& limits = budget.limits;
  std::optional<Clock::time_point> deadline;
  if (budget.timeout) deadline = start + *budget.timeout;
  // Opened first: refuse to run at all when the log could not be written.
  std::optional<AuditLog> audit;
  if (!opts.audit.empty()) {
    absl::StatusOr<AuditLog> opened = AuditLog::Open(opts.audit);
    if (!opened.ok()) return Fail(kExitUsage, opened.status().message());
    audit.emplace(std::move(*opened));
  }
  if (auto u = ParseUnknownImports(opts.unknown_imports); !u.ok()) {
    return Fail(kExitUsage, absl::StrCat("--unknown-imports: ", u.status().message()));
  }
  std::vector<PreloadModule> preloads;
  if (auto code = LoadPreloads(opts, limits, deadline, &preloads)) return *code;
  auto module = ReadAndLoad(opts.file, opts, limits, deadline);
  if (!module.ok()) return LoadFailed(module.status());
  absl::StatusOr<bool> reactor = IsReactor(**module, opts);
  if (!reactor.ok()) return Fail(kExitLoadError, reactor.status().message());
  WasiOptions wasi_opts;
  wasi_opts.deadline = deadline;
  wasi_opts.interrupt = &StopRequested();
  if (!MakeWasiOptions(opts, &wasi_opts, &error)) {
    return Fail(kExitUsage, error);
  }
  absl::StatusOr<std::unique_ptr<Wasi>> wasi =
      Wasi::Create(std::move(wasi_opts));
  if (!wasi.ok()) return Fail(kExitUsage, wasi.status().message());
  Store store(limits);
  SetFuel(store, budget.fuel);
  SetDeadline(store, deadline);
  SetInterruptFlag(store, &StopRequested());
  // From here on every outcome ends the same way: statistics, audit log.
  Instance* instance = nullptr;
  int code =
      RunModule(opts, store, *module, *reactor, preloads, **wasi, &instance);
  if ((*wasi)->ended_by_denial()) code = kExitDenied;
  Log(LogLevel::kInfo, absl::StrFormat("run ended with exit code %d after %s",
                                       code, Millis(Clock::now() - start)));
  if (opts.stats) PrintStats(store, instance, Clock::now() - start);
  if (audit) {
    absl::Status written = audit->Write(**wasi);
    if (!written.ok()) {
      code = Fail(code == 0 ? kExitOutput : code, written.message());
    }
  }
  return code;
}

// --policy: the policy's values for the flags the command line left out.
bool ApplyPolicyFlag(const CLI::App& run, RunOptions* o, std::string* error) {
  if (run.count("--policy") == 0) return true;
  absl::StatusOr<Policy> policy = LoadPolicy(o->policy);
  if (!policy.ok()) {
    *error = "--policy: " + std::string(policy.status().message());
    return false;
  }
  Log(LogLevel::kInfo, "policy " + o->policy +
                           " (flags given on the command line win over it)");
  auto given = [&](std::string_view flag) {
    return run.count(std::string(flag)) > 0;
  };
  ApplyPolicy(*policy, given,
              {.mem = &o->mem, .fuel = &o->fuel, .timeout = &o->timeout,
               .stack = &o->stack, .max_call_depth = &o->call_depth,
               .max_table_elements = &o->table_elements,
               .compile = &o->compile, .audit = &o->audit,
               .max_output = &o->max_output,
               .unknown_imports = &o->unknown_imports, .dirs = &o->dirs,
               .dirs_ro = &o->dirs_ro, .env = &o->envs,
               .preload = &o->preloads,
               .exit_on_denied = &o->exit_on_denied});
  return true;
}

// `wsbx policy show NAME`: a preset (or a policy file) as a policy file.
int CmdPolicyShow(const std::string& name) {
  absl::StatusOr<Policy> policy = LoadPolicy(name);
  if (!policy.ok()) return Fail(kExitUsage, policy.status().message());
  PrintOut(PolicyToJson(*policy));
  return 0;
}

// What can happen outside a command's own flow: a stop signal it finished
// despite (a guest that exited on its own after EINTR, a signal during
// validation), and a failed write of wsbx's own output.
int Conclude(int code) {
  if (int sig = StopSignal(); sig != 0 && code != StoppedExit()) {
    code = Fail(StoppedExit(),
                absl::StrCat("stopped by ", StopSignalName(sig)));
  }
  if (!OutputError().empty()) {
    code = Fail(code == 0 ? kExitOutput : code, OutputError());
  }
  return code;
}

// The options of `wsbx run`, each shown in --help with the type of value
// it takes and its default.
void AddRunOptions(CLI::App* run, RunOptions& o) {
  run->add_option("file", o.file, "The module: .wasm, .wat text, or - for stdin")
      ->type_name("MODULE")
      ->required();
  run->add_option("--invoke", o.invoke,
                  "Call this exported function and print its results")
      ->type_name("NAME");
  run->add_option("--mem", o.mem,
                  "Cap on the memory the guest can make wsbx hold (K, M, G are "
                  "powers of 1024 however written: 64M = 64MiB = 64MB)")
      ->option_text("SIZE (default 4G)");
  // Option texts read "TYPE (default VALUE)": what to write, and what
  // holds when the option is not given.
  run->add_option("--fuel", o.fuel,
                  "Stop (exit 124) after N units of fuel: one per wasm "
                  "instruction, plus bulk work; deterministic")
      ->option_text("N (default no limit)");
  run->add_option("--timeout", o.timeout,
                  "Stop (exit 124) after this wall-clock time: 250ms, 2s, "
                  "1.5m, 1h")
      ->option_text("DURATION (default no limit)");
  run->add_option("--max-table-elements", o.table_elements,
                  "Cap on every table's size")
      ->option_text("N (default 10000000)");
  run->add_option("--stack", o.stack, "Size of the wasm value stack, 64K to 1G")
      ->option_text("SIZE (default 8M)");
  run->add_option("--max-call-depth", o.call_depth, "Cap on nested wasm calls")
      ->option_text("N (default 20000)");
  run->add_flag("--stats", o.stats,
                "After the run, print fuel used, peak memory and elapsed "
                "time to stderr");
  run->add_option("--compile", o.compile,
                  "Code the module runs as: optimized, or plain, each wasm "
                  "instruction its own step (the reference optimized code "
                  "is checked against)")
      ->option_text("optimized|plain (default optimized)")
      ->check(CLI::IsMember({"optimized", "plain"}));
  run->add_option("--dir", o.dirs,
                  "Grant a host directory read-write: DIR (the same name "
                  "inside) or HOST::GUEST; repeatable")
      ->type_name("DIR")
      ->allow_extra_args(false);
  run->add_option("--dir-ro", o.dirs_ro,
                  "Grant a host directory read-only: DIR or HOST::GUEST; "
                  "repeatable")
      ->type_name("DIR")
      ->allow_extra_args(false);
  run->add_option("--env", o.envs,
                  "Pass NAME=VALUE, or copy the host's NAME, to the guest; "
                  "repeatable")
      ->type_name("VAR")
      ->allow_extra_args(false);
  run->add_option("--audit", o.audit,
                  "Write every refused WASI operation to FILE as JSON Lines "
                  "(- : to stderr, each line prefixed 'wsbx audit: ')")
      ->option_text("FILE (default none)");
  run->add_option("--max-output", o.max_output,
                  "Cap on what the guest writes to stdout and stderr "
                  "together; writes beyond it fail with EFBIG and are "
                  "audited")
      ->option_text("SIZE (default no limit)");
  run->add_option("--unknown-imports", o.unknown_imports,
                  "What an import nothing provides becomes: error, trap (a "
                  "function that traps when called) or default (zeros, fresh "
                  "memories and tables)")
      ->option_text("error|trap|default (default error)");
  run->add_option("--preload", o.preloads,
                  "Instantiate MODULE first and link its exports to imports "
                  "from NAME; repeatable, in order")
      ->type_name("NAME=MODULE")
      ->allow_extra_args(false);
  run->add_option("--policy", o.policy,
                  "Take the settings not given as flags from a JSON policy "
                  "file or a preset: standard, strict, paranoid (docs/cli.md)")
      ->option_text("FILE|NAME (default none)");
  run->add_flag("--wasi-path-walk", o.path_walk,
                "Resolve guest paths without openat2 (for testing)")
      ->group("");
  run->add_option("args", o.args,
                  "Arguments for --invoke, or for the guest's _start (put "
                  "them after -- when they look like options)")
      ->type_name("ARG");
}

void AddLogOptions(CLI::App* app, LogOptions& o) {
  app->add_flag("-v,--verbose", o.verbose,
                "Print what wsbx does to stderr: -v grants, limits, load and "
                "compile times, instances; -vv also each import");
  app->add_option("--log-level", o.level,
                  "Show diagnostics from this level on (overrides -v)")
      ->option_text("error|warn|info|debug (default warn)");
}

// Applies -v/--log-level; false with a usage error.
bool ApplyLogOptions(const LogOptions& o, std::string* error) {
  LogLevel level = o.verbose >= 2   ? LogLevel::kDebug
                   : o.verbose == 1 ? LogLevel::kInfo
                                    : LogLevel::kWarn;
  if (!o.level.empty()) {
    absl::StatusOr<LogLevel> parsed = ParseLogLevel(o.level);
    if (!parsed.ok()) {
      *error = absl::StrCat("--log-level: ", parsed.status().message());
      return false;
    }
    level = *parsed;
  }
  SetLogLevel(level);
  return true;
}

constexpr char kNegativeMark = '\x1f';

// "-inf", "-nan", "-nan:0x7fc00000", "-.5": values CLI11 would take for
// option names.
bool LooksLikeNegativeNumber(std::string_view w) {
  return w.starts_with("-inf") || w.starts_with("-nan") ||
         (w.size() > 2 && w.starts_with("-.") && absl::ascii_isdigit(w[2]));
}

int Main(int argc, char** argv) {
  CLI::App app{"wsbx: a sandbox runtime for untrusted WebAssembly", "wsbx"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VersionText(), "Print wsbx's version and exit");
  CLI::App* version = app.add_subcommand("version", "Print wsbx's version");

  RunOptions run_opts;
  CLI::App* run = app.add_subcommand("run", "Run a module's _start, or --invoke an export");
  AddRunOptions(run, run_opts);
  LogOptions log_opts;
  AddLogOptions(run, log_opts);

  // Run by wsbx-serve (cli/serve_exec.h); listed here for --help.
  app.add_subcommand("serve", "Serve HTTP functions (wsbx serve --help)");
  app.add_subcommand("worker", "Run async jobs from NATS JetStream (wsbx worker --help)");

  std::string policy_name;
  CLI::App* policy = app.add_subcommand("policy", "Show the built-in policies");
  policy->require_subcommand(1);
  CLI::App* policy_show =
      policy->add_subcommand("show", "Print a preset as a policy file");
  policy_show->add_option("name", policy_name,
                          "A preset (standard, strict, paranoid) or a policy "
                          "file")
      ->type_name("NAME")
      ->required();

  std::string validate_file;
  CLI::App* validate = app.add_subcommand("validate", "Decode and validate a module");
  validate->add_option("file", validate_file, "The module: .wasm, .wat text, or - for stdin")
      ->type_name("MODULE")
      ->required();
  AddLogOptions(validate, log_opts);
  InspectOptions inspect_opts;
  CLI::App* inspect = AddInspectCommand(app, &inspect_opts);

  // CLI11 reads "-inf", "-nan" and "-.5" as options; they are marked here
  // and unmarked once parsed, so that negative --invoke arguments need no
  // "--" (other negative numbers CLI11 already takes as values).
  std::vector<std::string> words(argv + 1, argv + argc);
  for (std::string& w : words) {
    if (LooksLikeNegativeNumber(w)) w.insert(0, 1, kNegativeMark);
  }
  std::reverse(words.begin(), words.end());  // CLI11 parses from the back
  std::string shell;
  CLI::App* completions = app.add_subcommand(
      "completions", "Print a shell completion script: bash, zsh or fish");
  completions->add_option("shell", shell, "The shell")
      ->type_name("bash|zsh|fish")
      ->required();
  // Builds the man page (cli/meson.build); not listed.
  CLI::App* man = app.add_subcommand("man", "Print the man page")->group("");

  try {
    app.parse(words);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // --help and usage errors, through iostreams
    if (!std::cout.flush()) return Fail(kExitOutput, "cannot write to stdout");
    return code == 0 ? 0 : kExitUsage;
  }
  // An empty value never means the default: "--mem ''" is a mistake.
  for (const CLI::App* sub : {run, validate}) {
    for (const CLI::Option* o : sub->get_options()) {
      if (o->get_positional() || o->get_expected_min() == 0) continue;
      for (const std::string& r : o->results()) {
        if (r.empty()) return Fail(kExitUsage, o->get_name() + ": empty value");
      }
    }
  }
  if (std::string error; !ApplyLogOptions(log_opts, &error)) {
    return Fail(kExitUsage, error);
  }
  for (std::string& a : run_opts.args) {
    if (!a.empty() && a[0] == kNegativeMark) a.erase(0, 1);
  }
  if (*completions) {
    absl::StatusOr<std::string> script = CompletionScript(app, shell);
    if (!script.ok()) {
      return Fail(kExitUsage, absl::StrCat("completions: ", script.status().message()));
    }
    PrintOut(*script);
    return 0;
  }
  if (*man) {
    PrintOut(ManPage(app, WSBX_VERSION));
    return 0;
  }
  if (*version) {
    PrintOut(VersionText() + "\n");
    return 0;
  }
  if (*validate) return CmdValidate(validate_file);
  if (*inspect) return RunInspect(inspect_opts);
  if (*policy_show) return CmdPolicyShow(policy_name);
  std::string error;
  if (!ApplyPolicyFlag(*run, &run_opts, &error)) return Fail(kExitUsage, error);
  return CmdRun(run_opts);
}

}  // namespace
}  // namespace wsbx

int main(int argc, char** argv) {
  if (int code = wsbx::MaybeRunServe(argc, argv); code >= 0) return code;
  wsbx::InstallSignalHandlers();
  return wsbx::Conclude(wsbx::Main(argc, argv));
}
