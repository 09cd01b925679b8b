// The C API (include/wsbx/wsbx.h), first half: values, errors, lists of
// strings, compiled modules and the configuration, which becomes a
// Sandbox::Builder when a sandbox or pool is built from it.
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "api/c_api_internal.h"

namespace wsbx::sandbox_c_api {
namespace {

constexpr ValKind kKinds[] = {
    ValKind::kI32,  ValKind::kI64,     ValKind::kF32,      ValKind::kF64,
    ValKind::kV128, ValKind::kFuncRef, ValKind::kExternRef};
constexpr size_t kKindCount = sizeof(kKinds) / sizeof(kKinds[0]);

static_assert(WSBX_I32 == static_cast<int>(ValKind::kI32) &&
              WSBX_EXTERNREF == static_cast<int>(ValKind::kExternRef) &&
              WSBX_EXTERNREF + 1 == kKindCount);
static_assert(WSBX_ERROR_INVALID_ARGUMENT ==
                  static_cast<int>(ErrorKind::kInvalidArgument) &&
              WSBX_ERROR_RESOURCE == static_cast<int>(ErrorKind::kResource));
static_assert(WSBX_POLICY_PARANOID == static_cast<int>(Policy::kParanoid));

// A user pointer and its finalizer, run when the last holder lets go.
struct UserData {
  void* user = nullptr;
  void (*finalizer)(void*) = nullptr;
  UserData(void* u, void (*f)(void*)) : user(u), finalizer(f) {}
  UserData(const UserData&) = delete;
  UserData& operator=(const UserData&) = delete;
  ~UserData() {
    if (finalizer != nullptr) finalizer(user);
  }
};

std::optional<wsbx_valkind_t> KindNamed(std::string_view name) {
  for (size_t i = 0; i < kKindCount; ++i) {
    if (name == ToString(kKinds[i])) return static_cast<wsbx_valkind_t>(i);
  }
  return std::nullopt;
}

// "i32, i64" (without the parentheses) into kinds.
std::vector<wsbx_valkind_t> ParseKinds(std::string_view list) {
  std::vector<wsbx_valkind_t> out;
  while (!list.empty()) {
    const size_t comma = list.find(", ");
    if (std::optional<wsbx_valkind_t> k = KindNamed(list.substr(0, comma))) {
      out.push_back(*k);
    }
    list = comma == std::string_view::npos ? "" : list.substr(comma + 2);
  }
  return out;
}

std::function<void(std::string_view)> OutputSink(
    wsbx_output_callback_t callback, void* user, void (*finalizer)(void*)) {
  auto data = std::make_shared<UserData>(user, finalizer);
  if (callback == nullptr) return nullptr;  // `data` finalizes right away
  return [callback, data](std::string_view bytes) {
    callback(data->user, bytes.data(), bytes.size());
  };
}

// The Builder's type-erased host function around a C callback.
std::function<std::optional<Error>(std::span<const Val>, std::vector<Val>&)>
HostCall(std::vector<ValKind> results, wsbx_host_callback_t callback,
         std::shared_ptr<UserData> env) {
  return [results = std::move(results), callback, env](
             std::span<const Val> in,
             std::vector<Val>& out) -> std::optional<Error> {
    std::vector<wsbx_val_t> args;
    args.reserve(in.size());
    for (const Val& v : in) args.push_back(FromVal(v));
    std::vector<wsbx_val_t> res;
    for (ValKind k : results) res.push_back(FromVal(Val::FromRaw(k, 0, 0)));
    if (wsbx_error_t* e = callback(env->user, args.data(), args.size(),
                                   res.data(), res.size())) {
      Error error = std::move(e->error);
      wsbx_error_delete(e);
      return error;
    }
    for (const wsbx_val_t& r : res) {
      Result<Val> v = ToVal(r);
      if (!v.ok()) return v.error();
      out.push_back(*v);
    }
    return std::nullopt;
  };
}

std::vector<ValKind> KindsOf(const wsbx_valkind_t* kinds, size_t n) {
  std::vector<ValKind> out;
  for (size_t i = 0; i < n; ++i) {
    // A kind that is none becomes i32: the link then reports a mismatch.
    out.push_back(kinds[i] < kKindCount ? kKinds[kinds[i]] : ValKind::kI32);
  }
  return out;
}

}  // namespace

std::shared_ptr<const Signatures> ParseSignatures(
    const std::vector<std::string>& described) {
  auto out = std::make_shared<Signatures>();
  for (const std::string& line : described) {
    // The signature never holds ": (", a name might: split at the last.
    const size_t at = line.rfind(": (");
    const size_t arrow = line.find(") -> (", at);
    if (at == std::string::npos || arrow == std::string::npos) continue;
    Signature sig;
    sig.name = line.substr(0, at);
    sig.text = line.substr(at + 2);
    const std::string_view rest(line);
    sig.params = ParseKinds(rest.substr(at + 3, arrow - at - 3));
    const size_t from = arrow + 6;
    sig.results = ParseKinds(rest.substr(from, line.size() - 1 - from));
    out->push_back(std::move(sig));
  }
  return out;
}

wsbx_error_t* NewError(Error error) {
  return new wsbx_error{std::move(error), std::nullopt};
}

wsbx_error_t* InvalidArgument(std::string message) {
  return NewError(Error(ErrorKind::kInvalidArgument, std::move(message)));
}

Result<Val> ToVal(const wsbx_val_t& v) {
  switch (v.kind) {
    case WSBX_I32:
      return Val(v.of.i32);
    case WSBX_I64:
      return Val(v.of.i64);
    case WSBX_F32:
      return Val(v.of.f32);
    case WSBX_F64:
      return Val(v.of.f64);
    case WSBX_V128: {
      uint64_t lo = 0, hi = 0;
      for (int i = 7; i >= 0; --i) {
        lo = (lo << 8) | v.of.v128[i];
        hi = (hi << 8) | v.of.v128[8 + i];
      }
      return Val::V128(lo, hi);
    }
    case WSBX_FUNCREF:
    case WSBX_EXTERNREF:
      return Val::FromRaw(kKinds[v.kind], v.of.ref, 0);
    default:
      return Error(ErrorKind::kInvalidArgument,
                   "a value of kind " + std::to_string(v.kind) +
                       ", which is no wasm value kind");
  }
}

wsbx_val_t FromVal(const Val& v) {
  wsbx_val_t out;
  std::memset(&out, 0, sizeof out);
  out.kind = static_cast<wsbx_valkind_t>(v.kind());
  switch (v.kind()) {
    case ValKind::kI32:
      out.of.i32 = v.i32();
      break;
    case ValKind::kI64:
      out.of.i64 = v.i64();
      break;
    case ValKind::kF32:
      out.of.f32 = v.f32();
      break;
    case ValKind::kF64:
      out.of.f64 = v.f64();
      break;
    case ValKind::kV128:
      for (int i = 0; i < 8; ++i) {
        out.of.v128[i] = static_cast<uint8_t>(v.v128_lo() >> (8 * i));
        out.of.v128[8 + i] = static_cast<uint8_t>(v.v128_hi() >> (8 * i));
      }
      break;
    case ValKind::kFuncRef:
    case ValKind::kExternRef:
      out.of.ref = v.raw_lo();
      break;
  }
  return out;
}

Sandbox::Builder ToBuilder(const wsbx_config& c) {
  Sandbox::Builder b;
  switch (c.source) {
    case wsbx_config::Source::kBytes:
      b.ModuleBytes(c.bytes);
      break;
    case wsbx_config::Source::kFile:
      b.ModuleFile(c.file);
      break;
    case wsbx_config::Source::kModule:
      b.UseModule(*c.module);
      break;
    case wsbx_config::Source::kNone:
      break;  // Build() says what is missing
  }
  b.Policy(c.policy);
  if (c.memory) b.MemoryLimit(*c.memory);
  if (c.fuel) b.Fuel(*c.fuel);
  if (c.timeout) b.Timeout(*c.timeout);
  if (c.stack) b.StackLimit(*c.stack);
  if (c.call_depth) b.MaxCallDepth(*c.call_depth);
  if (c.table_elements) b.MaxTableElements(*c.table_elements);
  if (c.program) b.ProgramName(*c.program);
  b.Args(c.args);
  for (const auto& [name, value] : c.env) b.Env(name, value);
  for (const wsbx_config::Dir& d : c.dirs) {
    if (d.read_only) {
      b.DirReadOnly(d.host, d.guest);
    } else {
      b.Dir(d.host, d.guest);
    }
  }
  if (c.stdin_data) b.Stdin(*c.stdin_data);
  if (c.capture) b.CaptureOutput();
  if (c.on_stdout) b.OnStdout(c.on_stdout);
  if (c.on_stderr) b.OnStderr(c.on_stderr);
  if (c.max_output) b.MaxOutput(*c.max_output);
  if (c.on_audit) b.OnAudit(c.on_audit);
  for (const auto& h : c.hosts) b.RawHost(h);
  return b;
}

}  // namespace wsbx::sandbox_c_api

using wsbx::sandbox_c_api::InvalidArgument;
using wsbx::sandbox_c_api::NewError;

extern "C" {

const char* wsbx_valkind_name(wsbx_valkind_t kind) {
  if (kind >= wsbx::sandbox_c_api::kKindCount) return "?";
  return wsbx::ToString(wsbx::sandbox_c_api::kKinds[kind]);
}

// ---------------------------------------------------------------------------
// Errors

wsbx_error_t* wsbx_error_new(const char* message) {
  return NewError(
      wsbx::Error(wsbx::ErrorKind::kTrap, message != nullptr ? message : ""));
}

void wsbx_error_delete(wsbx_error_t* error) { delete error; }

wsbx_error_kind_t wsbx_error_kind(const wsbx_error_t* error) {
  return static_cast<wsbx_error_kind_t>(error->error.kind());
}

const char* wsbx_error_kind_name(wsbx_error_kind_t kind) {
  if (kind > WSBX_ERROR_RESOURCE) return "?";
  return wsbx::ToString(static_cast<wsbx::ErrorKind>(kind));
}

const char* wsbx_error_message(const wsbx_error_t* error) {
  return error->error.message().c_str();
}

const char* wsbx_error_to_string(const wsbx_error_t* error) {
  if (!error->text) error->text = error->error.ToString();
  return error->text->c_str();
}

int wsbx_error_exit_code(const wsbx_error_t* error) {
  return error->error.exit_code();
}

bool wsbx_error_is_guest_error(const wsbx_error_t* error) {
  return error->error.is_guest_error();
}

size_t wsbx_error_frame_count(const wsbx_error_t* error) {
  return error->error.backtrace().size();
}

uint32_t wsbx_error_frame_func_index(const wsbx_error_t* error, size_t frame) {
  const auto& frames = error->error.backtrace();
  return frame < frames.size() ? frames[frame].func_index : 0;
}

const char* wsbx_error_frame_name(const wsbx_error_t* error, size_t frame) {
  const auto& frames = error->error.backtrace();
  return frame < frames.size() ? frames[frame].name.c_str() : "";
}

int64_t wsbx_error_frame_code_offset(const wsbx_error_t* error, size_t frame) {
  const auto& frames = error->error.backtrace();
  if (frame >= frames.size() || !frames[frame].code_offset) return -1;
  return *frames[frame].code_offset;
}

// ---------------------------------------------------------------------------
// Lists of strings

size_t wsbx_strings_size(const wsbx_strings_t* list) {
  return list->items.size();
}

const char* wsbx_strings_get(const wsbx_strings_t* list, size_t i) {
  return i < list->items.size() ? list->items[i].c_str() : nullptr;
}

void wsbx_strings_delete(wsbx_strings_t* list) { delete list; }

// ---------------------------------------------------------------------------
// Compiled modules

wsbx_error_t* wsbx_module_new(const uint8_t* bytes, size_t size,
                              wsbx_module_t** out) {
  if (out == nullptr) return InvalidArgument("wsbx_module_new: out is NULL");
  *out = nullptr;
  if (bytes == nullptr && size > 0) {
    return InvalidArgument("wsbx_module_new: bytes is NULL");
  }
  auto module =
      wsbx::CompiledModule::FromBytes(std::span<const uint8_t>(bytes, size));
  if (!module.ok()) return NewError(module.error());
  *out = new wsbx_module{std::move(*module)};
  return nullptr;
}

wsbx_error_t* wsbx_module_from_file(const char* path, wsbx_module_t** out) {
  if (out == nullptr || path == nullptr) {
    return InvalidArgument("wsbx_module_from_file: path or out is NULL");
  }
  *out = nullptr;
  auto module = wsbx::CompiledModule::FromFile(path);
  if (!module.ok()) return NewError(module.error());
  *out = new wsbx_module{std::move(*module)};
  return nullptr;
}

void wsbx_module_delete(wsbx_module_t* module) { delete module; }

wsbx_strings_t* wsbx_module_exports(const wsbx_module_t* module) {
  return new wsbx_strings{module->module.DescribeExports()};
}

// ---------------------------------------------------------------------------
// Configuration

wsbx_config_t* wsbx_config_new(void) { return new wsbx_config(); }

wsbx_config_t* wsbx_config_copy(const wsbx_config_t* config) {
  return new wsbx_config(*config);
}

void wsbx_config_delete(wsbx_config_t* config) { delete config; }

void wsbx_config_set_module_bytes(wsbx_config_t* config, const uint8_t* bytes,
                                  size_t size) {
  config->source = wsbx_config::Source::kBytes;
  config->bytes.assign(bytes, bytes + (bytes != nullptr ? size : 0));
  config->file.clear();
  config->module.reset();
}

void wsbx_config_set_module_file(wsbx_config_t* config, const char* path) {
  config->source = wsbx_config::Source::kFile;
  config->file = path != nullptr ? path : "";
  config->bytes.clear();
  config->module.reset();
}

void wsbx_config_set_module(wsbx_config_t* config,
                            const wsbx_module_t* module) {
  config->source = module != nullptr ? wsbx_config::Source::kModule
                                     : wsbx_config::Source::kNone;
  config->module.reset();
  if (module != nullptr) config->module = module->module;
  config->bytes.clear();
  config->file.clear();
}

void wsbx_config_set_policy(wsbx_config_t* config, wsbx_policy_t policy) {
  config->policy = static_cast<wsbx::Policy>(policy);
}

void wsbx_config_set_memory_limit(wsbx_config_t* config, uint64_t bytes) {
  config->memory = bytes;
}

void wsbx_config_set_fuel(wsbx_config_t* config, uint64_t units) {
  config->fuel = units;
}

void wsbx_config_set_timeout_ns(wsbx_config_t* config, uint64_t nanoseconds) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  config->timeout = std::chrono::nanoseconds(
      static_cast<int64_t>(nanoseconds < kMax ? nanoseconds : kMax));
}

void wsbx_config_set_timeout_ms(wsbx_config_t* config, uint64_t milliseconds) {
  constexpr uint64_t kMaxMs = std::numeric_limits<int64_t>::max() / 1000000;
  wsbx_config_set_timeout_ns(
      config, milliseconds < kMaxMs ? milliseconds * 1000000 : UINT64_MAX);
}

void wsbx_config_set_stack_limit(wsbx_config_t* config, uint64_t bytes) {
  config->stack = bytes;
}

void wsbx_config_set_max_call_depth(wsbx_config_t* config, uint32_t frames) {
  config->call_depth = frames;
}

void wsbx_config_set_max_table_elements(wsbx_config_t* config,
                                        uint64_t elements) {
  config->table_elements = elements;
}

void wsbx_config_set_argv(wsbx_config_t* config, size_t argc,
                          const char* const* argv) {
  config->program.reset();
  config->args.clear();
  for (size_t i = 0; i < argc; ++i) {
    std::string arg = argv[i] != nullptr ? argv[i] : "";
    if (i == 0) {
      config->program = std::move(arg);
    } else {
      config->args.push_back(std::move(arg));
    }
  }
}

void wsbx_config_push_env(wsbx_config_t* config, const char* name,
                          const char* value) {
  config->env.emplace_back(name != nullptr ? name : "",
                           value != nullptr ? value : "");
}

void wsbx_config_set_env(wsbx_config_t* config, size_t count,
                         const char* const* names, const char* const* values) {
  config->env.clear();
  for (size_t i = 0; i < count; ++i) {
    wsbx_config_push_env(config, names[i], values[i]);
  }
}

void wsbx_config_preopen_dir(wsbx_config_t* config, const char* host_path,
                             const char* guest_path, bool read_only) {
  config->dirs.push_back({host_path != nullptr ? host_path : "",
                          guest_path != nullptr ? guest_path : "", read_only});
}

void wsbx_config_set_stdin(wsbx_config_t* config, const void* data,
                           size_t size) {
  const char* p = static_cast<const char*>(data);
  config->stdin_data = std::string(p, p != nullptr ? size : 0);
}

void wsbx_config_capture_output(wsbx_config_t* config, bool capture) {
  config->capture = capture;
}

void wsbx_config_set_stdout_callback(wsbx_config_t* config,
                                     wsbx_output_callback_t callback,
                                     void* user, void (*finalizer)(void*)) {
  config->on_stdout = wsbx::sandbox_c_api::OutputSink(callback, user, finalizer);
}

void wsbx_config_set_stderr_callback(wsbx_config_t* config,
                                     wsbx_output_callback_t callback,
                                     void* user, void (*finalizer)(void*)) {
  config->on_stderr = wsbx::sandbox_c_api::OutputSink(callback, user, finalizer);
}

void wsbx_config_set_max_output(wsbx_config_t* config, uint64_t bytes) {
  config->max_output = bytes;
}

void wsbx_config_set_audit_callback(wsbx_config_t* config,
                                    wsbx_audit_callback_t callback, void* user,
                                    void (*finalizer)(void*)) {
  auto data = std::make_shared<wsbx::sandbox_c_api::UserData>(user, finalizer);
  if (callback == nullptr) {
    config->on_audit = nullptr;
    return;
  }
  config->on_audit = [callback, data](const wsbx::AuditEvent& e) {
    const wsbx_audit_event_t view = {e.function.c_str(), e.path.c_str(),
                                     e.errno_name.c_str(), e.reason.c_str(),
                                     e.json.c_str()};
    callback(data->user, &view);
  };
}

void wsbx_config_add_host_func(wsbx_config_t* config, const char* module,
                               const char* name, const wsbx_valkind_t* params,
                               size_t nparams, const wsbx_valkind_t* results,
                               size_t nresults, wsbx_host_callback_t callback,
                               void* env, void (*finalizer)(void*)) {
  auto data = std::make_shared<wsbx::sandbox_c_api::UserData>(env, finalizer);
  wsbx::Sandbox::Builder::RawHostFunction raw;
  raw.module = module != nullptr ? module : "";
  raw.name = name != nullptr ? name : "";
  raw.params = wsbx::sandbox_c_api::KindsOf(params, nparams);
  raw.results = wsbx::sandbox_c_api::KindsOf(results, nresults);
  if (callback != nullptr) {
    raw.fn = wsbx::sandbox_c_api::HostCall(raw.results, callback, std::move(data));
  } else {
    raw.fn = [](std::span<const wsbx::Val>, std::vector<wsbx::Val>&) {
      return std::optional<wsbx::Error>(
          wsbx::Error(wsbx::ErrorKind::kTrap, "no callback was given"));
    };
  }
  config->hosts.push_back(std::move(raw));
}

}  // extern "C"
