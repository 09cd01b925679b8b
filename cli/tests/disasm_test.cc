// The text forms `wsbx inspect` prints (cli/disasm.h): every immediate kind
// an instruction can carry, types, constant expressions, and a body's
// indentation; and feature detection (cli/module_features.h) on modules
// that each need exactly one feature.
#include "cli/disasm.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/module_features.h"
#include "runtime/decode/decoder.h"
#include "text/wat.h"

namespace wsbx {
namespace {

Instr Make(Opcode op) {
  Instr i;
  i.op = op;
  return i;
}

TEST_CASE("instructions print their immediates in text format syntax") {
  CHECK(InstrText(Make(Opcode::kNop)) == "nop");
  Instr load = Make(Opcode::kI64Load);
  load.a = 3;  // natural alignment: not printed
  CHECK(InstrText(load) == "i64.load");
  load.bits = 16;
  load.a = 1;
  load.mem = 2;
  CHECK(InstrText(load) == "i64.load 2 offset=16 align=2");
  Instr table = Make(Opcode::kBrTable);
  table.targets = {2, 0, 1};
  CHECK(InstrText(table) == "br_table 2 0 1");
  Instr indirect = Make(Opcode::kCallIndirect);
  indirect.a = 4;  // type
  indirect.b = 1;  // table
  CHECK(InstrText(indirect) == "call_indirect 1 (type 4)");
  Instr block = Make(Opcode::kBlock);
  CHECK(InstrText(block) == "block");
  block.block.kind = BlockType::Kind::kValue;
  block.block.value = ValType::kF64;
  CHECK(InstrText(block) == "block (result f64)");
  block.block.kind = BlockType::Kind::kIndex;
  block.block.index = 7;
  CHECK(InstrText(block) == "block (type 7)");
  Instr c = Make(Opcode::kI32Const);
  c.bits = static_cast<uint64_t>(int64_t{-5});
  CHECK(InstrText(c) == "i32.const -5");
  Instr big = Make(Opcode::kI64Const);
  big.bits = uint64_t{1} << 63;
  CHECK(InstrText(big) == "i64.const -9223372036854775808");
  Instr f = Make(Opcode::kF32Const);
  f.bits = 0x3FC00000;  // 1.5
  CHECK(InstrText(f) == "f32.const 1.5");
  f.bits = 0xFFC00000;
  CHECK(InstrText(f) == "f32.const -nan");
  f.bits = 0x7F800001;
  CHECK(InstrText(f) == "f32.const nan:0x1");
  Instr d = Make(Opcode::kF64Const);
  d.bits = 0x3FB999999999999A;  // 0.1: 17 digits read back to the same bits
  CHECK(InstrText(d) == "f64.const 0.10000000000000001");
  d.bits = 0x7FF0000000000000;
  CHECK(InstrText(d) == "f64.const inf");
  Instr null = Make(Opcode::kRefNull);
  null.type = ValType::kExternRef;
  CHECK(InstrText(null) == "ref.null extern");
  Instr sel = Make(Opcode::kSelectT);
  sel.type = ValType::kV128;
  CHECK(InstrText(sel) == "select (result v128)");
  Instr copy = Make(Opcode::kMemoryCopy);
  CHECK(InstrText(copy) == "memory.copy");
  copy.b = 1;
  CHECK(InstrText(copy) == "memory.copy 0 1");
  Instr init = Make(Opcode::kTableInit);
  init.a = 3;  // element segment
  CHECK(InstrText(init) == "table.init 3");
  init.b = 2;  // table
  CHECK(InstrText(init) == "table.init 2 3");
  Instr minit = Make(Opcode::kMemoryInit);
  minit.a = 5;
  CHECK(InstrText(minit) == "memory.init 5");
  Instr lane = Make(Opcode::kV128Load16Lane);
  lane.a = 1;
  lane.lane = 6;
  CHECK(InstrText(lane) == "v128.load16_lane 6");
  Instr shuffle = Make(Opcode::kI8x16Shuffle);
  shuffle.bits = 0x0706050403020100;
  shuffle.hi = 0x1F1E1D1C1B1A1918;
  CHECK(InstrText(shuffle) ==
        "i8x16.shuffle 0 1 2 3 4 5 6 7 24 25 26 27 28 29 30 31");
  Instr v = Make(Opcode::kV128Const);
  v.bits = 0x0000000200000001;
  v.hi = 0xFFFFFFFF00000003;
  CHECK(InstrText(v) ==
        "v128.const i32x4 0x00000001 0x00000002 0x00000003 0xffffffff");
}

TEST_CASE("types print as the text format writes them") {
  CHECK(FuncTypeText({}) == "(func)");
  CHECK(FuncTypeText({{ValType::kI32, ValType::kI64}, {ValType::kF32}}) ==
        "(func (param i32 i64) (result f32))");
  MemoryType m;
  m.limits = {1, 16, true};
  CHECK(MemoryTypeText(m) == "(memory i64 1 16)");
  TableType t;
  t.elem = ValType::kExternRef;
  t.limits.min = 2;
  CHECK(TableTypeText(t) == "(table 2 externref)");
  CHECK(GlobalTypeText({ValType::kF64, true}) == "(global (mut f64))");
  CHECK(GlobalTypeText({ValType::kI32, false}) == "(global i32)");
  ConstExpr e;
  e.instrs.push_back({Opcode::kGlobalGet, 1, 0});
  e.instrs.push_back({Opcode::kI32Const, 4, 0});
  e.instrs.push_back({Opcode::kI32Add, 0, 0});
  CHECK(ConstExprText(e) == "global.get 1 i32.const 4 i32.add");
}

std::unique_ptr<Module> FromText(std::string_view wat) {
  auto binary = text::WatToWasm(wat);
  REQUIRE(binary.ok());
  auto module = DecodeModule(std::move(*binary));
  REQUIRE(module.ok());
  return std::move(*module);
}

TEST_CASE("a body is indented by block depth; else and end close a level") {
  auto m = FromText(R"wat((module (func (export "f") (local i64 i64)
      block loop i32.const 0 if nop else br 2 end br 0 end end)))wat");
  auto text = DisassembleFunction(*m, 0);
  REQUIRE(text.ok());
  const std::string want =
      "func 0 \"f\" (func)\n"
      "  (local i64 i64)\n"
      "  000020: block\n"
      "  000022:   loop\n"
      "  000024:     i32.const 0\n"
      "  000026:     if\n"
      "  000028:       nop\n"
      "  000029:     else\n"
      "  00002a:       br 2\n"
      "  00002c:     end\n"
      "  00002d:     br 0\n"
      "  00002f:   end\n"
      "  000030: end\n"
      "  000031: end\n";
  CHECK(*text == want);
}

std::vector<std::string_view> Features(std::string_view wat) {
  auto m = FromText(wat);
  auto f = ModuleFeatures(*m);
  REQUIRE(f.ok());
  return *f;
}

using Names = std::vector<std::string_view>;

TEST_CASE("each feature is found from the one thing that needs it") {
  CHECK(Features("(module (func (result i32) i32.const 1))") == Names{});
  CHECK(Features("(module (func (result i32) i32.const 1 i32.extend8_s))") ==
        Names{"sign-extension"});
  CHECK(Features("(module (func (result i32 i32) i32.const 1 i32.const 2))") ==
        Names{"multi-value"});
  CHECK(Features("(module (global (export \"g\") (mut i32) (i32.const 0)))") ==
        Names{"mutable-globals"});
  CHECK(Features("(module (global (mut i32) (i32.const 0)))") == Names{});
  CHECK(Features("(module (func (param externref)))") ==
        Names{"reference-types"});
  CHECK(Features("(module (memory 1) (func i32.const 0 i32.const 0 i32.const "
                 "0 memory.fill))") == Names{"bulk-memory"});
  CHECK(Features("(module (table 1 funcref) (table 1 funcref))") ==
        Names{"multiple-tables"});
  CHECK(Features("(module (func (local v128)))") == Names{"simd"});
  CHECK(Features("(module (func $f return_call $f))") == Names{"tail-call"});
  CHECK(Features("(module (global i32 (i32.mul (i32.const 2) (i32.const "
                 "3))))") == Names{"extended-const"});
  CHECK(Features("(module (memory 1) (memory 1))") == Names{"multi-memory"});
  CHECK(Features("(module (memory i64 1))") == Names{"memory64"});
  CHECK(Features("(module (table i64 1 funcref))") == Names{"table64"});
  // A function-index element segment is 1.0, though decoded as ref.func.
  CHECK(Features("(module (table 1 funcref) (func $f) (elem (i32.const 0) "
                 "$f))") == Names{});
}

}  // namespace
}  // namespace wsbx
