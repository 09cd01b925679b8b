// Matching expected results: bit-pattern numbers, NaN patterns, v128 lanes,
// reference patterns, `either` alternatives and unsupported types, and the
// arguments that cannot be made from a pattern.
#include "spec-tests/script.h"

#include <doctest/doctest.h>

#include <cstdint>

namespace wsbx::spec {
namespace {

ScriptValue Num(ValType type, uint64_t bits,
                NanPattern nan = NanPattern::kNone) {
  ScriptValue v;
  v.type = type;
  v.bits = bits;
  v.nan = nan;
  return v;
}

ScriptValue Ref(ValType type, uint64_t bits, bool any_non_null = false) {
  ScriptValue v = Num(type, bits);
  v.any_non_null = any_non_null;
  return v;
}

TEST_CASE("f32 NaN patterns") {
  ScriptValue canonical = Num(ValType::kF32, 0, NanPattern::kCanonical);
  ScriptValue arithmetic = Num(ValType::kF32, 0, NanPattern::kArithmetic);
  CHECK(Matches(canonical, Value::F32Bits(0x7FC00000u)));
  CHECK(Matches(canonical, Value::F32Bits(0xFFC00000u)));
  CHECK_FALSE(Matches(canonical, Value::F32Bits(0x7FC00001u)));
  CHECK_FALSE(Matches(canonical, Value::F32Bits(0x7F800001u)));
  CHECK(Matches(arithmetic, Value::F32Bits(0x7FC00001u)));
  CHECK(Matches(arithmetic, Value::F32Bits(0xFFE00000u)));
  CHECK_FALSE(Matches(arithmetic, Value::F32Bits(0x7F800001u)));
  CHECK_FALSE(Matches(arithmetic, Value::F32Bits(0x7F800000u)));
  CHECK_FALSE(Matches(canonical, Value::F64Bits(0x7FF8000000000000u)));
  CHECK_FALSE(ToArgument(canonical).ok());
}

TEST_CASE("f64 NaN patterns and exact bits") {
  ScriptValue canonical = Num(ValType::kF64, 0, NanPattern::kCanonical);
  ScriptValue arithmetic = Num(ValType::kF64, 0, NanPattern::kArithmetic);
  CHECK(Matches(canonical, Value::F64Bits(0xFFF8000000000000u)));
  CHECK_FALSE(Matches(canonical, Value::F64Bits(0x7FF8000000000001u)));
  CHECK(Matches(arithmetic, Value::F64Bits(0x7FFC000000000000u)));
  CHECK_FALSE(Matches(arithmetic, Value::F64Bits(0x7FF0000000000001u)));
  // -0.0 and +0.0 differ: comparison is by bits.
  ScriptValue zero = Num(ValType::kF64, 0);
  CHECK(Matches(zero, Value::F64Bits(0)));
  CHECK_FALSE(Matches(zero, Value::F64Bits(0x8000000000000000u)));
}

TEST_CASE("i32 results compare on the low 32 bits only") {
  CHECK(Matches(Num(ValType::kI32, 7), Value::I32(7)));
  CHECK_FALSE(Matches(Num(ValType::kI32, 7), Value::I64(7)));
}

TEST_CASE("v128 float lanes may mix NaN patterns with exact values") {
  ScriptValue f;
  f.type = ValType::kV128;
  f.lane_type = ValType::kF32;
  f.lane_bytes = 4;
  const uint64_t one = uint64_t{0x3F800000} << 32;
  f.bits = one;  // lane 0 a pattern, lane 1 1.0f
  f.lane_nan = {NanPattern::kCanonical, NanPattern::kNone,
                NanPattern::kArithmetic, NanPattern::kNone};
  CHECK_FALSE(ToArgument(f).ok());
  CHECK(Matches(f, Value{ValType::kV128, 0xFFC00000u | one, 0x7FC00001u}));
  CHECK_FALSE(Matches(f, Value{ValType::kV128, 0x7FC00001u | one, 0}));
  CHECK_FALSE(Matches(f, Value{ValType::kV128, 0x7FC00000u, 0x7FC00000u}));
  CHECK_FALSE(Matches(f, Value{ValType::kV128, 0x7FC00000u | one, 0}));
  CHECK(DescribeExpected(f).find("lane 0 nan:canonical") != std::string::npos);
}

TEST_CASE("reference patterns") {
  ScriptValue ext = Ref(ValType::kExternRef, 1);  // (ref.extern 0)
  CHECK(Matches(ext, Value::Ref(ValType::kExternRef, 1)));
  CHECK_FALSE(Matches(ext, Value::Ref(ValType::kExternRef, 0)));
  CHECK(DescribeExpected(ext) == "externref:0");
  ScriptValue null_ext = Ref(ValType::kExternRef, kNullRef);
  CHECK(Matches(null_ext, Value::Ref(ValType::kExternRef, kNullRef)));
  CHECK_FALSE(Matches(null_ext, Value::Ref(ValType::kFuncRef, kNullRef)));
  ScriptValue func = Ref(ValType::kFuncRef, 0, /*any_non_null=*/true);
  CHECK(Matches(func, Value::Ref(ValType::kFuncRef, 0x1234)));
  CHECK_FALSE(Matches(func, Value::Ref(ValType::kFuncRef, kNullRef)));
  CHECK_FALSE(Matches(func, Value::Ref(ValType::kExternRef, 0x1234)));
  CHECK_FALSE(ToArgument(func).ok());
  CHECK(DescribeExpected(func) == "funcref:non-null");
  CHECK(ToArgument(Ref(ValType::kFuncRef, kNullRef)).ok());
  // (ref.null) alone: a null of either type, nothing else.
  ScriptValue any_null;
  any_null.any_ref_type = true;
  CHECK(Matches(any_null, Value::Ref(ValType::kFuncRef, kNullRef)));
  CHECK(Matches(any_null, Value::Ref(ValType::kExternRef, kNullRef)));
  CHECK_FALSE(Matches(any_null, Value::Ref(ValType::kExternRef, 1)));
  CHECK_FALSE(Matches(any_null, Value::I32(0)));
  CHECK_FALSE(ToArgument(any_null).ok());
}

TEST_CASE("either matches any one alternative") {
  ScriptValue either;
  either.either = {Num(ValType::kI32, 1), Num(ValType::kI32, 2),
                   Num(ValType::kF32, 0, NanPattern::kCanonical)};
  CHECK(Matches(either, Value::I32(1)));
  CHECK(Matches(either, Value::I32(2)));
  CHECK(Matches(either, Value::F32Bits(0xFFC00000u)));
  CHECK_FALSE(Matches(either, Value::I32(3)));
  CHECK_FALSE(Matches(either, Value::I64(1)));
  CHECK_FALSE(ToArgument(either).ok());
  CHECK(DescribeExpected(either) == "either(i32:1 i32:2 f32:nan:canonical)");
}

TEST_CASE("a value of a type the engine lacks never matches") {
  ScriptValue host;
  host.unsupported = "ref.host 1";
  CHECK_FALSE(Matches(host, Value::Ref(ValType::kExternRef, 2)));
  absl::StatusOr<Value> arg = ToArgument(host);
  REQUIRE_FALSE(arg.ok());
  CHECK(arg.status().message().find("ref.host 1") != absl::string_view::npos);
  CHECK(DescribeExpected(host) == "ref.host 1 (no such type in the engine)");
}

}  // namespace
}  // namespace wsbx::spec
