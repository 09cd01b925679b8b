// Script reading and the value encoding: bit-pattern numbers, NaN patterns,
// reference handles, and commands that are kept with an error.
#include "spec-tests/script.h"

#include <doctest/doctest.h>

#include <string_view>

namespace wsbx::spec {
namespace {

ScriptValue Parse(std::string_view type, std::string_view value) {
  absl::StatusOr<ScriptValue> v = ParseScriptValue(type, value);
  REQUIRE(v.ok());
  return *v;
}

TEST_CASE("numbers are unsigned decimal bit patterns") {
  CHECK(Parse("i32", "4294967295").bits == 0xFFFFFFFFu);
  CHECK(Parse("i64", "18446744073709551615").bits == UINT64_MAX);
  CHECK(Parse("f32", "2143289344").bits == 0x7FC00000u);
  CHECK_FALSE(ParseScriptValue("i32", "4294967296").ok());
  CHECK_FALSE(ParseScriptValue("i32", "-1").ok());
  CHECK_FALSE(ParseScriptValue("i64", "12x").ok());
  CHECK_FALSE(ParseScriptValue("i32", "").ok());
  CHECK_FALSE(ParseScriptValue("i32", std::nullopt).ok());
  CHECK_FALSE(ParseScriptValue("v128", "0").ok());
  CHECK_FALSE(ParseScriptValue("i32", "nan:canonical").ok());
}

TEST_CASE("f32 NaN patterns") {
  ScriptValue canonical = Parse("f32", "nan:canonical");
  ScriptValue arithmetic = Parse("f32", "nan:arithmetic");
  CHECK(Matches(canonical, Value::F32Bits(0x7FC00000u)));
  CHECK(Matches(canonical, Value::F32Bits(0xFFC00000u)));
  CHECK_FALSE(Matches(canonical, Value::F32Bits(0x7FC00001u)));
  CHECK_FALSE(Matches(canonical, Value::F32Bits(0x7F800001u)));
  CHECK(Matches(arithmetic, Value::F32Bits(0x7FC00001u)));
  CHECK(Matches(arithmetic, Value::F32Bits(0xFFE00000u)));
  CHECK_FALSE(Matches(arithmetic, Value::F32Bits(0x7F800001u)));
  CHECK_FALSE(Matches(arithmetic, Value::F32Bits(0x7F800000u)));
  CHECK_FALSE(Matches(canonical, Value::F64Bits(0x7FF8000000000000u)));
}

TEST_CASE("f64 NaN patterns and exact bits") {
  ScriptValue canonical = Parse("f64", "nan:canonical");
  ScriptValue arithmetic = Parse("f64", "nan:arithmetic");
  CHECK(Matches(canonical, Value::F64Bits(0xFFF8000000000000u)));
  CHECK_FALSE(Matches(canonical, Value::F64Bits(0x7FF8000000000001u)));
  CHECK(Matches(arithmetic, Value::F64Bits(0x7FFC000000000000u)));
  CHECK_FALSE(Matches(arithmetic, Value::F64Bits(0x7FF0000000000001u)));
  // -0.0 and +0.0 differ: comparison is by bits.
  ScriptValue zero = Parse("f64", "0");
  CHECK(Matches(zero, Value::F64Bits(0)));
  CHECK_FALSE(Matches(zero, Value::F64Bits(0x8000000000000000u)));
}

TEST_CASE("i32 results compare on the low 32 bits only") {
  CHECK(Matches(Parse("i32", "7"), Value::I32(7)));
  CHECK_FALSE(Matches(Parse("i32", "7"), Value::I64(7)));
}

TEST_CASE("v128 values given as lanes") {
  // Lanes are unsigned bit patterns of the lane width, lowest lane first.
  absl::StatusOr<ScriptValue> v =
      ParseV128("i16", {"1", "2", "3", "4", "5", "6", "7", "65535"});
  REQUIRE(v.ok());
  CHECK(v->bits == 0x0004000300020001u);
  CHECK(v->hi == 0xFFFF000700060005u);
  absl::StatusOr<Value> arg = ToArgument(*v);
  REQUIRE(arg.ok());
  CHECK(*arg == Value{ValType::kV128, v->bits, v->hi});
  CHECK(Matches(*v, *arg));
  CHECK_FALSE(Matches(*v, Value{ValType::kV128, v->bits, 0}));
  CHECK_FALSE(ParseV128("i8", {"1", "2"}).ok());             // lane count
  CHECK_FALSE(ParseV128("i32", {"0", "0", "0", "4294967296"}).ok());
  CHECK_FALSE(ParseV128("i32", {"0", "0", "0", "nan:canonical"}).ok());
  CHECK_FALSE(ParseV128("v8", {}).ok());
  // Float lanes may mix NaN patterns with exact values.
  absl::StatusOr<ScriptValue> f =
      ParseV128("f32", {"nan:canonical", "1065353216", "nan:arithmetic", "0"});
  REQUIRE(f.ok());
  CHECK_FALSE(ToArgument(*f).ok());
  const uint64_t one = uint64_t{0x3F800000} << 32;
  CHECK(Matches(*f, Value{ValType::kV128, 0xFFC00000u | one, 0x7FC00001u}));
  CHECK_FALSE(Matches(*f, Value{ValType::kV128, 0x7FC00001u | one, 0}));
  CHECK_FALSE(Matches(*f, Value{ValType::kV128, 0x7FC00000u, 0x7FC00000u}));
  CHECK_FALSE(Matches(*f, Value{ValType::kV128, 0x7FC00000u | one, 0}));
}

TEST_CASE("references") {
  ScriptValue ext = Parse("externref", "0");
  CHECK(ext.bits == 1);  // host handle N + 1, never null
  CHECK(Matches(ext, Value::Ref(ValType::kExternRef, 1)));
  CHECK_FALSE(Matches(ext, Value::Ref(ValType::kExternRef, 0)));
  CHECK(DescribeExpected(ext) == "externref:0");
  ScriptValue null_ext = Parse("externref", "null");
  CHECK(Matches(null_ext, Value::Ref(ValType::kExternRef, kNullRef)));
  CHECK_FALSE(Matches(null_ext, Value::Ref(ValType::kFuncRef, kNullRef)));
  ScriptValue func = Parse("funcref", "3");
  CHECK(Matches(func, Value::Ref(ValType::kFuncRef, 0x1234)));
  CHECK_FALSE(Matches(func, Value::Ref(ValType::kFuncRef, kNullRef)));
  CHECK_FALSE(ToArgument(func).ok());
  CHECK(ToArgument(Parse("funcref", "null")).ok());
  CHECK_FALSE(ParseScriptValue("externref", "18446744073709551615").ok());
}

TEST_CASE("a script with every command shape") {
  constexpr std::string_view kJson = R"({
    "source_filename": "x.wast",
    "commands": [
      {"type": "module", "line": 1, "name": "$M", "filename": "x.0.wasm"},
      {"type": "register", "line": 2, "name": "$M", "as": "m"},
      {"type": "assert_return", "line": 3,
       "action": {"type": "invoke", "module": "$M", "field": "f",
                  "args": [{"type": "i32", "value": "1"}]},
       "expected": [{"type": "f32", "value": "nan:arithmetic"}]},
      {"type": "assert_trap", "line": 4,
       "action": {"type": "get", "field": "g"}, "text": "boom",
       "expected": [{"type": "externref"}]},
      {"type": "assert_malformed", "line": 5, "filename": "x.1.wat",
       "text": "unexpected token", "module_type": "text"},
      {"type": "assert_frobnicate", "line": 6},
      {"type": "assert_return", "line": 7,
       "action": {"type": "invoke", "field": "f", "args": []},
       "expected": [{"type": "i32", "value": "oops"}]}
    ]})";
  absl::StatusOr<Script> script = ParseScript(kJson);
  REQUIRE(script.ok());
  CHECK(script->source_filename == "x.wast");
  REQUIRE(script->commands.size() == 7);
  const auto& c = script->commands;
  CHECK(c[0].type == CommandType::kModule);
  CHECK(c[0].name == "$M");
  CHECK(c[0].filename == "x.0.wasm");
  CHECK(c[1].as == "m");
  CHECK(c[2].action->module == "$M");
  CHECK(c[2].action->args.size() == 1);
  CHECK(c[2].expected[0].nan == NanPattern::kArithmetic);
  CHECK(c[3].error.empty());  // types-only expectations are not read
  CHECK(c[3].action->type == ActionType::kGet);
  CHECK(c[4].text_module);
  CHECK(c[4].text == "unexpected token");
  CHECK(c[5].type == CommandType::kUnknown);
  CHECK_FALSE(c[5].error.empty());
  CHECK(c[6].line == 7);
  CHECK_FALSE(c[6].error.empty());
}

TEST_CASE("not a script") {
  CHECK_FALSE(ParseScript("").ok());
  CHECK_FALSE(ParseScript("[1, 2]").ok());
  CHECK_FALSE(ParseScript("{\"commands\": 3}").ok());
  CHECK_FALSE(ParseScript("{\"commands\": [").ok());
  absl::StatusOr<Script> odd = ParseScript("{\"commands\": [7, {}]}");
  REQUIRE(odd.ok());
  CHECK_FALSE(odd->commands[0].error.empty());
  CHECK_FALSE(odd->commands[1].error.empty());
}

}  // namespace
}  // namespace wsbx::spec
