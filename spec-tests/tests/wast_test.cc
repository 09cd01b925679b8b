// The .wast reader: every command kind, module forms (text, binary, quote,
// definition, instance), values and result patterns, and bad commands that
// are kept with their error and line while reading goes on.
#include "spec-tests/wast.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "text/wat.h"

namespace wsbx::spec {
namespace {

using Bytes = std::vector<uint8_t>;

const Bytes kEmptyModule = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

Bytes Wasm(const std::string& text) {
  absl::StatusOr<Bytes> bytes = text::WatToWasm(text);
  REQUIRE_MESSAGE(bytes.ok(), bytes.status().message());
  return *bytes;
}

// The one command of `source`, which must have been read without error.
Command One(const std::string& source) {
  Script s = ReadWast(source, "t.wast");
  REQUIRE(s.commands.size() == 1);
  INFO(source);
  REQUIRE_MESSAGE(s.commands[0].error.empty(), s.commands[0].error);
  return s.commands[0];
}

// The one expected result of an assert_return on `result`.
ScriptValue Result(const std::string& result) {
  Command c = One("(assert_return (invoke \"f\") " + result + ")");
  REQUIRE(c.expected.size() == 1);
  return c.expected[0];
}

std::string ErrorOf(const std::string& source) {
  Script s = ReadWast(source, "t.wast");
  REQUIRE(s.commands.size() == 1);
  return s.commands[0].error;
}

TEST_CASE("modules: text, binary, quote, named") {
  Command text = One("(module $M (func (export \"f\")))");
  CHECK(text.type == CommandType::kModule);
  CHECK(text.type_name == "module");
  CHECK(text.name == "$M");
  REQUIRE(text.module.has_value());
  CHECK(text.module->bytes == Wasm("(module (func (export \"f\")))"));
  CHECK_FALSE(text.module->quoted);

  Command binary = One("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")");
  CHECK(binary.name.empty());
  CHECK(binary.module->bytes == kEmptyModule);

  Command quote =
      One("(module $Q quote \"(func (export \\\"f\\\"))\" \"(memory 1)\")");
  CHECK(quote.name == "$Q");
  CHECK(quote.module->quoted);
  CHECK(quote.module->bytes ==
        Wasm("(module (func (export \"f\")) (memory 1))"));
}

TEST_CASE("a script of module fields alone is one module") {
  Command inline_module = One("(func)\n(memory 0)\n(func (export \"f\"))");
  CHECK(inline_module.type == CommandType::kModule);
  CHECK(inline_module.line == 1);
  CHECK(inline_module.module->bytes ==
        Wasm("(module (func) (memory 0) (func (export \"f\")))"));
  CHECK(ErrorOf("(func)\n(register \"x\")") ==
        "2:2: unexpected token 'register', expected a module field");
}

TEST_CASE("module definition and module instance (3.0)") {
  Command def = One("(module definition $D (memory (export \"m\") 1))");
  CHECK(def.type == CommandType::kModuleDefinition);
  CHECK(def.name == "$D");
  CHECK(def.module->bytes == Wasm("(module (memory (export \"m\") 1))"));
  Command anon = One("(module definition binary \"\\00asm\\01\\00\\00\\00\")");
  CHECK(anon.type == CommandType::kModuleDefinition);
  CHECK(anon.module->bytes == kEmptyModule);

  Command inst = One("(module instance $I $D)");
  CHECK(inst.type == CommandType::kModuleInstance);
  CHECK(inst.name == "$I");
  CHECK(inst.definition == "$D");
  CHECK_FALSE(inst.module.has_value());
  Command last = One("(module instance)");
  CHECK(last.name.empty());
  CHECK(last.definition.empty());
}

TEST_CASE("register and actions") {
  Command reg = One("(register \"spec\" $M)");
  CHECK(reg.type == CommandType::kRegister);
  CHECK(reg.as == "spec");
  CHECK(reg.name == "$M");
  CHECK(One("(register \"cur\")").name.empty());

  Command invoke = One("(invoke $M \"add\" (i32.const -1) (i64.const 0x10))");
  CHECK(invoke.type == CommandType::kAction);
  REQUIRE(invoke.action.has_value());
  CHECK(invoke.action->type == ActionType::kInvoke);
  CHECK(invoke.action->module == "$M");
  CHECK(invoke.action->field == "add");
  REQUIRE(invoke.action->args.size() == 2);
  CHECK(invoke.action->args[0].type == ValType::kI32);
  CHECK(invoke.action->args[0].bits == 0xFFFFFFFFu);
  CHECK(invoke.action->args[1].bits == 16);

  Command get = One("(get \"g\")");
  CHECK(get.action->type == ActionType::kGet);
  CHECK(get.action->module.empty());
  CHECK(get.action->field == "g");
}

TEST_CASE("assertions") {
  Command ret =
      One("(assert_return (invoke \"f\" (f32.const 1.5)) (i32.const 1) "
          "(f64.const nan:arithmetic))");
  CHECK(ret.type == CommandType::kAssertReturn);
  CHECK(ret.action->args[0].bits == 0x3FC00000u);
  REQUIRE(ret.expected.size() == 2);
  CHECK(ret.expected[1].nan == NanPattern::kArithmetic);
  CHECK(One("(assert_return (get \"g\"))").expected.empty());

  Command trap = One("(assert_trap (invoke \"f\") \"unreachable\")");
  CHECK(trap.type == CommandType::kAssertTrap);
  CHECK(trap.text == "unreachable");
  CHECK_FALSE(trap.module.has_value());
  Command trap_module = One(
      "(assert_trap (module (func unreachable) (start 0)) \"unreachable\")");
  CHECK(trap_module.type == CommandType::kAssertTrap);
  CHECK(trap_module.module.has_value());
  CHECK_FALSE(trap_module.action.has_value());

  Command exhaustion =
      One("(assert_exhaustion (invoke \"loop\") \"call stack exhausted\")");
  CHECK(exhaustion.type == CommandType::kAssertExhaustion);
  CHECK(exhaustion.text == "call stack exhausted");

  Command exception = One("(assert_exception (invoke \"throw\"))");
  CHECK(exception.type == CommandType::kAssertException);
  CHECK(exception.action->field == "throw");

  Command invalid =
      One("(assert_invalid (module (func (result i32))) \"type mismatch\")");
  CHECK(invalid.type == CommandType::kAssertInvalid);
  CHECK(invalid.text == "type mismatch");
  CHECK(invalid.module->bytes == Wasm("(module (func (result i32)))"));

  Command unlinkable =
      One("(assert_unlinkable (module (import \"x\" \"y\" (func))) "
          "\"unknown import\")");
  CHECK(unlinkable.type == CommandType::kAssertUnlinkable);
  Command uninstantiable =
      One("(assert_uninstantiable (module (func unreachable) (start 0)) "
          "\"unreachable\")");
  CHECK(uninstantiable.type == CommandType::kAssertUninstantiable);
}

TEST_CASE("assert_malformed: binary bytes, and a text refusal kept") {
  Command binary =
      One("(assert_malformed (module binary \"\\00asm\") \"unexpected end\")");
  CHECK(binary.type == CommandType::kAssertMalformed);
  CHECK(binary.module->bytes == Bytes{0x00, 0x61, 0x73, 0x6d});
  CHECK(binary.module->text_error.empty());

  Command quote =
      One("(assert_malformed (module quote \"(func (i32.const 0x))\") "
          "\"unknown operator\")");
  CHECK(quote.module->quoted);
  CHECK(quote.module->bytes.empty());
  CHECK(quote.module->text_error.find("in the quoted module: 1:") == 0);
  CHECK(quote.text == "unknown operator");
}

TEST_CASE("numbers and v128 lanes") {
  CHECK(Result("(i64.const -1)").bits == UINT64_MAX);
  CHECK(Result("(f32.const -0x1p-1)").bits == 0xBF000000u);
  CHECK(Result("(f32.const nan:0x200000)").bits == 0x7FA00000u);
  CHECK(Result("(f64.const -inf)").bits == 0xFFF0000000000000u);
  CHECK(Result("(f32.const nan:canonical)").nan == NanPattern::kCanonical);

  ScriptValue i16 = Result("(v128.const i16x8 1 2 3 4 5 6 7 -1)");
  CHECK(i16.type == ValType::kV128);
  CHECK(i16.bits == 0x0004000300020001u);
  CHECK(i16.hi == 0xFFFF000700060005u);
  CHECK(Matches(i16, Value{ValType::kV128, i16.bits, i16.hi}));
  ScriptValue i8 =
      Result("(v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 0xff)");
  CHECK(i8.bits == 0x0706050403020100u);
  CHECK(i8.hi == 0xFF0E0D0C0B0A0908u);
  ScriptValue i64 = Result("(v128.const i64x2 1 -2)");
  CHECK(i64.hi == 0xFFFFFFFFFFFFFFFEu);

  ScriptValue f32 =
      Result("(v128.const f32x4 nan:canonical 1.0 nan:arithmetic 0)");
  CHECK(f32.lane_type == ValType::kF32);
  CHECK(f32.lane_nan[0] == NanPattern::kCanonical);
  CHECK(f32.lane_nan[1] == NanPattern::kNone);
  CHECK(f32.lane_nan[2] == NanPattern::kArithmetic);
  CHECK(f32.bits == uint64_t{0x3F800000} << 32);
  ScriptValue f64 = Result("(v128.const f64x2 0x1p0 nan:canonical)");
  CHECK(f64.bits == 0x3FF0000000000000u);
  CHECK(f64.lane_nan[1] == NanPattern::kCanonical);

  // A NaN pattern is no argument, and lanes must fit and be complete.
  CHECK_FALSE(ErrorOf("(invoke \"f\" (f32.const nan:canonical))").empty());
  CHECK_FALSE(ErrorOf("(invoke \"f\" (v128.const i32x4 1 2 3))").empty());
  CHECK_FALSE(ErrorOf("(invoke \"f\" (v128.const i8x16 256 0 0 0 0 0 0 0 "
                      "0 0 0 0 0 0 0 0))")
                  .empty());
  CHECK_FALSE(ErrorOf("(invoke \"f\" (i32.const 0x1_0000_0000))").empty());
}

TEST_CASE("reference values and patterns") {
  ScriptValue null_func = Result("(ref.null func)");
  CHECK(null_func.type == ValType::kFuncRef);
  CHECK(null_func.bits == kNullRef);
  CHECK(Result("(ref.null noextern)").type == ValType::kExternRef);
  CHECK(Result("(ref.null)").any_ref_type);
  ScriptValue ext = Result("(ref.extern 7)");
  CHECK(ext.type == ValType::kExternRef);
  CHECK(ext.bits == 8);
  ScriptValue any_ext = Result("(ref.extern)");
  CHECK(any_ext.any_non_null);
  CHECK(any_ext.type == ValType::kExternRef);
  CHECK(Result("(ref.func)").any_non_null);
  CHECK(Result("(ref.func 3)").any_non_null);
  // GC and exception references are read, and marked for the runner.
  CHECK(Result("(ref.null any)").unsupported == "ref.null any");
  CHECK(Result("(ref.host 1)").unsupported == "ref.host 1");
  CHECK(Result("(ref.i31)").unsupported == "ref.i31");
  Command host = One("(invoke \"f\" (ref.host 2))");
  CHECK(host.action->args[0].unsupported == "ref.host 2");
}

TEST_CASE("either: alternatives of one result") {
  ScriptValue e = Result(
      "(either (i32.const 1) (v128.const i32x4 0 0 0 0) (f32.const "
      "nan:canonical))");
  REQUIRE(e.either.size() == 3);
  CHECK(e.either[0].bits == 1);
  CHECK(e.either[1].type == ValType::kV128);
  CHECK(e.either[2].nan == NanPattern::kCanonical);
  CHECK(Matches(e, Value::I32(1)));
  CHECK(Matches(e, Value{ValType::kV128, 0, 0}));
  CHECK_FALSE(Matches(e, Value::I32(2)));
  CHECK_FALSE(ErrorOf("(assert_return (invoke \"f\") (either))").empty());
  CHECK_FALSE(ErrorOf("(invoke \"f\" (either (i32.const 1)))").empty());
}

TEST_CASE("a bad command is kept with its error; the next ones are read") {
  const std::string source =
      ";; a comment\n"
      "(module (func))\n"
      "(assert_frobnicate (invoke \"f\"))\n"
      "(module (func (i32.bad)))\n"
      "(assert_return (invoke \"f\") (i32.const x))\n"
      "(assert_invalid (module quote \"(func\") \"type mismatch\")\n"
      "stray tokens\n"
      "(register \"m\")\n";
  Script s = ReadWast(source, "t.wast");
  CHECK(s.source_filename == "t.wast");
  REQUIRE(s.commands.size() == 7);
  const std::vector<Command>& c = s.commands;
  CHECK(c[0].error.empty());
  CHECK(c[0].line == 2);
  CHECK(c[1].line == 3);
  CHECK(c[1].type == CommandType::kUnknown);
  CHECK(c[1].error == "3:2: unknown command assert_frobnicate");
  // A text module the reader refuses, outside assert_malformed.
  CHECK(c[2].line == 4);
  CHECK(c[2].error == "4:15: unexpected token '(', expected ')'");
  CHECK(c[3].line == 5);
  CHECK(c[3].error == "5:40: expected a number, got x");
  CHECK(c[4].line == 6);
  CHECK(c[4].error.find("in the quoted module: 1:") == 0);
  CHECK(c[5].line == 7);
  CHECK(c[5].error == "7:1: expected a command '('");
  CHECK(c[6].line == 8);
  CHECK(c[6].error.empty());
  CHECK(c[6].as == "m");
}

TEST_CASE("unclosed commands and lexer errors keep what came before") {
  Script unclosed = ReadWast("(module)\n(register \"m\"", "t.wast");
  REQUIRE(unclosed.commands.size() == 2);
  CHECK(unclosed.commands[0].error.empty());
  CHECK(unclosed.commands[1].error == "2:1: unclosed command");

  Script lexer =
      ReadWast("(module)\n(register \"m\")\n(module quote \"\\q\")\n(module)\n",
               "t.wast");
  REQUIRE(lexer.commands.size() == 3);
  CHECK(lexer.commands[0].error.empty());
  CHECK(lexer.commands[1].error.empty());
  CHECK(lexer.commands[2].line == 3);
  CHECK(lexer.commands[2].error.find("3:") == 0);
  CHECK(lexer.commands[2].error.find("the rest of the script is not read") !=
        std::string::npos);
}

TEST_CASE("a file that cannot be read") {
  CHECK_FALSE(LoadWast("/nonexistent/x.wast").ok());
}

}  // namespace
}  // namespace wsbx::spec
