// Unit tests for ValidateModule: each rule with a valid and an invalid case.
// Modules are built directly as Module structs (bodies as raw instruction
// bytes appended to Module::bytes) so these tests do not depend on the
// decoder.
#include "runtime/validate/validator.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/limits.h"
#include "runtime/module.h"

namespace wsbx {
namespace {

constexpr ValType i32 = ValType::kI32;
constexpr ValType i64 = ValType::kI64;
constexpr ValType f32 = ValType::kF32;
constexpr ValType funcref = ValType::kFuncRef;
constexpr ValType externref = ValType::kExternRef;

using Bytes = std::vector<uint8_t>;

ConstExpr Const(Opcode op, uint64_t imm = 0) {
  ConstExpr e;
  e.instrs.push_back(ConstInstr{op, imm});
  return e;
}

class Builder {
 public:
  uint32_t Type(std::vector<ValType> params, std::vector<ValType> results) {
    m.types.push_back(FuncType{std::move(params), std::move(results)});
    return static_cast<uint32_t>(m.types.size() - 1);
  }
  // Imports must be added before any defined entity of the same kind.
  uint32_t ImportFunc(uint32_t type) {
    Import im;
    im.module = "m";
    im.name = "f" + std::to_string(m.imports.size());
    im.func_type = type;
    m.imports.push_back(im);
    m.func_types.push_back(type);
    return m.num_imported_funcs++;
  }
  uint32_t ImportGlobal(ValType t, bool mut) {
    Import im;
    im.module = "m";
    im.name = "g" + std::to_string(m.imports.size());
    im.kind = ExternKind::kGlobal;
    im.global = GlobalType{t, mut};
    m.imports.push_back(im);
    m.global_types.push_back(im.global);
    return m.num_imported_globals++;
  }
  uint32_t Func(uint32_t type, Bytes code, std::vector<LocalDecl> locals = {}) {
    FunctionBody body;
    body.type_index = type;
    body.locals = std::move(locals);
    for (const LocalDecl& d : body.locals) body.num_locals += d.count;
    body.code_offset = static_cast<uint32_t>(m.bytes.size());
    m.bytes.insert(m.bytes.end(), code.begin(), code.end());
    body.code_end = static_cast<uint32_t>(m.bytes.size());
    m.bodies.push_back(std::move(body));
    m.func_types.push_back(type);
    return static_cast<uint32_t>(m.func_types.size() - 1);
  }
  // A function of type [] -> [] with the given body.
  uint32_t VoidFunc(Bytes code) { return Func(Type({}, {}), std::move(code)); }
  void Memory(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    m.memories.push_back(MemoryType{SizeLimits{min, max}});
  }
  void Table(ValType elem, uint64_t min = 1,
             std::optional<uint64_t> max = std::nullopt) {
    m.tables.push_back(TableType{elem, SizeLimits{min, max}});
  }
  uint32_t AddGlobal(ValType t, bool mut, ConstExpr init) {
    m.globals.push_back(Global{GlobalType{t, mut}, std::move(init)});
    m.global_types.push_back(GlobalType{t, mut});
    return static_cast<uint32_t>(m.global_types.size() - 1);
  }
  void ExportFunc(std::string name, uint32_t index) {
    m.exports.push_back(Export{std::move(name), ExternKind::kFunc, index});
  }

  // "ok" or the error message.
  std::string Check(const Limits& limits = Limits()) const {
    absl::Status s = ValidateModule(m, limits);
    return s.ok() ? "ok" : std::string(s.message());
  }

  Module m;
};

bool Has(const std::string& msg, const std::string& phrase) {
  return msg.find(phrase) != std::string::npos;
}

// Opcode bytes used below.
constexpr uint8_t kUnreachable = 0x00, kBlock = 0x02, kLoop = 0x03, kIf = 0x04,
                  kElse = 0x05, kEnd = 0x0B, kBr = 0x0C, kBrIf = 0x0D,
                  kBrTable = 0x0E, kReturn = 0x0F, kCall = 0x10,
                  kCallIndirect = 0x11, kDrop = 0x1A, kSelect = 0x1B,
                  kSelectT = 0x1C, kLocalGet = 0x20, kLocalSet = 0x21,
                  kGlobalGet = 0x23, kGlobalSet = 0x24, kI32Load = 0x28,
                  kI32Const = 0x41, kI64Const = 0x42, kF32Const = 0x43,
                  kI32Add = 0x6A, kRefNull = 0xD0, kRefIsNull = 0xD1,
                  kRefFunc = 0xD2, kPrefix = 0xFC, kVoid = 0x40, kI32T = 0x7F;

TEST_CASE("validator: empty and simple bodies") {
  Builder b;
  b.VoidFunc({kEnd});
  b.Func(b.Type({i32, i32}, {i32}),
         {kLocalGet, 0, kLocalGet, 1, kI32Add, kEnd});
  CHECK(b.Check() == "ok");

  Builder bad;
  bad.Func(bad.Type({}, {i32}),
           {kF32Const, 0, 0, 0, 0, kI32Const, 1, kI32Add, kEnd});
  std::string msg = bad.Check();
  CHECK(Has(msg, "type mismatch"));
  CHECK(Has(msg, "function 0"));
  CHECK(Has(msg, "at offset 0x"));
}

TEST_CASE("validator: function results must match exactly") {
  Builder missing;
  missing.Func(missing.Type({}, {i32}), {kEnd});
  CHECK(Has(missing.Check(), "type mismatch"));

  Builder extra;
  extra.Func(extra.Type({}, {i32}), {kI32Const, 1, kI32Const, 2, kEnd});
  CHECK(Has(extra.Check(), "type mismatch"));

  Builder ok;
  ok.Func(ok.Type({}, {i32}), {kI32Const, 1, kEnd});
  CHECK(ok.Check() == "ok");
}

TEST_CASE("validator: stack is polymorphic after unreachable, br and return") {
  Builder b;
  uint32_t t = b.Type({}, {i32});
  b.Func(t, {kUnreachable, kI32Add, kEnd});
  b.Func(t, {kBlock, kVoid, kBr, 0, kI32Add, kDrop, kEnd, kI32Const, 0, kEnd});
  b.Func(t, {kI32Const, 0, kReturn, kSelect, kEnd});
  CHECK(b.Check() == "ok");

  Builder bad;
  bad.Func(bad.Type({}, {i32}), {kUnreachable, kI64Const, 0, kI32Add, kEnd});
  CHECK(Has(bad.Check(), "type mismatch"));
}

TEST_CASE("validator: multi-value blocks by type index") {
  Builder b;
  uint32_t fn = b.Type({}, {i32});
  uint32_t bt = b.Type({i32, i32}, {i32});
  b.Func(fn, {kI32Const, 1, kI32Const, 2, kBlock, static_cast<uint8_t>(bt),
              kI32Add, kEnd, kEnd});
  // A loop's label takes its parameters.
  b.Func(fn, {kI32Const, 1, kI32Const, 2, kLoop, static_cast<uint8_t>(bt), kBr,
              0, kEnd, kEnd});
  CHECK(b.Check() == "ok");

  Builder unknown;
  unknown.VoidFunc({kBlock, 9, kEnd, kEnd});
  CHECK(Has(unknown.Check(), "unknown type"));

  Builder few;
  uint32_t few_fn = few.Type({}, {i32});
  uint32_t few_bt = few.Type({i32, i32}, {i32});
  few.Func(few_fn, {kI32Const, 1, kBlock, static_cast<uint8_t>(few_bt), kI32Add,
                    kEnd, kEnd});
  CHECK(Has(few.Check(), "type mismatch"));
}

TEST_CASE("validator: if, else and end") {
  Builder b;
  b.Func(b.Type({}, {i32}), {kI32Const, 1, kIf, kI32T, kI32Const, 2, kElse,
                             kI32Const, 3, kEnd, kEnd});
  b.VoidFunc({kI32Const, 1, kIf, kVoid, kEnd, kEnd});
  CHECK(b.Check() == "ok");

  Builder no_else;  // an if without else must pass its parameters through
  no_else.Func(no_else.Type({}, {i32}),
               {kI32Const, 1, kIf, kI32T, kI32Const, 2, kEnd, kEnd});
  CHECK(Has(no_else.Check(), "type mismatch"));

  Builder cond;
  cond.VoidFunc({kIf, kVoid, kEnd, kEnd});
  CHECK(Has(cond.Check(), "type mismatch"));

  Builder stray;
  stray.VoidFunc({kBlock, kVoid, kElse, kEnd, kEnd});
  CHECK(Has(stray.Check(), "else without matching if"));
}

TEST_CASE("validator: body must end exactly with its final end") {
  Builder missing;
  missing.VoidFunc({kI32Const, 1, kDrop});
  CHECK(Has(missing.Check(), "END opcode expected"));

  Builder open_block;
  open_block.VoidFunc({kBlock, kVoid, kEnd});
  CHECK(Has(open_block.Check(), "unexpected end"));

  Builder trailing;
  trailing.VoidFunc({kEnd, 0x01});
  CHECK(Has(trailing.Check(), "section size mismatch"));

  Builder cut;  // an immediate running past the body
  cut.VoidFunc({kI32Const});
  CHECK(Has(cut.Check(), "unexpected end"));
}

TEST_CASE("validator: branches") {
  Builder b;
  b.VoidFunc({kBlock, kVoid, kI32Const, 0, kBrIf, 0, kBr, 1, kEnd, kEnd});
  b.Func(b.Type({}, {i32}), {kBlock, kI32T, kI32Const, 7, kI32Const, 0,
                             kBrTable, 1, 0, 1, kEnd, kEnd});
  CHECK(b.Check() == "ok");

  Builder label;
  label.VoidFunc({kBlock, kVoid, kBr, 2, kEnd, kEnd});
  CHECK(Has(label.Check(), "unknown label"));

  Builder arity;  // targets of one br_table must agree in arity
  arity.Func(arity.Type({}, {i32}),
             {kBlock, kVoid, kI32Const, 7, kI32Const, 0, kBrTable, 1, 0, 1,
              kEnd, kI32Const, 0, kEnd});
  CHECK(Has(arity.Check(), "type mismatch"));

  Builder value;
  value.Func(value.Type({}, {i32}), {kI64Const, 1, kBr, 0, kEnd});
  CHECK(Has(value.Check(), "type mismatch"));
}

TEST_CASE("validator: calls") {
  Builder b;
  uint32_t callee = b.Type({i32}, {i64});
  b.Table(funcref);
  b.Func(callee, {kI64Const, 0, kEnd});
  b.Func(b.Type({}, {i64}), {kI32Const, 1, kCall, 0, kEnd});
  b.Func(b.Type({}, {i64}), {kI32Const, 1, kI32Const, 0, kCallIndirect,
                             static_cast<uint8_t>(callee), 0, kEnd});
  CHECK(b.Check() == "ok");

  Builder unknown;
  unknown.VoidFunc({kCall, 5, kEnd});
  CHECK(Has(unknown.Check(), "unknown function 5"));

  Builder no_table;
  no_table.VoidFunc({kI32Const, 0, kCallIndirect, 0, 0, kEnd});
  CHECK(Has(no_table.Check(), "unknown table"));

  Builder extern_table;
  extern_table.Table(externref);
  extern_table.VoidFunc({kI32Const, 0, kCallIndirect, 0, 0, kEnd});
  CHECK(Has(extern_table.Check(), "type mismatch"));

  Builder bad_type;
  bad_type.Table(funcref);
  bad_type.VoidFunc({kI32Const, 0, kCallIndirect, 7, 0, kEnd});
  CHECK(Has(bad_type.Check(), "unknown type"));
}

TEST_CASE("validator: select") {
  Builder b;
  b.Func(b.Type({}, {i32}),
         {kI32Const, 1, kI32Const, 2, kI32Const, 0, kSelect, kEnd});
  b.Func(b.Type({}, {funcref}), {kRefNull, 0x70, kRefNull, 0x70, kI32Const, 0,
                                 kSelectT, 1, 0x70, kEnd});
  CHECK(b.Check() == "ok");

  Builder refs;  // plain select takes numeric operands only
  refs.Func(refs.Type({}, {funcref}),
            {kRefNull, 0x70, kRefNull, 0x70, kI32Const, 0, kSelect, kEnd});
  CHECK(Has(refs.Check(), "type mismatch"));

  Builder differ;
  differ.Func(differ.Type({}, {i32}),
              {kI32Const, 1, kI64Const, 2, kI32Const, 0, kSelect, kEnd});
  CHECK(Has(differ.Check(), "type mismatch"));

  Builder two;
  two.Func(two.Type({}, {i32}), {kI32Const, 1, kI32Const, 2, kI32Const, 0,
                                 kSelectT, 2, kI32T, kI32T, kEnd});
  CHECK(Has(two.Check(), "invalid result arity"));
}

TEST_CASE("validator: locals") {
  Builder b;
  b.Func(b.Type({i32}, {i64}), {kLocalGet, 1, kLocalGet, 1, kLocalSet, 2, kEnd},
         {LocalDecl{2, i64}});
  CHECK(b.Check() == "ok");

  Builder unknown;
  unknown.Func(unknown.Type({i32}, {}), {kLocalGet, 2, kDrop, kEnd},
               {LocalDecl{1, i64}});
  CHECK(Has(unknown.Check(), "unknown local 2"));

  Builder wrong;
  wrong.Func(wrong.Type({i32}, {}), {kI64Const, 0, kLocalSet, 0, kEnd});
  CHECK(Has(wrong.Check(), "type mismatch"));

  Builder many;
  many.Func(many.Type({}, {}), {kEnd},
            {LocalDecl{40000, i32}, LocalDecl{40000, i32}});
  CHECK(Has(many.Check(), "too many locals"));
}

TEST_CASE("validator: globals in bodies") {
  Builder b;
  b.AddGlobal(i32, true, Const(Opcode::kI32Const));
  b.VoidFunc({kGlobalGet, 0, kGlobalSet, 0, kEnd});
  CHECK(b.Check() == "ok");

  Builder immutable;
  immutable.AddGlobal(i32, false, Const(Opcode::kI32Const));
  immutable.VoidFunc({kI32Const, 0, kGlobalSet, 0, kEnd});
  CHECK(Has(immutable.Check(), "global is immutable"));

  Builder unknown;
  unknown.VoidFunc({kGlobalGet, 3, kDrop, kEnd});
  CHECK(Has(unknown.Check(), "unknown global 3"));
}

TEST_CASE("validator: memory instructions") {
  Builder b;
  b.Memory(1);
  b.Func(b.Type({}, {i32}), {kI32Const, 0, kI32Load, 2, 0, kEnd});
  CHECK(b.Check() == "ok");

  Builder no_memory;
  no_memory.Func(no_memory.Type({}, {i32}),
                 {kI32Const, 0, kI32Load, 2, 0, kEnd});
  CHECK(Has(no_memory.Check(), "unknown memory"));

  Builder align;
  align.Memory(1);
  align.Func(align.Type({}, {i32}), {kI32Const, 0, kI32Load, 3, 0, kEnd});
  CHECK(Has(align.Check(), "alignment must not be larger than natural"));

  Builder fill;  // memory.fill without a memory
  fill.VoidFunc(
      {kI32Const, 0, kI32Const, 0, kI32Const, 0, kPrefix, 11, 0, kEnd});
  CHECK(Has(fill.Check(), "unknown memory 0"));
}

TEST_CASE("validator: memory.init and data.drop need the data count") {
  const Bytes init = {kI32Const, 0, kI32Const, 0,       kI32Const, 0, kPrefix,
                      8,         0, 0,         kPrefix, 9,         0, kEnd};
  DataSegment passive;
  passive.mode = SegmentMode::kPassive;
  Builder b;
  b.Memory(1);
  b.m.datas.push_back(passive);
  b.m.data_count = 1;
  b.VoidFunc(init);
  CHECK(b.Check() == "ok");

  Builder no_count;
  no_count.Memory(1);
  no_count.m.datas.push_back(passive);
  no_count.VoidFunc(init);
  CHECK(Has(no_count.Check(), "data count section required"));

  Builder unknown;
  unknown.Memory(1);
  unknown.m.data_count = 0;
  unknown.VoidFunc({kPrefix, 9, 0, kEnd});
  CHECK(Has(unknown.Check(), "unknown data segment 0"));
}

TEST_CASE("validator: table instructions") {
  auto passive = [](ValType t) {
    ElemSegment seg;
    seg.mode = SegmentMode::kPassive;
    seg.type = t;
    return seg;
  };
  const Bytes init = {kI32Const, 0, kI32Const, 0,       kI32Const, 0, kPrefix,
                      12,        0, 0,         kPrefix, 13,        0, kEnd};
  Builder b;
  b.Table(funcref);
  b.m.elems.push_back(passive(funcref));
  b.VoidFunc(init);
  b.Func(b.Type({}, {i32}),
         {kRefNull, 0x70, kI32Const, 1, kPrefix, 15, 0, kEnd});
  b.Func(b.Type({}, {funcref}), {kI32Const, 0, 0x25, 0, kEnd});
  CHECK(b.Check() == "ok");

  Builder mismatch;
  mismatch.Table(externref);
  mismatch.m.elems.push_back(passive(funcref));
  mismatch.VoidFunc(init);
  CHECK(Has(mismatch.Check(), "type mismatch"));

  Builder no_elem;
  no_elem.Table(funcref);
  no_elem.VoidFunc({kPrefix, 13, 4, kEnd});
  CHECK(Has(no_elem.Check(), "unknown elem segment 4"));

  Builder no_table;
  no_table.VoidFunc({kI32Const, 0, 0x25, 0, kDrop, kEnd});
  CHECK(Has(no_table.Check(), "unknown table 0"));

  Builder set;
  set.Table(externref);
  set.VoidFunc({kI32Const, 0, kRefNull, 0x70, 0x26, 0, kEnd});
  CHECK(Has(set.Check(), "type mismatch"));
}

TEST_CASE("validator: references and declared functions") {
  const Bytes take_ref = {kRefFunc, 0, kRefIsNull, kDrop, kEnd};
  Builder exported;
  exported.VoidFunc(take_ref);
  exported.ExportFunc("f", 0);
  CHECK(exported.Check() == "ok");

  Builder in_elem;
  in_elem.VoidFunc(take_ref);
  ElemSegment seg;
  seg.mode = SegmentMode::kDeclarative;
  seg.items.push_back(Const(Opcode::kRefFunc, 0));
  in_elem.m.elems.push_back(seg);
  CHECK(in_elem.Check() == "ok");

  Builder in_global;
  in_global.VoidFunc(take_ref);
  in_global.AddGlobal(funcref, false, Const(Opcode::kRefFunc, 0));
  CHECK(in_global.Check() == "ok");

  Builder undeclared;  // a mention inside a body does not declare
  undeclared.VoidFunc(take_ref);
  undeclared.VoidFunc(take_ref);
  CHECK(Has(undeclared.Check(), "undeclared function reference"));

  Builder is_null;
  is_null.VoidFunc({kI32Const, 0, kRefIsNull, kDrop, kEnd});
  CHECK(Has(is_null.Check(), "type mismatch"));
}

TEST_CASE("validator: nesting is capped, not recursed") {
  Builder ok;
  Bytes code;
  for (int i = 0; i < 60000; ++i) code.insert(code.end(), {kBlock, kVoid});
  for (int i = 0; i < 60000; ++i) code.push_back(kEnd);
  code.push_back(kEnd);
  ok.VoidFunc(code);
  CHECK(ok.Check() == "ok");

  Limits small;
  small.max_control_depth = 4;
  Builder deep;
  deep.VoidFunc({kBlock, kVoid, kBlock, kVoid, kBlock, kVoid, kBlock, kVoid,
                 kBlock, kVoid, kEnd, kEnd, kEnd, kEnd, kEnd, kEnd});
  CHECK(Has(deep.Check(small), "nested too deeply"));
  Builder shallow;
  shallow.VoidFunc({kBlock, kVoid, kBlock, kVoid, kBlock, kVoid, kBlock, kVoid,
                    kEnd, kEnd, kEnd, kEnd, kEnd});
  CHECK(shallow.Check(small) == "ok");
}

TEST_CASE("validator: operand stack depth is bounded") {
  Limits small;
  small.value_stack_slots = 8;
  Bytes code;
  for (int i = 0; i < 9; ++i) code.insert(code.end(), {kI32Const, 0});
  for (int i = 0; i < 9; ++i) code.push_back(kDrop);
  code.push_back(kEnd);
  Builder b;
  b.VoidFunc(code);
  CHECK(b.Check() == "ok");
  CHECK(Has(b.Check(small), "operand stack deeper"));
}

TEST_CASE("validator: a malformed body is reported before an invalid one") {
  Builder b;
  b.VoidFunc({kI32Add, kEnd});        // invalid: type mismatch
  b.VoidFunc({kI32Const, 0, kDrop});  // malformed: no final end
  std::string msg = b.Check();
  CHECK(Has(msg, "END opcode expected"));
  CHECK(Has(msg, "function 1"));
}

TEST_CASE("validator: SIMD types, lane indices and alignment") {
  constexpr uint8_t kSimd = 0xFD;
  Builder block;
  block.VoidFunc({kBlock, 0x7B, kUnreachable, kEnd, kDrop, kEnd});
  CHECK(block.Check() == "ok");
  Builder type;
  type.Func(type.Type({ValType::kV128}, {ValType::kV128}),
            {kLocalGet, 0, kEnd});
  CHECK(type.Check() == "ok");
  // i32x4.extract_lane 3 is fine, 4 names no lane.
  for (uint8_t lane : {3, 4}) {
    Builder b;
    b.Func(b.Type({ValType::kV128}, {i32}),
           {kLocalGet, 0, kSimd, 0x1B, lane, kEnd});
    CHECK(Has(b.Check(), lane == 3 ? "ok" : "invalid lane index"));
  }
  // i8x16.shuffle lanes index both operands: 31 is the last valid one.
  for (uint8_t lane : {31, 32}) {
    Builder b;
    Bytes code = {kLocalGet, 0, kLocalGet, 0, kSimd, 0x0D};
    for (int i = 0; i < 16; ++i) code.push_back(i == 7 ? lane : 0);
    code.push_back(kEnd);
    b.Func(b.Type({ValType::kV128}, {ValType::kV128}), code);
    CHECK(Has(b.Check(), lane == 31 ? "ok" : "invalid lane index"));
  }
  // v128.load8x8_s reads 8 bytes: alignment 2^3 at most.
  for (uint8_t align : {3, 4}) {
    Builder b;
    b.Memory(1);
    b.Func(b.Type({}, {ValType::kV128}),
           {kI32Const, 0, kSimd, 0x01, align, 0, kEnd});
    CHECK(Has(b.Check(), align == 3 ? "ok" : "alignment must not be larger"));
  }
  // v128.load16_lane: alignment at most 1, lane below 8.
  Builder lane;
  lane.Memory(1);
  lane.Func(lane.Type({ValType::kV128}, {ValType::kV128}),
            {kI32Const, 0, kLocalGet, 0, kSimd, 0x55, 1, 0, 8, kEnd});
  CHECK(Has(lane.Check(), "invalid lane index"));
  Builder mismatch;
  mismatch.Func(mismatch.Type({ValType::kV128}, {i32}),
                {kLocalGet, 0, kI32Const, 1, kI32Add, kEnd});
  CHECK(Has(mismatch.Check(), "type mismatch"));
}

TEST_CASE("validator: limits of tables and memories") {
  Builder b;
  b.Memory(1, 65536);
  b.Table(funcref, 0, 0);
  CHECK(b.Check() == "ok");

  Builder min_max;
  min_max.Memory(2, 1);
  CHECK(Has(min_max.Check(), "size minimum must not be greater than maximum"));

  Builder table_min_max;
  table_min_max.Table(funcref, 3, 2);
  CHECK(Has(table_min_max.Check(),
            "size minimum must not be greater than maximum"));

  Builder pages;
  pages.Memory(65537);
  CHECK(Has(pages.Check(), "memory size must be at most 65536 pages (4GiB)"));

  Builder max_pages;
  max_pages.Memory(0, 65537);
  CHECK(Has(max_pages.Check(), "memory size must be at most 65536 pages"));

  Builder two;  // 3.0: any number, up to Limits::max_memories
  two.Memory(1);
  two.Memory(1);
  CHECK(two.Check() == "ok");
  Limits one;
  one.max_memories = 1;
  CHECK(Has(two.Check(one), "multiple memories"));
  Limits cap;
  cap.max_memories = 2;
  two.Memory(1);
  CHECK(Has(two.Check(cap), "too many memories (3, limit 2)"));
}

TEST_CASE("validator: global initialisers are constant expressions") {
  Builder b;
  uint32_t imported = b.ImportGlobal(i32, false);
  b.AddGlobal(i32, false, Const(Opcode::kGlobalGet, imported));
  b.AddGlobal(externref, false, Const(Opcode::kRefNull, 0x6F));
  CHECK(b.Check() == "ok");

  // Extended constants (3.0): i32/i64 add, sub and mul are constant.
  Builder extended;
  ConstExpr e = Const(Opcode::kI32Const);
  e.instrs.push_back(ConstInstr{Opcode::kI32Const, 1});
  e.instrs.push_back(ConstInstr{Opcode::kI32Add, 0});
  extended.AddGlobal(i32, false, e);
  ConstExpr e64 = Const(Opcode::kI64Const, 3);
  e64.instrs.push_back(ConstInstr{Opcode::kI64Const, 4});
  e64.instrs.push_back(ConstInstr{Opcode::kI64Mul, 0});
  e64.instrs.push_back(ConstInstr{Opcode::kI64Const, 5});
  e64.instrs.push_back(ConstInstr{Opcode::kI64Sub, 0});
  extended.AddGlobal(i64, false, e64);
  CHECK(extended.Check() == "ok");

  Builder not_const;  // other numeric instructions still are not
  ConstExpr div = Const(Opcode::kI32Const);
  div.instrs.push_back(ConstInstr{Opcode::kI32Const, 1});
  div.instrs.push_back(ConstInstr{Opcode::kI32DivU, 0});
  not_const.AddGlobal(i32, false, div);
  CHECK(Has(not_const.Check(), "constant expression required"));

  Builder mixed;  // i32.add of an i64 operand
  ConstExpr bad_add = Const(Opcode::kI64Const);
  bad_add.instrs.push_back(ConstInstr{Opcode::kI32Const, 1});
  bad_add.instrs.push_back(ConstInstr{Opcode::kI32Add, 0});
  mixed.AddGlobal(i32, false, bad_add);
  CHECK(Has(mixed.Check(), "type mismatch"));

  Builder underflow;  // i32.add with one operand
  ConstExpr lone = Const(Opcode::kI32Const);
  lone.instrs.push_back(ConstInstr{Opcode::kI32Add, 0});
  underflow.AddGlobal(i32, false, lone);
  CHECK(Has(underflow.Check(), "type mismatch"));

  Builder two_values;
  ConstExpr two = Const(Opcode::kI32Const);
  two.instrs.push_back(ConstInstr{Opcode::kI32Const, 1});
  two_values.AddGlobal(i32, false, two);
  CHECK(Has(two_values.Check(), "type mismatch"));

  Builder empty;
  empty.AddGlobal(i32, false, ConstExpr{});
  CHECK(Has(empty.Check(), "type mismatch"));

  Builder wrong_type;
  wrong_type.AddGlobal(i32, false, Const(Opcode::kF32Const));
  CHECK(Has(wrong_type.Check(), "type mismatch"));

  // 3.0: an initializer sees the globals defined before it, not itself
  // or later ones.
  Builder earlier;
  earlier.AddGlobal(i32, false, Const(Opcode::kI32Const));
  earlier.AddGlobal(i32, false, Const(Opcode::kGlobalGet, 0));
  CHECK(earlier.Check() == "ok");
  Builder itself;
  itself.AddGlobal(i32, false, Const(Opcode::kGlobalGet, 0));
  CHECK(Has(itself.Check(), "unknown global 0"));
  Builder later;
  later.AddGlobal(i32, false, Const(Opcode::kGlobalGet, 1));
  later.AddGlobal(i32, false, Const(Opcode::kI32Const));
  CHECK(Has(later.Check(), "unknown global 1"));
  Builder defined_mutable;
  defined_mutable.AddGlobal(i32, true, Const(Opcode::kI32Const));
  defined_mutable.AddGlobal(i32, false, Const(Opcode::kGlobalGet, 0));
  CHECK(Has(defined_mutable.Check(), "constant expression required"));

  Builder mutable_import;
  mutable_import.ImportGlobal(i32, true);
  mutable_import.AddGlobal(i32, false, Const(Opcode::kGlobalGet, 0));
  CHECK(Has(mutable_import.Check(), "constant expression required"));

  Builder bad_func;
  bad_func.AddGlobal(funcref, false, Const(Opcode::kRefFunc, 7));
  CHECK(Has(bad_func.Check(), "unknown function 7"));
}

TEST_CASE("validator: element and data segments") {
  Builder b;
  b.Table(funcref);
  b.Memory(1);
  b.VoidFunc({kEnd});
  ElemSegment seg;
  seg.offset = Const(Opcode::kI32Const);
  seg.items.push_back(Const(Opcode::kRefFunc, 0));
  seg.items.push_back(Const(Opcode::kRefNull, 0x70));
  b.m.elems.push_back(seg);
  DataSegment data;
  data.offset = Const(Opcode::kI32Const);
  b.m.datas.push_back(data);
  CHECK(b.Check() == "ok");

  Builder table_type;
  table_type.Table(externref);
  table_type.VoidFunc({kEnd});
  table_type.m.elems.push_back(seg);
  CHECK(Has(table_type.Check(), "type mismatch"));

  Builder no_table;
  ElemSegment empty_seg;
  empty_seg.offset = Const(Opcode::kI32Const);
  no_table.m.elems.push_back(empty_seg);
  CHECK(Has(no_table.Check(), "unknown table 0"));

  Builder offset64;
  offset64.Table(funcref);
  ElemSegment seg64 = empty_seg;
  seg64.offset = Const(Opcode::kI64Const);
  offset64.m.elems.push_back(seg64);
  CHECK(Has(offset64.Check(), "type mismatch"));

  Builder item_type;
  ElemSegment ext;
  ext.mode = SegmentMode::kPassive;
  ext.items.push_back(Const(Opcode::kRefNull, 0x6F));
  item_type.m.elems.push_back(ext);
  CHECK(Has(item_type.Check(), "type mismatch"));

  Builder no_memory;
  no_memory.m.datas.push_back(data);
  CHECK(Has(no_memory.Check(), "unknown memory 0"));

  Builder data_offset;
  data_offset.Memory(1);
  DataSegment data_f = data;
  data_f.offset = Const(Opcode::kF32Const);
  data_offset.m.datas.push_back(data_f);
  CHECK(Has(data_offset.Check(), "type mismatch"));
}

TEST_CASE("validator: exports, start and function types") {
  Builder b;
  b.VoidFunc({kEnd});
  b.ExportFunc("a", 0);
  b.ExportFunc("b", 0);
  b.m.start = 0;
  CHECK(b.Check() == "ok");

  Builder dup;
  dup.VoidFunc({kEnd});
  dup.ExportFunc("a", 0);
  dup.ExportFunc("a", 0);
  CHECK(Has(dup.Check(), "duplicate export name"));

  Builder unknown;
  unknown.ExportFunc("a", 3);
  CHECK(Has(unknown.Check(), "unknown function 3"));

  Builder memory;
  memory.m.exports.push_back(Export{"m", ExternKind::kMemory, 0});
  CHECK(Has(memory.Check(), "unknown memory 0"));

  Builder start;
  start.Func(start.Type({i32}, {}), {kEnd});
  start.m.start = 0;
  CHECK(Has(start.Check(), "start function"));

  Builder start_unknown;
  start_unknown.m.start = 2;
  CHECK(Has(start_unknown.Check(), "unknown function 2"));

  Builder func_type;
  func_type.ImportFunc(4);
  CHECK(Has(func_type.Check(), "unknown type 4"));
}

// Speed is measured in bench/, never asserted here; this checks that a large,
// deeply branching body is accepted.
TEST_CASE("validator: a 400 KB body with many nested blocks validates") {
  Builder b;
  b.Memory(1);
  Bytes code;
  // local.get 0; i32.load; local.set 0 repeated, inside a loop.
  code.insert(code.end(), {kLoop, kVoid});
  while (code.size() < 400000) {
    code.insert(code.end(), {kLocalGet, 0, kI32Load, 2, 0, kLocalSet, 0, kBlock,
                             kVoid, kLocalGet, 0, kBrIf, 1, kEnd});
  }
  code.insert(code.end(), {kEnd, kEnd});
  b.Func(b.Type({i32}, {}), code);
  CHECK(b.Check() == "ok");
}

}  // namespace
}  // namespace wsbx
