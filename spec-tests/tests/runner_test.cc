// The runner end to end on a small hand-written .wast script: imports from
// the spectest host module, externref handles that round-trip, module
// definitions and instances, either, and failures that are counted and
// reported with the script's line.
#include "spec-tests/runner.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace wsbx::spec {
namespace {

// The module takes lines 1-4, then one command a line.
constexpr char kScript[] =
    R"wast((module $M (import "spectest" "print_i32" (func (param i32)))
  (import "spectest" "global_i32" (global i32))
  (func (export "g") (result i32) global.get 0)
  (func (export "id") (param externref) (result externref) local.get 0))
(assert_return (invoke "g") (i32.const 666))
(assert_return (invoke "id" (ref.extern 5)) (ref.extern 5))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "g") (i32.const 667))
(register "m" $M)
(assert_malformed (module binary "junk") "magic header not detected")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_trap (invoke $Nope "g") "unreachable")
(get "g")
(module definition $D (func (export "one") (result i32) i32.const 1))
(module instance $I1 $D)
(module instance $I2)
(assert_return (invoke $I1 "one") (either (i32.const 2) (i32.const 1)))
(assert_return (invoke $I2 "one") (either (i32.const 2) (i32.const 3)))
(assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")
(assert_malformed (module quote "(func)") "unexpected token")
(assert_exception (invoke $M "g"))
(assert_return (invoke $M "id" (ref.host 1)) (ref.host 1))
(module instance $X $Nope)
(assert_frobnicate)
(assert_return (invoke $M "id" (ref.extern 2)) (ref.extern))
)wast";

TEST_CASE("a small script runs and counts every command") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("wsbx-spectest-" + std::to_string(getpid()) + ".wast");
  {
    std::ofstream out(path, std::ios::binary);
    out << kScript;
  }
  std::ostringstream out;
  RunCounts counts = RunScriptFile(path.string(), {}, out);
  std::filesystem::remove(path);

  const std::string p = path.string();
  const std::string text = out.str();
  INFO(text);
  CHECK(counts.passed == 13);
  CHECK(counts.failed == 9);
  auto has = [&](const std::string& line) {
    return text.find(p + ":" + line) != std::string::npos;
  };
  CHECK(has("8: assert_return: g: expected (i32:667), got (i32:666)"));
  CHECK(has("12: assert_trap: unknown module $Nope"));
  CHECK(has("13: get: export \"g\" is not a global"));
  CHECK(
      has("18: assert_return: one: expected (either(i32:2 i32:3)), got "
          "(i32:1)"));
  CHECK(
      has("20: assert_malformed: expected rejection \"unexpected token\", "
          "but the module loaded"));
  CHECK(has("21: assert_exception: the engine has no exception handling"));
  CHECK(
      has("22: assert_return: the engine has no type for the argument "
          "ref.host 1"));
  CHECK(has("23: module: unknown module $Nope"));
  CHECK(
      has("24: assert_frobnicate: unreadable command: 24:2: unknown "
          "command assert_frobnicate"));
  CHECK(has(" 13 passed, 9 failed"));
}

TEST_CASE("max_memories reaches the store") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("wsbx-spectest-mem-" + std::to_string(getpid()) + ".wast");
  {
    std::ofstream out(path, std::ios::binary);
    out << "(module (memory 1) (memory 1))\n";
  }
  std::ostringstream out;
  RunCounts engine_default = RunScriptFile(path.string(), {}, out);
  RunCounts one = RunScriptFile(path.string(), {.max_memories = 1}, out);
  std::filesystem::remove(path);
  INFO(out.str());
  CHECK(engine_default.passed == 1);
  CHECK(one.failed == 1);
}

TEST_CASE("assert_invalid needs a module that decodes and fails validation") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("wsbx-spectest-phase-" + std::to_string(getpid()) + ".wast");
  {
    // Line 1: invalid (decodes, fails validation): passes. Line 2: the
    // binary ends inside a section, so it is malformed: counted as a
    // failure of assert_invalid. Line 3: the same bytes as assert_malformed.
    std::ofstream out(path, std::ios::binary);
    out << "(assert_invalid (module (memory 0x1_0000_0000)) \"memory size\")\n"
           "(assert_invalid (module binary \"\\00asm\\01\\00\\00\\00\\05\\05\") \"x\")\n"
           "(assert_malformed (module binary \"\\00asm\\01\\00\\00\\00\\05\\05\") \"x\")\n";
  }
  std::ostringstream out;
  RunCounts counts = RunScriptFile(path.string(), {}, out);
  std::filesystem::remove(path);
  const std::string text = out.str();
  INFO(text);
  CHECK(counts.passed == 2);
  CHECK(counts.failed == 1);
  CHECK(text.find(path.string() + ":2: assert_invalid: expected an invalid module") !=
        std::string::npos);
  CHECK(text.find("but it is malformed") != std::string::npos);
}

TEST_CASE("a missing script counts as one failure") {
  std::ostringstream out;
  RunCounts counts = RunScriptFile("/nonexistent/x.wast", {}, out);
  CHECK(counts.failed == 1);
  CHECK(out.str().find("cannot read /nonexistent/x.wast") != std::string::npos);
}

TEST_CASE("counts format") {
  RunCounts c{.passed = 3, .failed = 1};
  CHECK(FormatCounts(c) == "3 passed, 1 failed");
  c.Add(RunCounts{.message_differs = 4});
  CHECK(FormatCounts(c).find("(4 rejections passed") != std::string::npos);
}

}  // namespace
}  // namespace wsbx::spec
