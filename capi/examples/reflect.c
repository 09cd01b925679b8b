/* reflect: a module's imports and exports described without instantiating
 * it (names, kinds, function signatures, global, table and memory types),
 * then the types of an instance's exports, which agree. */
#include "example.h"

static void check_valtypes(const wasm_valtype_vec_t* types,
                           const wasm_valkind_t* kinds, size_t n) {
  CHECK(types->size == n);
  for (size_t i = 0; i < n; ++i) {
    CHECK(wasm_valtype_kind(types->data[i]) == kinds[i]);
  }
}

static void check_limits(const wasm_limits_t* limits, uint32_t min,
                         uint32_t max) {
  CHECK(limits->min == min && limits->max == max);
}

static void check_imports(const wasm_module_t* module) {
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK(imports.size == 4);
  static const char* names[] = {"log", "counter", "table", "memory"};
  static const wasm_externkind_t kinds[] = {
      WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE,
      WASM_EXTERN_MEMORY};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(name_is(wasm_importtype_module(imports.data[i]), "env"));
    CHECK(name_is(wasm_importtype_name(imports.data[i]), names[i]));
    CHECK(wasm_externtype_kind(wasm_importtype_type(imports.data[i])) ==
          kinds[i]);
  }
  const wasm_functype_t* log =
      wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0]));
  CHECK(log != NULL);
  static const wasm_valkind_t log_params[] = {WASM_I32, WASM_F64};
  check_valtypes(wasm_functype_params(log), log_params, 2);
  CHECK(wasm_functype_results(log)->size == 0);
  CHECK(wasm_externtype_as_globaltype_const(
            wasm_importtype_type(imports.data[0])) == NULL);

  const wasm_globaltype_t* counter = wasm_externtype_as_globaltype_const(
      wasm_importtype_type(imports.data[1]));
  CHECK(wasm_valtype_kind(wasm_globaltype_content(counter)) == WASM_I64);
  CHECK(wasm_globaltype_mutability(counter) == WASM_VAR);
  const wasm_tabletype_t* table =
      wasm_externtype_as_tabletype_const(wasm_importtype_type(imports.data[2]));
  CHECK(wasm_valtype_kind(wasm_tabletype_element(table)) == WASM_FUNCREF);
  check_limits(wasm_tabletype_limits(table), 1, wasm_limits_max_default);
  const wasm_memorytype_t* memory = wasm_externtype_as_memorytype_const(
      wasm_importtype_type(imports.data[3]));
  check_limits(wasm_memorytype_limits(memory), 1, 4);

  /* A copy of the whole vector is deep and equal. */
  wasm_importtype_vec_t copy;
  wasm_importtype_vec_copy(&copy, &imports);
  CHECK(copy.size == 4 && copy.data[0] != imports.data[0]);
  CHECK(name_is(wasm_importtype_name(copy.data[3]), "memory"));
  wasm_importtype_vec_delete(&copy);
  wasm_importtype_vec_delete(&imports);
}

/* The export types, in order: pick, nothing, refs, pi, handles, memory,
 * imported_log. */
static void check_export_types(const wasm_exporttype_vec_t* exports) {
  static const char* names[] = {"pick",    "nothing", "refs",        "pi",
                                "handles", "memory",  "imported_log"};
  CHECK(exports->size == 7);
  for (size_t i = 0; i < 7; ++i) {
    CHECK(name_is(wasm_exporttype_name(exports->data[i]), names[i]));
  }
  const wasm_functype_t* pick =
      wasm_externtype_as_functype_const(wasm_exporttype_type(exports->data[0]));
  static const wasm_valkind_t pick_params[] = {WASM_I32, WASM_I64, WASM_F32,
                                               WASM_F64};
  static const wasm_valkind_t pick_results[] = {WASM_F64, WASM_I32};
  check_valtypes(wasm_functype_params(pick), pick_params, 4);
  check_valtypes(wasm_functype_results(pick), pick_results, 2);
  const wasm_functype_t* refs =
      wasm_externtype_as_functype_const(wasm_exporttype_type(exports->data[2]));
  static const wasm_valkind_t refs_params[] = {WASM_EXTERNREF, WASM_FUNCREF};
  check_valtypes(wasm_functype_params(refs), refs_params, 2);
  CHECK(wasm_valtype_is_ref(wasm_functype_results(refs)->data[0]));
  CHECK(wasm_valtype_is_num(wasm_functype_params(pick)->data[0]));

  const wasm_globaltype_t* pi = wasm_externtype_as_globaltype_const(
      wasm_exporttype_type(exports->data[3]));
  CHECK(wasm_valtype_kind(wasm_globaltype_content(pi)) == WASM_F64);
  CHECK(wasm_globaltype_mutability(pi) == WASM_CONST);
  const wasm_tabletype_t* handles = wasm_externtype_as_tabletype_const(
      wasm_exporttype_type(exports->data[4]));
  CHECK(wasm_valtype_kind(wasm_tabletype_element(handles)) == WASM_EXTERNREF);
  check_limits(wasm_tabletype_limits(handles), 2, 16);
  CHECK(wasm_externtype_kind(wasm_exporttype_type(exports->data[5])) ==
        WASM_EXTERN_MEMORY);
  CHECK(wasm_externtype_kind(wasm_exporttype_type(exports->data[6])) ==
        WASM_EXTERN_FUNC);
}

static wasm_trap_t* log_cb(const wasm_val_vec_t* args,
                           wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

/* Instantiates with host objects of the import types and compares each
 * export's own type with the module's description of it. */
static void check_instance(wasm_store_t* store, const wasm_module_t* module) {
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  wasm_extern_t* externs[4];
  externs[0] = wasm_func_as_extern(wasm_func_new(
      store,
      wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0])),
      log_cb));
  wasm_val_t zero = WASM_I64_VAL(0);
  externs[1] = wasm_global_as_extern(
      wasm_global_new(store,
                      wasm_externtype_as_globaltype_const(
                          wasm_importtype_type(imports.data[1])),
                      &zero));
  externs[2] = wasm_table_as_extern(wasm_table_new(
      store,
      wasm_externtype_as_tabletype_const(wasm_importtype_type(imports.data[2])),
      NULL));
  externs[3] = wasm_memory_as_extern(
      wasm_memory_new(store, wasm_externtype_as_memorytype_const(
                                 wasm_importtype_type(imports.data[3]))));
  wasm_importtype_vec_delete(&imports);
  wasm_extern_vec_t import_vec;
  wasm_extern_vec_new(&import_vec, 4, externs); /* takes the externs */
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &import_vec, &trap);
  CHECK(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  CHECK(exports.size == types.size);
  for (size_t i = 0; i < exports.size; ++i) {
    wasm_externtype_t* type = wasm_extern_type(exports.data[i]);
    CHECK(wasm_externtype_kind(type) == wasm_extern_kind(exports.data[i]));
    CHECK(wasm_externtype_kind(type) ==
          wasm_externtype_kind(wasm_exporttype_type(types.data[i])));
    wasm_externtype_delete(type);
  }
  /* The re-exported import is the host function itself. */
  CHECK(wasm_extern_same(exports.data[6], import_vec.data[0]));
  CHECK(wasm_extern_same(exports.data[5], import_vec.data[3]));
  wasm_exporttype_vec_delete(&types);
  wasm_extern_vec_delete(&exports);
  wasm_extern_vec_delete(&import_vec);
  wasm_instance_delete(instance);
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);

  check_imports(module);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  check_export_types(&exports);
  wasm_exporttype_vec_delete(&exports);
  check_instance(store, module);

  /* A binary that is not wasm neither validates nor compiles. */
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 4, "\0asn");
  CHECK(!wasm_module_validate(store, &junk));
  CHECK(wasm_module_new(store, &junk) == NULL);
  wasm_byte_vec_delete(&junk);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("reflect: ok");
  return 0;
}
