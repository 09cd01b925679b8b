// The runner end to end on a small hand-written script: imports from the
// spectest host module, externref handles that round-trip, and failures
// that are counted and reported with the script's line.
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

// (import "spectest" "print_i32" (func (param i32)))
// (import "spectest" "global_i32" (global i32))
// (func (export "g") (result i32) global.get 0)
// (func (export "id") (param externref) (result externref) local.get 0)
const std::vector<uint8_t> kModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
    // type section: (i32)->(), ()->(i32), (externref)->(externref)
    0x01, 0x0e, 0x03, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60,
    0x01, 0x6f, 0x01, 0x6f,
    // import section
    0x02, 0x2d, 0x02, 0x08, 's', 'p', 'e', 'c', 't', 'e', 's', 't', 0x09, 'p',
    'r', 'i', 'n', 't', '_', 'i', '3', '2', 0x00, 0x00, 0x08, 's', 'p', 'e',
    'c', 't', 'e', 's', 't', 0x0a, 'g', 'l', 'o', 'b', 'a', 'l', '_', 'i', '3',
    '2', 0x03, 0x7f, 0x00,
    // function section, export section
    0x03, 0x03, 0x02, 0x01, 0x02, 0x07, 0x0a, 0x02, 0x01, 'g', 0x00, 0x01, 0x02,
    'i', 'd', 0x00, 0x02,
    // code section
    0x0a, 0x0b, 0x02, 0x04, 0x00, 0x23, 0x00, 0x0b, 0x04, 0x00, 0x20, 0x00,
    0x0b};

constexpr char kScript[] = R"({"source_filename": "x.wast", "commands": [
  {"type": "module", "line": 1, "name": "$M", "filename": "m.wasm"},
  {"type": "assert_return", "line": 2, "action": {"type": "invoke",
   "field": "g", "args": []}, "expected": [{"type": "i32", "value": "666"}]},
  {"type": "assert_return", "line": 3, "action": {"type": "invoke",
   "field": "id", "args": [{"type": "externref", "value": "5"}]},
   "expected": [{"type": "externref", "value": "5"}]},
  {"type": "assert_return", "line": 4, "action": {"type": "invoke",
   "field": "id", "args": [{"type": "externref", "value": "null"}]},
   "expected": [{"type": "externref", "value": "null"}]},
  {"type": "assert_return", "line": 5, "action": {"type": "invoke",
   "field": "g", "args": []}, "expected": [{"type": "i32", "value": "667"}]},
  {"type": "register", "line": 6, "name": "$M", "as": "m"},
  {"type": "assert_malformed", "line": 7, "filename": "junk.wasm",
   "text": "magic header not detected", "module_type": "binary"},
  {"type": "assert_invalid", "line": 8, "filename": "x.1.wat",
   "text": "type mismatch", "module_type": "text"},
  {"type": "assert_trap", "line": 9, "action": {"type": "invoke",
   "module": "$Nope", "field": "g", "args": []}, "text": "unreachable",
   "expected": []},
  {"type": "action", "line": 10, "action": {"type": "get", "field": "g"},
   "expected": []}
]})";

void WriteFile(const std::filesystem::path& path, const void* data,
               size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
}

TEST_CASE("a small script runs and counts every command") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("wsbx-spectest-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  WriteFile(dir / "m.wasm", kModule.data(), kModule.size());
  WriteFile(dir / "junk.wasm", "junk", 4);
  WriteFile(dir / "x.json", kScript, sizeof(kScript) - 1);

  std::ostringstream out;
  RunCounts counts = RunScriptFile((dir / "x.json").string(), {}, out);
  std::filesystem::remove_all(dir);

  INFO(out.str());
  CHECK(counts.passed == 6);
  CHECK(counts.failed == 3);
  CHECK(counts.not_applicable == 1);
  CHECK(out.str().find("x.wast:5: assert_return: g: expected (i32:667), "
                       "got (i32:666)") != std::string::npos);
  CHECK(out.str().find("x.wast:9: assert_trap: unknown module $Nope") !=
        std::string::npos);
  CHECK(out.str().find("x.wast:10: action: export \"g\" is not a global") !=
        std::string::npos);
}

TEST_CASE("counts format") {
  RunCounts c{.passed = 3, .failed = 1, .not_applicable = 2};
  CHECK(FormatCounts(c) == "3 passed, 1 failed, 2 not applicable");
  c.Add(RunCounts{.message_differs = 4});
  CHECK(FormatCounts(c).find("(4 rejections passed") != std::string::npos);
}

}  // namespace
}  // namespace wsbx::spec
