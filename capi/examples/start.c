/* start: wasm_instance_new runs the start function. When it traps there is
 * no instance and the trap comes back through the out-parameter, with its
 * frames; what the start function wrote to imported objects before the
 * trap stays (as WebAssembly 2.0 specifies). When it does not trap, the
 * out-parameter is set to NULL. Link errors come back as traps too. */
#include "example.h"

typedef struct {
  wasm_memory_t* memory;
  wasm_global_t* progress;
  wasm_global_t* ok;
} imports_t;

static wasm_global_t* new_i32_global(wasm_store_t* store,
                                     wasm_mutability_t mutability,
                                     int32_t value) {
  wasm_globaltype_t* type =
      wasm_globaltype_new(wasm_valtype_new_i32(), mutability);
  wasm_val_t v = WASM_I32_VAL(value);
  wasm_global_t* global = wasm_global_new(store, type, &v);
  wasm_globaltype_delete(type);
  CHECK(global != NULL);
  return global;
}

static imports_t new_imports(wasm_store_t* store, int ok) {
  imports_t im;
  wasm_limits_t limits = {1, wasm_limits_max_default};
  wasm_memorytype_t* type = wasm_memorytype_new(&limits);
  im.memory = wasm_memory_new(store, type);
  wasm_memorytype_delete(type);
  CHECK(im.memory != NULL);
  im.progress = new_i32_global(store, WASM_VAR, 0);
  im.ok = new_i32_global(store, WASM_CONST, ok);
  return im;
}

static void delete_imports(imports_t* im) {
  wasm_memory_delete(im->memory);
  wasm_global_delete(im->progress);
  wasm_global_delete(im->ok);
}

static wasm_instance_t* instantiate(wasm_store_t* store,
                                    const wasm_module_t* module,
                                    const imports_t* im, wasm_trap_t** trap) {
  wasm_extern_t* externs[] = {wasm_memory_as_extern(im->memory),
                              wasm_global_as_extern(im->progress),
                              wasm_global_as_extern(im->ok)};
  wasm_extern_vec_t vec = WASM_ARRAY_VEC(externs);
  return wasm_instance_new(store, module, &vec, trap);
}

static int32_t progress_of(const imports_t* im) {
  wasm_val_t v;
  wasm_global_get(im->progress, &v);
  return v.of.i32;
}

static void check_start_trap(wasm_store_t* store, const wasm_module_t* module) {
  imports_t im = new_imports(store, 0);
  wasm_trap_t* trap = NULL;
  CHECK(instantiate(store, module, &im, &trap) == NULL);
  CHECK(trap != NULL);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 2);
  CHECK(wasm_frame_func_index(trace.data[0]) == 0);
  CHECK(wasm_frame_func_index(trace.data[1]) == 1);
  wasm_frame_vec_delete(&trace);
  CHECK(trap_says(trap, "unreachable"));
  CHECK(progress_of(&im) == 1);
  CHECK(wasm_memory_data(im.memory)[16] == 0x5a);

  /* Without an out-parameter the failure is only the NULL instance. */
  CHECK(instantiate(store, module, &im, NULL) == NULL);
  delete_imports(&im);
}

static void check_link_errors(wasm_store_t* store,
                              const wasm_module_t* module) {
  imports_t im = new_imports(store, 1);
  /* Too few imports. */
  wasm_extern_t* externs[] = {wasm_memory_as_extern(im.memory)};
  wasm_extern_vec_t short_vec = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &short_vec, &trap) == NULL);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  /* A global where the memory should be. */
  wasm_extern_t* swapped[] = {wasm_global_as_extern(im.ok),
                              wasm_global_as_extern(im.progress),
                              wasm_global_as_extern(im.ok)};
  wasm_extern_vec_t swapped_vec = WASM_ARRAY_VEC(swapped);
  trap = NULL;
  CHECK(wasm_instance_new(store, module, &swapped_vec, &trap) == NULL);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  CHECK(progress_of(&im) == 0);
  delete_imports(&im);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);

  check_start_trap(store, module);
  check_link_errors(store, module);

  imports_t im = new_imports(store, 1);
  wasm_trap_t* trap = (wasm_trap_t*)&im; /* must be overwritten */
  wasm_instance_t* instance = instantiate(store, module, &im, &trap);
  CHECK(instance != NULL && trap == NULL);
  CHECK(progress_of(&im) == 2);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(find_func(module, &exports, "progress"), &none,
                       &result_vec) == NULL);
  CHECK(results[0].of.i32 == 2);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  delete_imports(&im);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("start: ok");
  return 0;
}
