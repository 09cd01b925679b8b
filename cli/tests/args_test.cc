// Argument parsing and result formatting of the CLI.
#include "cli/args.h"

#include <doctest/doctest.h>

namespace wsbx {
namespace {

TEST_CASE("integer arguments cover the signed and unsigned range") {
  CHECK(ParseArg("-1", ValType::kI32)->i32() == 0xFFFFFFFFu);
  CHECK(ParseArg("4294967295", ValType::kI32)->i32() == 0xFFFFFFFFu);
  CHECK(ParseArg("-2147483648", ValType::kI32)->i32() == 0x80000000u);
  CHECK(ParseArg("0x10", ValType::kI32)->i32() == 16u);
  CHECK_FALSE(ParseArg("4294967296", ValType::kI32).ok());
  CHECK_FALSE(ParseArg("-2147483649", ValType::kI32).ok());
  CHECK_FALSE(ParseArg("12abc", ValType::kI32).ok());
  CHECK_FALSE(ParseArg("", ValType::kI32).ok());
  CHECK_FALSE(ParseArg("--1", ValType::kI32).ok());
  CHECK(ParseArg("-9223372036854775808", ValType::kI64)->i64() ==
        0x8000000000000000ull);
  CHECK(ParseArg("18446744073709551615", ValType::kI64)->i64() == ~0ull);
  CHECK_FALSE(ParseArg("18446744073709551616", ValType::kI64).ok());
}

TEST_CASE("float arguments") {
  CHECK(ParseArg("1.5", ValType::kF64)->f64() == 1.5);
  CHECK(ParseArg("0.1", ValType::kF32)->f32() == 0.1f);
  CHECK(ParseArg("-inf", ValType::kF64)->f64() < 0);
  CHECK_FALSE(ParseArg("1.5x", ValType::kF64).ok());
  CHECK(ParseArg("null", ValType::kExternRef)->bits == kNullRef);
  CHECK_FALSE(ParseArg("7", ValType::kFuncRef).ok());
}

TEST_CASE("results print signed and round-trip") {
  CHECK(FormatResult(Value::I32(0xFFFFFFFFu)) == "-1");
  CHECK(FormatResult(Value::I64(42)) == "42");
  CHECK(FormatResult(Value::F64(0.1)) == "0.1");
  CHECK(FormatResult(Value::F32(0.1f)) == "0.1");
  CHECK(FormatResult(Value::F32Bits(0x7FC00001u)) == "nan:0x7fc00001");
  CHECK(FormatResult(Value::Ref(ValType::kFuncRef, kNullRef)) == "null");
}

TEST_CASE("byte sizes") {
  CHECK(*ParseByteSize("64M") == 64ull << 20);
  CHECK(*ParseByteSize("4096B") == 4096u);
  CHECK(*ParseByteSize("2G") == 2ull << 30);
  CHECK(*ParseByteSize("1k") == 1024u);
  for (const char* same : {"64M", "64MB", "64MiB", "64m", "64mb", "64mib"}) {
    CAPTURE(same);
    CHECK(*ParseByteSize(same) == 64ull << 20);
  }
  CHECK(*ParseByteSize("64K") == 64ull << 10);
  CHECK(*ParseByteSize("64KiB") == 64ull << 10);
  CHECK(*ParseByteSize("4GB") == 4ull << 30);
  CHECK(*ParseByteSize("4GiB") == 4ull << 30);
  CHECK(*ParseByteSize("0") == 0u);
  CHECK(*ParseByteSize("0M") == 0u);
  auto bare = ParseByteSize("64");
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.status().message() ==
        "'64' has no unit: add one, e.g. 64M (K, M, G: powers of 1024)");
  for (const char* bad : {"M", "MiB", "64Mi", "64MBB", "64iB", "64T", "1.5G",
                          "-1M", "64 M", "B", "17179869184G"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseByteSize(bad).ok());
  }
  CHECK_FALSE(ParseByteSize("M").ok());
  CHECK_FALSE(ParseByteSize("12Q").ok());
  CHECK_FALSE(ParseByteSize("").ok());
  CHECK_FALSE(ParseByteSize("99999999999999999999G").ok());
}

TEST_CASE("durations take ms, s, m or h and must be positive") {
  using std::chrono::milliseconds;
  CHECK(*ParseDuration("2s") == milliseconds(2000));
  CHECK(*ParseDuration("250ms") == milliseconds(250));
  CHECK(*ParseDuration("1m") == milliseconds(60000));
  CHECK(*ParseDuration("1.5s") == milliseconds(1500));
  CHECK(*ParseDuration("0.25m") == milliseconds(15000));
  CHECK(ParseDuration("1.0000000001s")->count() == 1000000000);
  CHECK(*ParseDuration("1h") == std::chrono::hours(1));
  CHECK(*ParseDuration("1.5h") == std::chrono::minutes(90));
  CHECK(*ParseDuration("720h") == std::chrono::hours(720));
  CHECK_FALSE(ParseDuration("721h").ok());
  auto bare = ParseDuration("2");
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.status().message() ==
        "'2' has no unit: add one, e.g. 2s (ms, s, m or h)");
  for (const char* bad : {"", "2", "s", "h", "2d", "1.5", "-1s", "0s", "0.0ms", "1.s",
                          ".5s", "1..5s", "1e3ms", "2 s", "99999999999m",
                          "43201m", "1.5.5s", "0.0000000001s"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseDuration(bad).ok());
  }
}

TEST_CASE("counts") {
  CHECK(*ParseCount("0", 0, 10) == 0u);
  CHECK(*ParseCount("18446744073709551615", 0, ~0ull) == ~0ull);
  CHECK_FALSE(ParseCount("18446744073709551616", 0, ~0ull).ok());
  CHECK_FALSE(ParseCount("11", 0, 10).ok());
  CHECK_FALSE(ParseCount("0", 1, 10).ok());
  CHECK_FALSE(ParseCount("-1", 0, 10).ok());
  CHECK_FALSE(ParseCount("1k", 0, 10).ok());
  CHECK_FALSE(ParseCount("", 0, 10).ok());
}

}  // namespace
}  // namespace wsbx
