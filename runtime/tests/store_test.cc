// Unit tests for runtime objects and instantiation: memories, tables, type
// interning, import matching, constant expressions, segment initialisation
// and its partial effects, exports and typed invocation checks.
#include "runtime/store/store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/engine.h"
#include "runtime/store/type_registry.h"
#include "runtime/value.h"

namespace wsbx {
namespace {

ConstExpr Const(Opcode op, uint64_t imm) {
  ConstExpr e;
  e.instrs.push_back(ConstInstr{op, imm});
  return e;
}
ConstExpr I32Const(int32_t v) {
  return Const(Opcode::kI32Const, static_cast<uint64_t>(int64_t{v}));
}

Import MakeImport(ExternKind kind, std::string name) {
  Import imp;
  imp.module = "env";
  imp.name = std::move(name);
  imp.kind = kind;
  return imp;
}


TrapKind NoopHost(HostContext&, std::span<const uint64_t>,
                  std::span<uint64_t>) {
  return TrapKind::kNone;
}

// A module importing one memory "env"."mem" with the given limits.
std::shared_ptr<Module> ModuleImportingMemory(uint64_t min,
                                              std::optional<uint64_t> max) {
  auto m = std::make_shared<Module>();
  Import imp = MakeImport(ExternKind::kMemory, "mem");
  imp.memory.limits = {min, max};
  m->imports.push_back(imp);
  m->memories.push_back(imp.memory);
  m->num_imported_memories = 1;
  return m;
}

TEST_CASE("memory: reserve, commit, grow, peak") {
  MemoryType type;
  type.limits = {1, 3};
  auto mem_or = MemoryInstance::Create(type, 65536);
  REQUIRE(mem_or.ok());
  MemoryInstance& mem = **mem_or;
  uint8_t* base = mem.base();
  REQUIRE(base != nullptr);
  CHECK(mem.size_bytes() == kPageSize);
  CHECK(base[0] == 0);
  CHECK(base[kPageSize - 1] == 0);
  base[kPageSize - 1] = 7;
  CHECK(mem.Grow(0) == 1);
  CHECK(mem.Grow(1) == 1);
  CHECK(mem.base() == base);
  CHECK(base[kPageSize - 1] == 7);
  CHECK(base[2 * kPageSize - 1] == 0);  // fresh page reads as zero
  CHECK(mem.Grow(2) == -1);             // past the declared maximum
  CHECK(mem.pages() == 2);
  CHECK(mem.Grow(1) == 2);
  CHECK(mem.peak_pages() == 3);
  CHECK(mem.type().limits == SizeLimits{3, 3});
  CHECK(mem.Grow(UINT64_MAX) == -1);
}

TEST_CASE("memory: cap") {
  MemoryType type;
  type.limits = {2, std::nullopt};
  auto too_big = MemoryInstance::Create(type, 1);
  REQUIRE(!too_big.ok());
  CHECK(too_big.status().message() ==
        "memory minimum 2 pages exceeds the cap of 1 pages");

  type.limits = {0, std::nullopt};
  auto capped = MemoryInstance::Create(type, 4);
  REQUIRE(capped.ok());
  CHECK((*capped)->Grow(5) == -1);
  CHECK((*capped)->Grow(4) == 0);
  CHECK((*capped)->Grow(1) == -1);
  CHECK((*capped)->peak_pages() == 4);

  type.limits = {0, 0};
  auto empty = MemoryInstance::Create(type, 65536);
  REQUIRE(empty.ok());
  CHECK((*empty)->base() != nullptr);
  CHECK((*empty)->size_bytes() == 0);
  CHECK((*empty)->Grow(0) == 0);
  CHECK((*empty)->Grow(1) == -1);
}

TEST_CASE("memory: store cap from limits") {
  Limits limits;
  limits.max_memory_pages = 2;
  Store store(limits);
  MemoryType type;
  type.limits = {3, std::nullopt};
  CHECK(!store.AddMemory(type).ok());
  type.limits = {1, std::nullopt};
  auto mem = store.AddMemory(type);
  REQUIRE(mem.ok());
  CHECK((*mem)->Grow(1) == 1);
  CHECK((*mem)->Grow(1) == -1);
}

TEST_CASE("table: init, grow, max and cap") {
  TableType type;
  type.elem = ValType::kExternRef;
  type.limits = {2, 5};
  auto made = TableInstance::Create(type, 1000, 9);
  REQUIRE(made.ok());
  TableInstance& table = **made;
  CHECK(table.size() == 2);
  CHECK(table.data()[1] == 9);
  CHECK(table.Grow(0, 0) == 2);
  CHECK(table.Grow(2, 4) == 2);
  CHECK(table.data()[3] == 4);
  CHECK(table.Grow(2, 0) == -1);
  CHECK(table.Grow(1, 0) == 4);
  CHECK(table.type().limits == SizeLimits{5, 5});
  CHECK(table.type().elem == ValType::kExternRef);

  type.limits = {0, std::nullopt};
  auto capped = TableInstance::Create(type, 3, 0);
  REQUIRE(capped.ok());
  CHECK((*capped)->Grow(4, 0) == -1);
  CHECK((*capped)->Grow(3, 0) == 0);
  CHECK((*capped)->Grow(UINT32_MAX, 0) == -1);

  Limits limits;
  limits.max_table_elements = 10;
  Store store(limits);
  type.limits = {11, std::nullopt};
  CHECK(!store.AddTable(type).ok());
  type.limits = {5, 2};
  CHECK(!store.AddTable(type).ok());
}

// One account for everything a Store holds: tables, memories and instances
// share the cap, and going over is an error or -1, never a host allocation
// failure. (Before, 20 tables of 10 M elements took 1.6 GB whatever --mem.)
TEST_CASE("the store's memory account caps tables, memories and instances") {
  Limits limits;
  limits.max_store_bytes = 1 << 20;  // 1 MiB in all
  Store store(limits);
  TableType type;
  type.elem = ValType::kFuncRef;
  type.limits = {100000, std::nullopt};  // 800 KB
  auto first = store.AddTable(type);
  REQUIRE(first.ok());
  CHECK(store.account().used() >= 100000 * sizeof(RefBits));
  auto second = store.AddTable(type);  // another 800 KB does not fit
  CHECK(second.status().code() == absl::StatusCode::kResourceExhausted);
  // Growing past the account fails like any refused grow.
  CHECK((*first)->Grow(100000, kNullRef) == -1);
  CHECK((*first)->size() == 100000);
  // A memory shares the same account: 4 pages (256 KiB) do not fit.
  MemoryType mt;
  mt.limits.min = 4;
  CHECK(store.AddMemory(mt).status().code() == absl::StatusCode::kResourceExhausted);
  mt.limits.min = 1;
  auto mem = store.AddMemory(mt);
  REQUIRE(mem.ok());
  CHECK((*mem)->Grow(4) == -1);
  CHECK((*mem)->Grow(1) == 1);
  CHECK(store.account().used() <= store.account().limit());
  CHECK(store.account().peak() == store.account().used());
}

TEST_CASE("table.grow by one element at a time is accounted to the last page") {
  Limits limits;
  limits.max_store_bytes = 8 * 1000000;  // room for 1 M elements
  Store store(limits);
  TableType type;
  type.elem = ValType::kFuncRef;
  type.limits = {0, std::nullopt};
  auto table = store.AddTable(type);
  REQUIRE(table.ok());
  int64_t grown = 0;
  while ((*table)->Grow(1, kNullRef) >= 0) ++grown;
  // Storage is committed by 4 KiB pages: the last whole page that fits.
  CHECK(grown == 8 * 1000000 / 4096 * 4096 / 8);
  CHECK(store.account().used() == 8 * 1000000 / 4096 * 4096);
}

TEST_CASE("CanonicalTypeId gives equal ids to equal types") {
  Store store;
  FuncType a{{ValType::kI32}, {}};
  FuncType b{{}, {ValType::kI32}};
  FuncType c{{ValType::kI32}, {}};
  uint32_t ia = CanonicalTypeId(a);
  uint32_t ib = CanonicalTypeId(b);
  CHECK(ia != ib);
  CHECK(CanonicalTypeId(c) == ia);
  CHECK(CanonicalTypeId(FuncType{}) != ia);
  std::vector<FuncType> types = {b, a, FuncType{}};
  CHECK(CanonicalTypeIds(types) ==
        std::vector<uint32_t>{ib, ia, CanonicalTypeId(FuncType{})});
  FunctionInstance* f = store.AddHostFunction(c, NoopHost, "f");
  CHECK(f->type_id == ia);
  CHECK(f->instance == nullptr);
}

TEST_CASE("values and traps print") {
  CHECK(ValueToString(Value::I32(0xFFFFFFFF)) == "i32:-1");
  CHECK(ValueToString(Value::I64(42)) == "i64:42");
  CHECK(ValueToString(Value::F32(1.5f)) == "f32:1.5");
  CHECK(ValueToString(Value::F64(0.1)) == "f64:0.10000000000000001");
  CHECK(ValueToString(Value::F32Bits(0x7fc00000)) == "f32:nan:0x7fc00000");
  CHECK(ValueToString(Value::Ref(ValType::kFuncRef, 0)) == "funcref:null");
  CHECK(ValueToString(Value::Ref(ValType::kExternRef, 0x10)) ==
        "externref:0x10");
  CHECK(TrapKindMessage(TrapKind::kMemoryOutOfBounds) ==
        "out of bounds memory access");
  CHECK(TrapKindMessage(TrapKind::kIndirectCallTypeMismatch) ==
        "indirect call type mismatch");
  Trap trap{
      TrapKind::kUnreachable, "unreachable", 0, {{3, "f", ""}, {0, "", ""}}};
  CHECK(trap.ToString() == "unreachable\n  at f (func 3)\n  at func 0");
  trap.backtrace[0].code_offset = 0x1a2;
  trap.backtrace[1].code_offset = 0x30;
  CHECK(trap.ToString() ==
        "unreachable\n  at f (func 3) +0x1a2\n  at func 0 +0x30");
}

TEST_CASE("import matching: functions and globals") {
  Store store;
  auto m = std::make_shared<Module>();
  m->types.push_back(FuncType{{ValType::kI32}, {ValType::kI64}});
  Import f = MakeImport(ExternKind::kFunc, "f");
  f.func_type = 0;
  m->imports.push_back(f);
  m->func_types.push_back(0);
  m->num_imported_funcs = 1;
  Import g = MakeImport(ExternKind::kGlobal, "g");
  g.global = {ValType::kI32, true};
  m->imports.push_back(g);
  m->global_types.push_back(g.global);
  m->num_imported_globals = 1;

  FunctionInstance* good_f =
      store.AddHostFunction(m->types[0], NoopHost, "good");
  FunctionInstance* bad_f = store.AddHostFunction(
      FuncType{{ValType::kI32}, {ValType::kI32}}, NoopHost, "bad");
  GlobalInstance* good_g =
      store.AddGlobal({ValType::kI32, true}, Value::I32(1));
  GlobalInstance* immutable_g =
      store.AddGlobal({ValType::kI32, false}, Value::I32(1));
  GlobalInstance* i64_g = store.AddGlobal({ValType::kI64, true}, Value::I64(1));

  std::vector<Extern> ok = {Extern::Func(good_f), Extern::Global(good_g)};
  CHECK(store.Instantiate(m, ok).ok());

  auto expect_incompatible = [&](std::vector<Extern> imports) {
    auto r = store.Instantiate(m, imports);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(r.status().message()).find("incompatible import type") ==
          0);
  };
  expect_incompatible({Extern::Func(bad_f), Extern::Global(good_g)});
  expect_incompatible({Extern::Func(good_f), Extern::Global(immutable_g)});
  expect_incompatible({Extern::Func(good_f), Extern::Global(i64_g)});
  expect_incompatible({Extern::Global(good_g), Extern::Func(good_f)});

  auto r = store.Instantiate(m, std::vector<Extern>{Extern::Func(good_f)});
  REQUIRE(!r.ok());
  CHECK(std::string(r.status().message()).find("unknown import") == 0);
}

TEST_CASE("import matching: tables and memories use current sizes") {
  Store store;
  auto m = ModuleImportingMemory(2, 4);
  Import t = MakeImport(ExternKind::kTable, "t");
  t.table = {ValType::kFuncRef, {1, std::nullopt}};
  m->imports.push_back(t);
  m->tables.push_back(t.table);
  m->num_imported_tables = 1;

  auto mem1 = *store.AddMemory(MemoryType{{1, 4}});
  auto mem_nomax = *store.AddMemory(MemoryType{{2, std::nullopt}});
  auto mem_bigmax = *store.AddMemory(MemoryType{{2, 5}});
  auto mem_ok = *store.AddMemory(MemoryType{{3, 3}});
  auto table = *store.AddTable(TableType{ValType::kFuncRef, {0, std::nullopt}});
  auto ext_table =
      *store.AddTable(TableType{ValType::kExternRef, {5, std::nullopt}});

  auto link = [&](MemoryInstance* mem, TableInstance* tab) {
    std::vector<Extern> imports = {Extern::Memory(mem), Extern::Table(tab)};
    return store.Instantiate(m, imports).status();
  };
  CHECK(!link(mem_ok, table).ok());  // table too small now
  CHECK(table->Grow(1, kNullRef) == 0);
  CHECK(link(mem_ok, table).ok());
  CHECK(!link(mem1, table).ok());  // min too small
  CHECK(mem1->Grow(1) == 1);
  CHECK(link(mem1, table).ok());         // grown: now matches
  CHECK(!link(mem_nomax, table).ok());   // no maximum
  CHECK(!link(mem_bigmax, table).ok());  // maximum too large
  CHECK(!link(mem_ok, ext_table).ok());  // element type
}

TEST_CASE("globals from constant expressions") {
  Store store;
  auto m = std::make_shared<Module>();
  m->types.push_back(FuncType{});
  Import f = MakeImport(ExternKind::kFunc, "f");
  m->imports.push_back(f);
  m->func_types.push_back(0);
  m->num_imported_funcs = 1;
  Import g = MakeImport(ExternKind::kGlobal, "g");
  g.global = {ValType::kI64, false};
  m->imports.push_back(g);
  m->num_imported_globals = 1;
  auto add = [&](ValType t, ConstExpr e) {
    m->globals.push_back(Global{{t, false}, std::move(e)});
  };
  add(ValType::kI32, I32Const(-5));
  add(ValType::kI64, Const(Opcode::kI64Const, static_cast<uint64_t>(-7)));
  add(ValType::kF32, Const(Opcode::kF32Const, 0x3fc00000));
  add(ValType::kF64, Const(Opcode::kF64Const, 0x3ff8000000000000));
  add(ValType::kI64, Const(Opcode::kGlobalGet, 0));
  add(ValType::kFuncRef, Const(Opcode::kRefFunc, 0));
  add(ValType::kExternRef, Const(Opcode::kRefNull, 0x6F));
  // Extended constants: (g_import * 3) - g1 with wrapping i64 arithmetic,
  // and an i32 sum over an earlier defined global that wraps around.
  ConstExpr ext = Const(Opcode::kGlobalGet, 0);
  ext.instrs.push_back(ConstInstr{Opcode::kI64Const, 3});
  ext.instrs.push_back(ConstInstr{Opcode::kI64Mul, 0});
  ext.instrs.push_back(ConstInstr{Opcode::kGlobalGet, 2});
  ext.instrs.push_back(ConstInstr{Opcode::kI64Sub, 0});
  add(ValType::kI64, ext);
  ConstExpr wrap = Const(Opcode::kGlobalGet, 1);  // -5
  wrap.instrs.push_back(ConstInstr{Opcode::kI32Const, 0x7FFFFFFF});
  wrap.instrs.push_back(ConstInstr{Opcode::kI32Add, 0});
  add(ValType::kI32, wrap);
  for (size_t i = 0; i < m->globals.size(); ++i) {
    m->exports.push_back(Export{"g" + std::to_string(i), ExternKind::kGlobal,
                                static_cast<uint32_t>(i + 1)});
  }

  FunctionInstance* host = store.AddHostFunction(FuncType{}, NoopHost, "f");
  GlobalInstance* imported =
      store.AddGlobal({ValType::kI64, false}, Value::I64(1234));
  std::vector<Extern> imports = {Extern::Func(host), Extern::Global(imported)};
  auto inst = store.Instantiate(m, imports);
  REQUIRE(inst.ok());
  auto get = [&](int i) {
    auto e = (*inst)->FindExport("g" + std::to_string(i));
    REQUIRE(e.has_value());
    REQUIRE(e->kind == ExternKind::kGlobal);
    return e->global->Get();
  };
  CHECK(get(0) == Value::I32(0xFFFFFFFB));
  CHECK(get(1) == Value::I64(static_cast<uint64_t>(-7)));
  CHECK(get(2) == Value::F32(1.5f));
  CHECK(get(3) == Value::F64(1.5));
  CHECK(get(4) == Value::I64(1234));
  CHECK(get(5) == Value::Ref(ValType::kFuncRef, store.RefOf(host)));
  CHECK(get(6) == Value::Ref(ValType::kExternRef, kNullRef));
  CHECK(get(7) == Value::I64(1234 * 3 + 7));
  CHECK(get(8) == Value::I32(0x7FFFFFFA));
  CHECK(!(*inst)->FindExport("nope").has_value());
  CHECK((*inst)->globals[0] == imported);
  CHECK((*inst)->funcs[0] == host);
}

TEST_CASE("segments: order, drops and out-of-bounds traps") {
  Store store;
  auto m = ModuleImportingMemory(1, std::nullopt);
  m->bytes = {'a', 'b', 'c', 'd'};
  m->tables.push_back(TableType{ValType::kExternRef, {2, std::nullopt}});
  DataSegment d0;
  d0.offset = I32Const(10);
  d0.data_offset = 0;
  d0.data_size = 2;
  DataSegment passive;
  passive.mode = SegmentMode::kPassive;
  passive.data_offset = 2;
  passive.data_size = 2;
  m->datas = {d0, passive};
  ElemSegment e0;
  e0.type = ValType::kExternRef;
  e0.offset = I32Const(1);
  e0.items.push_back(Const(Opcode::kRefNull, 0x6F));
  ElemSegment declarative = e0;
  declarative.mode = SegmentMode::kDeclarative;
  ElemSegment passive_elem = e0;
  passive_elem.mode = SegmentMode::kPassive;
  m->elems = {e0, declarative, passive_elem};
  m->exports.push_back(Export{"t", ExternKind::kTable, 0});

  MemoryInstance* mem = *store.AddMemory(MemoryType{{1, std::nullopt}});
  std::vector<Extern> imports = {Extern::Memory(mem)};
  auto inst = store.Instantiate(m, imports);
  REQUIRE(inst.ok());
  CHECK(std::memcmp(mem->base() + 10, "ab", 2) == 0);
  CHECK((*inst)->data_dropped == std::vector<bool>{true, false});
  CHECK((*inst)->elem_segments[0].empty());
  CHECK((*inst)->elem_segments[1].empty());
  CHECK((*inst)->elem_segments[2].size() == 1);
  CHECK((*inst)->FindExport("t")->table->size() == 2);

  SUBCASE("data out of bounds keeps earlier writes") {
    DataSegment late = d0;
    late.offset = I32Const(20);
    DataSegment oob = d0;
    oob.offset = I32Const(static_cast<int32_t>(kPageSize - 1));
    DataSegment never = d0;
    never.offset = I32Const(30);
    m->datas = {late, oob, never};
    m->elems.clear();
    auto r = store.Instantiate(m, imports);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == absl::StatusCode::kAborted);
    CHECK(r.status().message() == "out of bounds memory access");
    CHECK(std::memcmp(mem->base() + 20, "ab", 2) == 0);
    CHECK(mem->base()[30] == 0);
  }
  SUBCASE("element trap comes before any data write") {
    ElemSegment oob = e0;
    oob.offset = I32Const(2);  // 2 + 1 > 2
    m->elems = {oob};
    m->datas[0].offset = I32Const(40);
    auto r = store.Instantiate(m, imports);
    REQUIRE(!r.ok());
    CHECK(r.status().message() == "out of bounds table access");
    CHECK(mem->base()[40] == 0);
  }
  SUBCASE("empty segment past the end still traps") {
    DataSegment empty = d0;
    empty.data_size = 0;
    empty.offset = I32Const(static_cast<int32_t>(kPageSize + 1));
    m->datas = {empty};
    m->elems.clear();
    auto r = store.Instantiate(m, imports);
    REQUIRE(!r.ok());
    CHECK(r.status().message() == "out of bounds memory access");
    empty.offset = I32Const(static_cast<int32_t>(kPageSize));
    m->datas = {empty};
    CHECK(store.Instantiate(m, imports).ok());
  }
  SUBCASE("offset is read as unsigned") {
    DataSegment neg = d0;
    neg.offset = I32Const(-1);
    m->datas = {neg};
    m->elems.clear();
    auto r = store.Instantiate(m, imports);
    REQUIRE(!r.ok());
    CHECK(r.status().message() == "out of bounds memory access");
  }
}

TEST_CASE("elements hold function references into a shared table") {
  Store store;
  auto m = std::make_shared<Module>();
  m->types.push_back(FuncType{});
  Import f = MakeImport(ExternKind::kFunc, "f");
  m->imports.push_back(f);
  m->func_types.push_back(0);
  m->num_imported_funcs = 1;
  Import t = MakeImport(ExternKind::kTable, "t");
  t.table = {ValType::kFuncRef, {3, std::nullopt}};
  m->imports.push_back(t);
  m->tables.push_back(t.table);
  m->num_imported_tables = 1;
  ElemSegment seg;
  seg.offset = I32Const(0);
  seg.items = {Const(Opcode::kRefFunc, 0), Const(Opcode::kRefNull, 0x70),
               Const(Opcode::kRefFunc, 0)};
  ElemSegment oob = seg;
  oob.offset = I32Const(1);
  m->elems = {seg, oob};

  FunctionInstance* host = store.AddHostFunction(FuncType{}, NoopHost, "f");
  TableInstance* table =
      *store.AddTable(TableType{ValType::kFuncRef, {3, std::nullopt}});
  std::vector<Extern> imports = {Extern::Func(host), Extern::Table(table)};
  auto r = store.Instantiate(m, imports);
  REQUIRE(!r.ok());
  CHECK(r.status().message() == "out of bounds table access");
  RefBits h = store.RefOf(host);
  CHECK(table->data()[0] == h);
  CHECK(table->data()[1] == kNullRef);
  CHECK(table->data()[2] == h);
}

TEST_CASE("invoke checks arguments") {
  Store store;
  FunctionInstance* f = store.AddHostFunction(
      FuncType{{ValType::kI32}, {ValType::kI32}}, NoopHost, "f");
  std::vector<Value> none;
  InvokeResult r = store.Invoke(f, none);
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kHostError);
  CHECK(r.trap->message == "argument type mismatch");
  std::vector<Value> wrong = {Value::I64(1)};
  r = store.Invoke(f, wrong);
  REQUIRE(!r.ok());
  CHECK(r.trap->message == "argument type mismatch");
  FunctionInstance* v =
      store.AddHostFunction(FuncType{{ValType::kV128}, {}}, NoopHost, "v");
  std::vector<Value> v128 = {Value::Default(ValType::kV128)};
  r = store.Invoke(v, v128);  // a v128 takes two argument slots
  CHECK(r.ok());
  std::vector<Value> v128_as_i64 = {Value::I64(0)};
  r = store.Invoke(v, v128_as_i64);
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kHostError);
  r = store.Invoke(nullptr, none);
  REQUIRE(!r.ok());
}

TEST_CASE("instantiate rejects bad inputs without crashing") {
  Store store;
  CHECK(!store.Instantiate(nullptr, {}).ok());
  auto m = std::make_shared<Module>();
  m->globals.push_back(Global{{ValType::kI32, false}, ConstExpr{}});
  CHECK(!store.Instantiate(m, {}).ok());
  m->globals[0].init = Const(Opcode::kGlobalGet, 5);
  CHECK(!store.Instantiate(m, {}).ok());
  m->globals[0].init = Const(Opcode::kI32Add, 0);
  CHECK(!store.Instantiate(m, {}).ok());
  auto m2 = ModuleImportingMemory(0, std::nullopt);
  std::vector<Extern> null_mem = {Extern::Memory(nullptr)};
  CHECK(!store.Instantiate(m2, null_mem).ok());
}

// (module
//   (import "env" "mem" (memory 1))
//   (import "env" "note" (func $note (param i32)))
//   (func $start (i32.store (i32.const 8) (i32.const 0x2a))
//                (call $note (i32.const 7)))
//   (func (export "add") (param i32 i64 f32) (result i64 f32)
//     (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)) (local.get 2))
//   (start $start))
const std::vector<uint8_t> kStartAndAdd = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x03, 0x60,
    0x01, 0x7f, 0x00, 0x60, 0x00, 0x00, 0x60, 0x03, 0x7f, 0x7e, 0x7d, 0x02,
    0x7e, 0x7d, 0x02, 0x17, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65,
    0x6d, 0x02, 0x00, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x6e, 0x6f, 0x74,
    0x65, 0x00, 0x00, 0x03, 0x03, 0x02, 0x01, 0x02, 0x07, 0x07, 0x01, 0x03,
    0x61, 0x64, 0x64, 0x00, 0x02, 0x08, 0x01, 0x01, 0x0a, 0x1a, 0x02, 0x0d,
    0x00, 0x41, 0x08, 0x41, 0x2a, 0x36, 0x02, 0x00, 0x41, 0x07, 0x10, 0x00,
    0x0b, 0x0a, 0x00, 0x20, 0x00, 0xac, 0x20, 0x01, 0x7c, 0x20, 0x02, 0x0b,
};

// (module
//   (import "env" "mem" (memory 1))
//   (data (i32.const 0) "hi")
//   (func $s unreachable)
//   (start $s))
const std::vector<uint8_t> kDataThenTrappingStart = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01,
    0x60, 0x00, 0x00, 0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03,
    0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x03, 0x02, 0x01, 0x00, 0x08,
    0x01, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, 0x0b, 0x08,
    0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x68, 0x69,
};

TEST_CASE("end to end: start function, host import, typed invoke") {
  auto module = LoadModule(kStartAndAdd);
  REQUIRE(module.ok());
  Store store;
  MemoryInstance* mem = *store.AddMemory(MemoryType{{1, std::nullopt}});
  uint32_t noted = 0;
  FunctionInstance* note = store.AddHostFunction(
      FuncType{{ValType::kI32}, {}},
      [&](HostContext&, std::span<const uint64_t> args, std::span<uint64_t>) {
        noted = static_cast<uint32_t>(args[0]);
        return TrapKind::kNone;
      },
      "note");
  std::vector<Extern> imports = {Extern::Memory(mem), Extern::Func(note)};
  auto inst = store.Instantiate(*module, imports);
  REQUIRE(inst.ok());
  CHECK(noted == 7);
  CHECK(mem->base()[8] == 0x2a);

  auto add = (*inst)->FindExport("add");
  REQUIRE(add.has_value());
  REQUIRE(add->kind == ExternKind::kFunc);
  CHECK(add->func->instance == *inst);
  CHECK(add->func->func_index == 2);
  std::vector<Value> args = {Value::I32(static_cast<uint32_t>(-3)),
                             Value::I64(10), Value::F32(2.5f)};
  InvokeResult r = store.Invoke(add->func, args);
  REQUIRE(r.ok());
  REQUIRE(r.values.size() == 2);
  CHECK(r.values[0] == Value::I64(7));
  CHECK(r.values[1] == Value::F32(2.5f));

  std::vector<Value> seven = {Value::I32(5)};
  r = store.Invoke(note, seven);
  CHECK(r.ok());
  CHECK(r.values.empty());
  CHECK(noted == 5);
}

TEST_CASE("end to end: a trapping start function keeps data writes") {
  auto module = LoadModule(kDataThenTrappingStart);
  REQUIRE(module.ok());
  Store store;
  MemoryInstance* mem = *store.AddMemory(MemoryType{{1, std::nullopt}});
  std::vector<Extern> imports = {Extern::Memory(mem)};
  auto inst = store.Instantiate(*module, imports);
  REQUIRE(!inst.ok());
  CHECK(inst.status().code() == absl::StatusCode::kAborted);
  CHECK(inst.status().message() == "unreachable");
  CHECK(std::memcmp(mem->base(), "hi", 2) == 0);
}

// (module
//   (memory (export "mem") 1)
//   (data (i32.const 16) "abc")
//   (data $p "wxyz")
//   (func (export "init") (param i32)
//     (memory.init $p (local.get 0) (i32.const 1) (i32.const 3))))
// followed by a custom section "note" holding 01 02 03.
const std::vector<uint8_t> kDataAndCustom = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60,
    0x01, 0x7f, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01,
    0x07, 0x0e, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x04, 0x69, 0x6e,
    0x69, 0x74, 0x00, 0x00, 0x0c, 0x01, 0x02, 0x0a, 0x0e, 0x01, 0x0c, 0x00,
    0x20, 0x00, 0x41, 0x01, 0x41, 0x03, 0xfc, 0x08, 0x01, 0x00, 0x0b, 0x0b,
    0x0f, 0x02, 0x00, 0x41, 0x10, 0x0b, 0x03, 0x61, 0x62, 0x63, 0x01, 0x04,
    0x77, 0x78, 0x79, 0x7a, 0x00, 0x08, 0x04, 0x6e, 0x6f, 0x74, 0x65, 0x01,
    0x02, 0x03,
};

TEST_CASE("a loaded module keeps only its data segments' bytes") {
  std::vector<uint8_t> bytes = kDataAndCustom;
  auto module = LoadModule(std::move(bytes));
  REQUIRE(module.ok());
  const Module& m = **module;
  CHECK(m.bytes == std::vector<uint8_t>{'a', 'b', 'c', 'w', 'x', 'y', 'z'});
  REQUIRE(m.datas.size() == 2);
  CHECK(m.datas[1].data_offset == 3);
  CHECK(m.customs.empty());
  // Each instance gets the active segment, and memory.init reads the
  // passive one, from the kept bytes.
  for (int i = 0; i < 2; ++i) {
    Store store;
    auto inst = store.Instantiate(*module, {});
    REQUIRE(inst.ok());
    MemoryInstance* mem = (*inst)->memories[0];
    CHECK(std::memcmp(mem->base() + 16, "abc", 3) == 0);
    std::vector<Value> at = {Value::I32(100)};
    REQUIRE(store.Invoke((*inst)->FindExport("init")->func, at).ok());
    CHECK(std::memcmp(mem->base() + 100, "xyz", 3) == 0);
  }
  // The span form copies and ends the same way.
  auto copied = LoadModule(std::span<const uint8_t>(kDataAndCustom));
  REQUIRE(copied.ok());
  CHECK((*copied)->bytes == m.bytes);
}

TEST_CASE("end to end: host traps surface through invoke") {
  Store store;
  FunctionInstance* f = store.AddHostFunction(
      FuncType{},
      [](HostContext& ctx, std::span<const uint64_t>, std::span<uint64_t>) {
        ctx.trap_message = "host said no";
        return TrapKind::kHostError;
      },
      "f");
  InvokeResult r = store.Invoke(f, {});
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::kHostError);
  CHECK(r.trap->message.find("host said no") != std::string::npos);
}

// (module
//   (import "env" "t" (table 2 funcref))
//   (func $f (result i32) i32.const 9)
//   (elem (i32.const 0) $f)
//   (elem (i32.const 5) $f))
const std::vector<uint8_t> kElemThenTrap = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01,
    0x60, 0x00, 0x01, 0x7f, 0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76,
    0x01, 0x74, 0x01, 0x70, 0x00, 0x02, 0x03, 0x02, 0x01, 0x00, 0x09,
    0x0d, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00, 0x00, 0x41, 0x05,
    0x0b, 0x01, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x09, 0x0b,
};

TEST_CASE("end to end: functions of a failed instance stay callable") {
  auto module = LoadModule(kElemThenTrap);
  REQUIRE(module.ok());
  Store store;
  TableInstance* table =
      *store.AddTable(TableType{ValType::kFuncRef, {2, std::nullopt}});
  std::vector<Extern> imports = {Extern::Table(table)};
  auto inst = store.Instantiate(*module, imports);
  REQUIRE(!inst.ok());
  CHECK(inst.status().message() == "out of bounds table access");
  REQUIRE(table->data()[0] != kNullRef);
  FunctionInstance* f = store.FunctionFromRef(table->data()[0]);
  REQUIRE(f != nullptr);
  InvokeResult r = store.Invoke(f, {});
  REQUIRE(r.ok());
  CHECK(r.values == std::vector<Value>{Value::I32(9)});
}

TEST_CASE("instantiate: a memory above the store's cap is refused") {
  Limits limits;
  limits.max_memory_pages = 1;
  Store store(limits);
  auto m = std::make_shared<Module>();
  m->memories.push_back(MemoryType{{2, std::nullopt}});
  auto r = store.Instantiate(m, {});
  REQUIRE(!r.ok());
  CHECK(r.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(r.status().message() ==
        "memory minimum 2 pages exceeds the cap of 1 pages");
  m->memories[0].limits = {1, std::nullopt};
  m->exports.push_back(Export{"m", ExternKind::kMemory, 0});
  auto ok = store.Instantiate(m, {});
  REQUIRE(ok.ok());
  MemoryInstance* mem = (*ok)->FindExport("m")->memory;
  CHECK(mem->Grow(1) == -1);  // the cap, not the absent maximum
  CHECK(mem->type().limits == SizeLimits{1, std::nullopt});
}

}  // namespace
}  // namespace wsbx

namespace wsbx {
namespace {

TEST_CASE("trap text: recursive runs collapse and the length is bounded") {
  Trap trap;
  trap.kind = TrapKind::kCallStackExhausted;
  trap.message = "call stack exhausted";
  for (int i = 0; i < 20000; ++i) trap.backtrace.push_back({7, "rec", ""});
  trap.backtrace.push_back({2, "main", ""});
  CHECK(trap.ToString() ==
        "call stack exhausted\n  at rec (func 7) (20000 frames)\n"
        "  at main (func 2)");
  // A run collapses only where the offset is the same too: the innermost
  // frame (where it trapped) stands apart from the recursive calls.
  trap.backtrace[0].code_offset = 0x40;
  for (size_t i = 1; i < 20000; ++i) trap.backtrace[i].code_offset = 0x38;
  CHECK(trap.ToString() ==
        "call stack exhausted\n  at rec (func 7) +0x40\n"
        "  at rec (func 7) +0x38 (19999 frames)\n  at main (func 2)");

  Trap alternating;
  alternating.kind = TrapKind::kUnreachable;
  for (int i = 0; i < 100; ++i) {
    alternating.backtrace.push_back({static_cast<uint32_t>(i % 2), "", ""});
  }
  std::string text = alternating.ToString();
  CHECK(text.find("... 68 more frames") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 33);
}

}  // namespace
}  // namespace wsbx
