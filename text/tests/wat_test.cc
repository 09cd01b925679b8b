// Unit tests of the text reader: lexer tokens, numbers, strings and errors;
// index resolution (forward, symbolic, locals, labels), abbreviations and
// immediates, checked on the bytes WatToWasm writes.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/opcodes.h"
#include "text/lexer.h"
#include "text/tests/wasm_bytes.h"
#include "text/wat.h"

namespace wsbx::text {
namespace {

std::vector<TokenKind> Kinds(std::string_view src) {
  auto tokens = Tokenize(src);
  REQUIRE(tokens.ok());
  std::vector<TokenKind> out;
  for (const Token& t : *tokens) out.push_back(t.kind);
  return out;
}

// ---- Lexer --------------------------------------------------------------

TEST_CASE("lexer: every token kind, with positions") {
  auto tokens = Tokenize("(module $m\n  \"s\" 12 -3 1.5 inf nan:0x1 i32.add 1x $\"a b\")");
  REQUIRE(tokens.ok());
  const std::vector<TokenKind> want = {
      TokenKind::kLParen, TokenKind::kKeyword, TokenKind::kId,
      TokenKind::kString, TokenKind::kNat,     TokenKind::kInt,
      TokenKind::kFloat,  TokenKind::kFloat,   TokenKind::kFloat,
      TokenKind::kKeyword, TokenKind::kReserved, TokenKind::kId,
      TokenKind::kRParen, TokenKind::kEof};
  REQUIRE(tokens->size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) CHECK((*tokens)[i].kind == want[i]);
  CHECK((*tokens)[2].value == "m");
  CHECK((*tokens)[3].line == 2);
  CHECK((*tokens)[3].col == 3);
  CHECK((*tokens)[11].value == "a b");
}

TEST_CASE("lexer: comments and annotations are skipped") {
  CHECK(Kinds("(; a (; nested ;) b ;) x ;; line\n y") ==
        std::vector<TokenKind>{TokenKind::kKeyword, TokenKind::kKeyword,
                               TokenKind::kEof});
  CHECK(Kinds("(@name \"s)\" (inner ;; )\n) x) z") ==
        std::vector<TokenKind>{TokenKind::kKeyword, TokenKind::kEof});
  CHECK(Kinds("a(;c;)b") == std::vector<TokenKind>{TokenKind::kKeyword,
                                                   TokenKind::kKeyword,
                                                   TokenKind::kEof});
}

TEST_CASE("lexer: annotations hold tokens, white space and comments only") {
  const std::vector<TokenKind> x = {TokenKind::kKeyword, TokenKind::kEof};
  CHECK(Kinds("(@a @ (@) (@ x) x-y$yz\"aa\"-2 , ; ] [ }x{ (;c;) ;; c\n) x") == x);
  CHECK(Kinds("(@\"a\") (@\" @ \\2a \\u{45}\" 1) x") == x);
  CHECK(Kinds("(@a \"\xC3\xA9\" (;\xC3\xA9;)) x") == x);
  CHECK(Tokenize("(@a \x01)").status().message() == "1:5: illegal character U+0001");
  CHECK(Tokenize("(@a\n \x7F)").status().message() == "2:2: illegal character U+007F");
  CHECK(Tokenize("(@a Hei\xC3\x9F)").status().message() ==
        "1:8: illegal character U+00DF");
  CHECK(Tokenize("(@a \x80)").status().message() == "1:5: malformed UTF-8 encoding");
  CHECK(Tokenize("(@a \xF0)").status().message() == "1:5: malformed UTF-8 encoding");
  CHECK(Tokenize("(@)").status().message() == "1:3: empty annotation id");
  CHECK(Tokenize("(@ x)").status().message() == "1:3: empty annotation id");
  CHECK(Tokenize("(@(@a)x)").status().message() == "1:3: empty annotation id");
  CHECK(Tokenize("(@\"\")").status().message() == "1:3: empty annotation id");
  CHECK(Tokenize("(@\"\\ef\")").status().message() == "1:3: malformed UTF-8 encoding");
  CHECK(Tokenize("(@x (y (z))").status().message() == "1:1: unterminated annotation");
  CHECK(Tokenize("(@x \")").status().message() == "1:5: unterminated string");
  CHECK(Tokenize("x \x01").status().message() == "1:3: illegal character U+0001");
}

TEST_CASE("lexer: CR, LF and CRLF end lines and line comments") {
  auto tokens = Tokenize("a ;; c\rb\r\nc\n\rd (;\r;) e");
  REQUIRE(tokens.ok());
  REQUIRE(tokens->size() == 6);
  const uint32_t want[][2] = {{1, 1}, {2, 1}, {3, 1}, {5, 1}, {6, 4}};
  for (int i = 0; i < 5; ++i) {
    CHECK((*tokens)[i].kind == TokenKind::kKeyword);
    CHECK((*tokens)[i].line == want[i][0]);
    CHECK((*tokens)[i].col == want[i][1]);
  }
  CHECK(Body("(func (result i32) (i32.const 1) ;; c\r (return (i32.const 2))\n)") ==
        Bytes{0x41, 1, 0x41, 2, 0x0F});
}

TEST_CASE("lexer: raw text is UTF-8, in strings and comments too") {
  auto tokens = Tokenize("\"\xC3\xA9\xF0\x9F\x98\x80\" ;; \xE2\x82\xAC");
  REQUIRE(tokens.ok());
  CHECK((*tokens)[0].value == "\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(Tokenize("\"a\xC3\"").status().message() == "1:3: malformed UTF-8 encoding");
  CHECK(Tokenize("\"\xED\xA0\x80\"").status().message() ==
        "1:2: malformed UTF-8 encoding");
  CHECK(Tokenize("x\n;; \xFF").status().message() == "2:4: malformed UTF-8 encoding");
  CHECK(Tokenize("(; \xC0\x80 ;)").status().message() == "1:4: malformed UTF-8 encoding");
}

TEST_CASE("lexer: string escapes") {
  auto tokens = Tokenize(R"("\t\n\r\"\'\\\41\u{48}\u{e9}\u{1F600}x")");
  REQUIRE(tokens.ok());
  CHECK((*tokens)[0].value == "\t\n\r\"'\\AH\xC3\xA9\xF0\x9F\x98\x80x");
  auto bytes = Tokenize(R"("\00\ff")");
  REQUIRE(bytes.ok());
  CHECK((*bytes)[0].value == std::string("\0\xff", 2));
}

TEST_CASE("lexer: errors carry line:col") {
  CHECK(Tokenize("\n  \"abc").status().message() == "2:3: unterminated string");
  CHECK(Tokenize("x \"\\q\"").status().message() == "1:4: invalid escape in string");
  CHECK(Tokenize("\"\\u{D800}\"").status().message() ==
        "1:2: invalid Unicode scalar value in string");
  CHECK(Tokenize("a\n (; x").status().message() == "2:2: unterminated block comment");
  CHECK(Tokenize("\"a\tb\"").status().message() == "1:3: control character in string");
  CHECK_FALSE(Tokenize("$\"\\ff\"").ok());  // an id must be UTF-8
  CHECK(Kinds("\"a\"\"b\"")[0] == TokenKind::kReserved);
}

TEST_CASE("lexer: integers") {
  CHECK(ParseUnsigned("1_000", 32) == 1000);
  CHECK(ParseUnsigned("0xFF_ff", 32) == 0xFFFF);
  CHECK(ParseUnsigned("4294967295", 32) == 4294967295u);
  CHECK(!ParseUnsigned("4294967296", 32));
  CHECK(!ParseUnsigned("+1", 32));
  CHECK(!ParseUnsigned("1__0", 32));
  CHECK(!ParseUnsigned("0x_1", 32));
  CHECK(!ParseUnsigned("1_", 32));
  CHECK(ParseInteger("-0x80000000", 32) == 0x80000000u);
  CHECK(!ParseInteger("-2147483649", 32));
  CHECK(ParseInteger("-1", 64) == UINT64_MAX);
  CHECK(ParseInteger("18446744073709551615", 64) == UINT64_MAX);
  CHECK(!ParseInteger("18446744073709551616", 64));
  CHECK(ParseInteger("+0x7f", 8) == 0x7F);
  CHECK(!ParseInteger("256", 8));
}

TEST_CASE("lexer: floats") {
  CHECK(ParseF32("0x1p-149") == 1u);
  CHECK(ParseF32("1.5") == 0x3FC00000u);
  CHECK(ParseF32("1.") == 0x3F800000u);
  CHECK(ParseF32("1e1_0") == ParseF32("1e10"));
  CHECK(ParseF32("0x1.fffffefffffffffffp127") == 0x7F7FFFFFu);
  CHECK(!ParseF32("0x1.ffffffp127"));  // rounds to infinity
  CHECK(!ParseF32("1e39"));
  CHECK(ParseF32("inf") == 0x7F800000u);
  CHECK(ParseF32("-inf") == 0xFF800000u);
  CHECK(ParseF32("nan") == 0x7FC00000u);
  CHECK(ParseF32("-nan") == 0xFFC00000u);
  CHECK(ParseF32("nan:0x200000") == 0x7FA00000u);
  CHECK(!ParseF32("nan:0x0"));
  CHECK(!ParseF32("nan:0x800000"));
  CHECK(ParseF64("nan:0xf_ffff_ffff_ffff") == 0x7FFFFFFFFFFFFFFFull);
  CHECK(ParseF64("0x1.fffffffffffffp1023") == 0x7FEFFFFFFFFFFFFFull);
  CHECK(ParseF64("-0") == 0x8000000000000000ull);
  CHECK(ParseF64("12") == 0x4028000000000000ull);
  CHECK(!ParseF64(".5"));
  CHECK(!ParseF64("1e"));
  CHECK(!ParseF64("0x1p"));
}

// ---- Modules ------------------------------------------------------------

TEST_CASE("module forms: wrapped, bare fields, empty") {
  CHECK(Wasm("(module)") == Bytes{0, 'a', 's', 'm', 1, 0, 0, 0});
  CHECK(Wasm("") == Wasm("(module $m)"));
  CHECK(Wasm("(func) (memory 1)") == Wasm("(module (func) (memory 1))"));
}

TEST_CASE("every no-immediate opcode of the table encodes as listed") {
  for (int i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfos[i];
    if (info.imm != ImmKind::kNone || info.text == "end" || info.text == "else") {
      continue;
    }
    Bytes want;
    if (info.prefix != 0) want.push_back(info.prefix);
    uint32_t code = info.code;
    if (info.prefix == 0) {
      want.push_back(static_cast<uint8_t>(code));
      code = 0;
    }
    while (info.prefix != 0) {
      want.push_back(static_cast<uint8_t>((code & 0x7F) | (code > 0x7F ? 0x80 : 0)));
      code >>= 7;
      if (code == 0) break;
    }
    INFO(info.text);
    CHECK(Body("(func " + std::string(info.text) + ")") == want);
  }
}

TEST_CASE("forward and symbolic references in every index space") {
  CHECK(Body("(func (call $g)) (func $g)") == Bytes{0x10, 1});
  CHECK(Body("(func global.get $b) (global $a i32 (i32.const 0))"
             "(global $b i32 (i32.const 1))") == Bytes{0x23, 1});
  CHECK(Body("(func (table.size $t)) (table 0 funcref) (table $t 0 externref)") ==
        Bytes{0xFC, 16, 1});
  CHECK(Body("(func (data.drop $d) (elem.drop $e)) (elem $x func) (elem $e func)"
             "(data $d \"\")") == Bytes{0xFC, 9, 0, 0xFC, 13, 1});
  CHECK(Body("(func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)))"
             "(memory 1) (data \"a\") (data $d \"b\")") ==
        Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 8, 1, 0});
  CHECK(Body("(func (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0)))"
             "(table 0 funcref) (table $t 0 funcref) (elem $e func)") ==
        Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 12, 0, 1});
  CHECK(Body("(func (call_indirect $t (type $s) (i32.const 0)))"
             "(table 0 funcref) (table $t 0 funcref) (type (func)) (type $s (func))") ==
        Bytes{0x41, 0, 0x11, 1, 1});
  CHECK(Error("(func (call $nope))") == "1:13: unknown function $nope");
  CHECK(Error("(func $f) (func $f)") == "1:17: duplicate identifier $f");
}

TEST_CASE("locals: params then locals, named and anonymous") {
  CHECK(Body("(func (param $a i32) (param f32 f64) (local i64) (local $b i32)"
             " local.get $b local.get $a local.get 2)") ==
        Bytes{0x20, 4, 0x20, 0, 0x20, 2});
  // The param count comes from a type defined later.
  CHECK(Body("(func (type $t) (local $x i32) local.get $x)"
             "(type $t (func (param i32 i32)))") == Bytes{0x20, 2});
  CHECK(Error("(func (local $x i32) local.get $y)") == "1:32: unknown local $y");
  // Locals are run-length encoded by type.
  const Bytes code = Section(Wasm("(func (local i32 i32) (local i64) (local i32))"), 10);
  CHECK(code == Bytes{1, 8, 3, 2, 0x7F, 1, 0x7E, 1, 0x7F, 0x0B});
}

TEST_CASE("implicit type uses: reuse a match, else append in text order") {
  const Bytes types = Section(
      Wasm("(func (param i64)) (type (func (param i32))) (func (param i32))"
           "(func (call_indirect (result f32) (i32.const 0))) (table 0 funcref)"),
      1);
  // The function's own type use comes before those of its body.
  CHECK(types == Bytes{4, 0x60, 1, 0x7F, 0, 0x60, 1, 0x7E, 0, 0x60, 0, 0,
                       0x60, 0, 1, 0x7D});
  const Bytes funcs = Section(
      Wasm("(func (param i64)) (type (func (param i32))) (func (param i32))"), 3);
  CHECK(funcs == Bytes{2, 1, 0});
  CHECK(Error("(type $t (func (param i32))) (func (type $t) (param i64))") ==
        "1:42: inline function type does not match the type use");
}

TEST_CASE("blocks, labels and block types") {
  CHECK(Body("(func block $a block $b br $a br $b br 0 end end)") ==
        Bytes{0x02, 0x40, 0x02, 0x40, 0x0C, 1, 0x0C, 0, 0x0C, 0, 0x0B, 0x0B});
  CHECK(Body("(func (result i32) (block (result i32) (i32.const 1)))") ==
        Bytes{0x02, 0x7F, 0x41, 1, 0x0B});
  // Multi-value block types need a type index (an implicit type here).
  CHECK(Body("(func (i32.const 1) (loop (param i32) (result i32)) drop)") ==
        Bytes{0x41, 1, 0x03, 1, 0x0B, 0x1A});
  // The if's own label is not in scope in its condition.
  CHECK(Body("(func block $l (if $l (br_if $l (i32.const 1)) (then (br $l))"
             " (else nop)) end)") ==
        Bytes{0x02, 0x40, 0x41, 1, 0x0D, 0, 0x04, 0x40, 0x0C, 0, 0x05, 0x01,
              0x0B, 0x0B});
  CHECK(Body("(func i32.const 0 if $x nop else $x nop end $x)") ==
        Bytes{0x41, 0, 0x04, 0x40, 0x01, 0x05, 0x01, 0x0B});
  CHECK(Body("(func (br_table 0 1 0 (i32.const 0)))") ==
        Bytes{0x41, 0, 0x0E, 2, 0, 1, 0});
  CHECK(Error("(func block $a end $b)") == "1:20: mismatching label");
  CHECK(Error("(func br $nope)") == "1:10: unknown label $nope");
}

TEST_CASE("immediates: memarg, constants, SIMD, select, references") {
  CHECK(Body("(memory 1) (func (i32.load offset=8 align=2 (i32.const 0)) drop)") ==
        Bytes{0x41, 0, 0x28, 1, 8, 0x1A});
  CHECK(Body("(memory 1) (func (i64.store16 (i32.const 0) (i64.const -1)))") ==
        Bytes{0x41, 0, 0x42, 0x7F, 0x3D, 1, 0});
  CHECK(Error("(memory 1) (func (i32.load align=3 (i32.const 0)) drop)") ==
        "1:28: alignment must be a power of two");
  CHECK(Body("(func i32.const 0xffffffff f32.const -0x1p1 drop drop)") ==
        Bytes{0x41, 0x7F, 0x43, 0, 0, 0, 0xC0, 0x1A, 0x1A});
  CHECK(Error("(func i32.const 4294967296)") == "1:17: constant out of range");
  CHECK(Body("(func v128.const i16x8 1 2 3 4 5 6 7 -1 drop)") ==
        Bytes{0xFD, 0x0C, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xFF, 0xFF,
              0x1A});
  CHECK(Body("(func v128.const f32x4 1 0 0 -0 drop)") ==
        Bytes{0xFD, 0x0C, 0, 0, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
              0x80, 0x1A});
  CHECK(Body("(func (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31"
             " (v128.const i64x2 0 0) (v128.const i64x2 0 0)) drop)")
            .size() == 2 * 18 + 18 + 1);
  CHECK(Body("(func (i8x16.extract_lane_u 15 (v128.const i8x16 0 0 0 0 0 0 0 0"
             " 0 0 0 0 0 0 0 0)) drop)")
            .back() == 0x1A);
  CHECK(Body("(memory 1) (func (v128.load8_lane 1 (i32.const 0)"
             " (v128.const i64x2 0 0)) drop)")
            .size() == 2 + 18 + 5 + 1);
  CHECK(Body("(func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0))"
             " drop)") ==
        Bytes{0x41, 1, 0x41, 2, 0x41, 0, 0x1C, 1, 0x7F, 0x1A});
  CHECK(Body("(func ref.null extern ref.null func ref.func $f drop drop drop)"
             "(func $f) (elem declare func $f)") ==
        Bytes{0xD0, 0x6F, 0xD0, 0x70, 0xD2, 1, 0x1A, 0x1A, 0x1A});
  CHECK(Body("(table $a 1 funcref) (table $b 1 funcref)"
             "(func (table.copy $b $a (i32.const 0) (i32.const 0) (i32.const 0))"
             " (table.copy (i32.const 0) (i32.const 0) (i32.const 0)))") ==
        Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 14, 1, 0, 0x41, 0, 0x41, 0, 0x41,
              0, 0xFC, 14, 0, 0});
}

TEST_CASE("inline imports and exports keep text order") {
  const Bytes wasm = Wasm(
      "(func $f (export \"a\") (export \"b\") (import \"m\" \"n\") (param i32))"
      "(global (export \"g\") (import \"m\" \"g\") (mut i64))"
      "(memory (export \"mem\") 1 2)");
  CHECK(Section(wasm, 2) == Bytes{2, 1, 'm', 1, 'n', 0, 0, 1, 'm', 1, 'g', 3,
                                  0x7E, 1});
  CHECK(Section(wasm, 7) == Bytes{4, 1, 'a', 0, 0, 1, 'b', 0, 0, 1, 'g', 3, 0,
                                  3, 'm', 'e', 'm', 2, 0});
  CHECK(Section(wasm, 5) == Bytes{1, 1, 1, 2});
  CHECK(Error("(func) (import \"m\" \"n\" (func))") ==
        "1:8: import after a function, table, memory or global definition");
  CHECK(Error("(memory 1) (func (import \"m\" \"n\"))") ==
        "1:18: import after a function, table, memory or global definition");
}

TEST_CASE("tables and memories with inline segments") {
  const Bytes t = Wasm("(table $t funcref (elem $f $f)) (func $f)");
  CHECK(Section(t, 4) == Bytes{1, 0x70, 1, 2, 2});
  CHECK(Section(t, 9) == Bytes{1, 0, 0x41, 0, 0x0B, 2, 0, 0});
  const Bytes m = Wasm("(memory (data \"ab\" \"c\"))");
  CHECK(Section(m, 5) == Bytes{1, 1, 1, 1});
  CHECK(Section(m, 11) == Bytes{1, 0, 0x41, 0, 0x0B, 3, 'a', 'b', 'c'});
}

TEST_CASE("element segments in every form") {
  const Bytes w = Wasm(
      "(table $t0 1 funcref) (table $t1 1 funcref) (func $f)"
      "(elem (i32.const 0) $f)"                       // 0
      "(elem func $f)"                                // 1
      "(elem (table $t1) (offset (i32.const 0)) func $f)"  // 2
      "(elem declare func $f)"                        // 3
      "(elem (i32.const 0) funcref (ref.null func))"  // 4
      "(elem externref (item ref.null extern))"       // 5
      "(elem (table $t1) (i32.const 0) funcref (item (ref.func $f)))");  // 6
  CHECK(Section(w, 9) ==
        Bytes{7, 0, 0x41, 0, 0x0B, 1, 0,                 //
              1, 0, 1, 0,                                //
              2, 1, 0x41, 0, 0x0B, 0, 1, 0,              //
              3, 0, 1, 0,                                //
              4, 0x41, 0, 0x0B, 1, 0xD0, 0x70, 0x0B,     //
              5, 0x6F, 1, 0xD0, 0x6F, 0x0B,              //
              6, 1, 0x41, 0, 0x0B, 0x70, 1, 0xD2, 0, 0x0B});
}

TEST_CASE("data segments: active, passive, memory use, data count") {
  const Bytes w = Wasm(
      "(memory 1) (memory $m 1)"
      "(data (i32.const 1) \"a\") (data \"b\" \"c\")"
      "(data (memory $m) (offset (i32.const 2)) \"d\")"
      "(func (data.drop 1))");
  CHECK(Section(w, 11) == Bytes{3, 0, 0x41, 1, 0x0B, 1, 'a', 1, 2, 'b', 'c', 2,
                                1, 0x41, 2, 0x0B, 1, 'd'});
  CHECK(Section(w, 12) == Bytes{3});
  CHECK(Section(Wasm("(memory 1) (data (i32.const 0) \"\")"), 12).empty());
}

TEST_CASE("3.0: memory64, multiple memories, extended constants") {
  CHECK(Section(Wasm("(memory i64 1 2)"), 5) == Bytes{1, 5, 1, 2});
  CHECK(Section(Wasm("(table i64 1 funcref)"), 4) == Bytes{1, 0x70, 4, 1});
  CHECK(Body("(memory i64 1) (func (i64.load offset=0x1_0000_0000 (i64.const 0)) drop)") ==
        Bytes{0x42, 0, 0x29, 3, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A});
  // 3.0 leaves u32 ranges on 32-bit memories and tables to the validator:
  // the text reads u64 offsets and limits and any power-of-two alignment.
  CHECK(Body("(memory 1) (func (i64.load offset=0x1_0000_0000 (i32.const 0)) drop)") ==
        Bytes{0x41, 0, 0x29, 3, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A});
  CHECK(Body("(memory 1) (func (i32.load offset=0xFFFF_FFFF_FFFF_FFFF"
             " align=0x8000_0000_0000_0000 (i32.const 0)) drop)") ==
        Bytes{0x41, 0, 0x28, 63, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
              0xFF, 0x01, 0x1A});
  CHECK(Body("(memory 1) (func (i32.load8_u align=16 (i32.const 0)) drop)") ==
        Bytes{0x41, 0, 0x2D, 4, 0, 0x1A});
  CHECK(Error("(memory 1) (func (i32.load align=0x1_0000_0000_0000_0000 (i32.const 0)) drop)") ==
        "1:28: alignment must be a power of two");
  CHECK(Section(Wasm("(memory 0x1_0000_0000)"), 5) ==
        Bytes{1, 0, 0x80, 0x80, 0x80, 0x80, 0x10});
  CHECK(Section(Wasm("(memory 0 0x1_0000_0000)"), 5) ==
        Bytes{1, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10});
  CHECK(Section(Wasm("(table 0x1_0000_0000 funcref)"), 4) ==
        Bytes{1, 0x70, 0, 0x80, 0x80, 0x80, 0x80, 0x10});
  CHECK(Error("(memory 0x1_0000_0000_0000_0000)") == "1:9: number out of range");
  CHECK(Body("(memory 1) (memory $m 1) (func (i32.load $m (i32.const 0)) drop"
             " (memory.size $m) drop)") ==
        Bytes{0x41, 0, 0x28, 0x42, 1, 0, 0x1A, 0x3F, 1, 0x1A});
  CHECK(Section(Wasm("(global i32 (i32.add (i32.const 1) (i32.const 2)))"), 6) ==
        Bytes{1, 0x7F, 0, 0x41, 1, 0x41, 2, 0x6A, 0x0B});
}

TEST_CASE("malformed modules are rejected with positions") {
  CHECK(Error("(func (result i32) (param i32))") == "1:20: unexpected token '(', expected ')'");
  CHECK(Error("(func i32.const0)") == "1:7: unknown operator i32.const0");
  CHECK(Error("(func (export \"\\ff\"))") == "1:15: malformed UTF-8 encoding");
  CHECK(Error("(module (func)") == "1:15: unexpected end of input, expected ')'");
  CHECK(Error("(module) (func)") == "1:10: unexpected token '(', expected a module field");
  CHECK(Error("(start 0) (start 0)") == "1:18: multiple start sections");
  CHECK(Error("(func (local $x i32) (local $x i64))") != "ok");
}

// `open` n times, then `middle`, then `close` n times.
std::string Nest(std::string_view open, int n, std::string_view middle,
                 std::string_view close) {
  std::string s;
  s.reserve((open.size() + close.size()) * n + middle.size());
  for (int i = 0; i < n; ++i) s += open;
  s += middle;
  for (int i = 0; i < n; ++i) s += close;
  return s;
}

// The error for `prefix` + 200,000 `open`s: the 10001st level is refused
// at its first token, column `prefix.size() + 10000 * open.size() + 1`.
void CheckTooDeep(std::string_view prefix, std::string_view open,
                  std::string_view middle, std::string_view close) {
  const std::string text =
      std::string(prefix) + Nest(open, 200000, middle, close) + ")";
  const std::string expected =
      "1:" + std::to_string(prefix.size() + 10000 * open.size() + 1) +
      ": nesting deeper than 10000";
  CHECK(Error(text) == expected);
}

TEST_CASE("nesting deeper than the limit is an error, not a stack overflow") {
  CheckTooDeep("(func ", "(block ", "", ")");
  CheckTooDeep("(func ", "(loop ", "", ")");
  CheckTooDeep("(func ", "block ", "", "end ");
  CheckTooDeep("(func ", "loop $l ", "", "end ");
  CheckTooDeep("(func ", "if ", "", "end ");
  CheckTooDeep("(func ", "(if (then ", "", "))");
  CheckTooDeep("(func (result i32) ", "(i32.add ", "(i32.const 2)", " (i32.const 1))");
  CheckTooDeep("(func (result i32) ", "(i32.eqz ", "(i32.const 2)", ")");
  // The condition of a folded if is a nesting level too.
  CheckTooDeep("(func ", "(if (result i32) ", "(i32.const 0)",
               " (then (i32.const 1)) (else (i32.const 2)))");
  CheckTooDeep("(global i32 ", "(i32.add ", "(i32.const 2)", " (i32.const 1))");
  CheckTooDeep("(table 1 funcref) (elem (i32.const 0) funcref (item ",
               "(block (result funcref) ", "ref.null func", ")");
  CheckTooDeep("(memory 1) (data (offset ", "(i32.add ", "(i32.const 2)",
               " (i32.const 1))");
}

TEST_CASE("deep block comments and annotations are skipped without recursion") {
  CHECK(Error(Nest("(;", 1000000, "", "")) == "1:1: unterminated block comment");
  CHECK(Error(Nest("(;", 1000000, "", ";)") + "(func)") == "ok");
  CHECK(Error("(@x " + Nest("(", 1000000, "", "")) == "1:1: unterminated annotation");
  CHECK(Error("(@x " + Nest("(", 1000000, "", ")") + ") (func)") == "ok");
}

TEST_CASE("nesting up to the limit is read") {
  const int n = 10000;
  auto blocks = WatToWasm("(func " + Nest("(block ", n, "", ")") + ")");
  REQUIRE_MESSAGE(blocks.ok(), blocks.status().message());
  auto flat = WatToWasm("(func " + Nest("block ", n, "", "end ") + ")");
  REQUIRE_MESSAGE(flat.ok(), flat.status().message());
  CHECK(*flat == *blocks);
  auto sums = WatToWasm("(func (result i32) " +
                        Nest("(i32.add (i32.const 1) ", n - 1, "(i32.const 2)", ")") +
                        ")");
  REQUIRE_MESSAGE(sums.ok(), sums.status().message());
  // A label far out is still found, at its depth.
  const std::string far = "(func (block $out " +
                          Nest("(block $in ", n - 2, "(br $out)", ")") + "))";
  auto br = WatToWasm(far);
  REQUIRE_MESSAGE(br.ok(), br.status().message());
  const Bytes code = Section(*br, 10);
  const Bytes br_9998 = {0x0C, 0x8E, 0x4E};
  CHECK(std::search(code.begin(), code.end(), br_9998.begin(), br_9998.end()) !=
        code.end());
}

TEST_CASE("labels: shadowing and scope after the index by name") {
  CHECK(Body("(func (block $a (block $a (br $a))))") ==
        Bytes{0x02, 0x40, 0x02, 0x40, 0x0C, 0, 0x0B, 0x0B});
  CHECK(Body("(func (block $a (block $b (br $a)) (br $a)))") ==
        Bytes{0x02, 0x40, 0x02, 0x40, 0x0C, 1, 0x0B, 0x0C, 0, 0x0B});
  CHECK(Error("(func (block $a) (br $a))") == "1:22: unknown label $a");
  CHECK(Error("(func (param $x i32) (param $y i32) (param $x i64))") ==
        "1:44: duplicate identifier $x");
}


TEST_CASE("TokensToWasm: a module cut out of a larger source") {
  const std::string src =
      "(register \"x\")\n(module $m (func (export \"f\")))\n(module (func (i32.bad)))";
  auto tokens = Tokenize(src);
  REQUIRE(tokens.ok());
  const std::span<const Token> all(*tokens);
  // Tokens 4..14 are the first module, 15.. the second (and the kEof).
  REQUIRE(all[4].text == "(");
  REQUIRE(all[14].kind == TokenKind::kRParen);
  auto first = TokensToWasm(all.subspan(4, 11));
  REQUIRE_MESSAGE(first.ok(), first.status().message());
  CHECK(*first == Wasm("(module (func (export \"f\")))"));
  // The fields alone are a module too.
  auto fields = TokensToWasm(all.subspan(7, 7));
  REQUIRE_MESSAGE(fields.ok(), fields.status().message());
  CHECK(*fields == *first);
  // Errors name the position in the whole source; a span that keeps the
  // source's kEof is accepted.
  auto second = TokensToWasm(all.subspan(15));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().message() ==
        "3:15: unexpected token '(', expected ')'");
  // A module that stops early: the error stands after its last token.
  auto cut = TokensToWasm(all.subspan(4, 10));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.status().message() ==
        "2:31: unexpected end of input, expected ')'");
}

}  // namespace
}  // namespace wsbx::text
