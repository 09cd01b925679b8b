// Functions of the C API: host functions made from C callbacks, and calls
// from C into any function of a store. A host callback sees its arguments
// as a borrowed wasm_val_vec_t and fills a results vector sized and typed
// by its signature; a trap it returns becomes the call's trap (its message
// is kept, the wasm frames are the engine's). Values of type v128 have no
// wasm_val_t form: host functions cannot have them in their type, and
// calling a function that has one returns a trap.
#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/wasm_c_api_internal.h"
#include "runtime/store/store.h"
#include "runtime/types.h"
#include "runtime/value.h"
#include "wsbx/wasm.h"

namespace wsbx::capi {
namespace {

// What a host function calls, and the environment's finalizer, which runs
// when the Store drops the function (with the Store itself).
struct HostCallback {
  HostCallback() = default;
  HostCallback(const HostCallback&) = delete;
  HostCallback& operator=(const HostCallback&) = delete;
  ~HostCallback() {
    if (finalizer != nullptr) finalizer(env);
  }
  wasm_func_callback_t plain = nullptr;
  wasm_func_callback_with_env_t with_env = nullptr;
  void* env = nullptr;
  void (*finalizer)(void*) = nullptr;
};

bool HasV128(const FuncType& type) {
  auto is_v128 = [](ValType t) { return t == ValType::kV128; };
  return std::any_of(type.params.begin(), type.params.end(), is_v128) ||
         std::any_of(type.results.begin(), type.results.end(), is_v128);
}

// Converts the callback's results into slots; false (with *message) when
// one has the wrong kind or a reference that cannot be passed.
bool ReadResults(StoreCore& core, const FuncType& type,
                 const std::vector<wasm_val_t>& out,
                 std::span<uint64_t> results, std::string* message) {
  for (size_t i = 0; i < type.results.size(); ++i) {
    std::optional<Value> v = FromCVal(core, type.results[i], out[i]);
    if (!v.has_value()) {
      *message = absl::StrCat("host function result ", i, " is not a valid ",
                              std::string(ValTypeName(type.results[i])));
      return false;
    }
    results[i] = v->bits;
  }
  return true;
}

// Runs one call of a host function made by wasm_func_new(_with_env). Each
// value takes one slot (the type has no v128).
TrapKind CallCallback(StoreCore& core, const HostCallback& cb,
                      const FuncType& type, std::span<const uint64_t> args,
                      std::span<uint64_t> results, std::string* message) {
  std::vector<wasm_val_t> in(type.params.size());
  for (size_t i = 0; i < in.size(); ++i) {
    Value v = Value::Default(type.params[i]);
    v.bits = args[i];
    in[i] = ToCVal(core, v);
  }
  std::vector<wasm_val_t> out(type.results.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].kind = ToValKind(type.results[i]);
    out[i].of.i64 = 0;  // zero, or a null reference
  }
  wasm_val_vec_t in_vec{in.size(), in.data()};
  wasm_val_vec_t out_vec{out.size(), out.data()};
  wasm_trap_t* trap = cb.with_env != nullptr
                          ? cb.with_env(cb.env, &in_vec, &out_vec)
                          : cb.plain(&in_vec, &out_vec);
  for (wasm_val_t& v : in) wasm_val_delete(&v);
  TrapKind kind = TrapKind::kNone;
  if (trap != nullptr) {
    *message = trap->data->message;
    if (message->empty()) *message = "host function trapped";
    delete trap;
    kind = TrapKind::kHostError;
  } else if (!ReadResults(core, type, out, results, message)) {
    kind = TrapKind::kHostError;
  }
  for (wasm_val_t& v : out) wasm_val_delete(&v);
  return kind;
}

wasm_func_t* NewHostFunc(wasm_store_t* store, const wasm_functype_t* ctype,
                         std::shared_ptr<HostCallback> cb) {
  std::optional<FuncType> type = FromCFuncType(*ctype);
  if (!type.has_value() || HasV128(*type)) return nullptr;
  // The closure must not own the StoreCore: the Store owns the closure.
  StoreCore* core = store->core.get();
  HostFunction fn = [core, cb, t = *type](HostContext& ctx,
                                          std::span<const uint64_t> args,
                                          std::span<uint64_t> results) {
    return CallCallback(*core, *cb, t, args, results, &ctx.trap_message);
  };
  FunctionInstance* func =
      core->store.AddHostFunction(*type, std::move(fn), "host");
  return new wasm_func_t(store->core, Extern::Func(func));
}

wasm_trap_t* CallError(std::string message) {
  return NewTrap(absl::StrCat("wasm_func_call: ", message));
}

}  // namespace
}  // namespace wsbx::capi

using wsbx::capi::HostCallback;

extern "C" {

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type,
                           wasm_func_callback_t callback) noexcept {
  auto cb = std::make_shared<HostCallback>();
  cb->plain = callback;
  return wsbx::capi::NewHostFunc(store, type, std::move(cb));
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* store,
                                    const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback,
                                    void* env,
                                    void (*finalizer)(void*)) noexcept {
  auto cb = std::make_shared<HostCallback>();
  cb->with_env = callback;
  cb->env = env;
  cb->finalizer = finalizer;
  // A type that cannot be made still owes its finalizer a call, which
  // dropping `cb` makes.
  return wsbx::capi::NewHostFunc(store, type, std::move(cb));
}

wasm_functype_t* wasm_func_type(const wasm_func_t* func) noexcept {
  return wsbx::capi::NewFuncType(*func->ext.func->type);
}

size_t wasm_func_param_arity(const wasm_func_t* func) noexcept {
  return func->ext.func->type->params.size();
}

size_t wasm_func_result_arity(const wasm_func_t* func) noexcept {
  return func->ext.func->type->results.size();
}

wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args,
                            wasm_val_vec_t* results) noexcept {
  using wsbx::capi::CallError;
  wsbx::FunctionInstance* f = func->ext.func;
  wsbx::capi::StoreCore& core = *func->core;
  const wsbx::FuncType& type = *f->type;
  const size_t nargs = args == nullptr ? 0 : args->size;
  const size_t nresults = results == nullptr ? 0 : results->size;
  if (nargs != type.params.size()) {
    return CallError(absl::StrCat("expected ", type.params.size(),
                                  " arguments, got ", nargs));
  }
  if (wsbx::capi::HasV128(type)) {
    return CallError("v128 values cannot pass through the C API");
  }
  std::vector<wsbx::Value> values;
  values.reserve(nargs);
  for (size_t i = 0; i < nargs; ++i) {
    std::optional<wsbx::Value> v =
        wsbx::capi::FromCVal(core, type.params[i], args->data[i]);
    if (!v.has_value()) {
      return CallError(
          absl::StrCat("argument ", i, " is not a valid ",
                       std::string(wsbx::ValTypeName(type.params[i]))));
    }
    values.push_back(*v);
  }
  wsbx::InvokeResult r = core.store.Invoke(f, values);
  if (!r.ok()) return wsbx::capi::NewTrapFrom(core, *r.trap);
  // Checked after the call: programs written for other engines call
  // functions they expect to trap with an empty results vector, and get
  // the trap. Results that do not fit are dropped, never written.
  if (nresults < r.values.size()) {
    return CallError(absl::StrCat("room for ", nresults, " results, ",
                                  r.values.size(), " needed"));
  }
  for (size_t i = 0; i < r.values.size(); ++i) {
    results->data[i] = wsbx::capi::ToCVal(core, r.values[i]);
  }
  return nullptr;
}

}  // extern "C"
