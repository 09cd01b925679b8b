/* finalize: the finalizers the API promises run, once each, and not early.
 * An environment's finalizer runs when the store holding the function is
 * gone (after every handle of that store is deleted); host info finalizers
 * run when the last handle sharing the info is deleted, or for a value
 * handed to wasm as an externref, when its store is gone. */
#include "example.h"

enum { kFuncs = 10 };

typedef struct {
  int id;
  int calls;
  int finalized;
} env_t;

static env_t envs[kFuncs];
static int info_finalized[4];

static wasm_trap_t* tick(void* env, const wasm_val_vec_t* args,
                         wasm_val_vec_t* results) {
  env_t* e = (env_t*)env;
  ++e->calls;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + e->id;
  return NULL;
}

static void finalize_env(void* env) { ++((env_t*)env)->finalized; }
static void finalize_info(void* info) { ++*(int*)info; }

static int envs_finalized(void) {
  int n = 0;
  for (int i = 0; i < kFuncs; ++i) {
    CHECK(envs[i].finalized <= 1);
    n += envs[i].finalized;
  }
  return n;
}

static int32_t call_i32(wasm_func_t* f, int32_t x) {
  wasm_val_t args[] = {WASM_I32_VAL(x)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(f, &arg_vec, &result_vec) == NULL);
  return results[0].of.i32;
}

/* A foreign object goes into wasm as an externref and comes back the same,
 * host info included. Its finalizer waits for the store. */
static void check_externref(wasm_store_t* store, const wasm_module_t* module,
                            const wasm_extern_vec_t* exports) {
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, &info_finalized[3],
                                            finalize_info);
  wasm_val_t args[] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(find_func(module, exports, "keep"), &arg_vec, &none) ==
        NULL);
  wasm_foreign_delete(foreign);
  CHECK(info_finalized[3] == 0);

  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(find_func(module, exports, "kept"), &none,
                       &result_vec) == NULL);
  CHECK(results[0].kind == WASM_EXTERNREF && results[0].of.ref != NULL);
  wasm_foreign_t* back = wasm_ref_as_foreign(results[0].of.ref);
  CHECK(back != NULL && wasm_foreign_get_host_info(back) == &info_finalized[3]);
  wasm_val_delete(&results[0]);
  CHECK(info_finalized[3] == 0);
}

/* Host info on module and instance handles, shared by copies. */
static void check_host_info(wasm_store_t* store, wasm_module_t* module,
                            wasm_instance_t* instance) {
  wasm_module_t* copy = wasm_module_copy(module);
  wasm_module_set_host_info_with_finalizer(copy, &info_finalized[0],
                                           finalize_info);
  CHECK(wasm_module_get_host_info(module) == &info_finalized[0]);
  wasm_module_delete(copy);
  CHECK(info_finalized[0] == 0);

  wasm_instance_t* other = wasm_instance_copy(instance);
  wasm_instance_set_host_info_with_finalizer(other, &info_finalized[1],
                                             finalize_info);
  wasm_instance_delete(other);
  CHECK(info_finalized[1] == 0); /* `instance` still shares it */

  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, &info_finalized[2],
                                            finalize_info);
  wasm_foreign_t* foreign_copy = wasm_foreign_copy(foreign);
  CHECK(wasm_foreign_same(foreign, foreign_copy));
  wasm_foreign_delete(foreign);
  CHECK(info_finalized[2] == 0);
  wasm_foreign_delete(foreign_copy);
  CHECK(info_finalized[2] == 1);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);

  wasm_functype_t* type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* funcs[kFuncs];
  for (int i = 0; i < kFuncs; ++i) {
    envs[i].id = 100 * i;
    funcs[i] =
        wasm_func_new_with_env(store, type, tick, &envs[i], finalize_env);
    CHECK(funcs[i] != NULL);
  }
  wasm_functype_delete(type);

  /* Instantiate with the fourth; call it through the guest and directly. */
  wasm_extern_t* imports[] = {wasm_func_as_extern(funcs[3])};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(call_i32(find_func(module, &exports, "run"), 5) == 305);
  CHECK(call_i32(funcs[7], 1) == 701);
  CHECK(envs[3].calls == 1 && envs[7].calls == 1 && envs[0].calls == 0);

  check_externref(store, module, &exports);
  check_host_info(store, module, instance);

  /* Deleting handles finalizes nothing while the store lives... */
  for (int i = 0; i < kFuncs; ++i) wasm_func_delete(funcs[i]);
  wasm_extern_vec_delete(&exports);
  CHECK(envs_finalized() == 0);
  wasm_instance_delete(instance);
  CHECK(info_finalized[1] == 1);
  wasm_module_delete(module);
  CHECK(info_finalized[0] == 1);
  CHECK(envs_finalized() == 0 && info_finalized[3] == 0);

  /* ... and deleting the store finalizes every environment and the
   * externref kept by the guest. */
  wasm_store_delete(store);
  CHECK(envs_finalized() == kFuncs);
  CHECK(info_finalized[3] == 1);
  wasm_engine_delete(engine);
  for (int i = 0; i < 4; ++i) CHECK(info_finalized[i] == 1);
  puts("finalize: ok");
  return 0;
}
