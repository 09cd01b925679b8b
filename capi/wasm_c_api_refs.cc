// References of the C API: the operations every handle type shares (copy,
// same, host info, views to and from wasm_ref_t), values and their
// conversion to engine values, the store's externref table, traps, frames
// and foreign objects. A funcref crosses into the engine as the function's
// reference in its store; an externref as an index into the store's table.
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "capi/wasm_c_api_internal.h"
#include "runtime/compile/code.h"
#include "runtime/module.h"
#include "runtime/store/store.h"
#include "runtime/value.h"
#include "wsbx/wasm.h"

namespace wsbx::capi {

RefBits ExternRefTable::Intern(const wasm_ref_t* ref) {
  auto it = by_identity_.find(ref->Identity());
  if (it != by_identity_.end()) return it->second;
  std::unique_ptr<wasm_ref_t> copy(ref->Clone());
  copy->Rebind(nullptr);
  refs_.push_back(std::move(copy));
  RefBits bits = refs_.size();
  by_identity_.emplace(ref->Identity(), bits);
  return bits;
}

wasm_ref_t* ExternRefTable::Get(const std::shared_ptr<StoreCore>& core,
                                RefBits bits) const {
  if (bits == kNullRef || bits > refs_.size()) return nullptr;
  wasm_ref_t* ref = refs_[bits - 1]->Clone();
  ref->Rebind(core);
  return ref;
}

std::optional<RefBits> RefToBits(StoreCore& core, ValType type,
                                 const wasm_ref_t* ref) {
  if (ref == nullptr) return kNullRef;
  if (type == ValType::kExternRef) return core.externrefs.Intern(ref);
  if (type != ValType::kFuncRef || ref->kind != wasm_ref_t::Kind::kFunc) {
    return std::nullopt;
  }
  const FunctionInstance* func =
      static_cast<const wasm_extern_t*>(ref)->ext.func;
  if (!core.store.Owns(func)) return std::nullopt;
  return func->ref;
}

wasm_ref_t* BitsToRef(StoreCore& core, ValType type, RefBits bits) {
  if (bits == kNullRef) return nullptr;
  if (type == ValType::kExternRef) {
    return core.externrefs.Get(core.shared_from_this(), bits);
  }
  FunctionInstance* func = core.store.FunctionFromRef(bits);
  if (func == nullptr) return nullptr;
  return new wasm_func_t(core.shared_from_this(), Extern::Func(func));
}

std::optional<Value> FromCVal(StoreCore& core, ValType type,
                              const wasm_val_t& val) {
  if (type == ValType::kV128 || val.kind != ToValKind(type)) {
    return std::nullopt;
  }
  switch (type) {
    case ValType::kI32:
      return Value::I32(static_cast<uint32_t>(val.of.i32));
    case ValType::kI64:
      return Value::I64(static_cast<uint64_t>(val.of.i64));
    case ValType::kF32:
      return Value::F32(val.of.f32);
    case ValType::kF64:
      return Value::F64(val.of.f64);
    case ValType::kFuncRef:
    case ValType::kExternRef: {
      std::optional<RefBits> bits = RefToBits(core, type, val.of.ref);
      if (!bits.has_value()) return std::nullopt;
      return Value::Ref(type, *bits);
    }
    case ValType::kV128:
      break;
  }
  return std::nullopt;
}

wasm_val_t ToCVal(StoreCore& core, const Value& value) {
  wasm_val_t out;
  out.kind = ToValKind(value.type);
  switch (value.type) {
    case ValType::kI32:
      out.of.i32 = static_cast<int32_t>(value.i32());
      break;
    case ValType::kF32:
      out.of.f32 = value.f32();
      break;
    case ValType::kF64:
      out.of.f64 = value.f64();
      break;
    case ValType::kI64:
    case ValType::kV128:
      out.of.i64 = static_cast<int64_t>(value.bits);
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef:
      out.of.ref = BitsToRef(core, value.type, value.bits);
      break;
  }
  return out;
}

wasm_trap_t* NewTrap(std::string message) {
  auto data = std::make_shared<TrapData>();
  data->message = std::move(message);
  return new wasm_trap_t(std::move(data));
}

wasm_trap_t* NewTrapFrom(StoreCore& core, const Trap& trap) {
  auto data = std::make_shared<TrapData>();
  data->message = trap.message.empty() ? std::string(TrapKindMessage(trap.kind))
                                       : trap.message;
  for (const BacktraceFrame& f : trap.backtrace) {
    FrameData frame{core.weak_from_this(), f.instance, f.func_index};
    if (f.code_offset.has_value()) {
      frame.module_offset = *f.code_offset;
      const Module& m = *f.instance->module;
      if (m.code != nullptr && f.func_index >= m.num_imported_funcs) {
        const uint32_t start =
            m.code->funcs[f.func_index - m.num_imported_funcs].body_offset;
        frame.func_offset = *f.code_offset - start;
      }
    }
    data->frames.push_back(std::move(frame));
  }
  return new wasm_trap_t(std::move(data));
}

}  // namespace wsbx::capi


// The operations every reference type has; `T` names the C type.
#define WSBX_REF_COMMON(T)                                                \
  void wasm_##T##_delete(wasm_##T##_t* obj) noexcept { delete obj; }      \
  wasm_##T##_t* wasm_##T##_copy(const wasm_##T##_t* obj) noexcept {       \
    return obj == nullptr ? nullptr                                       \
                          : static_cast<wasm_##T##_t*>(obj->Clone());     \
  }                                                                       \
  bool wasm_##T##_same(const wasm_##T##_t* a,                             \
                       const wasm_##T##_t* b) noexcept {                  \
    if (a == nullptr || b == nullptr) return a == b;                      \
    return a->kind == b->kind && a->Identity() == b->Identity();          \
  }                                                                       \
  void* wasm_##T##_get_host_info(const wasm_##T##_t* obj) noexcept {      \
    return obj->host->info;                                               \
  }                                                                       \
  void wasm_##T##_set_host_info(wasm_##T##_t* obj, void* info) noexcept { \
    obj->host->info = info;                                               \
    obj->host->finalizer = nullptr;                                       \
  }                                                                       \
  void wasm_##T##_set_host_info_with_finalizer(                           \
      wasm_##T##_t* obj, void* info, void (*finalizer)(void*)) noexcept { \
    obj->host->info = info;                                               \
    obj->host->finalizer = finalizer;                                     \
  }

// Views between a reference type and wasm_ref_t; `TEST(k)` says whether a
// reference of kind k is a T.
#define WSBX_REF_VIEWS(T, TEST)                                             \
  wasm_ref_t* wasm_##T##_as_ref(wasm_##T##_t* obj) noexcept { return obj; } \
  const wasm_ref_t* wasm_##T##_as_ref_const(                                \
      const wasm_##T##_t* obj) noexcept {                                   \
    return obj;                                                             \
  }                                                                         \
  wasm_##T##_t* wasm_ref_as_##T(wasm_ref_t* ref) noexcept {                 \
    if (ref == nullptr) return nullptr;                                     \
    const wasm_ref_t::Kind k = ref->kind;                                   \
    return (TEST) ? static_cast<wasm_##T##_t*>(ref) : nullptr;              \
  }                                                                         \
  const wasm_##T##_t* wasm_ref_as_##T##_const(                              \
      const wasm_ref_t* ref) noexcept {                                     \
    if (ref == nullptr) return nullptr;                                     \
    const wasm_ref_t::Kind k = ref->kind;                                   \
    return (TEST) ? static_cast<const wasm_##T##_t*>(ref) : nullptr;        \
  }

#define WSBX_REF_TYPE(T, TEST) \
  WSBX_REF_COMMON(T)           \
  WSBX_REF_VIEWS(T, TEST)

using Kind = wasm_ref_t::Kind;

extern "C" {

WSBX_REF_COMMON(ref)
WSBX_REF_TYPE(trap, k == Kind::kTrap)
WSBX_REF_TYPE(foreign, k == Kind::kForeign)
WSBX_REF_TYPE(module, k == Kind::kModule)
WSBX_REF_TYPE(instance, k == Kind::kInstance)
WSBX_REF_TYPE(func, k == Kind::kFunc)
WSBX_REF_TYPE(global, k == Kind::kGlobal)
WSBX_REF_TYPE(table, k == Kind::kTable)
WSBX_REF_TYPE(memory, k == Kind::kMemory)
WSBX_REF_TYPE(extern, k == Kind::kFunc || k == Kind::kGlobal ||
                          k == Kind::kTable || k == Kind::kMemory)

// Values.
void wasm_val_delete(wasm_val_t* v) noexcept {
  if (v != nullptr && wasm_valkind_is_ref(v->kind)) {
    delete v->of.ref;
    v->of.ref = nullptr;
  }
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* from) noexcept {
  *out = *from;
  if (wasm_valkind_is_ref(from->kind) && from->of.ref != nullptr) {
    out->of.ref = from->of.ref->Clone();
  }
}

void wasm_val_init_ptr(wasm_val_t* out, void* p) noexcept {
  static_assert(sizeof(void*) == 8 || sizeof(void*) == 4);
  if constexpr (sizeof(void*) == 8) {
    out->kind = WASM_I64;
    out->of.i64 = static_cast<int64_t>(reinterpret_cast<intptr_t>(p));
  } else {
    out->kind = WASM_I32;
    out->of.i32 = static_cast<int32_t>(reinterpret_cast<intptr_t>(p));
  }
}

void* wasm_val_ptr(const wasm_val_t* val) noexcept {
  if constexpr (sizeof(void*) == 8) {
    return reinterpret_cast<void*>(static_cast<intptr_t>(val->of.i64));
  } else {
    return reinterpret_cast<void*>(static_cast<intptr_t>(val->of.i32));
  }
}

// Foreign objects.
wasm_foreign_t* wasm_foreign_new(wasm_store_t*) noexcept {
  return new wasm_foreign_t();
}

// Traps. A message may come with or without its final NUL.
wasm_trap_t* wasm_trap_new(wasm_store_t*,
                           const wasm_message_t* message) noexcept {
  std::string_view text = wsbx::capi::NameView(*message);
  if (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  return wsbx::capi::NewTrap(std::string(text));
}

void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out) noexcept {
  wsbx::capi::NewName(out, trap->data->message, /*nul=*/true);
}

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap) noexcept {
  if (trap->data->frames.empty()) return nullptr;
  return new wasm_frame_t{trap->data->frames.front(), nullptr};
}

void wasm_trap_trace(const wasm_trap_t* trap, wasm_frame_vec_t* out) noexcept {
  const auto& frames = trap->data->frames;
  wasm_frame_vec_new_uninitialized(out, frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    out->data[i] = new wasm_frame_t{frames[i], nullptr};
  }
}

// Frames.
void wasm_frame_delete(wasm_frame_t* frame) noexcept { delete frame; }

wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame) noexcept {
  return new wasm_frame_t{frame->data, nullptr};
}

wasm_instance_t* wasm_frame_instance(const wasm_frame_t* frame) noexcept {
  if (frame->instance == nullptr && frame->data.instance != nullptr) {
    std::shared_ptr<wsbx::capi::StoreCore> core = frame->data.store.lock();
    if (core == nullptr) return nullptr;
    frame->instance = std::make_unique<wasm_instance_t>(std::move(core),
                                                        frame->data.instance);
  }
  return frame->instance.get();
}

uint32_t wasm_frame_func_index(const wasm_frame_t* frame) noexcept {
  return frame->data.func_index;
}

size_t wasm_frame_func_offset(const wasm_frame_t* frame) noexcept {
  return frame->data.func_offset;
}
size_t wasm_frame_module_offset(const wasm_frame_t* frame) noexcept {
  return frame->data.module_offset;
}

}  // extern "C"
