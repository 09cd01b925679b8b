// Regression tests for references and Store boundaries: a funcref is a small
// index checked on every use, never an address; canonical type ids agree
// across modules and Stores; a Store refuses another Store's objects.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "runtime/engine.h"
#include "runtime/store/store.h"
#include "runtime/store/type_registry.h"
#include "runtime/value.h"

namespace wsbx {
namespace {

// (module
//   (type $v (func))
//   (type $ii (func (param i32) (result i32)))
//   (table (export "t") 4 funcref)
//   (func $inc (export "inc") (type $ii) (i32.add (local.get 0) (i32.const 1)))
//   (func $nop (type $v))
//   (elem (i32.const 0) $inc $nop)
//   (func (export "ref") (result funcref) (ref.func $inc))
//   (func (export "get") (param i32) (result funcref)
//     (table.get 0 (local.get 0)))
//   (func (export "call") (param i32 i32) (result i32)
//     (call_indirect (type $ii) (local.get 1) (local.get 0))))
const std::vector<uint8_t> kLib = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x18, 0x05, 0x60,
    0x00, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x70, 0x60,
    0x01, 0x7f, 0x01, 0x70, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x06,
    0x05, 0x01, 0x00, 0x02, 0x03, 0x04, 0x04, 0x04, 0x01, 0x70, 0x00, 0x04,
    0x07, 0x1e, 0x05, 0x01, 0x74, 0x01, 0x00, 0x03, 0x69, 0x6e, 0x63, 0x00,
    0x00, 0x03, 0x72, 0x65, 0x66, 0x00, 0x02, 0x03, 0x67, 0x65, 0x74, 0x00,
    0x03, 0x04, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x04, 0x09, 0x08, 0x01, 0x00,
    0x41, 0x00, 0x0b, 0x02, 0x00, 0x01, 0x0a, 0x22, 0x05, 0x07, 0x00, 0x20,
    0x00, 0x41, 0x01, 0x6a, 0x0b, 0x02, 0x00, 0x0b, 0x04, 0x00, 0xd2, 0x00,
    0x0b, 0x06, 0x00, 0x20, 0x00, 0x25, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x01,
    0x20, 0x00, 0x11, 0x01, 0x00, 0x0b,
};

// The same signature [i32] -> [i32] at type index 2 instead of 1.
// (module
//   (type $f (func (param f64)))
//   (type $r (func (result i32)))
//   (type $ii (func (param i32) (result i32)))
//   (import "lib" "t" (table 4 funcref))
//   (func $twice (type $ii) (i32.mul (local.get 0) (i32.const 2)))
//   (elem (i32.const 2) $twice)
//   (func (export "call") (param i32 i32) (result i32)
//     (call_indirect (type $ii) (local.get 1) (local.get 0))))
const std::vector<uint8_t> kUser = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x14, 0x04,
    0x60, 0x01, 0x7c, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x02, 0x0b, 0x01,
    0x03, 0x6c, 0x69, 0x62, 0x01, 0x74, 0x01, 0x70, 0x00, 0x04, 0x03,
    0x03, 0x02, 0x02, 0x03, 0x07, 0x08, 0x01, 0x04, 0x63, 0x61, 0x6c,
    0x6c, 0x00, 0x01, 0x09, 0x07, 0x01, 0x00, 0x41, 0x02, 0x0b, 0x01,
    0x00, 0x0a, 0x13, 0x02, 0x07, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6c,
    0x0b, 0x09, 0x00, 0x20, 0x01, 0x20, 0x00, 0x11, 0x02, 0x00, 0x0b,
};

const FuncType kI32ToI32{{ValType::kI32}, {ValType::kI32}};

TrapKind NoopHost(HostContext&, std::span<const uint64_t>,
                  std::span<uint64_t>) {
  return TrapKind::kNone;
}

std::shared_ptr<const Module> Load(const std::vector<uint8_t>& bytes) {
  auto module = LoadModule(bytes);
  REQUIRE_MESSAGE(module.ok(), module.status().ToString());
  return *module;
}

Instance* InstantiateLib(Store& store) {
  auto inst = store.Instantiate(Load(kLib), {});
  REQUIRE_MESSAGE(inst.ok(), inst.status().ToString());
  return *inst;
}

FunctionInstance* Func(const Instance* inst, const std::string& name) {
  auto ext = inst->FindExport(name);
  REQUIRE(ext.has_value());
  REQUIRE(ext->kind == ExternKind::kFunc);
  return ext->func;
}

InvokeResult Call(Store& store, FunctionInstance* f, std::vector<Value> args) {
  return store.Invoke(f, args);
}

std::string TrapMessage(const InvokeResult& r) {
  return r.trap ? r.trap->message : "no trap";
}

TEST_CASE("refs: a funcref is a small index into the store, not an address") {
  Store store;
  store.AddHostFunction(FuncType{}, NoopHost, "first");  // ref 1
  Instance* lib = InstantiateLib(store);
  FunctionInstance* inc = Func(lib, "inc");

  InvokeResult r = Call(store, Func(lib, "ref"), {});
  REQUIRE(r.ok());
  const Value ref = r.values[0];
  CHECK(ref.type == ValType::kFuncRef);
  CHECK(ref.bits == store.RefOf(inc));
  CHECK(ref.bits == 2);  // the store's second function
  CHECK(ref.bits != reinterpret_cast<uintptr_t>(inc));
  CHECK(store.FunctionFromRef(ref.bits) == inc);

  // table.get hands out the same bits the element segment stored.
  r = Call(store, Func(lib, "get"), {Value::I32(0)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == ref);
  r = Call(store, Func(lib, "get"), {Value::I32(3)});
  REQUIRE(r.ok());
  CHECK(r.values[0] == Value::Ref(ValType::kFuncRef, kNullRef));

  // The checked lookup: null and anything past the list name no function.
  CHECK(store.FunctionFromRef(kNullRef) == nullptr);
  CHECK(store.FunctionFromRef(12345) == nullptr);
  CHECK(store.FunctionFromRef(reinterpret_cast<uintptr_t>(inc)) == nullptr);
  CHECK(store.RefOf(nullptr) == kNullRef);
}

TEST_CASE("refs: call_indirect through a forged table element traps") {
  Store store;
  Instance* lib = InstantiateLib(store);
  FunctionInstance* call = Func(lib, "call");
  TableInstance* table = lib->FindExport("t")->table;
  REQUIRE(Call(store, call, {Value::I32(0), Value::I32(41)}).values ==
          std::vector<Value>{Value::I32(42)});

  // The checked host API refuses bits that name no function ...
  absl::Status s =
      store.SetTableElement(table, 3, Value::Ref(ValType::kFuncRef, 12345));
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(table->data()[3] == kNullRef);
  CHECK(store.SetTableElement(table, 3, Value::I32(1)).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(store.SetTableElement(table, 4, Value::Ref(ValType::kFuncRef, 0))
            .code() == absl::StatusCode::kOutOfRange);

  // ... and bits written past it are still never followed.
  table->data()[3] = 12345;
  InvokeResult r = Call(store, call, {Value::I32(3), Value::I32(1)});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kInvalidReference);
  CHECK(r.trap->message == "invalid reference");
  table->data()[3] = reinterpret_cast<uintptr_t>(Func(lib, "inc"));
  CHECK(TrapMessage(Call(store, call, {Value::I32(3), Value::I32(1)})) ==
        "invalid reference");

  // A valid reference set from the host is called like any other.
  REQUIRE(store
              .SetTableElement(
                  table, 3,
                  Value::Ref(ValType::kFuncRef, store.RefOf(Func(lib, "inc"))))
              .ok());
  CHECK(Call(store, call, {Value::I32(3), Value::I32(1)}).values ==
        std::vector<Value>{Value::I32(2)});
  auto got = store.GetTableElement(table, 3);
  REQUIRE(got.ok());
  CHECK(store.FunctionFromRef(got->bits) == Func(lib, "inc"));

  // A funcref argument must name a function of the store too.
  FunctionInstance* take = store.AddHostFunction(
      FuncType{{ValType::kFuncRef}, {}}, NoopHost, "take");
  r = Call(store, take, {Value::Ref(ValType::kFuncRef, 12345)});
  REQUIRE(!r.ok());
  CHECK(r.trap->message ==
        "argument 0: funcref names no function of this store");
  CHECK(Call(store, take, {Value::Ref(ValType::kFuncRef, store.RefOf(take))})
            .ok());
}

TEST_CASE("refs: a store refuses another store's objects") {
  Store a;
  Store b;
  Instance* lib_a = InstantiateLib(a);
  FunctionInstance* inc_a = Func(lib_a, "inc");
  TableInstance* table_a = lib_a->FindExport("t")->table;

  // A function of store A offered to store B as an import.
  auto m = std::make_shared<Module>();
  m->types.push_back(kI32ToI32);
  Import imp;
  imp.module = "env";
  imp.name = "f";
  imp.kind = ExternKind::kFunc;
  imp.func_type = 0;
  m->imports.push_back(imp);
  m->func_types.push_back(0);
  m->num_imported_funcs = 1;
  Extern foreign = Extern::Func(inc_a);
  auto r = b.Instantiate(m, {&foreign, 1});
  REQUIRE(!r.ok());
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(r.status().message() ==
        "import 0 \"env\".\"f\": belongs to another store");
  Extern own = Extern::Func(b.AddHostFunction(kI32ToI32, NoopHost, "f"));
  CHECK(b.Instantiate(m, {&own, 1}).ok());

  // The same for a table (the user module imports "lib"."t").
  Extern table = Extern::Table(table_a);
  r = b.Instantiate(Load(kUser), {&table, 1});
  REQUIRE(!r.ok());
  CHECK(r.status().message() ==
        "import 0 \"lib\".\"t\": belongs to another store");

  // Memories and globals.
  auto mm = std::make_shared<Module>();
  imp.name = "m";
  imp.kind = ExternKind::kMemory;
  imp.memory = MemoryType{{1, std::nullopt}};
  mm->imports.push_back(imp);
  mm->memories.push_back(imp.memory);
  mm->num_imported_memories = 1;
  Extern mem = Extern::Memory(*a.AddMemory(imp.memory));
  r = b.Instantiate(mm, {&mem, 1});
  REQUIRE(!r.ok());
  CHECK(r.status().message() ==
        "import 0 \"env\".\"m\": belongs to another store");
  CHECK(a.Instantiate(mm, {&mem, 1}).ok());
  auto gm = std::make_shared<Module>();
  imp.name = "g";
  imp.kind = ExternKind::kGlobal;
  imp.global = GlobalType{ValType::kI32, false};
  gm->imports.push_back(imp);
  gm->global_types.push_back(imp.global);
  gm->num_imported_globals = 1;
  Extern global = Extern::Global(a.AddGlobal(imp.global, Value::I32(7)));
  r = b.Instantiate(gm, {&global, 1});
  REQUIRE(!r.ok());
  CHECK(r.status().message() ==
        "import 0 \"env\".\"g\": belongs to another store");

  // Nor does store B run, name or touch A's objects.
  InvokeResult call = b.Invoke(inc_a, std::vector<Value>{Value::I32(1)});
  REQUIRE(!call.ok());
  CHECK(call.trap->message == "function belongs to another store");
  CHECK(b.RefOf(inc_a) == kNullRef);
  CHECK(b.SetTableElement(table_a, 0, Value::Ref(ValType::kFuncRef, kNullRef))
            .code() == absl::StatusCode::kInvalidArgument);
  CHECK(!b.GetTableElement(table_a, 0).ok());
  CHECK(a.Owns(inc_a));
  CHECK(!b.Owns(inc_a));
  CHECK(!b.Owns(foreign));
}

TEST_CASE("refs: call_indirect matches signatures across modules") {
  Store store;
  Instance* lib = InstantiateLib(store);
  Extern table = lib->FindExport("t").value();
  auto user_inst = store.Instantiate(Load(kUser), {&table, 1});
  REQUIRE_MESSAGE(user_inst.ok(), user_inst.status().ToString());
  FunctionInstance* lib_call = Func(lib, "call");
  FunctionInstance* user_call = Func(*user_inst, "call");

  // [i32] -> [i32] is type 1 in lib and type 2 in user: one canonical id.
  CHECK(lib->type_ids[1] == (*user_inst)->type_ids[2]);
  CHECK(lib->type_ids[1] == CanonicalTypeId(kI32ToI32));

  // user calls lib's $inc; lib calls user's $twice.
  CHECK(Call(store, user_call, {Value::I32(0), Value::I32(5)}).values ==
        std::vector<Value>{Value::I32(6)});
  CHECK(Call(store, lib_call, {Value::I32(2), Value::I32(5)}).values ==
        std::vector<Value>{Value::I32(10)});
  CHECK(Call(store, user_call, {Value::I32(2), Value::I32(5)}).values ==
        std::vector<Value>{Value::I32(10)});
  // $nop is [] -> []: a mismatch from either side.
  CHECK(TrapMessage(Call(store, user_call, {Value::I32(1), Value::I32(5)})) ==
        "indirect call type mismatch");
  CHECK(TrapMessage(Call(store, lib_call, {Value::I32(1), Value::I32(5)})) ==
        "indirect call type mismatch");
  CHECK(TrapMessage(Call(store, user_call, {Value::I32(3), Value::I32(5)})) ==
        "uninitialized element 3");

  // A host function of the right signature placed in the table is called.
  FunctionInstance* host = store.AddHostFunction(
      kI32ToI32,
      [](HostContext&, std::span<const uint64_t> args,
         std::span<uint64_t> results) {
        results[0] = static_cast<uint32_t>(args[0]) + 100;
        return TrapKind::kNone;
      },
      "plus100");
  REQUIRE(store
              .SetTableElement(table.table, 3,
                               Value::Ref(ValType::kFuncRef, store.RefOf(host)))
              .ok());
  CHECK(Call(store, user_call, {Value::I32(3), Value::I32(5)}).values ==
        std::vector<Value>{Value::I32(105)});
}

TEST_CASE("refs: canonical type ids agree across stores") {
  Store a;
  Store b;
  Instance* lib_a = InstantiateLib(a);
  Instance* lib_b = InstantiateLib(b);
  CHECK(lib_a->type_ids == lib_b->type_ids);
  CHECK(Func(lib_a, "inc")->type_id == Func(lib_b, "inc")->type_id);
  FunctionInstance* host_b = b.AddHostFunction(kI32ToI32, NoopHost, "h");
  Store c;
  FunctionInstance* host_c = c.AddHostFunction(kI32ToI32, NoopHost, "h");
  CHECK(host_b->type_id == Func(lib_a, "inc")->type_id);
  CHECK(host_c->type_id == host_b->type_id);
  CHECK(host_c->type_id == CanonicalTypeId(kI32ToI32));
  CHECK(c.AddHostFunction(FuncType{}, NoopHost, "v")->type_id !=
        host_c->type_id);
}

TEST_CASE("refs: canonical type ids are the same from every thread") {
  // Signatures no other test uses: [i64 x k] -> [f32], k = 1..64.
  std::vector<FuncType> types;
  for (size_t k = 1; k <= 64; ++k) {
    types.push_back(
        FuncType{std::vector<ValType>(k, ValType::kI64), {ValType::kF32}});
  }
  std::vector<std::vector<uint32_t>> ids(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < ids.size(); ++t) {
    threads.emplace_back([&types, &ids, t] {
      // Each thread interns in its own order, one at a time.
      for (size_t i = 0; i < types.size(); ++i) {
        size_t k = (i * (2 * t + 1)) % types.size();
        ids[t].push_back(CanonicalTypeId(types[k]));
      }
      std::vector<uint32_t> in_order(types.size());
      for (size_t i = 0; i < types.size(); ++i) {
        in_order[(i * (2 * t + 1)) % types.size()] = ids[t][i];
      }
      ids[t] = std::move(in_order);
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::vector<uint32_t>& v : ids) CHECK(v == ids[0]);
  CHECK(CanonicalTypeIds(types) == ids[0]);
  std::vector<uint32_t> sorted = ids[0];
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
}

}  // namespace
}  // namespace wsbx
