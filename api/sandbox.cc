// Sandbox and CompiledModule (include/wsbx/wsbx.hpp): loading, linking the
// guest's imports (WASI and the embedder's host functions), calls with
// their budgets, and the conversion of engine traps into public errors.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/sandbox_state.h"
#include "runtime/engine.h"
#include "runtime/execute/budget.h"
#include "text/wat.h"
#include "wasi/audit.h"

namespace wsbx {
namespace {

using Clock = std::chrono::steady_clock;
using internal::SandboxState;

ValKind KindOf(ValType t) {
  switch (t) {
    case ValType::kI32: return ValKind::kI32;
    case ValType::kI64: return ValKind::kI64;
    case ValType::kF32: return ValKind::kF32;
    case ValType::kF64: return ValKind::kF64;
    case ValType::kV128: return ValKind::kV128;
    case ValType::kFuncRef: return ValKind::kFuncRef;
    case ValType::kExternRef: return ValKind::kExternRef;
  }
  return ValKind::kI32;
}

ValType TypeOf(ValKind k) {
  switch (k) {
    case ValKind::kI32: return ValType::kI32;
    case ValKind::kI64: return ValType::kI64;
    case ValKind::kF32: return ValType::kF32;
    case ValKind::kF64: return ValType::kF64;
    case ValKind::kV128: return ValType::kV128;
    case ValKind::kFuncRef: return ValType::kFuncRef;
    case ValKind::kExternRef: return ValType::kExternRef;
  }
  return ValType::kI32;
}

Val ToVal(const Value& v) { return Val::FromRaw(KindOf(v.type), v.bits, v.hi); }
Value ToValue(const Val& v) {
  return Value{TypeOf(v.kind()), v.raw_lo(), v.raw_hi()};
}

std::string Signature(const FuncType& type) {
  auto names = [](const std::vector<ValType>& ts) {
    std::vector<std::string> out;
    for (ValType t : ts) out.emplace_back(ToString(KindOf(t)));
    return absl::StrJoin(out, ", ");
  };
  return absl::StrCat("(", names(type.params), ") -> (", names(type.results),
                      ")");
}

std::vector<std::string> DescribeFuncExports(const Module& module) {
  std::vector<std::string> out;
  for (const Export& e : module.exports) {
    if (e.kind != ExternKind::kFunc) continue;
    out.push_back(e.name + ": " + Signature(module.FuncTypeOf(e.index)));
  }
  return out;
}

Error LoadError(const absl::Status& status, ErrorKind kind) {
  if (absl::IsDeadlineExceeded(status)) kind = ErrorKind::kTimeout;
  if (absl::IsResourceExhausted(status)) kind = ErrorKind::kResource;
  return Error(kind, std::string(status.message()));
}

Result<std::vector<uint8_t>> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::kIo, "cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) return Error(ErrorKind::kIo, "cannot read " + path);
  return bytes;
}

Result<std::shared_ptr<const Module>> Load(std::vector<uint8_t> bytes,
                                           const Limits& limits) {
  LoadBudget budget;
  budget.max_code_bytes = limits.max_store_bytes;
  auto module = LoadModule(std::move(bytes), limits, CompileMode::kOptimized,
                           budget);
  if (!module.ok()) return LoadError(module.status(), ErrorKind::kLoad);
  return std::shared_ptr<const Module>(*module);
}

// Converts the WASI layer's new audit events, delivers them to the
// callback, and says whether any arrived.
bool TakeAuditEvents(SandboxState& s) {
  const std::vector<wasi::AuditEvent>& events = s.wasi->events();
  bool any = false;
  for (; s.events_seen < events.size(); ++s.events_seen) {
    const wasi::AuditEvent& e = events[s.events_seen];
    AuditEvent pub;
    pub.function = e.function;
    for (const auto& [name, value] : e.args) {
      if (name == "path" || name == "old_path" || name == "new_path") {
        pub.path = value;
      }
    }
    pub.json = wasi::AuditEventToJson(e);
    pub.reason = e.reason;
    // The errno's name is in the JSON form; keep one source of names.
    const std::string key = "\"errno\":\"";
    if (size_t at = pub.json.find(key); at != std::string::npos) {
      size_t end = pub.json.find('"', at + key.size());
      pub.errno_name = pub.json.substr(at + key.size(), end - at - key.size());
    }
    if (s.config.on_audit) s.config.on_audit(pub);
    s.audit.push_back(std::move(pub));
    any = true;
  }
  s.stats.audit_events = s.audit.size();
  return any;
}

HostFunction WrapWasi(SandboxState* s, size_t call_index) {
  return [s, call_index](HostContext& host, std::span<const uint64_t> args,
                         std::span<uint64_t> results) {
    ++s->host_calls[call_index].second;
    TrapKind kind = s->wasi_fns[call_index](host, args, results);
    if (TakeAuditEvents(*s) && s->settings.end_on_refusal &&
        kind == TrapKind::kNone) {
      s->refusal = s->audit.back().function + " refused: " +
                   s->audit.back().reason;
      host.trap_message = "paranoid policy: " + *s->refusal;
      return TrapKind::kHostError;
    }
    return kind;
  };
}

HostFunction WrapRaw(SandboxState* s, size_t call_index,
                     const Sandbox::Builder::RawHostFunction* raw) {
  return [s, call_index, raw](HostContext& host,
                              std::span<const uint64_t> args,
                              std::span<uint64_t> results) {
    ++s->host_calls[call_index].second;
    std::vector<Val> in;
    size_t slot = 0;
    for (ValKind k : raw->params) {
      uint64_t hi = k == ValKind::kV128 ? args[slot + 1] : 0;
      in.push_back(Val::FromRaw(k, args[slot], hi));
      slot += k == ValKind::kV128 ? 2 : 1;
    }
    std::vector<Val> out;
    if (std::optional<Error> e = raw->fn(in, out)) {
      host.trap_message = raw->name + ": " + e->message();
      return TrapKind::kHostError;
    }
    bool same = out.size() == raw->results.size();
    for (size_t i = 0; same && i < out.size(); ++i) {
      same = out[i].kind() == raw->results[i];
    }
    if (!same) {
      host.trap_message = raw->name + ": returned values of the wrong types";
      return TrapKind::kHostError;
    }
    slot = 0;
    for (const Val& v : out) {
      results[slot++] = v.raw_lo();
      if (v.kind() == ValKind::kV128) results[slot++] = v.raw_hi();
    }
    return TrapKind::kNone;
  };
}

// Every import resolved, or one error listing all that could not be.
Result<std::vector<Extern>> LinkImports(SandboxState& s) {
  std::vector<Extern> externs;
  std::vector<std::string> problems;
  s.host_calls.clear();
  for (const Import& imp : s.module->imports) {
    const std::string what = absl::StrCat(imp.module, ".", imp.name);
    if (imp.kind != ExternKind::kFunc) {
      problems.push_back(what + " (only functions can be provided)");
      continue;
    }
    const FuncType& want = s.module->types[imp.func_type];
    const Sandbox::Builder::RawHostFunction* raw = nullptr;
    for (const auto& h : s.config.hosts) {
      if (h.module == imp.module && h.name == imp.name) raw = &h;
    }
    FuncType sig;
    HostFunction fn;
    s.host_calls.emplace_back(what, 0);
    if (raw != nullptr) {
      for (ValKind k : raw->params) sig.params.push_back(TypeOf(k));
      for (ValKind k : raw->results) sig.results.push_back(TypeOf(k));
      fn = WrapRaw(&s, s.host_calls.size() - 1, raw);
    } else if (s.wasi_fns[s.host_calls.size() - 1]) {
      s.wasi->Function(imp.module, imp.name, &sig);
      fn = WrapWasi(&s, s.host_calls.size() - 1);
    }
    if (!fn) {
      problems.push_back(what + ": " + Signature(want) + " (not provided)");
      continue;
    }
    if (!(sig == want)) {
      problems.push_back(absl::StrCat(what, ": the module wants ",
                                      Signature(want), ", the host has ",
                                      Signature(sig)));
      continue;
    }
    externs.push_back(
        Extern::Func(s.store->AddHostFunction(sig, std::move(fn), what)));
  }
  if (!problems.empty()) {
    return Error(ErrorKind::kLink, "unresolved imports: " +
                                       absl::StrJoin(problems, "; "));
  }
  return externs;
}

WasiOptions MakeWasiOptions(SandboxState& s) {
  const Sandbox::Builder::Config& c = s.config;
  WasiOptions o;
  o.args.push_back(c.program);
  o.args.insert(o.args.end(), c.args.begin(), c.args.end());
  o.env = c.env;
  if (s.run_input) {
    o.stdin_data = s.run_input->stdin_data;
    for (const auto& [name, value] : s.run_input->env) {
      const std::string prefix = name + "=";
      std::erase_if(o.env, [&](const std::string& e) {
        return e.compare(0, prefix.size(), prefix) == 0;
      });
      o.env.push_back(prefix + value);
    }
  }
  o.preopens = c.dirs;
  o.interrupt = &s.interrupt;
  if (!s.run_input) o.stdin_data = c.stdin_data;
  o.max_output_bytes = s.settings.max_output;
  SandboxState* sp = &s;
  if (c.capture || c.on_stdout) {
    o.stdout_sink = [sp](std::string_view bytes) {
      sp->stats.stdout_bytes += bytes.size();
      if (sp->config.capture) sp->out.append(bytes);
      if (sp->config.on_stdout) sp->config.on_stdout(bytes);
    };
  }
  if (c.capture || c.on_stderr) {
    o.stderr_sink = [sp](std::string_view bytes) {
      sp->stats.stderr_bytes += bytes.size();
      if (sp->config.capture) sp->err.append(bytes);
      if (sp->config.on_stderr) sp->config.on_stderr(bytes);
    };
  }
  return o;
}

// Sets the per-call budgets; returns when the call must end.
void StartCall(SandboxState& s) {
  s.interrupt.store(false, std::memory_order_relaxed);
  s.refusal.reset();
  SetFuel(*s.store, s.settings.fuel);
  std::optional<Clock::time_point> deadline;
  if (s.settings.timeout) deadline = Clock::now() + *s.settings.timeout;
  SetDeadline(*s.store, deadline);
  s.wasi->set_deadline(deadline);
}

void FinishCall(SandboxState& s, Clock::time_point start) {
  s.stats.last_call_time = Clock::now() - start;
  s.stats.fuel_consumed = FuelConsumed(*s.store) - s.fuel_base;
  s.stats.peak_memory_bytes = s.store->account().peak();
  s.stats.memory_pages =
      s.instance && !s.instance->memories.empty()
          ? s.instance->memories[0]->pages() : 0;
  s.stats.host_calls.clear();
  for (const auto& hc : s.host_calls) {
    if (hc.second > 0) s.stats.host_calls.push_back(hc);
  }
  TakeAuditEvents(s);
}

Result<std::vector<Val>> Invoke(SandboxState& s, FunctionInstance* func,
                                std::span<const Val> args) {
  std::vector<Value> in;
  for (const Val& v : args) in.push_back(ToValue(v));
  const auto start = Clock::now();
  StartCall(s);
  InvokeResult r = s.store->Invoke(func, in);
  FinishCall(s, start);
  if (!r.ok()) return ErrorFromTrap(*r.trap, s);
  std::vector<Val> out;
  for (const Value& v : r.values) out.push_back(ToVal(v));
  return out;
}

}  // namespace

Error ErrorFromTrap(const Trap& trap, const SandboxState& state) {
  ErrorKind kind = ErrorKind::kTrap;
  switch (trap.kind) {
    case TrapKind::kTimeout: kind = ErrorKind::kTimeout; break;
    case TrapKind::kFuelExhausted: kind = ErrorKind::kFuel; break;
    case TrapKind::kInterrupted: kind = ErrorKind::kInterrupted; break;
    case TrapKind::kExit: kind = ErrorKind::kExit; break;
    case TrapKind::kCallStackExhausted: kind = ErrorKind::kResource; break;
    case TrapKind::kHostError:
      if (state.refusal) kind = ErrorKind::kRefused;
      break;
    default: break;
  }
  std::string message = trap.kind == TrapKind::kExit
                            ? absl::StrCat("exit status ", trap.exit_code)
                            : trap.message;
  Error error(kind, std::move(message));
  error.set_exit_code(trap.exit_code);
  std::vector<TrapFrame> frames;
  for (const BacktraceFrame& f : trap.backtrace) {
    frames.push_back({f.func_index, f.func_name, f.code_offset});
  }
  error.set_backtrace(std::move(frames));
  return error;
}

Settings EffectiveSettings(const Sandbox::Builder::Config& c) {
  Settings s;
  if (c.policy != Policy::kStandard) {
    s.limits.max_memory_pages = (uint64_t{64} << 20) / kPageSize;
    s.limits.max_store_bytes = uint64_t{64} << 20;
    s.limits.value_stack_slots = (uint64_t{1} << 20) / sizeof(uint64_t);
    s.timeout = c.policy == Policy::kParanoid ? std::chrono::seconds(1)
                                              : std::chrono::seconds(10);
    s.max_output = uint64_t{16} << 20;
    s.end_on_refusal = c.policy == Policy::kParanoid;
  } else {
    s.limits.max_store_bytes = s.limits.max_memory_pages * kPageSize;
  }
  if (c.memory) {
    s.limits.max_memory_pages = *c.memory / kPageSize;
    s.limits.max_store_bytes = *c.memory;
  }
  if (c.fuel) s.fuel = c.fuel;
  if (c.timeout) s.timeout = c.timeout;
  if (c.stack) s.limits.value_stack_slots = *c.stack / sizeof(uint64_t);
  if (c.call_depth) s.limits.max_call_depth = *c.call_depth;
  if (c.table_elements) s.limits.max_table_elements = *c.table_elements;
  if (c.max_output) s.max_output = *c.max_output;
  return s;
}

Result<void> NewWasi(SandboxState& s) {
  auto wasi = Wasi::Create(MakeWasiOptions(s));
  if (!wasi.ok()) return LoadError(wasi.status(), ErrorKind::kIo);
  s.wasi = std::move(*wasi);
  s.events_seen = 0;
  s.wasi_fns.clear();
  for (const Import& imp : s.module->imports) {
    HostFunction fn;
    if (IsWasiModuleName(imp.module) && imp.kind == ExternKind::kFunc) {
      fn = s.wasi->Function(imp.module, imp.name, nullptr);
    }
    s.wasi_fns.push_back(std::move(fn));
  }
  return Result<void>();
}

Result<void> Instantiate(SandboxState& s) {
  s.instance = nullptr;
  s.store = std::make_unique<Store>(s.settings.limits);
  SetInterruptFlag(*s.store, &s.interrupt);
  if (Result<void> r = NewWasi(s); !r.ok()) return r;
  Result<std::vector<Extern>> imports = LinkImports(s);
  if (!imports.ok()) return imports.error();
  const auto start = Clock::now();
  StartCall(s);
  auto instance = s.store->Instantiate(s.module, *imports);
  FinishCall(s, start);
  if (!instance.ok()) {
    if (instance.status().code() != absl::StatusCode::kAborted) {
      return LoadError(instance.status(), ErrorKind::kLink);
    }
    // A trap while initialising: the start function's (with its
    // backtrace), or a segment out of bounds.
    Trap trap = s.store->start_trap();
    if (trap.kind == TrapKind::kNone) {
      trap.kind = LastTrapKind(*s.store);
      trap.message = std::string(instance.status().message());
    }
    return ErrorFromTrap(trap, s);
  }
  s.instance = *instance;
  // A reactor is initialised once, before anything else runs.
  if (std::optional<Extern> init = s.instance->FindExport("_initialize");
      init && init->kind == ExternKind::kFunc &&
      !s.instance->FindExport("_start")) {
    Result<std::vector<Val>> r = Invoke(s, init->func, {});
    if (!r.ok()) return r.error();
  }
  return Result<void>();
}

// ---------------------------------------------------------------------------
// CompiledModule

Result<CompiledModule> CompiledModule::FromBytes(
    std::span<const uint8_t> bytes) {
  auto module = Load(std::vector<uint8_t>(bytes.begin(), bytes.end()), Limits());
  if (!module.ok()) return module.error();
  return CompiledModule(std::make_shared<internal::ModuleData>(
      internal::ModuleData{std::move(*module)}));
}

Result<CompiledModule> CompiledModule::FromFile(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.error();
  // A file named .wat without the binary magic is WebAssembly text, as on
  // the command line; its errors are PATH:LINE:COL.
  static constexpr uint8_t kMagic[4] = {0, 'a', 's', 'm'};
  const bool binary = bytes->size() >= 4 &&
                      std::equal(kMagic, kMagic + 4, bytes->begin());
  if (!binary && absl::EndsWith(path, ".wat")) {
    absl::StatusOr<std::vector<uint8_t>> converted = text::WatToWasm(
        std::string_view(reinterpret_cast<const char*>(bytes->data()),
                         bytes->size()));
    if (!converted.ok()) {
      return Error(ErrorKind::kLoad,
                   absl::StrCat(path, ":", converted.status().message()));
    }
    *bytes = std::move(*converted);
  }
  auto module = Load(std::move(*bytes), Limits());
  if (!module.ok()) {
    return Error(module.error().kind(), path + ": " + module.error().message());
  }
  return CompiledModule(std::make_shared<internal::ModuleData>(
      internal::ModuleData{std::move(*module)}));
}

std::vector<std::string> CompiledModule::DescribeExports() const {
  return DescribeFuncExports(*data_->module);
}

// ---------------------------------------------------------------------------
// Sandbox

Sandbox::Sandbox(std::unique_ptr<SandboxState> state)
    : state_(std::move(state)) {}
Sandbox::Sandbox(Sandbox&&) noexcept = default;
Sandbox& Sandbox::operator=(Sandbox&&) noexcept = default;
Sandbox::~Sandbox() = default;

Result<Sandbox> Sandbox::Builder::Build() const {
  auto state = std::make_unique<SandboxState>();
  state->config = *config_;
  state->settings = EffectiveSettings(*config_);
  const Config& c = state->config;
  if (c.module) {
    state->module = c.module;
  } else {
    std::vector<uint8_t> bytes;
    if (c.bytes) {
      bytes = *c.bytes;
    } else if (!c.file.empty()) {
      Result<std::vector<uint8_t>> read = ReadFile(c.file);
      if (!read.ok()) return read.error();
      bytes = std::move(*read);
    } else {
      return Error(ErrorKind::kInvalidArgument,
                   "no module: call ModuleBytes, ModuleFile or UseModule");
    }
    auto module = Load(std::move(bytes), state->settings.limits);
    if (!module.ok()) return module.error();
    state->module = std::move(*module);
  }
  if (Result<void> r = Instantiate(*state); !r.ok()) return r.error();
  return Sandbox(std::move(state));
}

Result<int> Sandbox::Run() {
  std::optional<Extern> start = state_->instance->FindExport("_start");
  if (!start || start->kind != ExternKind::kFunc) {
    return Error(ErrorKind::kInvalidArgument,
                 "the module exports no _start function (exported functions: " +
                     absl::StrJoin(DescribeExports(), "; ") + ")");
  }
  if (!start->func->type->params.empty() ||
      !start->func->type->results.empty()) {
    return Error(ErrorKind::kInvalidArgument,
                 "_start must take no arguments and return nothing");
  }
  Result<std::vector<Val>> r = Invoke(*state_, start->func, {});
  if (r.ok()) return 0;
  if (r.error().kind() == ErrorKind::kExit) return r.error().exit_code();
  return r.error();
}

Result<int> Sandbox::Run(const RunInput& input) {
  state_->run_input = input;
  if (Result<void> r = NewWasi(*state_); !r.ok()) return r.error();
  return Run();
}

Result<std::vector<Val>> Sandbox::Call(std::string_view name,
                                       std::span<const Val> args) {
  return CallChecked(name, args, nullptr);
}

Result<std::vector<Val>> Sandbox::CallChecked(
    std::string_view name, std::span<const Val> args,
    const std::vector<ValKind>* results) {
  SandboxState& s = *state_;
  std::optional<Extern> ext = s.instance->FindExport(name);
  if (!ext || ext->kind != ExternKind::kFunc) {
    return Error(ErrorKind::kInvalidArgument,
                 absl::StrCat("no exported function '", std::string(name),
                              "' (exported functions: ",
                              absl::StrJoin(DescribeExports(), "; "), ")"));
  }
  const FuncType& type = *ext->func->type;
  bool same = args.size() == type.params.size();
  for (size_t i = 0; same && i < args.size(); ++i) {
    same = args[i].kind() == KindOf(type.params[i]);
  }
  std::vector<ValKind> given;
  for (const Val& v : args) given.push_back(v.kind());
  if (!same) {
    std::vector<std::string> names;
    for (ValKind k : given) names.emplace_back(ToString(k));
    return Error(ErrorKind::kInvalidArgument,
                 absl::StrCat("'", std::string(name), "' is ", Signature(type),
                              "; called with (", absl::StrJoin(names, ", "),
                              ")"));
  }
  if (results != nullptr) {
    bool ok = results->size() == type.results.size();
    for (size_t i = 0; ok && i < results->size(); ++i) {
      ok = (*results)[i] == KindOf(type.results[i]);
    }
    if (!ok) {
      std::vector<std::string> names;
      for (ValKind k : *results) names.emplace_back(ToString(k));
      return Error(ErrorKind::kInvalidArgument,
                   absl::StrCat("'", std::string(name), "' is ", Signature(type),
                                "; the call expects results (",
                                absl::StrJoin(names, ", "), ")"));
    }
  }
  return Invoke(s, ext->func, args);
}

void Sandbox::Interrupt() {
  state_->interrupt.store(true, std::memory_order_relaxed);
}

const Stats& Sandbox::stats() const { return state_->stats; }
std::string_view Sandbox::captured_stdout() const { return state_->out; }
std::string_view Sandbox::captured_stderr() const { return state_->err; }
const std::vector<AuditEvent>& Sandbox::audit_events() const {
  return state_->audit;
}
std::vector<std::string> Sandbox::DescribeExports() const {
  return DescribeFuncExports(*state_->module);
}

Result<void> Sandbox::Reset() {
  SandboxState& s = *state_;
  s.run_input.reset();
  if (!s.snapshot.taken()) {
    if (Result<void> r = Instantiate(s); !r.ok()) return r;
  } else {
    // Fresh file descriptors, unless the guest cannot reach WASI at all.
    bool uses_wasi = std::any_of(s.wasi_fns.begin(), s.wasi_fns.end(),
                                 [](const HostFunction& f) { return bool(f); });
    if (uses_wasi) {
      if (Result<void> r = NewWasi(s); !r.ok()) return r;
    }
    if (absl::Status st = s.snapshot.Restore(*s.instance); !st.ok()) {
      return Error(ErrorKind::kResource, std::string(st.message()));
    }
  }
  s.out.clear();
  s.err.clear();
  s.audit.clear();
  s.refusal.reset();
  s.stats = Stats();
  for (auto& hc : s.host_calls) hc.second = 0;
  s.fuel_base = FuelConsumed(*s.store);
  s.store->ResetAccountPeak();
  return Result<void>();
}

Result<void> Sandbox::EnableFastReset() {
  if (state_->snapshot.taken()) return Result<void>();
  if (absl::Status st = state_->snapshot.Take(*state_->instance); !st.ok()) {
    return Error(ErrorKind::kResource, std::string(st.message()));
  }
  return Result<void>();
}

}  // namespace wsbx
