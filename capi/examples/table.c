/* table: a funcref table exported by a module: its type, elements read as
 * references and called, elements set from the host (a host function among
 * them) and used by call_indirect, growth up to the maximum, and the traps
 * of calls through null or missing elements. Also a table made by the
 * host. */
#include "example.h"

static wasm_trap_t* negate(const wasm_val_vec_t* args,
                           wasm_val_vec_t* results) {
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

/* call_at(index, x); the trap, if any, is returned. */
static wasm_trap_t* call_at(wasm_func_t* f, int32_t index, int32_t x,
                            int32_t* out) {
  wasm_val_t args[] = {WASM_I32_VAL(index), WASM_I32_VAL(x)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(f, &arg_vec, &result_vec);
  if (trap == NULL) *out = results[0].of.i32;
  return trap;
}

static int32_t call_ref(wasm_ref_t* ref, int32_t x) {
  wasm_func_t* f = wasm_ref_as_func(ref);
  CHECK(f != NULL);
  wasm_val_t args[] = {WASM_I32_VAL(x)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(f, &arg_vec, &result_vec) == NULL);
  return results[0].of.i32;
}

static void check_host_table(wasm_store_t* store, wasm_func_t* element) {
  wasm_limits_t limits = {1, 3};
  wasm_tabletype_t* type =
      wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* table = wasm_table_new(store, type, wasm_func_as_ref(element));
  wasm_tabletype_delete(type);
  CHECK(table != NULL && wasm_table_size(table) == 1);
  CHECK(wasm_table_grow(table, 2, NULL));
  CHECK(!wasm_table_grow(table, 1, NULL));
  wasm_ref_t* first = wasm_table_get(table, 0);
  CHECK(first != NULL && wasm_ref_same(first, wasm_func_as_ref(element)));
  CHECK(wasm_table_get(table, 2) == NULL);
  wasm_ref_delete(first);

  /* A function of another store cannot go in. */
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* other = wasm_store_new(engine);
  wasm_functype_t* ftype =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* foreign_func = wasm_func_new(other, ftype, negate);
  wasm_functype_delete(ftype);
  CHECK(!wasm_table_set(table, 1, wasm_func_as_ref(foreign_func)));
  wasm_func_delete(foreign_func);
  wasm_store_delete(other);
  wasm_engine_delete(engine);
  wasm_table_delete(table);
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
  wasm_table_t* table =
      wasm_extern_as_table(find_export(module, &exports, "table"));
  wasm_func_t* inc = find_func(module, &exports, "inc");
  wasm_func_t* call = find_func(module, &exports, "call_at");
  CHECK(table != NULL);

  wasm_tabletype_t* type = wasm_table_type(table);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(type)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_limits(type)->min == 2);
  CHECK(wasm_tabletype_limits(type)->max == 8);
  wasm_tabletype_delete(type);
  CHECK(wasm_table_size(table) == 2);

  /* Elements as references: the first is the exported "inc". */
  wasm_ref_t* e0 = wasm_table_get(table, 0);
  wasm_ref_t* e1 = wasm_table_get(table, 1);
  CHECK(e0 != NULL && e1 != NULL);
  CHECK(wasm_ref_same(e0, wasm_func_as_ref(inc)));
  CHECK(!wasm_ref_same(e0, e1));
  CHECK(call_ref(e0, 41) == 42 && call_ref(e1, 21) == 42);
  CHECK(wasm_table_get(table, 2) == NULL);

  int32_t r = 0;
  CHECK(call_at(call, 1, 5, &r) == NULL && r == 10);

  /* Host writes: swap the two, then install a host function. */
  CHECK(wasm_table_set(table, 0, e1) && wasm_table_set(table, 1, e0));
  CHECK(call_at(call, 0, 5, &r) == NULL && r == 10);
  CHECK(call_at(call, 1, 5, &r) == NULL && r == 6);
  wasm_functype_t* ftype =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, ftype, negate);
  wasm_functype_delete(ftype);
  CHECK(wasm_table_set(table, 1, wasm_func_as_ref(host)));
  CHECK(call_at(call, 1, 5, &r) == NULL && r == -5);
  CHECK(!wasm_table_set(table, 2, wasm_func_as_ref(host)));

  /* Null elements and growth. */
  CHECK(wasm_table_grow(table, 3, NULL));
  CHECK(wasm_table_size(table) == 5 && wasm_table_get(table, 4) == NULL);
  CHECK(trap_says(call_at(call, 4, 0, &r), "uninitialized element 4"));
  CHECK(trap_says(call_at(call, 5, 0, &r), "undefined element"));
  CHECK(wasm_table_grow(table, 3, wasm_func_as_ref(inc)));
  CHECK(wasm_table_size(table) == 8);
  CHECK(call_at(call, 7, 1, &r) == NULL && r == 2);
  CHECK(!wasm_table_grow(table, 1, NULL));
  CHECK(wasm_table_set(table, 7, NULL));
  CHECK(wasm_table_get(table, 7) == NULL);

  check_host_table(store, host);

  wasm_ref_delete(e0);
  wasm_ref_delete(e1);
  wasm_func_delete(host);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("table: ok");
  return 0;
}
