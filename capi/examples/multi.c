/* multi: functions of several results. A host function of four parameters
 * reverses them into four results of the mirrored types; the guest passes
 * them through; wasm functions return two values each. */
#include "example.h"

static int shuffles = 0;

static wasm_trap_t* shuffle(const wasm_val_vec_t* args,
                            wasm_val_vec_t* results) {
  CHECK(args->size == 4 && results->size == 4);
  CHECK(args->data[0].kind == WASM_I32 && args->data[1].kind == WASM_I64);
  CHECK(args->data[2].kind == WASM_F32 && args->data[3].kind == WASM_F64);
  for (size_t i = 0; i < 4; ++i) {
    wasm_val_copy(&results->data[i], &args->data[3 - i]);
  }
  ++shuffles;
  return NULL;
}

static void call(wasm_func_t* f, wasm_val_t* args, size_t nargs,
                 wasm_val_t* results, size_t nresults) {
  wasm_val_vec_t arg_vec = {nargs, args};
  wasm_val_vec_t result_vec = {nresults, results};
  CHECK(wasm_func_call(f, &arg_vec, &result_vec) == NULL);
}

static void check_pair(wasm_func_t* f, int32_t a, int32_t b, int32_t x,
                       int32_t y) {
  wasm_val_t args[] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  call(f, args, 2, results, 2);
  CHECK(results[0].kind == WASM_I32 && results[1].kind == WASM_I32);
  CHECK(results[0].of.i32 == x && results[1].of.i32 == y);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);

  wasm_valtype_t* params[] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                              wasm_valtype_new_f32(), wasm_valtype_new_f64()};
  wasm_valtype_t* results[] = {wasm_valtype_new_f64(), wasm_valtype_new_f32(),
                               wasm_valtype_new_i64(), wasm_valtype_new_i32()};
  wasm_valtype_vec_t param_vec, result_vec;
  wasm_valtype_vec_new(&param_vec, 4, params);
  wasm_valtype_vec_new(&result_vec, 4, results);
  wasm_functype_t* type = wasm_functype_new(&param_vec, &result_vec);
  CHECK(wasm_functype_params(type)->size == 4);
  CHECK(wasm_valtype_kind(wasm_functype_results(type)->data[3]) == WASM_I32);
  wasm_func_t* host = wasm_func_new(store, type, shuffle);
  wasm_functype_delete(type);
  CHECK(host != NULL);

  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args[] = {WASM_I32_VAL(-1), WASM_I64_VAL(-(INT64_C(1) << 40)),
                       WASM_F32_VAL(0.5f), WASM_F64_VAL(-1e300)};
  wasm_val_t out[4];
  call(find_func(module, &exports, "roundtrip"), args, 4, out, 4);
  CHECK(shuffles == 1);
  CHECK(out[0].kind == WASM_F64 && out[0].of.f64 == -1e300);
  CHECK(out[1].kind == WASM_F32 && out[1].of.f32 == 0.5f);
  CHECK(out[2].kind == WASM_I64 && out[2].of.i64 == -(INT64_C(1) << 40));
  CHECK(out[3].kind == WASM_I32 && out[3].of.i32 == -1);

  check_pair(find_func(module, &exports, "divmod"), 47, 5, 9, 2);
  wasm_func_t* sort2 = find_func(module, &exports, "sort2");
  check_pair(sort2, 3, 9, 3, 9);
  check_pair(sort2, 9, 3, 3, 9);

  /* Too little room for the results is refused. */
  wasm_val_t one[1];
  wasm_val_vec_t small = {1, one};
  wasm_val_vec_t pair_args = {2, args};
  args[1] = args[0];
  wasm_trap_t* trap = wasm_func_call(sort2, &pair_args, &small);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("multi: ok");
  return 0;
}
