// Type descriptions of the C API (valtype, functype, globaltype, tabletype,
// memorytype, externtype, importtype, exporttype), their conversions to and
// from the engine's types (runtime/types.h), and names. Type objects are
// plain values: a copy is a deep copy, and nothing here refers to a store.
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string_view>

#include "capi/wasm_c_api_internal.h"
#include "runtime/types.h"
#include "wsbx/wasm.h"

// ---- Type object members ----------------------------------------------------

wasm_functype_t::wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new_empty(&results);
}
wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}
wasm_externtype_t* wasm_functype_t::Clone() const {
  auto* copy = new wasm_functype_t();
  wasm_valtype_vec_copy(&copy->params, &params);
  wasm_valtype_vec_copy(&copy->results, &results);
  return copy;
}

wasm_globaltype_t::wasm_globaltype_t(wasm_valtype_t* c, wasm_mutability_t m)
    : wasm_externtype_t(WASM_EXTERN_GLOBAL), content(c), mutability(m) {}
wasm_globaltype_t::~wasm_globaltype_t() { delete content; }
wasm_externtype_t* wasm_globaltype_t::Clone() const {
  return new wasm_globaltype_t(wasm_valtype_copy(content), mutability);
}

wasm_tabletype_t::wasm_tabletype_t(wasm_valtype_t* e, wasm_limits_t l)
    : wasm_externtype_t(WASM_EXTERN_TABLE), element(e), limits(l) {}
wasm_tabletype_t::~wasm_tabletype_t() { delete element; }
wasm_externtype_t* wasm_tabletype_t::Clone() const {
  return new wasm_tabletype_t(wasm_valtype_copy(element), limits);
}

wasm_memorytype_t::wasm_memorytype_t(wasm_limits_t l)
    : wasm_externtype_t(WASM_EXTERN_MEMORY), limits(l) {}
wasm_externtype_t* wasm_memorytype_t::Clone() const {
  return new wasm_memorytype_t(limits);
}

wasm_importtype_t::~wasm_importtype_t() {
  wasm_byte_vec_delete(&module);
  wasm_byte_vec_delete(&name);
  delete type;
}

wasm_exporttype_t::~wasm_exporttype_t() {
  wasm_byte_vec_delete(&name);
  delete type;
}

// ---- Conversions
// --------------------------------------------------------------

namespace wsbx::capi {

std::optional<ValType> ToValType(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32:
      return ValType::kI32;
    case WASM_I64:
      return ValType::kI64;
    case WASM_F32:
      return ValType::kF32;
    case WASM_F64:
      return ValType::kF64;
    case WASM_V128:
      return ValType::kV128;
    case WASM_EXTERNREF:
      return ValType::kExternRef;
    case WASM_FUNCREF:
      return ValType::kFuncRef;
    default:
      return std::nullopt;
  }
}

wasm_valkind_t ToValKind(ValType type) {
  switch (type) {
    case ValType::kI32:
      return WASM_I32;
    case ValType::kI64:
      return WASM_I64;
    case ValType::kF32:
      return WASM_F32;
    case ValType::kF64:
      return WASM_F64;
    case ValType::kV128:
      return WASM_V128;
    case ValType::kExternRef:
      return WASM_EXTERNREF;
    case ValType::kFuncRef:
      return WASM_FUNCREF;
  }
  return WASM_I32;
}

// The engine numbers kinds in binary order (func, table, memory, global),
// the C API in its own (func, global, table, memory).
wasm_externkind_t ToExternKind(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunc:
      return WASM_EXTERN_FUNC;
    case ExternKind::kTable:
      return WASM_EXTERN_TABLE;
    case ExternKind::kMemory:
      return WASM_EXTERN_MEMORY;
    case ExternKind::kGlobal:
      return WASM_EXTERN_GLOBAL;
  }
  return WASM_EXTERN_FUNC;
}

// Engine limits are 64-bit; the C API's 32-bit ones saturate (a maximum
// above 2^32 - 1 reads as none).
wasm_limits_t ToCLimits(const SizeLimits& limits) {
  wasm_limits_t out;
  out.min =
      limits.min > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(limits.min);
  out.max = !limits.max.has_value() || *limits.max > UINT32_MAX
                ? wasm_limits_max_default
                : static_cast<uint32_t>(*limits.max);
  return out;
}

SizeLimits FromCLimits(const wasm_limits_t& limits) {
  SizeLimits out;
  out.min = limits.min;
  if (limits.max != wasm_limits_max_default) out.max = limits.max;
  return out;
}

namespace {

wasm_valtype_t* NewValType(ValType type) {
  return new wasm_valtype_t{ToValKind(type)};
}

void FillValTypes(wasm_valtype_vec_t* out, const std::vector<ValType>& types) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < types.size(); ++i) out->data[i] = NewValType(types[i]);
}

bool ReadValTypes(const wasm_valtype_vec_t& vec, std::vector<ValType>* out) {
  for (size_t i = 0; i < vec.size; ++i) {
    if (vec.data[i] == nullptr) return false;
    std::optional<ValType> t = ToValType(vec.data[i]->kind);
    if (!t.has_value()) return false;
    out->push_back(*t);
  }
  return true;
}

}  // namespace

wasm_functype_t* NewFuncType(const FuncType& type) {
  auto* out = new wasm_functype_t();
  FillValTypes(&out->params, type.params);
  FillValTypes(&out->results, type.results);
  return out;
}

wasm_globaltype_t* NewGlobalType(const GlobalType& type) {
  return new wasm_globaltype_t(NewValType(type.type),
                               type.mutable_ ? WASM_VAR : WASM_CONST);
}

wasm_tabletype_t* NewTableType(const TableType& type) {
  return new wasm_tabletype_t(NewValType(type.elem), ToCLimits(type.limits));
}

wasm_memorytype_t* NewMemoryType(const MemoryType& type) {
  return new wasm_memorytype_t(ToCLimits(type.limits));
}

std::optional<FuncType> FromCFuncType(const wasm_functype_t& type) {
  FuncType out;
  if (!ReadValTypes(type.params, &out.params) ||
      !ReadValTypes(type.results, &out.results)) {
    return std::nullopt;
  }
  return out;
}

void NewName(wasm_name_t* out, std::string_view s, bool nul) {
  wasm_byte_vec_new_uninitialized(out, s.size() + (nul ? 1 : 0));
  if (!s.empty()) std::memcpy(out->data, s.data(), s.size());
  if (nul) out->data[s.size()] = '\0';
}

std::string_view NameView(const wasm_name_t& name) {
  if (name.data == nullptr) return {};
  return std::string_view(name.data, name.size);
}

}  // namespace wsbx::capi

// ---- The C functions --------------------------------------------------------


extern "C" {

void wasm_name_new_from_string(wasm_name_t* out, const char* s) noexcept {
  wsbx::capi::NewName(out, s);
}
void wasm_name_new_from_string_nt(wasm_name_t* out, const char* s) noexcept {
  wsbx::capi::NewName(out, s, /*nul=*/true);
}

// Value types.
void wasm_valtype_delete(wasm_valtype_t* t) noexcept { delete t; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) noexcept {
  return new wasm_valtype_t{t->kind};
}
wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) noexcept {
  return new wasm_valtype_t{kind};
}
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) noexcept {
  return t->kind;
}
bool wasm_valkind_is_num(wasm_valkind_t kind) noexcept {
  return kind < WASM_EXTERNREF;
}
bool wasm_valkind_is_ref(wasm_valkind_t kind) noexcept {
  return kind >= WASM_EXTERNREF;
}
bool wasm_valtype_is_num(const wasm_valtype_t* t) noexcept {
  return wasm_valkind_is_num(t->kind);
}
bool wasm_valtype_is_ref(const wasm_valtype_t* t) noexcept {
  return wasm_valkind_is_ref(t->kind);
}
wasm_valtype_t* wasm_valtype_new_i32(void) noexcept {
  return wasm_valtype_new(WASM_I32);
}
wasm_valtype_t* wasm_valtype_new_i64(void) noexcept {
  return wasm_valtype_new(WASM_I64);
}
wasm_valtype_t* wasm_valtype_new_f32(void) noexcept {
  return wasm_valtype_new(WASM_F32);
}
wasm_valtype_t* wasm_valtype_new_f64(void) noexcept {
  return wasm_valtype_new(WASM_F64);
}
wasm_valtype_t* wasm_valtype_new_externref(void) noexcept {
  return wasm_valtype_new(WASM_EXTERNREF);
}
wasm_valtype_t* wasm_valtype_new_funcref(void) noexcept {
  return wasm_valtype_new(WASM_FUNCREF);
}

// Function types.
void wasm_functype_delete(wasm_functype_t* t) noexcept { delete t; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) noexcept {
  return static_cast<wasm_functype_t*>(t->Clone());
}
wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params,
                                   wasm_valtype_vec_t* results) noexcept {
  auto* t = new wasm_functype_t();
  // The new type takes the arrays themselves; the vectors are left empty.
  t->params = *params;
  t->results = *results;
  wasm_valtype_vec_new_empty(params);
  wasm_valtype_vec_new_empty(results);
  return t;
}
const wasm_valtype_vec_t* wasm_functype_params(
    const wasm_functype_t* t) noexcept {
  return &t->params;
}
const wasm_valtype_vec_t* wasm_functype_results(
    const wasm_functype_t* t) noexcept {
  return &t->results;
}

// Global, table and memory types.
void wasm_globaltype_delete(wasm_globaltype_t* t) noexcept { delete t; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) noexcept {
  return static_cast<wasm_globaltype_t*>(t->Clone());
}
wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content,
                                       wasm_mutability_t mutability) noexcept {
  return new wasm_globaltype_t(content, mutability);
}
const wasm_valtype_t* wasm_globaltype_content(
    const wasm_globaltype_t* t) noexcept {
  return t->content;
}
wasm_mutability_t wasm_globaltype_mutability(
    const wasm_globaltype_t* t) noexcept {
  return t->mutability;
}

void wasm_tabletype_delete(wasm_tabletype_t* t) noexcept { delete t; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) noexcept {
  return static_cast<wasm_tabletype_t*>(t->Clone());
}
wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element,
                                     const wasm_limits_t* limits) noexcept {
  return new wasm_tabletype_t(element, *limits);
}
const wasm_valtype_t* wasm_tabletype_element(
    const wasm_tabletype_t* t) noexcept {
  return t->element;
}
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) noexcept {
  return &t->limits;
}

void wasm_memorytype_delete(wasm_memorytype_t* t) noexcept { delete t; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) noexcept {
  return static_cast<wasm_memorytype_t*>(t->Clone());
}
wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) noexcept {
  return new wasm_memorytype_t(*limits);
}
const wasm_limits_t* wasm_memorytype_limits(
    const wasm_memorytype_t* t) noexcept {
  return &t->limits;
}

// External types and their views.
void wasm_externtype_delete(wasm_externtype_t* t) noexcept { delete t; }
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) noexcept {
  return t->Clone();
}
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) noexcept {
  return t->kind;
}

}  // extern "C"

// Up-casts always succeed; down-casts check the kind.
#define WSBX_EXTERNTYPE_VIEWS(T, KIND)                                     \
  wasm_externtype_t* wasm_##T##_as_externtype(wasm_##T##_t* t) noexcept {  \
    return t;                                                              \
  }                                                                        \
  const wasm_externtype_t* wasm_##T##_as_externtype_const(                 \
      const wasm_##T##_t* t) noexcept {                                    \
    return t;                                                              \
  }                                                                        \
  wasm_##T##_t* wasm_externtype_as_##T(wasm_externtype_t* t) noexcept {    \
    return t != nullptr && t->kind == KIND ? static_cast<wasm_##T##_t*>(t) \
                                           : nullptr;                      \
  }                                                                        \
  const wasm_##T##_t* wasm_externtype_as_##T##_const(                      \
      const wasm_externtype_t* t) noexcept {                               \
    return t != nullptr && t->kind == KIND                                 \
               ? static_cast<const wasm_##T##_t*>(t)                       \
               : nullptr;                                                  \
  }

extern "C" {

WSBX_EXTERNTYPE_VIEWS(functype, WASM_EXTERN_FUNC)
WSBX_EXTERNTYPE_VIEWS(globaltype, WASM_EXTERN_GLOBAL)
WSBX_EXTERNTYPE_VIEWS(tabletype, WASM_EXTERN_TABLE)
WSBX_EXTERNTYPE_VIEWS(memorytype, WASM_EXTERN_MEMORY)

// Import and export types.
void wasm_importtype_delete(wasm_importtype_t* t) noexcept { delete t; }
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) noexcept {
  auto* copy = new wasm_importtype_t();
  wasm_byte_vec_copy(&copy->module, &t->module);
  wasm_byte_vec_copy(&copy->name, &t->name);
  copy->type = t->type->Clone();
  return copy;
}
wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name,
                                       wasm_externtype_t* type) noexcept {
  auto* t = new wasm_importtype_t();
  t->module = *module;
  t->name = *name;
  t->type = type;
  wasm_byte_vec_new_empty(module);
  wasm_byte_vec_new_empty(name);
  return t;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) noexcept {
  return &t->module;
}
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) noexcept {
  return &t->name;
}
const wasm_externtype_t* wasm_importtype_type(
    const wasm_importtype_t* t) noexcept {
  return t->type;
}

void wasm_exporttype_delete(wasm_exporttype_t* t) noexcept { delete t; }
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) noexcept {
  auto* copy = new wasm_exporttype_t();
  wasm_byte_vec_copy(&copy->name, &t->name);
  copy->type = t->type->Clone();
  return copy;
}
wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name,
                                       wasm_externtype_t* type) noexcept {
  auto* t = new wasm_exporttype_t();
  t->name = *name;
  t->type = type;
  wasm_byte_vec_new_empty(name);
  return t;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) noexcept {
  return &t->name;
}
const wasm_externtype_t* wasm_exporttype_type(
    const wasm_exporttype_t* t) noexcept {
  return t->type;
}

}  // extern "C"

// ---- Function type short forms ----------------------------------------------

namespace {

wasm_functype_t* FuncTypeOf(std::initializer_list<wasm_valtype_t*> params,
                            std::initializer_list<wasm_valtype_t*> results) {
  wasm_valtype_vec_t p, r;
  wasm_valtype_vec_new(&p, params.size(), std::data(params));
  wasm_valtype_vec_new(&r, results.size(), std::data(results));
  return wasm_functype_new(&p, &r);
}

}  // namespace

extern "C" {

wasm_functype_t* wasm_functype_new_0_0(void) noexcept {
  return FuncTypeOf({}, {});
}
wasm_functype_t* wasm_functype_new_1_0(wasm_valtype_t* p) noexcept {
  return FuncTypeOf({p}, {});
}
wasm_functype_t* wasm_functype_new_2_0(wasm_valtype_t* p1,
                                       wasm_valtype_t* p2) noexcept {
  return FuncTypeOf({p1, p2}, {});
}
wasm_functype_t* wasm_functype_new_3_0(wasm_valtype_t* p1, wasm_valtype_t* p2,
                                       wasm_valtype_t* p3) noexcept {
  return FuncTypeOf({p1, p2, p3}, {});
}
wasm_functype_t* wasm_functype_new_0_1(wasm_valtype_t* r) noexcept {
  return FuncTypeOf({}, {r});
}
wasm_functype_t* wasm_functype_new_1_1(wasm_valtype_t* p,
                                       wasm_valtype_t* r) noexcept {
  return FuncTypeOf({p}, {r});
}
wasm_functype_t* wasm_functype_new_2_1(wasm_valtype_t* p1, wasm_valtype_t* p2,
                                       wasm_valtype_t* r) noexcept {
  return FuncTypeOf({p1, p2}, {r});
}
wasm_functype_t* wasm_functype_new_3_1(wasm_valtype_t* p1, wasm_valtype_t* p2,
                                       wasm_valtype_t* p3,
                                       wasm_valtype_t* r) noexcept {
  return FuncTypeOf({p1, p2, p3}, {r});
}
wasm_functype_t* wasm_functype_new_0_2(wasm_valtype_t* r1,
                                       wasm_valtype_t* r2) noexcept {
  return FuncTypeOf({}, {r1, r2});
}
wasm_functype_t* wasm_functype_new_1_2(wasm_valtype_t* p, wasm_valtype_t* r1,
                                       wasm_valtype_t* r2) noexcept {
  return FuncTypeOf({p}, {r1, r2});
}
wasm_functype_t* wasm_functype_new_2_2(wasm_valtype_t* p1, wasm_valtype_t* p2,
                                       wasm_valtype_t* r1,
                                       wasm_valtype_t* r2) noexcept {
  return FuncTypeOf({p1, p2}, {r1, r2});
}
wasm_functype_t* wasm_functype_new_3_2(wasm_valtype_t* p1, wasm_valtype_t* p2,
                                       wasm_valtype_t* p3, wasm_valtype_t* r1,
                                       wasm_valtype_t* r2) noexcept {
  return FuncTypeOf({p1, p2, p3}, {r1, r2});
}

}  // extern "C"
