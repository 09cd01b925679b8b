/* global: host globals imported by a module and globals it exports; a
 * write on either side is seen on the other; an immutable global ignores
 * wasm_global_set. */
#include "example.h"

static wasm_global_t* new_global(wasm_store_t* store, wasm_valkind_t kind,
                                 wasm_mutability_t mutability,
                                 const wasm_val_t* value) {
  wasm_globaltype_t* type =
      wasm_globaltype_new(wasm_valtype_new(kind), mutability);
  wasm_global_t* global = wasm_global_new(store, type, value);
  wasm_globaltype_delete(type);
  CHECK(global != NULL);
  return global;
}

/* Calls a function of no parameters and one result. */
static wasm_val_t call0(wasm_func_t* f) {
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(f, &args, &result_vec) == NULL);
  return results[0];
}

static void call1(wasm_func_t* f, wasm_val_t arg) {
  wasm_val_t args[] = {arg};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(f, &arg_vec, &results) == NULL);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);

  wasm_val_t f32_init = WASM_F32_VAL(2.5f);
  wasm_val_t i64_init = WASM_I64_VAL(-3);
  wasm_global_t* const_f32 = new_global(store, WASM_F32, WASM_CONST, &f32_init);
  wasm_global_t* var_i64 = new_global(store, WASM_I64, WASM_VAR, &i64_init);

  /* A value of the wrong kind makes no global. */
  wasm_globaltype_t* i32_type =
      wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  CHECK(wasm_global_new(store, i32_type, &i64_init) == NULL);
  wasm_globaltype_delete(i32_type);

  wasm_extern_t* imports[] = {wasm_global_as_extern(const_f32),
                              wasm_global_as_extern(var_i64)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &import_vec, &trap);
  CHECK(instance != NULL && trap == NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_global_t* const_i32 =
      wasm_extern_as_global(find_export(module, &exports, "const_i32"));
  wasm_global_t* var_f64 =
      wasm_extern_as_global(find_export(module, &exports, "var_f64"));
  wasm_global_t* var_i64_export =
      wasm_extern_as_global(find_export(module, &exports, "var_i64"));
  CHECK(const_i32 != NULL && var_f64 != NULL && var_i64_export != NULL);
  CHECK(wasm_global_same(var_i64_export, var_i64));

  /* Types. */
  wasm_globaltype_t* type = wasm_global_type(var_f64);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(type)) == WASM_F64);
  CHECK(wasm_globaltype_mutability(type) == WASM_VAR);
  wasm_globaltype_delete(type);
  type = wasm_global_type(const_i32);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(type)) == WASM_I32);
  CHECK(wasm_globaltype_mutability(type) == WASM_CONST);
  wasm_globaltype_delete(type);

  wasm_func_t* get_const_f32 = find_func(module, &exports, "get_const_f32");
  wasm_func_t* get_var_i64 = find_func(module, &exports, "get_var_i64");
  wasm_func_t* set_var_i64 = find_func(module, &exports, "set_var_i64");
  wasm_func_t* get_var_f64 = find_func(module, &exports, "get_var_f64");
  wasm_func_t* set_var_f64 = find_func(module, &exports, "set_var_f64");

  /* Initial values, from the host and from the guest. */
  wasm_val_t v;
  wasm_global_get(const_i32, &v);
  CHECK(v.kind == WASM_I32 && v.of.i32 == 7);
  wasm_global_get(var_f64, &v);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 1.5);
  CHECK(call0(get_const_f32).of.f32 == 2.5f);
  CHECK(call0(get_var_i64).of.i64 == -3);

  /* Host writes, guest reads. */
  wasm_val_t i64_new = WASM_I64_VAL(INT64_C(1) << 50);
  wasm_global_set(var_i64, &i64_new);
  CHECK(call0(get_var_i64).of.i64 == INT64_C(1) << 50);
  wasm_val_t f64_new = WASM_F64_VAL(-0.25);
  wasm_global_set(var_f64, &f64_new);
  CHECK(call0(get_var_f64).of.f64 == -0.25);

  /* Guest writes, host reads (through both handles of the import). */
  wasm_val_t i64_arg = WASM_I64_VAL(99);
  call1(set_var_i64, i64_arg);
  wasm_global_get(var_i64, &v);
  CHECK(v.kind == WASM_I64 && v.of.i64 == 99);
  wasm_global_get(var_i64_export, &v);
  CHECK(v.of.i64 == 99);
  wasm_val_t f64_arg = WASM_F64_VAL(6.0);
  call1(set_var_f64, f64_arg);
  wasm_global_get(var_f64, &v);
  CHECK(v.of.f64 == 6.0);

  /* Constant globals and mistyped values are left alone. */
  wasm_val_t i32_new = WASM_I32_VAL(8);
  wasm_global_set(const_i32, &i32_new);
  wasm_global_get(const_i32, &v);
  CHECK(v.of.i32 == 7);
  wasm_val_t f32_new = WASM_F32_VAL(1.0f);
  wasm_global_set(const_f32, &f32_new);
  CHECK(call0(get_const_f32).of.f32 == 2.5f);
  wasm_global_set(var_f64, &i32_new);
  wasm_global_get(var_f64, &v);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 6.0);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(const_f32);
  wasm_global_delete(var_i64);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("global: ok");
  return 0;
}
