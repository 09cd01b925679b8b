// Decoder tests on hand-assembled binaries: every section kind, every element
// and data segment form, the name section, and each malformed case with the
// phrase the spec suite expects.
#include "runtime/decode/decoder.h"
#include "runtime/engine.h"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace wsbx {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Leb(uint32_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
  return out;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A length-prefixed name.
Bytes Str(std::string_view s) {
  Bytes out = Leb(static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Bytes Sec(uint8_t id, const Bytes& payload) {
  return Cat({{id}, Leb(static_cast<uint32_t>(payload.size())), payload});
}

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

Bytes Mod(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

absl::StatusOr<std::unique_ptr<Module>> Decode(const Bytes& b,
                                               const Limits& limits = {}) {
  return DecodeModule(b, limits);
}

// Decoding fails and the message holds `phrase`.
void CheckMalformed(const Bytes& b, std::string_view phrase,
                    const Limits& limits = {}) {
  auto m = Decode(b, limits);
  REQUIRE_FALSE(m.ok());
  std::string msg(m.status().message());
  INFO("message: ", msg);
  CHECK(m.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(msg.find(phrase) != std::string::npos);
  CHECK(msg.rfind("at offset 0x", 0) == 0);
}

// Common sections: type 0 = [] -> [], type 1 = [i32 i64] -> [f32].
const Bytes kTypes = Sec(1, {0x02, 0x60, 0x00, 0x00, 0x60, 0x02, 0x7F, 0x7E,
                             0x01, 0x7D});
const Bytes kOneFunc = Sec(3, {0x01, 0x00});
const Bytes kOneBody = Sec(10, {0x01, 0x02, 0x00, 0x0B});

TEST_CASE("decoder: empty module and header errors") {
  auto m = Decode(kHeader);
  REQUIRE(m.ok());
  CHECK((*m)->bytes == kHeader);
  CHECK((*m)->types.empty());

  CheckMalformed({}, "unexpected end");
  CheckMalformed({0x00, 0x61, 0x73}, "unexpected end");
  CheckMalformed({0x00, 0x61, 0x73, 0x6D, 0x01}, "unexpected end");
  CheckMalformed({0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00},
                 "magic header not detected");
  CheckMalformed({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00},
                 "unknown binary version");
}

TEST_CASE("decoder: type section") {
  auto m = Decode(Mod({kTypes}));
  REQUIRE(m.ok());
  REQUIRE((*m)->types.size() == 2);
  CHECK((*m)->types[0] == FuncType{});
  CHECK((*m)->types[1].params ==
        std::vector<ValType>{ValType::kI32, ValType::kI64});
  CHECK((*m)->types[1].results == std::vector<ValType>{ValType::kF32});

  // v128 is a known value type byte even without SIMD instructions.
  CHECK(Decode(Mod({Sec(1, {0x01, 0x60, 0x01, 0x7B, 0x00})})).ok());
  CheckMalformed(Mod({Sec(1, {0x01, 0x61, 0x00, 0x00})}),
                 "malformed function type");
  CheckMalformed(Mod({Sec(1, {0x01, 0xE0, 0x7F, 0x00, 0x00})}),
                 "integer representation too long");
  CheckMalformed(Mod({Sec(1, {0x01, 0x60, 0x01, 0x40, 0x00})}),
                 "malformed value type");
  // Declared 2 types, 1 given; the section size also claims too much.
  CheckMalformed(Cat({kHeader, {0x01, 0x07, 0x02, 0x60, 0x00, 0x00}}),
                 "length out of bounds");
  // Declared 1 type, 2 given.
  CheckMalformed(Mod({Sec(1, {0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00})}),
                 "section size mismatch");
  // Error messages name the section.
  auto bad = Decode(Mod({Sec(1, {0x01, 0x60, 0x01, 0x40, 0x00})}));
  CHECK(std::string(bad.status().message()).find("section 'type'") !=
        std::string::npos);
}

TEST_CASE("decoder: imports of all four kinds fill the index spaces") {
  Bytes imports = Cat({{0x04},
                       Str("env"), Str("f"), {0x00, 0x01},
                       Str("env"), Str("t"), {0x01, 0x6F, 0x01, 0x02, 0x05},
                       Str("env"), Str("m"), {0x02, 0x00, 0x01},
                       Str("env"), Str("g"), {0x03, 0x7E, 0x01}});
  auto m = Decode(Mod({kTypes, Sec(2, imports), kOneFunc, kOneBody}));
  REQUIRE(m.ok());
  const Module& mod = **m;
  REQUIRE(mod.imports.size() == 4);
  CHECK(mod.imports[0].module == "env");
  CHECK(mod.imports[0].name == "f");
  CHECK(mod.imports[0].kind == ExternKind::kFunc);
  CHECK(mod.imports[0].func_type == 1);
  CHECK(mod.imports[1].kind == ExternKind::kTable);
  CHECK(mod.imports[1].table.elem == ValType::kExternRef);
  CHECK(mod.imports[1].table.limits == SizeLimits{2, 5});
  CHECK(mod.imports[2].memory.limits == SizeLimits{1, std::nullopt});
  CHECK(mod.imports[3].global.type == ValType::kI64);
  CHECK(mod.imports[3].global.mutable_);
  CHECK(mod.num_imported_funcs == 1);
  CHECK(mod.num_imported_tables == 1);
  CHECK(mod.num_imported_memories == 1);
  CHECK(mod.num_imported_globals == 1);
  CHECK(mod.func_types == std::vector<uint32_t>{1, 0});
  CHECK(mod.tables.size() == 1);
  CHECK(mod.memories.size() == 1);
  CHECK(mod.global_types.size() == 1);
  CHECK(mod.FuncTypeOf(0).params.size() == 2);

  CheckMalformed(Mod({Sec(2, Cat({{0x01}, Str("a"), Str("b"), {0x04, 0x00}}))}),
                 "malformed import kind");
  CheckMalformed(Mod({Sec(2, Cat({{0x01}, Str("a"), Str("b"), {0x80, 0x00}}))}),
                 "malformed import kind");
  // 0xC0 0x80 is an overlong encoding of U+0000.
  CheckMalformed(
      Mod({Sec(2, Cat({{0x01, 0x02, 0xC0, 0x80}, Str("b"), {0x00, 0x00}}))}),
      "malformed UTF-8 encoding");
  // A lone surrogate (U+D800) in the field name.
  CheckMalformed(
      Mod({Sec(2, Cat({{0x01}, Str("a"), {0x03, 0xED, 0xA0, 0x80, 0x00, 0x00}}))}),
      "malformed UTF-8 encoding");
  // 2 imports declared, 1 given.
  CheckMalformed(Mod({Sec(2, Cat({{0x02}, Str("a"), Str("b"), {0x00, 0x00}}))}),
                 "unexpected end of section or function");
  CheckMalformed(Mod({Sec(2, Cat({{0x01}, Str("a"), Str("b"), {0x03, 0x7F,
                                                               0x02}}))}),
                 "malformed mutability");
}

TEST_CASE("decoder: UTF-8 names") {
  auto import_named = [](const Bytes& name) {
    return Mod({Sec(2, Cat({{0x01}, Leb(static_cast<uint32_t>(name.size())),
                            name, Str("x"), {0x02, 0x00, 0x00}}))});
  };
  CHECK(Decode(import_named({0xE2, 0x82, 0xAC})).ok());        // U+20AC
  CHECK(Decode(import_named({0xF4, 0x8F, 0xBF, 0xBF})).ok());  // U+10FFFF
  CHECK(Decode(import_named({0xEF, 0xBF, 0xBF})).ok());        // U+FFFF
  const Bytes bad[] = {
      {0x80},                    // stray continuation byte
      {0xC2},                    // truncated
      {0xE0, 0x80, 0x80},        // overlong 3-byte
      {0xF0, 0x80, 0x80, 0x80},  // overlong 4-byte
      {0xF4, 0x90, 0x80, 0x80},  // above U+10FFFF
      {0xF8, 0x88, 0x80, 0x80, 0x80},
      {0xFE}, {0xFF},
      {0xC2, 0x41},  // bad continuation
  };
  for (const Bytes& b : bad) {
    CheckMalformed(import_named(b), "malformed UTF-8 encoding");
  }
}

TEST_CASE("decoder: functions and code bodies") {
  Bytes code = Sec(10, {0x02,
                        0x02, 0x00, 0x0B,                    // no locals
                        0x07, 0x02, 0x02, 0x7F, 0x03, 0x7C,  // locals
                        0x01, 0x0B});
  auto m = Decode(Mod({kTypes, Sec(3, {0x02, 0x00, 0x01}), code}));
  REQUIRE(m.ok());
  const Module& mod = **m;
  REQUIRE(mod.bodies.size() == 2);
  CHECK(mod.bodies[0].type_index == 0);
  CHECK(mod.bodies[0].locals.empty());
  CHECK(mod.bodies[0].num_locals == 0);
  CHECK(mod.bytes[mod.bodies[0].code_offset] == 0x0B);
  CHECK(mod.bodies[0].code_end == mod.bodies[0].code_offset + 1);
  CHECK(mod.bodies[1].type_index == 1);
  REQUIRE(mod.bodies[1].locals.size() == 2);
  CHECK(mod.bodies[1].locals[0].count == 2);
  CHECK(mod.bodies[1].locals[0].type == ValType::kI32);
  CHECK(mod.bodies[1].locals[1].type == ValType::kF64);
  CHECK(mod.bodies[1].num_locals == 5);
  CHECK(mod.bytes[mod.bodies[1].code_offset] == 0x01);
  CHECK(mod.bodies[1].code_end == mod.bodies[1].code_offset + 2);
  CHECK(mod.bodies[1].code_end == mod.bytes.size());
}

TEST_CASE("decoder: function and code counts must agree") {
  CheckMalformed(Mod({kTypes, kOneFunc}),
                 "function and code section have inconsistent lengths");
  CheckMalformed(Mod({kTypes, kOneBody}),
                 "function and code section have inconsistent lengths");
  CheckMalformed(Mod({kTypes, Sec(3, {0x02, 0x00, 0x00}), kOneBody}),
                 "function and code section have inconsistent lengths");
  CHECK(Decode(Mod({Sec(3, {0x00}), Sec(10, {0x00})})).ok());
}

TEST_CASE("decoder: too many locals") {
  // 0xFFFFFFFF + 2 locals overflow u32.
  CheckMalformed(Mod({kTypes, kOneFunc,
                      Sec(10, {0x01, 0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,
                               0x7F, 0x02, 0x7E, 0x0B})}),
                 "too many locals");
  // Within u32 but over the loader limit.
  CheckMalformed(Mod({kTypes, kOneFunc,
                      Sec(10, {0x01, 0x06, 0x01, 0x80, 0x80, 0x04, 0x7F,
                               0x0B})}),
                 "too many locals");
  // The limit counts parameters: type 1 has two.
  Limits limits;
  limits.max_locals = 4;
  Bytes f1 = Sec(3, {0x01, 0x01});
  CHECK(Decode(Mod({kTypes, f1, Sec(10, {0x01, 0x04, 0x01, 0x02, 0x7F, 0x0B})}),
               limits)
            .ok());
  CheckMalformed(
      Mod({kTypes, f1, Sec(10, {0x01, 0x04, 0x01, 0x03, 0x7F, 0x0B})}),
      "too many locals", limits);
  // Local count LEB128 over 32 bits.
  CheckMalformed(Mod({kTypes, kOneFunc,
                      Sec(10, {0x01, 0x08, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10,
                               0x7F, 0x0B})}),
                 "integer too large");
}

TEST_CASE("decoder: malformed bodies") {
  // Body size beyond the section: the locals run off the body.
  CheckMalformed(Mod({kTypes, kOneFunc, Sec(10, {0x01, 0x01, 0x01})}),
                 "unexpected end of section or function");
  // Body longer than the bytes left.
  CheckMalformed(Mod({kTypes, kOneFunc, Sec(10, {0x01, 0x09, 0x00, 0x0B})}),
                 "length out of bounds");
  CheckMalformed(Mod({kTypes, kOneFunc, Sec(10, {0x01, 0x03, 0x01, 0x01, 0x40,
                                                 0x0B})}),
                 "malformed value type");
  Limits limits;
  limits.max_function_body_bytes = 2;
  CheckMalformed(Mod({kTypes, kOneFunc, Sec(10, {0x01, 0x03, 0x00, 0x01, 0x0B})}),
                 "function body too large", limits);
}

TEST_CASE("decoder: tables and memories") {
  auto m = Decode(Mod({Sec(4, {0x02, 0x70, 0x00, 0x0A, 0x6F, 0x01, 0x01, 0x02}),
                       Sec(5, {0x02, 0x00, 0x00, 0x01, 0x01, 0x80, 0x80, 0x04})}));
  REQUIRE(m.ok());
  const Module& mod = **m;
  REQUIRE(mod.tables.size() == 2);
  CHECK(mod.tables[0].elem == ValType::kFuncRef);
  CHECK(mod.tables[0].limits == SizeLimits{10, std::nullopt});
  CHECK(mod.tables[1].elem == ValType::kExternRef);
  CHECK(mod.tables[1].limits == SizeLimits{1, 2});
  // Two memories decode: that is a validation error, not a malformed module.
  REQUIRE(mod.memories.size() == 2);
  CHECK(mod.memories[1].limits == SizeLimits{1, 65536});

  CheckMalformed(Mod({Sec(4, {0x01, 0x7F, 0x00, 0x00})}),
                 "malformed reference type");
  CheckMalformed(Mod({Sec(4, {0x01, 0x70, 0x02, 0x00})}), "integer too large");
  CheckMalformed(Mod({Sec(4, {0x01, 0x70, 0x81, 0x00, 0x00, 0x00})}),
                 "integer representation too long");
  CheckMalformed(Mod({Sec(5, {0x01, 0x02})}), "integer too large");
  CheckMalformed(Mod({Sec(5, {0x01, 0x81, 0x01, 0x00, 0x00})}),
                 "integer representation too long");
  CheckMalformed(Mod({Sec(5, {0x01})}), "unexpected end of section or function");
  // A limit of 2^32: 2.0 reads limits as u32 (malformed); 3.0 as u64, so
  // the module decodes and validation refuses the size (invalid).
  Limits wasm2;
  wasm2.max_memories = 1;
  const Bytes big = Mod({Sec(5, {0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10})});
  CheckMalformed(big, "integer too large", wasm2);
  auto wide = Decode(big);
  REQUIRE(wide.ok());
  CHECK((*wide)->memories[0].limits == SizeLimits{uint64_t{1} << 32, std::nullopt});
  CHECK_FALSE(ValidateBinary(big).ok());
}

TEST_CASE("decoder: globals and constant expressions") {
  Bytes globals = {0x04,
                   0x7F, 0x00, 0x41, 0x7F, 0x0B,  // i32 const -1
                   0x7E, 0x01, 0x42, 0x80, 0x01, 0x0B,  // mut i64 const 128
                   0x6F, 0x00, 0xD0, 0x6F, 0x0B,  // externref null
                   0x7F, 0x00, 0x23, 0x00, 0x41, 0x01, 0x6A, 0x0B};  // 3 instrs
  auto m = Decode(Mod({Sec(6, globals)}));
  REQUIRE(m.ok());
  const Module& mod = **m;
  REQUIRE(mod.globals.size() == 4);
  CHECK(mod.global_types.size() == 4);
  CHECK_FALSE(mod.globals[0].type.mutable_);
  REQUIRE(mod.globals[0].init.instrs.size() == 1);
  CHECK(mod.globals[0].init.instrs[0].op == Opcode::kI32Const);
  CHECK(mod.globals[0].init.instrs[0].imm == ~uint64_t{0});
  CHECK(mod.bytes[mod.globals[0].init.offset] == 0x41);
  CHECK(mod.globals[1].type.mutable_);
  CHECK(mod.globals[1].init.instrs[0].imm == 128);
  CHECK(mod.globals[2].init.instrs[0].op == Opcode::kRefNull);
  CHECK(mod.globals[2].init.instrs[0].imm == 0x6F);
  REQUIRE(mod.globals[3].init.instrs.size() == 3);
  CHECK(mod.globals[3].init.instrs[0].op == Opcode::kGlobalGet);
  CHECK(mod.globals[3].init.instrs[2].op == Opcode::kI32Add);

  Bytes f32_global = {0x01, 0x7D, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B};
  m = Decode(Mod({Sec(6, f32_global)}));
  REQUIRE(m.ok());
  CHECK((*m)->globals[0].init.instrs[0].imm == 0x3F800000);

  CheckMalformed(Mod({Sec(6, {0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B})}),
                 "malformed mutability");
  // Running off the end without `end`.
  CheckMalformed(Mod({Sec(6, {0x01, 0x7F, 0x00, 0x41, 0x00})}),
                 "unexpected end");
  CheckMalformed(Mod({Sec(6, {0x01, 0x7F, 0x00, 0x06, 0x0B})}),
                 "illegal opcode");
  CheckMalformed(Mod({Sec(6, {0x01, 0x7E, 0x00, 0x42, 0xFF, 0xFF, 0xFF, 0xFF,
                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x41, 0x0B})}),
                 "integer too large");
  CheckMalformed(Mod({Sec(6, {0x01, 0x6F, 0x00, 0xD0, 0x7F, 0x0B})}),
                 "malformed reference type");
  // 2 globals declared, 1 given.
  CheckMalformed(Mod({Sec(6, {0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B})}),
                 "unexpected end of section or function");
}

TEST_CASE("decoder: exports and start") {
  Bytes exports = Cat({{0x04}, Str("f"), {0x00, 0x00}, Str("t"), {0x01, 0x00},
                       Str("m"), {0x02, 0x00}, Str("g"), {0x03, 0x05}});
  auto m = Decode(Mod({kTypes, kOneFunc, Sec(7, exports), Sec(8, {0x00}),
                       kOneBody}));
  REQUIRE(m.ok());
  const Module& mod = **m;
  REQUIRE(mod.exports.size() == 4);
  CHECK(mod.exports[0].name == "f");
  CHECK(mod.exports[1].kind == ExternKind::kTable);
  CHECK(mod.exports[2].kind == ExternKind::kMemory);
  CHECK(mod.exports[3].kind == ExternKind::kGlobal);
  CHECK(mod.exports[3].index == 5);
  CHECK(mod.start == 0u);
  CHECK_FALSE(Decode(Mod({})).value()->start.has_value());

  CheckMalformed(Mod({Sec(7, Cat({{0x01}, Str("f"), {0x04, 0x00}}))}),
                 "malformed export kind");
  // Two exports declared: the second's name length reaches past the end.
  CheckMalformed(Mod({Sec(7, Cat({{0x02}, Str("f1"), {0x00, 0x00}})),
                      Sec(10, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00})}),
                 "length out of bounds");
}

TEST_CASE("decoder: all eight element segment forms") {
  Bytes elems = {0x08,
                 // 0: active table 0, offset, func indices
                 0x00, 0x41, 0x01, 0x0B, 0x02, 0x00, 0x00,
                 // 1: passive, elemkind, func indices
                 0x01, 0x00, 0x01, 0x00,
                 // 2: active table 1, offset, elemkind, func indices
                 0x02, 0x01, 0x41, 0x02, 0x0B, 0x00, 0x01, 0x00,
                 // 3: declarative, elemkind, func indices
                 0x03, 0x00, 0x01, 0x00,
                 // 4: active table 0, offset, exprs
                 0x04, 0x41, 0x03, 0x0B, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70,
                 0x0B,
                 // 5: passive, reftype, exprs
                 0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,
                 // 6: active table 1, offset, reftype, exprs
                 0x06, 0x01, 0x41, 0x04, 0x0B, 0x70, 0x01, 0xD2, 0x00, 0x0B,
                 // 7: declarative, reftype, exprs
                 0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B};
  auto m = Decode(Mod({kTypes, kOneFunc, Sec(9, elems), kOneBody}));
  REQUIRE(m.ok());
  const auto& e = (*m)->elems;
  REQUIRE(e.size() == 8);
  const SegmentMode kModes[] = {
      SegmentMode::kActive,  SegmentMode::kPassive, SegmentMode::kActive,
      SegmentMode::kDeclarative, SegmentMode::kActive, SegmentMode::kPassive,
      SegmentMode::kActive,  SegmentMode::kDeclarative};
  for (int i = 0; i < 8; ++i) {
    INFO("form ", i);
    CHECK(e[i].mode == kModes[i]);
  }
  CHECK(e[0].table == 0);
  CHECK(e[0].type == ValType::kFuncRef);
  REQUIRE(e[0].offset.instrs.size() == 1);
  CHECK(e[0].offset.instrs[0].imm == 1);
  REQUIRE(e[0].items.size() == 2);
  CHECK(e[0].items[1].instrs.size() == 1);
  CHECK(e[0].items[1].instrs[0].op == Opcode::kRefFunc);
  CHECK(e[0].items[1].instrs[0].imm == 0);
  CHECK(e[2].table == 1);
  CHECK(e[2].offset.instrs[0].imm == 2);
  REQUIRE(e[4].items.size() == 2);
  CHECK(e[4].items[0].instrs[0].op == Opcode::kRefFunc);
  CHECK(e[4].items[1].instrs[0].op == Opcode::kRefNull);
  CHECK(e[4].items[1].instrs[0].imm == 0x70);
  CHECK(e[5].type == ValType::kExternRef);
  CHECK(e[6].table == 1);
  CHECK(e[6].type == ValType::kFuncRef);
  CHECK(e[6].offset.instrs[0].imm == 4);
  CHECK(e[7].items.size() == 1);

  CheckMalformed(Mod({Sec(9, {0x01, 0x08, 0x00})}),
                 "malformed elements segment kind");
  CheckMalformed(Mod({Sec(9, {0x01, 0x01, 0x01, 0x00})}),
                 "malformed element kind");
  CheckMalformed(Mod({Sec(9, {0x01, 0x05, 0x7F, 0x00})}),
                 "malformed reference type");
  // Two segments declared, one and a half given.
  CheckMalformed(Mod({Sec(9, {0x02, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,
                              0x00, 0x41, 0x00})}),
                 "unexpected end");
}

TEST_CASE("decoder: data segments and data count") {
  Bytes data = {0x03,
                0x00, 0x41, 0x08, 0x0B, 0x02, 'h', 'i',  // active memory 0
                0x01, 0x03, 'a', 'b', 'c',               // passive
                0x02, 0x01, 0x41, 0x00, 0x0B, 0x00};     // active memory 1
  auto m = Decode(Mod({Sec(12, {0x03}), Sec(11, data)}));
  REQUIRE(m.ok());
  const Module& mod = **m;
  CHECK(mod.data_count == 3u);
  REQUIRE(mod.datas.size() == 3);
  CHECK(mod.datas[0].mode == SegmentMode::kActive);
  CHECK(mod.datas[0].memory == 0);
  CHECK(mod.datas[0].offset.instrs[0].imm == 8);
  CHECK(mod.datas[0].data_size == 2);
  CHECK(mod.bytes[mod.datas[0].data_offset] == 'h');
  CHECK(mod.datas[1].mode == SegmentMode::kPassive);
  CHECK(mod.datas[1].data_size == 3);
  CHECK(mod.bytes[mod.datas[1].data_offset + 2] == 'c');
  CHECK(mod.datas[2].memory == 1);
  CHECK(mod.datas[2].data_size == 0);
  CHECK_FALSE(Decode(Mod({Sec(11, data)})).value()->data_count.has_value());

  CheckMalformed(Mod({Sec(12, {0x01}), Sec(11, {0x02, 0x01, 0x00, 0x01,
                                                0x00})}),
                 "data count and data section have inconsistent lengths");
  CheckMalformed(Mod({Sec(12, {0x01})}),
                 "data count and data section have inconsistent lengths");
  CHECK(Decode(Mod({Sec(12, {0x00})})).ok());
  CheckMalformed(Mod({Sec(11, {0x01, 0x03, 0x00})}),
                 "malformed data segment kind");
  // 7 bytes declared, 6 given.
  CheckMalformed(Mod({Sec(11, {0x01, 0x01, 0x07, 1, 2, 3, 4, 5, 6})}),
                 "unexpected end of section or function");
}

TEST_CASE("decoder: custom sections anywhere") {
  auto m = Decode(Mod({Sec(0, Cat({Str("first"), {1, 2, 3}})), kTypes,
                       Sec(0, Str("second"))}));
  REQUIRE(m.ok());
  const auto& c = (*m)->customs;
  REQUIRE(c.size() == 2);
  CHECK(c[0].name == "first");
  CHECK(c[0].data_size == 3);
  CHECK((*m)->bytes[c[0].data_offset] == 1);
  CHECK(c[0].after_section == 0);
  CHECK(c[1].name == "second");
  CHECK(c[1].data_size == 0);
  CHECK(c[1].after_section == 1);

  CheckMalformed(Mod({Sec(0, {0x02, 0xC0, 0x80})}), "malformed UTF-8 encoding");
  CheckMalformed(Cat({kHeader, {0x00}}), "unexpected end");
  CheckMalformed(Cat({kHeader, {0x00, 0x00}}), "unexpected end");
  // Name longer than the section.
  CheckMalformed(Cat({kHeader, {0x00, 0x01, 0x05, 'a', 'b', 'c', 'd', 'e'}}),
                 "unexpected end");
  // Size past the end of the module.
  CheckMalformed(Cat({kHeader, {0x00, 0x10}, Str("abc")}),
                 "length out of bounds");
  // A concatenated second module reads as a custom section far too long.
  CheckMalformed(Cat({kHeader, kHeader}), "length out of bounds");
}

Bytes NameSection(std::initializer_list<Bytes> subsections) {
  Bytes payload = Str("name");
  for (const Bytes& s : subsections) {
    payload.insert(payload.end(), s.begin(), s.end());
  }
  return Sec(0, payload);
}

TEST_CASE("decoder: name section") {
  Bytes imports = Cat({{0x01}, Str("env"), Str("f"), {0x00, 0x00}});
  Bytes funcs = Sec(3, {0x02, 0x00, 0x00});
  Bytes code = Sec(10, {0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B});
  Bytes names = NameSection(
      {Sec(0, Str("mod")),
       Sec(1, Cat({{0x02, 0x00}, Str("imp"), {0x02}, Str("last")})),
       Sec(2, {0x00})});  // local names: skipped
  auto m = Decode(Mod({kTypes, Sec(2, imports), funcs, code, names}));
  REQUIRE(m.ok());
  CHECK((*m)->module_name == "mod");
  CHECK((*m)->function_names ==
        std::vector<std::string>{"imp", "", "last"});

  // Malformed contents are ignored: out-of-order indices, bad UTF-8, a
  // truncated subsection, subsections out of order.
  const Bytes bad[] = {
      NameSection({Sec(1, Cat({{0x02, 0x01}, Str("a"), {0x00}, Str("b")}))}),
      NameSection({Sec(1, {0x01, 0x00, 0x01, 0xFF})}),
      NameSection({{0x01, 0x09, 0x01}}),
      NameSection({Sec(1, Cat({{0x01, 0x00}, Str("a")})), Sec(0, Str("m"))}),
      NameSection({Sec(0, Cat({Str("m"), {0x00}}))}),
  };
  for (const Bytes& n : bad) {
    auto mm = Decode(Mod({kTypes, Sec(2, imports), funcs, code, n}));
    REQUIRE(mm.ok());
    CHECK((*mm)->function_names.empty());
    CHECK((*mm)->module_name.empty());
  }
}

TEST_CASE("decoder: section ids, order and sizes") {
  CheckMalformed(Cat({kHeader, {0x0D, 0x00}}), "malformed section id");
  CheckMalformed(Cat({kHeader, {0x7F, 0x00}}), "malformed section id");
  CheckMalformed(Cat({kHeader, {0x80, 0x00, 0x01, 0x00}}),
                 "malformed section id");
  // Repeated and out-of-order sections.
  CheckMalformed(Mod({kTypes, kTypes}), "unexpected content after last section");
  CheckMalformed(Mod({kTypes, kOneFunc, Sec(8, {0x00}), Sec(8, {0x00}),
                      kOneBody}),
                 "unexpected content after last section");
  CheckMalformed(Mod({Sec(6, {0x00}), Sec(5, {0x00})}),
                 "unexpected content after last section");
  // Data count goes between element and code; after code it is out of order.
  CHECK(Decode(Mod({Sec(9, {0x00}), Sec(12, {0x00}), Sec(10, {0x00})})).ok());
  CheckMalformed(Mod({Sec(10, {0x00}), Sec(12, {0x00})}),
                 "unexpected content after last section");
  // Section sizes are checked exactly.
  CheckMalformed(Mod({Sec(8, {0x00, 0x00})}), "section size mismatch");
  CheckMalformed(Cat({kHeader, {0x01, 0x80, 0x80, 0x80, 0x80, 0x10}}),
                 "integer too large");
  CheckMalformed(Cat({kHeader, {0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}),
                 "integer representation too long");
  CheckMalformed(Cat({kHeader, {0x01}}), "unexpected end");
}

TEST_CASE("decoder: hostile counts are refused before allocating") {
  // Counts far beyond the bytes present.
  CheckMalformed(Mod({Sec(1, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}),
                 "length out of bounds");
  CheckMalformed(Mod({Sec(9, {0x01, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
                              0x0F})}),
                 "length out of bounds");
  CheckMalformed(Mod({Sec(11, {0x01, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}),
                 "length out of bounds");
  // Loader limits.
  Limits limits;
  limits.max_types = 1;
  CheckMalformed(Mod({kTypes}), "too many types", limits);
  limits = Limits();
  limits.max_params = 1;
  CheckMalformed(Mod({kTypes}), "too many params", limits);
  limits = Limits();
  limits.max_functions = 1;
  CheckMalformed(Mod({kTypes, Sec(2, Cat({{0x01}, Str("a"), Str("b"),
                                          {0x00, 0x00}})),
                      kOneFunc, kOneBody}),
                 "too many functions", limits);
  limits = Limits();
  limits.max_name_bytes = 2;
  CheckMalformed(Mod({Sec(0, Str("abc"))}), "too many name bytes", limits);
  limits = Limits();
  limits.max_module_bytes = 8;
  CheckMalformed(Mod({Sec(1, {0x00})}), "module too large", limits);
  // The form that takes the bytes over checks the same limit.
  auto taken = DecodeModule(Mod({Sec(1, {0x00})}), limits);
  REQUIRE_FALSE(taken.ok());
  CHECK(std::string(taken.status().message()).find("module too large") !=
        std::string::npos);
  Bytes header = kHeader;
  auto whole = DecodeModule(std::move(header));
  REQUIRE(whole.ok());
  CHECK((*whole)->bytes == kHeader);
}

TEST_CASE("decoder: element items are capped over all segments") {
  // Two passive segments (form 1, elemkind 0x00) of two function indices.
  const Bytes two_segments = Sec(9, {0x02, 0x01, 0x00, 0x02, 0x00, 0x00,
                                     0x01, 0x00, 0x02, 0x00, 0x00});
  Limits limits;
  limits.max_total_elem_items = 4;
  auto ok = Decode(Mod({kTypes, kOneFunc, two_segments, kOneBody}), limits);
  REQUIRE(ok.ok());
  CHECK((*ok)->elems.size() == 2);
  limits.max_total_elem_items = 3;
  CheckMalformed(Mod({kTypes, kOneFunc, two_segments, kOneBody}),
                 "more than 3 element items in all segments", limits);
}

}  // namespace
}  // namespace wsbx
