/* hello: a host callback imported by a module. The guest's "run" passes its
 * argument to the host's "hello", which doubles it; run adds one. */
#include "example.h"

static int calls = 0;
static int32_t last_arg = 0;

static wasm_trap_t* hello(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 1 && args->data[0].kind == WASM_I32);
  CHECK(results->size == 1 && results->data[0].kind == WASM_I32);
  ++calls;
  last_arg = args->data[0].of.i32;
  results->data[0].of.i32 = 2 * last_arg;
  return NULL;
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);

  wasm_functype_t* type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, type, hello);
  CHECK(host != NULL);
  CHECK(wasm_func_param_arity(host) == 1 && wasm_func_result_arity(host) == 1);
  wasm_functype_delete(type);

  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &import_vec, &trap);
  CHECK(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  CHECK(wasm_extern_kind(exports.data[0]) == WASM_EXTERN_FUNC);
  wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(run != NULL);

  wasm_val_t args[] = {WASM_I32_VAL(20)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(run, &arg_vec, &result_vec) == NULL);
  CHECK(results[0].kind == WASM_I32 && results[0].of.i32 == 41);
  CHECK(calls == 1 && last_arg == 20);

  /* The host function can be called directly too. */
  args[0].of.i32 = -4;
  CHECK(wasm_func_call(host, &arg_vec, &result_vec) == NULL);
  CHECK(results[0].of.i32 == -8 && calls == 2);

  /* A wrong argument kind is refused with a trap, without calling. */
  wasm_val_t bad[] = {WASM_I64_VAL(1)};
  wasm_val_vec_t bad_vec = WASM_ARRAY_VEC(bad);
  wasm_trap_t* refused = wasm_func_call(run, &bad_vec, &result_vec);
  CHECK(refused != NULL && calls == 2);
  wasm_trap_delete(refused);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("hello: ok");
  return 0;
}
