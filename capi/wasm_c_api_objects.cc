// Externals of the C API: globals, tables and memories (made by the host or
// exported by instances) and the extern views over them and functions.
// Every handle names an engine object of its store; operations check types
// and bounds as the engine's instructions would and report a refusal as
// NULL or false, never by aborting.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "capi/wasm_c_api_internal.h"
#include "runtime/store/store.h"
#include "runtime/types.h"
#include "runtime/value.h"
#include "wsbx/wasm.h"

namespace {

wasm_ref_t::Kind RefKindOf(wsbx::ExternKind kind) {
  switch (kind) {
    case wsbx::ExternKind::kFunc:
      return wasm_ref_t::Kind::kFunc;
    case wsbx::ExternKind::kTable:
      return wasm_ref_t::Kind::kTable;
    case wsbx::ExternKind::kMemory:
      return wasm_ref_t::Kind::kMemory;
    case wsbx::ExternKind::kGlobal:
      return wasm_ref_t::Kind::kGlobal;
  }
  return wasm_ref_t::Kind::kFunc;
}

}  // namespace

wasm_extern_t::wasm_extern_t(std::shared_ptr<wsbx::capi::StoreCore> c,
                             wsbx::Extern e)
    : wasm_ref_t(RefKindOf(e.kind)), core(std::move(c)), ext(e) {}

wasm_ref_t* wasm_extern_t::Clone() const {
  wasm_extern_t* copy = wsbx::capi::NewExtern(core, ext);
  copy->host = host;
  return copy;
}

const void* wasm_extern_t::Identity() const {
  switch (ext.kind) {
    case wsbx::ExternKind::kFunc:
      return ext.func;
    case wsbx::ExternKind::kTable:
      return ext.table;
    case wsbx::ExternKind::kMemory:
      return ext.memory;
    case wsbx::ExternKind::kGlobal:
      return ext.global;
  }
  return nullptr;
}

namespace wsbx::capi {

wasm_extern_t* NewExtern(std::shared_ptr<StoreCore> core, const Extern& ext) {
  switch (ext.kind) {
    case ExternKind::kFunc:
      return new wasm_func_t(std::move(core), ext);
    case ExternKind::kTable:
      return new wasm_table_t(std::move(core), ext);
    case ExternKind::kMemory:
      return new wasm_memory_t(std::move(core), ext);
    case ExternKind::kGlobal:
      return new wasm_global_t(std::move(core), ext);
  }
  return nullptr;
}

namespace {

// Reference bits for a table of `table`'s element type, or nullopt.
std::optional<RefBits> TableRef(const wasm_table_t* table, wasm_ref_t* ref) {
  return RefToBits(*table->core, table->ext.table->elem_type(), ref);
}

}  // namespace
}  // namespace wsbx::capi

// Views between wasm_extern_t and the four external kinds.
#define WSBX_EXTERN_VIEWS(T, KIND)                                             \
  wasm_extern_t* wasm_##T##_as_extern(wasm_##T##_t* obj) noexcept {            \
    return obj;                                                                \
  }                                                                            \
  const wasm_extern_t* wasm_##T##_as_extern_const(                             \
      const wasm_##T##_t* obj) noexcept {                                      \
    return obj;                                                                \
  }                                                                            \
  wasm_##T##_t* wasm_extern_as_##T(wasm_extern_t* e) noexcept {                \
    return e != nullptr && e->ext.kind == KIND ? static_cast<wasm_##T##_t*>(e) \
                                               : nullptr;                      \
  }                                                                            \
  const wasm_##T##_t* wasm_extern_as_##T##_const(                              \
      const wasm_extern_t* e) noexcept {                                       \
    return e != nullptr && e->ext.kind == KIND                                 \
               ? static_cast<const wasm_##T##_t*>(e)                           \
               : nullptr;                                                      \
  }

extern "C" {

WSBX_EXTERN_VIEWS(func, wsbx::ExternKind::kFunc)
WSBX_EXTERN_VIEWS(global, wsbx::ExternKind::kGlobal)
WSBX_EXTERN_VIEWS(table, wsbx::ExternKind::kTable)
WSBX_EXTERN_VIEWS(memory, wsbx::ExternKind::kMemory)

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) noexcept {
  return wsbx::capi::ToExternKind(e->ext.kind);
}

wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) noexcept {
  switch (e->ext.kind) {
    case wsbx::ExternKind::kFunc:
      return wsbx::capi::NewFuncType(*e->ext.func->type);
    case wsbx::ExternKind::kTable:
      return wsbx::capi::NewTableType(e->ext.table->type());
    case wsbx::ExternKind::kMemory:
      return wsbx::capi::NewMemoryType(e->ext.memory->type());
    case wsbx::ExternKind::kGlobal:
      return wsbx::capi::NewGlobalType(e->ext.global->type);
  }
  return nullptr;
}

// Globals.
wasm_global_t* wasm_global_new(wasm_store_t* store,
                               const wasm_globaltype_t* type,
                               const wasm_val_t* value) noexcept {
  std::optional<wsbx::ValType> t = wsbx::capi::ToValType(type->content->kind);
  if (!t.has_value()) return nullptr;
  std::optional<wsbx::Value> v = wsbx::capi::FromCVal(*store->core, *t, *value);
  if (!v.has_value()) return nullptr;
  wsbx::GlobalType gt{*t, type->mutability == WASM_VAR};
  wsbx::GlobalInstance* g = store->core->store.AddGlobal(gt, *v);
  return new wasm_global_t(store->core, wsbx::Extern::Global(g));
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* global) noexcept {
  return wsbx::capi::NewGlobalType(global->ext.global->type);
}

void wasm_global_get(const wasm_global_t* global, wasm_val_t* out) noexcept {
  *out = wsbx::capi::ToCVal(*global->core, global->ext.global->Get());
}

void wasm_global_set(wasm_global_t* global, const wasm_val_t* value) noexcept {
  wsbx::GlobalInstance* g = global->ext.global;
  if (!g->type.mutable_) return;
  std::optional<wsbx::Value> v =
      wsbx::capi::FromCVal(*global->core, g->type.type, *value);
  if (!v.has_value()) return;
  g->bits = v->bits;
  g->hi = v->hi;
}

// Tables.
wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type,
                             wasm_ref_t* init) noexcept {
  std::optional<wsbx::ValType> elem =
      wsbx::capi::ToValType(type->element->kind);
  if (!elem.has_value() || !wsbx::IsRefType(*elem)) return nullptr;
  std::optional<wsbx::RefBits> bits =
      wsbx::capi::RefToBits(*store->core, *elem, init);
  if (!bits.has_value()) return nullptr;
  wsbx::TableType tt{*elem, wsbx::capi::FromCLimits(type->limits)};
  absl::StatusOr<wsbx::TableInstance*> table =
      store->core->store.AddTable(tt, *bits);
  if (!table.ok()) return nullptr;
  return new wasm_table_t(store->core, wsbx::Extern::Table(*table));
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* table) noexcept {
  return wsbx::capi::NewTableType(table->ext.table->type());
}

wasm_ref_t* wasm_table_get(const wasm_table_t* table,
                           wasm_table_size_t index) noexcept {
  const wsbx::TableInstance* t = table->ext.table;
  if (index >= t->size()) return nullptr;
  return wsbx::capi::BitsToRef(*table->core, t->elem_type(), t->data()[index]);
}

bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index,
                    wasm_ref_t* ref) noexcept {
  std::optional<wsbx::RefBits> bits = wsbx::capi::TableRef(table, ref);
  if (!bits.has_value()) return false;
  wsbx::TableInstance* t = table->ext.table;
  return table->core->store
      .SetTableElement(t, index, wsbx::Value::Ref(t->elem_type(), *bits))
      .ok();
}

wasm_table_size_t wasm_table_size(const wasm_table_t* table) noexcept {
  return table->ext.table->size();
}

bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta,
                     wasm_ref_t* init) noexcept {
  std::optional<wsbx::RefBits> bits = wsbx::capi::TableRef(table, init);
  if (!bits.has_value()) return false;
  return table->ext.table->Grow(delta, *bits) >= 0;
}

// Memories.
wasm_memory_t* wasm_memory_new(wasm_store_t* store,
                               const wasm_memorytype_t* type) noexcept {
  wsbx::MemoryType mt{wsbx::capi::FromCLimits(type->limits)};
  absl::StatusOr<wsbx::MemoryInstance*> memory =
      store->core->store.AddMemory(mt);
  if (!memory.ok()) return nullptr;
  return new wasm_memory_t(store->core, wsbx::Extern::Memory(*memory));
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory) noexcept {
  return wsbx::capi::NewMemoryType(memory->ext.memory->type());
}

byte_t* wasm_memory_data(wasm_memory_t* memory) noexcept {
  return reinterpret_cast<byte_t*>(memory->ext.memory->base());
}

size_t wasm_memory_data_size(const wasm_memory_t* memory) noexcept {
  return memory->ext.memory->size_bytes();
}

wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory) noexcept {
  return static_cast<wasm_memory_pages_t>(memory->ext.memory->pages());
}

bool wasm_memory_grow(wasm_memory_t* memory,
                      wasm_memory_pages_t delta) noexcept {
  return memory->ext.memory->Grow(delta) >= 0;
}

}  // extern "C"
