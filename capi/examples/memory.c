/* memory: an exported memory seen through wasm_memory_data, its size in
 * bytes and pages, out-of-bounds accesses trapping, growth by the guest and
 * by the host up to the declared maximum; and a memory made by the host. */
#include "example.h"

static wasm_func_t* f_size;
static wasm_func_t* f_load;
static wasm_func_t* f_store;
static wasm_func_t* f_grow;

/* Calls f with up to two i32 arguments; the trap, if any, is returned. */
static wasm_trap_t* call(wasm_func_t* f, int nargs, int32_t a, int32_t b,
                         int32_t* out) {
  wasm_val_t args[] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = {(size_t)nargs, args};
  wasm_val_vec_t result_vec = {wasm_func_result_arity(f), results};
  wasm_trap_t* trap = wasm_func_call(f, &arg_vec, &result_vec);
  if (trap == NULL && out != NULL) *out = results[0].of.i32;
  return trap;
}

static int32_t call_ok(wasm_func_t* f, int nargs, int32_t a, int32_t b) {
  int32_t out = 0;
  CHECK(call(f, nargs, a, b, &out) == NULL);
  return out;
}

static void check_host_memory(wasm_store_t* store) {
  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* type = wasm_memorytype_new(&limits);
  wasm_memory_t* memory = wasm_memory_new(store, type);
  wasm_memorytype_delete(type);
  CHECK(memory != NULL);
  CHECK(wasm_memory_size(memory) == 1);
  CHECK(wasm_memory_data_size(memory) == MEMORY_PAGE_SIZE);
  byte_t* data = wasm_memory_data(memory);
  data[MEMORY_PAGE_SIZE - 1] = 42;
  CHECK(wasm_memory_grow(memory, 1));
  CHECK(!wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_data(memory) == data && data[MEMORY_PAGE_SIZE - 1] == 42);
  CHECK(data[2 * MEMORY_PAGE_SIZE - 1] == 0);
  wasm_memory_delete(memory);

  /* A minimum above the maximum makes no memory. */
  wasm_limits_t bad = {3, 2};
  type = wasm_memorytype_new(&bad);
  CHECK(wasm_memory_new(store, type) == NULL);
  wasm_memorytype_delete(type);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory =
      wasm_extern_as_memory(find_export(module, &exports, "memory"));
  CHECK(memory != NULL);
  f_size = find_func(module, &exports, "size");
  f_load = find_func(module, &exports, "load");
  f_store = find_func(module, &exports, "store");
  f_grow = find_func(module, &exports, "grow");

  /* Size and contents. */
  CHECK(wasm_memory_size(memory) == 2);
  CHECK(wasm_memory_data_size(memory) == 0x20000);
  byte_t* data = wasm_memory_data(memory);
  CHECK(data[0] == 0 && data[0x1000] == 1 && data[0x1003] == 4);
  CHECK(call_ok(f_size, 0, 0, 0) == 2);
  CHECK(call_ok(f_load, 1, 0x1002, 0) == 3);
  CHECK(call_ok(f_load, 1, 0x1ffff, 0) == 0);

  /* Out of bounds. */
  CHECK(trap_says(call(f_load, 1, 0x20000, 0, NULL),
                  "out of bounds memory access"));
  CHECK(
      trap_says(call(f_store, 2, -1, 5, NULL), "out of bounds memory access"));

  /* Writes on one side are seen on the other. */
  call_ok(f_store, 2, 0x1002, 6);
  CHECK(data[0x1002] == 6);
  data[0x1fffe] = (byte_t)-7;
  CHECK(call_ok(f_load, 1, 0x1fffe, 0) == -7);

  /* Growth: the memory's type says 2..3 pages. */
  wasm_memorytype_t* type = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(type)->max == 3);
  wasm_memorytype_delete(type);
  CHECK(call_ok(f_grow, 1, 0, 0) == 2);
  CHECK(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 3 && call_ok(f_size, 0, 0, 0) == 3);
  CHECK(wasm_memory_data_size(memory) == 0x30000);
  CHECK(call_ok(f_load, 1, 0x2ffff, 0) == 0);
  CHECK(trap_says(call(f_load, 1, 0x30000, 0, NULL),
                  "out of bounds memory access"));
  CHECK(call_ok(f_grow, 1, 1, 0) == -1);
  CHECK(!wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_grow(memory, 0));
  CHECK(wasm_memory_size(memory) == 3);

  check_host_memory(store);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("memory: ok");
  return 0;
}
