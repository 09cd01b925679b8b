/* callback: host functions with several parameters and results; a host
 * function that calls back into the guest while the guest is running; a
 * funcref passed from wasm to the host and called there. */
#include "example.h"

static wasm_func_t* square = NULL; /* the guest's export, set once known */

static wasm_trap_t* pair(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 2 && results->size == 2);
  CHECK(args->data[0].kind == WASM_I32 && args->data[1].kind == WASM_I64);
  CHECK(results->data[0].kind == WASM_I64 && results->data[1].kind == WASM_I32);
  results->data[0].of.i64 = 2 * args->data[1].of.i64;
  results->data[1].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

static wasm_trap_t* reenter(const wasm_val_vec_t* args,
                            wasm_val_vec_t* results) {
  CHECK(square != NULL);
  wasm_val_t in[] = {WASM_I32_VAL(args->data[0].of.i32)};
  wasm_val_t out[] = {WASM_INIT_VAL};
  wasm_val_vec_t in_vec = WASM_ARRAY_VEC(in);
  wasm_val_vec_t out_vec = WASM_ARRAY_VEC(out);
  wasm_trap_t* trap = wasm_func_call(square, &in_vec, &out_vec);
  if (trap != NULL) return trap;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = out[0].of.i32 + 1;
  return NULL;
}

static wasm_trap_t* apply(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->data[0].kind == WASM_FUNCREF && args->data[0].of.ref != NULL);
  /* The argument is borrowed; the view it gives is too. */
  const wasm_func_t* f = wasm_ref_as_func_const(args->data[0].of.ref);
  CHECK(f != NULL);
  CHECK(wasm_func_same(f, square));
  wasm_val_t in[] = {WASM_I32_VAL(args->data[1].of.i32)};
  wasm_val_vec_t in_vec = WASM_ARRAY_VEC(in);
  return wasm_func_call(f, &in_vec, results);
}

static wasm_func_t* new_func(wasm_store_t* store, wasm_functype_t* type,
                             wasm_func_callback_t cb) {
  wasm_func_t* f = wasm_func_new(store, type, cb);
  CHECK(f != NULL);
  wasm_functype_delete(type);
  return f;
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);

  wasm_func_t* host_pair = new_func(
      store,
      wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                            wasm_valtype_new_i64(), wasm_valtype_new_i32()),
      pair);
  wasm_func_t* host_reenter = new_func(
      store,
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32()),
      reenter);
  wasm_func_t* host_apply = new_func(
      store,
      wasm_functype_new_2_1(wasm_valtype_new_funcref(), wasm_valtype_new_i32(),
                            wasm_valtype_new_i32()),
      apply);

  wasm_extern_t* imports[] = {wasm_func_as_extern(host_pair),
                              wasm_func_as_extern(host_reenter),
                              wasm_func_as_extern(host_apply)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  square = find_func(module, &exports, "square");
  wasm_func_t* run = find_func(module, &exports, "run");
  wasm_func_t* apply_square = find_func(module, &exports, "apply_square");
  CHECK(wasm_func_param_arity(run) == 2 && wasm_func_result_arity(run) == 3);

  wasm_val_t args[] = {WASM_I32_VAL(7), WASM_I64_VAL(INT64_C(1) << 40)};
  wasm_val_t results[3] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(run, &arg_vec, &result_vec) == NULL);
  CHECK(results[0].kind == WASM_I64 && results[0].of.i64 == INT64_C(1) << 41);
  CHECK(results[1].kind == WASM_I32 && results[1].of.i32 == 8);
  CHECK(results[2].kind == WASM_I32 && results[2].of.i32 == 50);

  wasm_val_t x[] = {WASM_I32_VAL(-9)};
  wasm_val_t y[] = {WASM_INIT_VAL};
  wasm_val_vec_t x_vec = WASM_ARRAY_VEC(x);
  wasm_val_vec_t y_vec = WASM_ARRAY_VEC(y);
  CHECK(wasm_func_call(apply_square, &x_vec, &y_vec) == NULL);
  CHECK(y[0].kind == WASM_I32 && y[0].of.i32 == 81);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host_pair);
  wasm_func_delete(host_reenter);
  wasm_func_delete(host_apply);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("callback: ok");
  return 0;
}
