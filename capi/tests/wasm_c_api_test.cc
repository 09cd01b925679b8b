// Unit tests of the C API layer for what the example programs leave out:
// vector and type copies, refusals (bad results from host callbacks, v128,
// references of another store), externrefs and funcrefs in globals, tables
// and calls, deletion in any order, and the stubs. The module is
// capi/tests/edge.wat, assembled at build time; its path comes in
// WSBX_CAPI_EDGE_WASM.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "wsbx/wasm.h"

namespace {

std::string Message(wasm_trap_t* trap) {
  REQUIRE(trap != nullptr);
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  std::string s(m.data, m.size - 1);
  CHECK(m.data[m.size - 1] == '\0');
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
  return s;
}

void ReadModule(wasm_byte_vec_t* out) {
  const char* path = std::getenv("WSBX_CAPI_EDGE_WASM");
  REQUIRE(path != nullptr);
  FILE* f = std::fopen(path, "rb");
  REQUIRE(f != nullptr);
  std::vector<char> bytes;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    bytes.insert(bytes.end(), buf, buf + n);
  }
  std::fclose(f);
  wasm_byte_vec_new(out, bytes.size(), bytes.data());
}

// What the host import "f" does in each test.
wasm_trap_t* (*g_host)(const wasm_val_vec_t*, wasm_val_vec_t*) = nullptr;

wasm_trap_t* Host(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  return g_host(args, results);
}

// An instance of edge.wat in a store of its own.
struct Edge {
  Edge() {
    engine = wasm_engine_new_with_config(wasm_config_new());
    store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    ReadModule(&binary);
    module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    REQUIRE(module != nullptr);
    wasm_functype_t* type =
        wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    host = wasm_func_new(store, type, Host);
    wasm_functype_delete(type);
    wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
    instance = wasm_instance_new(store, module, &import_vec, nullptr);
    REQUIRE(instance != nullptr);
    wasm_instance_exports(instance, &exports);
    REQUIRE(exports.size == 7);
  }
  ~Edge() {
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(host);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
  wasm_func_t* Func(size_t i) { return wasm_extern_as_func(exports.data[i]); }
  wasm_global_t* Global(size_t i) {
    return wasm_extern_as_global(exports.data[i]);
  }

  wasm_engine_t* engine;
  wasm_store_t* store;
  wasm_module_t* module;
  wasm_func_t* host;
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
};

// Export indices in edge.wat.
constexpr size_t kFuncG = 0, kExtG = 1, kExtT = 2, kCallF = 3, kSimd = 4,
                 kIdExt = 5, kIdFunc = 6;

wasm_trap_t* Call1(wasm_func_t* f, wasm_val_t arg, wasm_val_t* result) {
  wasm_val_t args[] = {arg};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = {1, result};
  return wasm_func_call(f, &arg_vec, &result_vec);
}

TEST_CASE("vectors copy deeply and delete their elements") {
  wasm_byte_vec_t bytes, bytes_copy;
  wasm_byte_vec_new(&bytes, 3, "abc");
  wasm_byte_vec_copy(&bytes_copy, &bytes);
  CHECK(bytes_copy.data != bytes.data);
  CHECK(std::string(bytes_copy.data, 3) == "abc");
  wasm_byte_vec_delete(&bytes);
  wasm_byte_vec_delete(&bytes_copy);
  CHECK(bytes.data == nullptr);

  wasm_valtype_t* kinds[] = {wasm_valtype_new_f32(),
                             wasm_valtype_new_externref()};
  wasm_valtype_vec_t types, types_copy;
  wasm_valtype_vec_new(&types, 2, kinds);
  wasm_valtype_vec_copy(&types_copy, &types);
  CHECK(types_copy.data[1] != types.data[1]);
  CHECK(wasm_valtype_kind(types_copy.data[1]) == WASM_EXTERNREF);
  wasm_valtype_vec_delete(&types);
  wasm_valtype_vec_delete(&types_copy);

  wasm_frame_vec_t empty;
  wasm_frame_vec_new_empty(&empty);
  CHECK(empty.size == 0);
  wasm_frame_vec_delete(&empty);
  wasm_extern_vec_t nulls;
  wasm_extern_vec_new_uninitialized(&nulls, 3);
  CHECK(nulls.data[2] == nullptr);
  wasm_extern_vec_delete(&nulls);

  wasm_name_t name;
  wasm_name_new_from_string(&name, "xy");
  CHECK(name.size == 2);
  wasm_name_delete(&name);
}

TEST_CASE("type descriptions: views, copies and limits") {
  wasm_limits_t limits = {2, wasm_limits_max_default};
  wasm_memorytype_t* mem = wasm_memorytype_new(&limits);
  wasm_externtype_t* ext = wasm_memorytype_as_externtype(mem);
  CHECK(wasm_externtype_kind(ext) == WASM_EXTERN_MEMORY);
  CHECK(wasm_externtype_as_functype(ext) == nullptr);
  CHECK(wasm_externtype_as_memorytype(ext) == mem);
  wasm_externtype_t* copy = wasm_externtype_copy(ext);
  const wasm_limits_t* l =
      wasm_memorytype_limits(wasm_externtype_as_memorytype(copy));
  CHECK(l->min == 2);
  CHECK(l->max == wasm_limits_max_default);
  wasm_externtype_delete(copy);
  wasm_memorytype_delete(mem);

  CHECK(wasm_valkind_is_num(WASM_F64));
  CHECK(wasm_valkind_is_ref(WASM_FUNCREF));
  wasm_val_t v;
  int x = 0;
  wasm_val_init_ptr(&v, &x);
  CHECK(wasm_val_ptr(&v) == &x);
}

TEST_CASE("host callbacks: a trap's message and a mistyped result") {
  Edge e;
  wasm_val_t r;
  g_host = [](const wasm_val_vec_t*, wasm_val_vec_t*) -> wasm_trap_t* {
    wasm_message_t m;
    wasm_name_new_from_string_nt(&m, "refused by host");
    wasm_trap_t* t = wasm_trap_new(nullptr, &m);
    wasm_name_delete(&m);
    return t;
  };
  wasm_trap_t* refused = Call1(e.Func(kCallF), WASM_I32_VAL(1), &r);
  REQUIRE(refused != nullptr);
  {
    // The only wasm frame is call_f, at its call of the host function:
    // (local.get 0) (call $f) is 20 00 10 00 0b in the module's bytes.
    wasm_byte_vec_t binary;
    ReadModule(&binary);
    const std::string bytes(binary.data, binary.size);
    wasm_byte_vec_delete(&binary);
    const size_t body = bytes.find(std::string("\x20\x00\x10\x00\x0b", 5));
    REQUIRE(body != std::string::npos);
    wasm_frame_t* origin = wasm_trap_origin(refused);
    REQUIRE(origin != nullptr);
    CHECK(wasm_frame_module_offset(origin) == body + 2);
    CHECK(wasm_frame_func_offset(origin) == 2);
    wasm_frame_delete(origin);
  }
  CHECK(Message(refused) == "refused by host");
  g_host = [](const wasm_val_vec_t*, wasm_val_vec_t* results) -> wasm_trap_t* {
    results->data[0].kind = WASM_I64;
    results->data[0].of.i64 = 1;
    return nullptr;
  };
  CHECK(Message(Call1(e.Func(kCallF), WASM_I32_VAL(1), &r)) ==
        "host function result 0 is not a valid i32");
  g_host = [](const wasm_val_vec_t* args,
              wasm_val_vec_t* results) -> wasm_trap_t* {
    results->data[0].of.i32 = args->data[0].of.i32 * 3;
    return nullptr;
  };
  CHECK(Call1(e.Func(kCallF), WASM_I32_VAL(5), &r) == nullptr);
  CHECK(r.of.i32 == 15);
}

TEST_CASE("v128 is described but never passed") {
  Edge e;
  wasm_functype_t* type = wasm_func_type(e.Func(kSimd));
  CHECK(wasm_valtype_kind(wasm_functype_params(type)->data[0]) == WASM_V128);
  CHECK(wasm_func_new(e.store, type, Host) == nullptr);
  wasm_functype_delete(type);
  wasm_val_t r;
  CHECK(Message(Call1(e.Func(kSimd), WASM_I64_VAL(0), &r)) ==
        "wasm_func_call: v128 values cannot pass through the C API");
}

TEST_CASE("externrefs keep their identity through calls, globals, tables") {
  Edge e;
  wasm_foreign_t* foreign = wasm_foreign_new(e.store);
  int info = 0;
  wasm_foreign_set_host_info(foreign, &info);
  wasm_val_t arg = WASM_REF_VAL(wasm_foreign_as_ref(foreign));
  wasm_val_t r;
  REQUIRE(Call1(e.Func(kIdExt), arg, &r) == nullptr);
  CHECK(r.kind == WASM_EXTERNREF);
  CHECK(wasm_ref_same(r.of.ref, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_ref_get_host_info(r.of.ref) == &info);
  wasm_val_delete(&r);

  wasm_global_set(e.Global(kExtG), &arg);
  wasm_global_get(e.Global(kExtG), &r);
  CHECK(wasm_foreign_get_host_info(wasm_ref_as_foreign(r.of.ref)) == &info);
  wasm_val_delete(&r);

  wasm_table_t* table = wasm_extern_as_table(e.exports.data[kExtT]);
  CHECK(wasm_table_set(table, 1, wasm_foreign_as_ref(foreign)));
  wasm_ref_t* got = wasm_table_get(table, 1);
  CHECK(wasm_ref_same(got, wasm_foreign_as_ref(foreign)));
  wasm_ref_delete(got);
  CHECK(wasm_table_get(table, 0) == nullptr);
  wasm_val_t null_ref = WASM_REF_VAL(nullptr);
  REQUIRE(Call1(e.Func(kIdExt), null_ref, &r) == nullptr);
  CHECK(r.of.ref == nullptr);
  wasm_foreign_delete(foreign);
}

TEST_CASE("funcrefs must be functions of the same store") {
  Edge e;
  wasm_val_t arg;
  arg.kind = WASM_FUNCREF;
  arg.of.ref = wasm_func_as_ref(e.host);
  wasm_val_t r;
  REQUIRE(Call1(e.Func(kIdFunc), arg, &r) == nullptr);
  CHECK(r.kind == WASM_FUNCREF);
  CHECK(wasm_func_same(wasm_ref_as_func(r.of.ref), e.host));
  wasm_val_delete(&r);
  wasm_global_set(e.Global(kFuncG), &arg);
  wasm_global_get(e.Global(kFuncG), &r);
  CHECK(wasm_ref_same(r.of.ref, arg.of.ref));
  wasm_val_delete(&r);

  Edge other;
  arg.of.ref = wasm_func_as_ref(other.host);
  CHECK(Message(Call1(e.Func(kIdFunc), arg, &r)) ==
        "wasm_func_call: argument 0 is not a valid funcref");
  wasm_global_set(e.Global(kFuncG), &arg);  // refused: the old value stays
  wasm_global_get(e.Global(kFuncG), &r);
  CHECK(wasm_func_same(wasm_ref_as_func(r.of.ref), e.host));
  wasm_val_delete(&r);
  // A foreign object is no funcref.
  wasm_foreign_t* foreign = wasm_foreign_new(e.store);
  arg.of.ref = wasm_foreign_as_ref(foreign);
  wasm_trap_t* trap = Call1(e.Func(kIdFunc), arg, &r);
  CHECK(trap != nullptr);
  wasm_trap_delete(trap);
  wasm_foreign_delete(foreign);
}

TEST_CASE("imports of another store are a link error") {
  Edge e, other;
  wasm_extern_t* imports[] = {wasm_func_as_extern(other.host)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = nullptr;
  CHECK(wasm_instance_new(e.store, e.module, &import_vec, &trap) == nullptr);
  CHECK(Message(trap).find("belongs to another store") != std::string::npos);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(e.store, e.module, &none, &trap) == nullptr);
  CHECK(Message(trap).find("unknown import") != std::string::npos);
}

TEST_CASE("handles outlive a deleted store; stubs answer empty") {
  auto* e = new Edge();
  wasm_func_t* call_f = wasm_func_copy(e->Func(kCallF));
  wasm_byte_vec_t serialized;
  wasm_module_serialize(e->module, &serialized);
  CHECK(serialized.size == 0);
  CHECK(wasm_module_deserialize(e->store, &serialized) == nullptr);
  wasm_byte_vec_delete(&serialized);
  delete e;  // store and engine deleted first
  g_host = [](const wasm_val_vec_t* args,
              wasm_val_vec_t* results) -> wasm_trap_t* {
    results->data[0].of.i32 = args->data[0].of.i32 + 1;
    return nullptr;
  };
  wasm_val_t r;
  CHECK(Call1(call_f, WASM_I32_VAL(41), &r) == nullptr);
  CHECK(r.of.i32 == 42);
  wasm_func_delete(call_f);
}

}  // namespace
