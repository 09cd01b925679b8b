/* What the C API examples share: reading the module named on the command
 * line, a CHECK that ends the program with status 1 when a condition does
 * not hold, and look-ups by export name. Only the standard C library and
 * wsbx/wasm.h are used, as any program written against the API would. */
#ifndef WSBX_CAPI_EXAMPLES_EXAMPLE_H_
#define WSBX_CAPI_EXAMPLES_EXAMPLE_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsbx/wasm.h"

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

/* Reads the whole file at `path` into a new byte vector. */
static inline void read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  CHECK(f != NULL);
  CHECK(fseek(f, 0, SEEK_END) == 0);
  long size = ftell(f);
  CHECK(size > 0);
  CHECK(fseek(f, 0, SEEK_SET) == 0);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  CHECK(fread(out->data, 1, (size_t)size, f) == (size_t)size);
  fclose(f);
}

/* Compiles the module named by argv[1]. */
static inline wasm_module_t* load_module(wasm_store_t* store, int argc,
                                         char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s module.wasm\n", argv[0]);
    exit(2);
  }
  wasm_byte_vec_t binary;
  read_file(argv[1], &binary);
  CHECK(wasm_module_validate(store, &binary));
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  CHECK(module != NULL);
  return module;
}

/* Whether a name (not NUL-terminated) equals `s`. */
static inline int name_is(const wasm_name_t* name, const char* s) {
  return name->size == strlen(s) && memcmp(name->data, s, name->size) == 0;
}

/* The instance export called `name` (borrowed from `exports`), found
 * through the module's export types. */
static inline wasm_extern_t* find_export(const wasm_module_t* module,
                                         const wasm_extern_vec_t* exports,
                                         const char* name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  CHECK(types.size == exports->size);
  wasm_extern_t* found = NULL;
  for (size_t i = 0; i < types.size; ++i) {
    if (name_is(wasm_exporttype_name(types.data[i]), name)) {
      found = exports->data[i];
    }
  }
  wasm_exporttype_vec_delete(&types);
  CHECK(found != NULL);
  return found;
}

static inline wasm_func_t* find_func(const wasm_module_t* module,
                                     const wasm_extern_vec_t* exports,
                                     const char* name) {
  wasm_func_t* func = wasm_extern_as_func(find_export(module, exports, name));
  CHECK(func != NULL);
  return func;
}

/* Whether the trap's message is `expected` (with its NUL). Takes `trap`. */
static inline int trap_says(wasm_trap_t* trap, const char* expected) {
  if (trap == NULL) return 0;
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  int same = message.size == strlen(expected) + 1 &&
             memcmp(message.data, expected, message.size) == 0;
  if (!same) {
    fprintf(stderr, "trap message: %.*s\n", (int)message.size, message.data);
  }
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
  return same;
}

#endif /* WSBX_CAPI_EXAMPLES_EXAMPLE_H_ */
