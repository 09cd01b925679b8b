// The vector families of wsbx/wasm.h: byte and value vectors hold their
// elements inline, the others hold owned pointers that deleting or copying
// the vector deletes or copies one by one. Arrays come from new[]; an
// empty vector has a null data pointer.
#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "capi/wasm_c_api_internal.h"
#include "wsbx/wasm.h"

namespace wsbx::capi {
namespace {

template <typename Vec>
using Elem = std::remove_pointer_t<decltype(Vec::data)>;

template <typename Vec>
void VecNewEmpty(Vec* out) {
  out->size = 0;
  out->data = nullptr;
}

// Elements are value-initialised: zero bytes, i32 zero values, null
// pointers (which deleting skips).
template <typename Vec>
void VecNewUninitialized(Vec* out, size_t size) {
  out->size = size;
  out->data = size == 0 ? nullptr : new Elem<Vec>[size]();
}

template <typename Vec>
void VecNew(Vec* out, size_t size, const Elem<Vec>* elems) {
  VecNewUninitialized(out, size);
  if (size != 0) std::copy(elems, elems + size, out->data);
}

template <typename Vec, typename CopyElem>
void VecCopy(Vec* out, const Vec* from, CopyElem copy_elem) {
  VecNewUninitialized(out, from->size);
  for (size_t i = 0; i < from->size; ++i) {
    copy_elem(&out->data[i], from->data[i]);
  }
}

template <typename Vec, typename DeleteElem>
void VecDelete(Vec* vec, DeleteElem delete_elem) {
  if (vec == nullptr) return;
  for (size_t i = 0; i < vec->size && vec->data != nullptr; ++i) {
    delete_elem(vec->data[i]);
  }
  delete[] vec->data;
  vec->size = 0;
  vec->data = nullptr;
}

}  // namespace
}  // namespace wsbx::capi

// The five functions of one family: `COPY(out_ptr, elem)` copies one
// element into *out_ptr and `DEL(elem)` deletes one.
#define WSBX_VEC_FUNCTIONS(T, COPY, DEL)                                  \
  void wasm_##T##_vec_new_empty(wasm_##T##_vec_t* out) noexcept {         \
    wsbx::capi::VecNewEmpty(out);                                         \
  }                                                                       \
  void wasm_##T##_vec_new_uninitialized(wasm_##T##_vec_t* out,            \
                                        size_t size) noexcept {           \
    wsbx::capi::VecNewUninitialized(out, size);                           \
  }                                                                       \
  void wasm_##T##_vec_new(                                                \
      wasm_##T##_vec_t* out, size_t size,                                 \
      wsbx::capi::Elem<wasm_##T##_vec_t> const elems[]) noexcept {        \
    wsbx::capi::VecNew(out, size, elems);                                 \
  }                                                                       \
  void wasm_##T##_vec_copy(wasm_##T##_vec_t* out,                         \
                           const wasm_##T##_vec_t* from) noexcept {       \
    wsbx::capi::VecCopy(out, from, [](auto* o, const auto& e) { COPY; }); \
  }                                                                       \
  void wasm_##T##_vec_delete(wasm_##T##_vec_t* vec) noexcept {            \
    wsbx::capi::VecDelete(vec, [](auto& e) { DEL; });                     \
  }

// Pointer families copy with wasm_T_copy (null stays null) and delete with
// wasm_T_delete.
#define WSBX_PTR_VEC_FUNCTIONS(T)                                         \
  WSBX_VEC_FUNCTIONS(T, *o = e == nullptr ? nullptr : wasm_##T##_copy(e), \
                     wasm_##T##_delete(e))

extern "C" {

WSBX_VEC_FUNCTIONS(byte, *o = e, (void)e)
WSBX_VEC_FUNCTIONS(val, wasm_val_copy(o, &e), wasm_val_delete(&e))
WSBX_PTR_VEC_FUNCTIONS(valtype)
WSBX_PTR_VEC_FUNCTIONS(functype)
WSBX_PTR_VEC_FUNCTIONS(globaltype)
WSBX_PTR_VEC_FUNCTIONS(tabletype)
WSBX_PTR_VEC_FUNCTIONS(memorytype)
WSBX_PTR_VEC_FUNCTIONS(externtype)
WSBX_PTR_VEC_FUNCTIONS(importtype)
WSBX_PTR_VEC_FUNCTIONS(exporttype)
WSBX_PTR_VEC_FUNCTIONS(frame)
WSBX_PTR_VEC_FUNCTIONS(extern)

}  // extern "C"
