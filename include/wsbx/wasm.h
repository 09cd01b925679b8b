/* The standard WebAssembly C API (the wasm-c-api "wasm.h" interface) as
 * wsbx provides it: the same names, argument orders, struct layouts and
 * constants as other engines ship, so a C program written against that API
 * builds and runs unchanged. Plain C (C99 or later), usable from C++.
 *
 * Ownership, in one paragraph (docs/c-api.md has the details): what a
 * function returns (except what is borrowed: the views wasm_*_as_*, the
 * accessors that return const pointers, wasm_memory_data and
 * wasm_frame_instance), and what it writes to an "out"
 * parameter, belongs to the caller, who releases it with the matching
 * wasm_*_delete. Arguments are borrowed unless the comment says the
 * function takes them. A vector owns its elements: wasm_*_vec_delete
 * deletes them too.
 *
 * Not provided: shared modules (threads), host references beyond host info
 * on each handle; wasm_module_serialize/deserialize exist but always fail.
 */
#ifndef WSBX_WASM_H_
#define WSBX_WASM_H_

/* <assert.h> and <string.h> too: programs written for other engines rely on
 * this header bringing them in. */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN
#endif

/* From C++ the functions are noexcept: nothing is thrown across the C
 * boundary (an allocation failure ends the process). */
#ifdef __cplusplus
#define WSBX_NOEXCEPT noexcept
extern "C" {
#else
#define WSBX_NOEXCEPT
#endif

/* ---- Scalars ------------------------------------------------------------ */

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;
typedef byte_t wasm_byte_t;

/* ---- Declaration helpers (undefined again at the end of this file) ------ */

/* An opaque object type and its destructor. */
#define WSBX_API_OBJECT(T)                  \
  typedef struct wasm_##T##_t wasm_##T##_t; \
  WASM_API_EXTERN void wasm_##T##_delete(wasm_##T##_t* owned) WSBX_NOEXCEPT;

/* A vector type over elements `E` and its five operations. Elements of a
 * vector of pointers are owned by the vector. */
#define WSBX_API_VECTOR(T, E)                                                 \
  typedef struct wasm_##T##_vec_t {                                           \
    size_t size;                                                              \
    E* data;                                                                  \
  } wasm_##T##_vec_t;                                                         \
  WASM_API_EXTERN void wasm_##T##_vec_new_empty(wasm_##T##_vec_t* out)        \
      WSBX_NOEXCEPT;                                                          \
  WASM_API_EXTERN void wasm_##T##_vec_new_uninitialized(                      \
      wasm_##T##_vec_t* out, size_t size) WSBX_NOEXCEPT;                      \
  /* Takes the elements (not the array): `out` owns them afterwards. */       \
  WASM_API_EXTERN void wasm_##T##_vec_new(wasm_##T##_vec_t* out, size_t size, \
                                          E const elems[]) WSBX_NOEXCEPT;     \
  /* A deep copy: every element is copied. */                                 \
  WASM_API_EXTERN void wasm_##T##_vec_copy(                                   \
      wasm_##T##_vec_t* out, const wasm_##T##_vec_t* from) WSBX_NOEXCEPT;     \
  WASM_API_EXTERN void wasm_##T##_vec_delete(wasm_##T##_vec_t* owned)         \
      WSBX_NOEXCEPT;

/* A type description: object, vector of owned pointers, copy. */
#define WSBX_API_TYPE(T)                                                  \
  WSBX_API_OBJECT(T)                                                      \
  WSBX_API_VECTOR(T, wasm_##T##_t*)                                       \
  WASM_API_EXTERN wasm_##T##_t* wasm_##T##_copy(const wasm_##T##_t* from) \
      WSBX_NOEXCEPT;

/* Operations every reference-like object has. Host info is a pointer the
 * embedder attaches to a handle; handles made by copy share it, and its
 * finalizer runs once the last of them is deleted. */
#define WSBX_API_REF_COMMON(T)                                                 \
  WSBX_API_OBJECT(T)                                                           \
  WASM_API_EXTERN wasm_##T##_t* wasm_##T##_copy(const wasm_##T##_t* from)      \
      WSBX_NOEXCEPT;                                                           \
  WASM_API_EXTERN bool wasm_##T##_same(const wasm_##T##_t* a,                  \
                                       const wasm_##T##_t* b) WSBX_NOEXCEPT;   \
  WASM_API_EXTERN void* wasm_##T##_get_host_info(const wasm_##T##_t* obj)      \
      WSBX_NOEXCEPT;                                                           \
  WASM_API_EXTERN void wasm_##T##_set_host_info(wasm_##T##_t* obj, void* info) \
      WSBX_NOEXCEPT;                                                           \
  WASM_API_EXTERN void wasm_##T##_set_host_info_with_finalizer(                \
      wasm_##T##_t* obj, void* info, void (*finalizer)(void*)) WSBX_NOEXCEPT;

/* ... plus the borrowed views between the object and wasm_ref_t; the
 * views from wasm_ref_t return NULL when the reference is of another
 * kind. */
#define WSBX_API_REF(T)                                            \
  WSBX_API_REF_COMMON(T)                                           \
  WASM_API_EXTERN wasm_ref_t* wasm_##T##_as_ref(wasm_##T##_t* obj) \
      WSBX_NOEXCEPT;                                               \
  WASM_API_EXTERN const wasm_ref_t* wasm_##T##_as_ref_const(       \
      const wasm_##T##_t* obj) WSBX_NOEXCEPT;                      \
  WASM_API_EXTERN wasm_##T##_t* wasm_ref_as_##T(wasm_ref_t* ref)   \
      WSBX_NOEXCEPT;                                               \
  WASM_API_EXTERN const wasm_##T##_t* wasm_ref_as_##T##_const(     \
      const wasm_ref_t* ref) WSBX_NOEXCEPT;

/* ---- Byte vectors and names --------------------------------------------- */

WSBX_API_VECTOR(byte, wasm_byte_t)

/* A name is a byte vector, not necessarily terminated by NUL. */
typedef wasm_byte_vec_t wasm_name_t;
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/* strlen(s) bytes, without the NUL. */
WASM_API_EXTERN void wasm_name_new_from_string(wasm_name_t* out,
                                               const char* s) WSBX_NOEXCEPT;
/* strlen(s) + 1 bytes: the NUL included. */
WASM_API_EXTERN void wasm_name_new_from_string_nt(wasm_name_t* out,
                                                  const char* s) WSBX_NOEXCEPT;

/* ---- Configuration, engine, store --------------------------------------- */

WSBX_API_OBJECT(config)
WASM_API_EXTERN wasm_config_t* wasm_config_new(void) WSBX_NOEXCEPT;

WSBX_API_OBJECT(engine)
WASM_API_EXTERN wasm_engine_t* wasm_engine_new(void) WSBX_NOEXCEPT;
/* Takes `config`. */
WASM_API_EXTERN wasm_engine_t* wasm_engine_new_with_config(
    wasm_config_t* config) WSBX_NOEXCEPT;

WSBX_API_OBJECT(store)
WASM_API_EXTERN wasm_store_t* wasm_store_new(wasm_engine_t* engine)
    WSBX_NOEXCEPT;

/* ---- Types -------------------------------------------------------------- */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum { WASM_CONST = 0, WASM_VAR = 1 };

/* Sizes in pages (memories) or elements (tables). */
typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max; /* wasm_limits_max_default: no maximum */
} wasm_limits_t;
static const uint32_t wasm_limits_max_default = 0xffffffffu;

WSBX_API_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32 = 0,
  WASM_I64 = 1,
  WASM_F32 = 2,
  WASM_F64 = 3,
  /* wsbx extension (WAMR uses the same value): a v128 can be described in
   * types but never passed as a wasm_val_t. */
  WASM_V128 = 4,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF = 129,
};

WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t)
    WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_valkind_is_num(wasm_valkind_t kind) WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_valkind_is_ref(wasm_valkind_t kind) WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_valtype_is_num(const wasm_valtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_valtype_is_ref(const wasm_valtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new_i32(void) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new_i64(void) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new_f32(void) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new_f64(void) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new_externref(void) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new_funcref(void) WSBX_NOEXCEPT;

WSBX_API_TYPE(functype)
/* Takes both vectors' contents (the vectors are left empty). */
WASM_API_EXTERN wasm_functype_t* wasm_functype_new(
    wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_params(
    const wasm_functype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_results(
    const wasm_functype_t* t) WSBX_NOEXCEPT;
/* Short forms wasm_functype_new_P_R: P parameters, R results, each valtype
 * taken. */
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_0_0(void) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_1_0(wasm_valtype_t* p)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_2_0(
    wasm_valtype_t* p1, wasm_valtype_t* p2) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_3_0(
    wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* p3) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_0_1(wasm_valtype_t* r)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_1_1(
    wasm_valtype_t* p, wasm_valtype_t* r) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_2_1(
    wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* r) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_3_1(
    wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* p3,
    wasm_valtype_t* r) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_0_2(
    wasm_valtype_t* r1, wasm_valtype_t* r2) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_1_2(
    wasm_valtype_t* p, wasm_valtype_t* r1, wasm_valtype_t* r2) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_2_2(
    wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* r1,
    wasm_valtype_t* r2) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_functype_new_3_2(
    wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* p3,
    wasm_valtype_t* r1, wasm_valtype_t* r2) WSBX_NOEXCEPT;

WSBX_API_TYPE(globaltype)
/* Takes `content`. */
WASM_API_EXTERN wasm_globaltype_t* wasm_globaltype_new(
    wasm_valtype_t* content, wasm_mutability_t mutability) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_t* wasm_globaltype_content(
    const wasm_globaltype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_mutability_t
wasm_globaltype_mutability(const wasm_globaltype_t* t) WSBX_NOEXCEPT;

WSBX_API_TYPE(tabletype)
/* Takes `element`. */
WASM_API_EXTERN wasm_tabletype_t* wasm_tabletype_new(
    wasm_valtype_t* element, const wasm_limits_t* limits) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_t* wasm_tabletype_element(
    const wasm_tabletype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_limits_t* wasm_tabletype_limits(
    const wasm_tabletype_t* t) WSBX_NOEXCEPT;

WSBX_API_TYPE(memorytype)
WASM_API_EXTERN wasm_memorytype_t* wasm_memorytype_new(
    const wasm_limits_t* limits) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_limits_t* wasm_memorytype_limits(
    const wasm_memorytype_t* t) WSBX_NOEXCEPT;

WSBX_API_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_GLOBAL = 1,
  WASM_EXTERN_TABLE = 2,
  WASM_EXTERN_MEMORY = 3,
};

WASM_API_EXTERN wasm_externkind_t
wasm_externtype_kind(const wasm_externtype_t* t) WSBX_NOEXCEPT;

/* Borrowed views of one type object; the views from wasm_externtype_t
 * return NULL for a type of another kind. */
WASM_API_EXTERN wasm_externtype_t* wasm_functype_as_externtype(
    wasm_functype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_externtype_t* wasm_globaltype_as_externtype(
    wasm_globaltype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_externtype_t* wasm_tabletype_as_externtype(
    wasm_tabletype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_externtype_t* wasm_memorytype_as_externtype(
    wasm_memorytype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_externtype_as_functype(
    wasm_externtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_globaltype_t* wasm_externtype_as_globaltype(
    wasm_externtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_tabletype_t* wasm_externtype_as_tabletype(
    wasm_externtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_memorytype_t* wasm_externtype_as_memorytype(
    wasm_externtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_functype_as_externtype_const(
    const wasm_functype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_globaltype_as_externtype_const(
    const wasm_globaltype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_tabletype_as_externtype_const(
    const wasm_tabletype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_memorytype_as_externtype_const(
    const wasm_memorytype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_functype_t* wasm_externtype_as_functype_const(
    const wasm_externtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_globaltype_t* wasm_externtype_as_globaltype_const(
    const wasm_externtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_tabletype_t* wasm_externtype_as_tabletype_const(
    const wasm_externtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_memorytype_t* wasm_externtype_as_memorytype_const(
    const wasm_externtype_t* t) WSBX_NOEXCEPT;

WSBX_API_TYPE(importtype)
/* Takes `module`, `name` (their contents) and `type`. */
WASM_API_EXTERN wasm_importtype_t* wasm_importtype_new(
    wasm_name_t* module, wasm_name_t* name,
    wasm_externtype_t* type) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_name_t* wasm_importtype_module(
    const wasm_importtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_name_t* wasm_importtype_name(
    const wasm_importtype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_importtype_type(
    const wasm_importtype_t* t) WSBX_NOEXCEPT;

WSBX_API_TYPE(exporttype)
/* Takes `name` (its contents) and `type`. */
WASM_API_EXTERN wasm_exporttype_t* wasm_exporttype_new(
    wasm_name_t* name, wasm_externtype_t* type) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_name_t* wasm_exporttype_name(
    const wasm_exporttype_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_exporttype_type(
    const wasm_exporttype_t* t) WSBX_NOEXCEPT;

/* ---- Values ------------------------------------------------------------- */

struct wasm_ref_t;

/* A typed value. A reference value (externref, funcref) owns `of.ref`,
 * which is NULL for a null reference. */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref;
  } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(wasm_val_t* owned) WSBX_NOEXCEPT;
WASM_API_EXTERN void wasm_val_copy(wasm_val_t* out,
                                   const wasm_val_t* from) WSBX_NOEXCEPT;
/* A host pointer as an i32 or i64 value (whichever holds a pointer). */
WASM_API_EXTERN void wasm_val_init_ptr(wasm_val_t* out, void* p) WSBX_NOEXCEPT;
WASM_API_EXTERN void* wasm_val_ptr(const wasm_val_t* val) WSBX_NOEXCEPT;

WSBX_API_VECTOR(val, wasm_val_t)

/* ---- References --------------------------------------------------------- */

WSBX_API_REF_COMMON(ref)

/* ---- Frames and traps --------------------------------------------------- */

struct wasm_instance_t;

WSBX_API_OBJECT(frame)
WSBX_API_VECTOR(frame, wasm_frame_t*)
WASM_API_EXTERN wasm_frame_t* wasm_frame_copy(const wasm_frame_t* from)
    WSBX_NOEXCEPT;
/* Borrowed from the frame; NULL once the frame's store is gone. */
WASM_API_EXTERN struct wasm_instance_t* wasm_frame_instance(
    const wasm_frame_t* frame) WSBX_NOEXCEPT;
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t* frame)
    WSBX_NOEXCEPT;
/* The byte offset of the frame's active instruction (the one that trapped,
 * or the call into a host function that did, or the active call) from the
 * start of the module binary, and from the function's first instruction;
 * both 0 when unknown. */
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t* frame)
    WSBX_NOEXCEPT;
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t* frame)
    WSBX_NOEXCEPT;

/* A trap message; the one wasm_trap_message writes ends with a NUL that
 * `size` counts. */
typedef wasm_name_t wasm_message_t;

WSBX_API_REF(trap)
WASM_API_EXTERN wasm_trap_t* wasm_trap_new(
    wasm_store_t* store, const wasm_message_t* message) WSBX_NOEXCEPT;
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t* trap,
                                       wasm_message_t* out) WSBX_NOEXCEPT;
/* The innermost frame, or NULL when the trap has none. */
WASM_API_EXTERN wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap)
    WSBX_NOEXCEPT;
/* Every frame, innermost first. */
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t* trap,
                                     wasm_frame_vec_t* out) WSBX_NOEXCEPT;

/* ---- Foreign objects ---------------------------------------------------- */

WSBX_API_REF(foreign)
WASM_API_EXTERN wasm_foreign_t* wasm_foreign_new(wasm_store_t* store)
    WSBX_NOEXCEPT;

/* ---- Modules ------------------------------------------------------------ */

WSBX_API_REF(module)
/* Decodes, validates and compiles; NULL when the binary is not valid. */
WASM_API_EXTERN wasm_module_t* wasm_module_new(
    wasm_store_t* store, const wasm_byte_vec_t* binary) WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_module_validate(
    wasm_store_t* store, const wasm_byte_vec_t* binary) WSBX_NOEXCEPT;
WASM_API_EXTERN void wasm_module_imports(
    const wasm_module_t* module, wasm_importtype_vec_t* out) WSBX_NOEXCEPT;
WASM_API_EXTERN void wasm_module_exports(
    const wasm_module_t* module, wasm_exporttype_vec_t* out) WSBX_NOEXCEPT;
/* Not supported by wsbx: `out` is empty, and deserializing yields NULL. */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t* module,
                                           wasm_byte_vec_t* out) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_module_t* wasm_module_deserialize(
    wasm_store_t* store, const wasm_byte_vec_t* bytes) WSBX_NOEXCEPT;

/* ---- Functions ---------------------------------------------------------- */

WSBX_API_REF(func)

/* A host function: reads `args`, writes every element of `results` (the
 * vector is sized by the type), and returns NULL, or an owned trap to make
 * the call trap with that message. */
typedef wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args,
                                             wasm_val_vec_t* results);
typedef wasm_trap_t* (*wasm_func_callback_with_env_t)(
    void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results);

WASM_API_EXTERN wasm_func_t* wasm_func_new(
    wasm_store_t* store, const wasm_functype_t* type,
    wasm_func_callback_t callback) WSBX_NOEXCEPT;
/* `finalizer` (may be NULL) is called with `env` once the store that holds
 * the function is gone. */
WASM_API_EXTERN wasm_func_t* wasm_func_new_with_env(
    wasm_store_t* store, const wasm_functype_t* type,
    wasm_func_callback_with_env_t callback, void* env,
    void (*finalizer)(void*)) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_functype_t* wasm_func_type(const wasm_func_t* func)
    WSBX_NOEXCEPT;
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t* func)
    WSBX_NOEXCEPT;
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t* func)
    WSBX_NOEXCEPT;
/* Writes the results into `results` (sized by the caller, reference
 * results owned by it) and returns NULL, or returns an owned trap. */
WASM_API_EXTERN wasm_trap_t* wasm_func_call(
    const wasm_func_t* func, const wasm_val_vec_t* args,
    wasm_val_vec_t* results) WSBX_NOEXCEPT;

/* ---- Globals ------------------------------------------------------------ */

WSBX_API_REF(global)
WASM_API_EXTERN wasm_global_t* wasm_global_new(
    wasm_store_t* store, const wasm_globaltype_t* type,
    const wasm_val_t* value) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_globaltype_t* wasm_global_type(const wasm_global_t* global)
    WSBX_NOEXCEPT;
WASM_API_EXTERN void wasm_global_get(const wasm_global_t* global,
                                     wasm_val_t* out) WSBX_NOEXCEPT;
/* Ignored for an immutable global or a value of another type. */
WASM_API_EXTERN void wasm_global_set(wasm_global_t* global,
                                     const wasm_val_t* value) WSBX_NOEXCEPT;

/* ---- Tables ------------------------------------------------------------- */

WSBX_API_REF(table)
typedef uint32_t wasm_table_size_t;
WASM_API_EXTERN wasm_table_t* wasm_table_new(wasm_store_t* store,
                                             const wasm_tabletype_t* type,
                                             wasm_ref_t* init) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_tabletype_t* wasm_table_type(const wasm_table_t* table)
    WSBX_NOEXCEPT;
/* NULL for a null element and for an index out of range. */
WASM_API_EXTERN wasm_ref_t* wasm_table_get(
    const wasm_table_t* table, wasm_table_size_t index) WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_table_set(wasm_table_t* table,
                                    wasm_table_size_t index,
                                    wasm_ref_t* ref) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t* table)
    WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t* table,
                                     wasm_table_size_t delta,
                                     wasm_ref_t* init) WSBX_NOEXCEPT;

/* ---- Memories ----------------------------------------------------------- */

WSBX_API_REF(memory)
typedef uint32_t wasm_memory_pages_t;
static const size_t MEMORY_PAGE_SIZE = 65536;
WASM_API_EXTERN wasm_memory_t* wasm_memory_new(
    wasm_store_t* store, const wasm_memorytype_t* type) WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory)
    WSBX_NOEXCEPT;
/* The base never moves, even when the memory grows. */
WASM_API_EXTERN byte_t* wasm_memory_data(wasm_memory_t* memory) WSBX_NOEXCEPT;
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t* memory)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_memory_pages_t
wasm_memory_size(const wasm_memory_t* memory) WSBX_NOEXCEPT;
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t* memory,
                                      wasm_memory_pages_t delta) WSBX_NOEXCEPT;

/* ---- Externals ---------------------------------------------------------- */

WSBX_API_REF(extern)
WSBX_API_VECTOR(extern, wasm_extern_t*)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t* ext)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_externtype_t* wasm_extern_type(const wasm_extern_t* ext)
    WSBX_NOEXCEPT;

/* Borrowed views of one object; the views from wasm_extern_t return NULL
 * for an external of another kind. */
WASM_API_EXTERN wasm_extern_t* wasm_func_as_extern(wasm_func_t* f)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_extern_t* wasm_global_as_extern(wasm_global_t* g)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_extern_t* wasm_table_as_extern(wasm_table_t* t)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_extern_t* wasm_memory_as_extern(wasm_memory_t* m)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_func_t* wasm_extern_as_func(wasm_extern_t* e)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_global_t* wasm_extern_as_global(wasm_extern_t* e)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_table_t* wasm_extern_as_table(wasm_extern_t* e)
    WSBX_NOEXCEPT;
WASM_API_EXTERN wasm_memory_t* wasm_extern_as_memory(wasm_extern_t* e)
    WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_extern_t* wasm_func_as_extern_const(
    const wasm_func_t* f) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_extern_t* wasm_global_as_extern_const(
    const wasm_global_t* g) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_extern_t* wasm_table_as_extern_const(
    const wasm_table_t* t) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_extern_t* wasm_memory_as_extern_const(
    const wasm_memory_t* m) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_func_t* wasm_extern_as_func_const(
    const wasm_extern_t* e) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_global_t* wasm_extern_as_global_const(
    const wasm_extern_t* e) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_table_t* wasm_extern_as_table_const(
    const wasm_extern_t* e) WSBX_NOEXCEPT;
WASM_API_EXTERN const wasm_memory_t* wasm_extern_as_memory_const(
    const wasm_extern_t* e) WSBX_NOEXCEPT;

/* ---- Instances ---------------------------------------------------------- */

WSBX_API_REF(instance)
/* `imports` in the module's import order. On failure (a link error, a trap
 * in segment initialisation or in the start function) returns NULL and,
 * when `trap_out` is not NULL, stores an owned trap saying why there; on
 * success stores NULL there. */
WASM_API_EXTERN wasm_instance_t* wasm_instance_new(
    wasm_store_t* store, const wasm_module_t* module,
    const wasm_extern_vec_t* imports, wasm_trap_t** trap_out) WSBX_NOEXCEPT;
/* In the module's export order. */
WASM_API_EXTERN void wasm_instance_exports(
    const wasm_instance_t* instance, wasm_extern_vec_t* out) WSBX_NOEXCEPT;

/* ---- Initialisers ------------------------------------------------------- */

#define WASM_EMPTY_VEC \
  { 0, NULL }
#define WASM_ARRAY_VEC(array) \
  { sizeof(array) / sizeof((array)[0]), (array) }

#define WASM_I32_VAL(v)                   \
  {                                       \
    .kind = WASM_I32, .of = {.i32 = (v) } \
  }
#define WASM_I64_VAL(v)                   \
  {                                       \
    .kind = WASM_I64, .of = {.i64 = (v) } \
  }
#define WASM_F32_VAL(v)                   \
  {                                       \
    .kind = WASM_F32, .of = {.f32 = (v) } \
  }
#define WASM_F64_VAL(v)                   \
  {                                       \
    .kind = WASM_F64, .of = {.f64 = (v) } \
  }
#define WASM_REF_VAL(r)                         \
  {                                             \
    .kind = WASM_EXTERNREF, .of = {.ref = (r) } \
  }
#define WASM_INIT_VAL                            \
  {                                              \
    .kind = WASM_EXTERNREF, .of = {.ref = NULL } \
  }

#undef WSBX_API_REF
#undef WSBX_API_REF_COMMON
#undef WSBX_API_TYPE
#undef WSBX_API_VECTOR
#undef WSBX_API_OBJECT
#undef WSBX_NOEXCEPT

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WSBX_WASM_H_ */
