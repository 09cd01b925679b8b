// The CLI's JSON reader: values, positions in error messages, and the
// inputs RFC 8259 forbids.
#include "cli/json.h"

#include <string>
#include <doctest/doctest.h>

namespace wsbx {
namespace {

using Kind = JsonValue::Kind;

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<JsonValue> v = ParseJson(text);
  REQUIRE_FALSE(v.ok());
  return std::string(v.status().message());
}

TEST_CASE("an object keeps its members in order with their positions") {
  auto v = ParseJson("{\"a\": 1,\n \"b\": [true, false, null, \"x\"],\n"
                     " \"c\": {\"d\": -2.5e3}}");
  REQUIRE(v.ok());
  REQUIRE(v->kind == Kind::kObject);
  REQUIRE(v->members.size() == 3);
  CHECK(v->members[0].first == "a");
  CHECK(v->members[0].second.kind == Kind::kNumber);
  CHECK(v->members[0].second.text == "1");
  CHECK(v->members[0].second.column == 7);
  CHECK(v->members[0].second.key_line == 1);
  CHECK(v->members[0].second.key_column == 2);
  CHECK(v->members[1].second.key_line == 2);
  CHECK(v->members[1].second.key_column == 2);
  const JsonValue& b = v->members[1].second;
  CHECK(b.line == 2);
  CHECK(b.column == 7);
  REQUIRE(b.items.size() == 4);
  CHECK(b.items[0].boolean);
  CHECK(b.items[1].kind == Kind::kBool);
  CHECK_FALSE(b.items[1].boolean);
  CHECK(b.items[2].kind == Kind::kNull);
  CHECK(b.items[3].text == "x");
  CHECK(v->members[2].second.members[0].second.text == "-2.5e3");
  CHECK(v->members[2].second.line == 3);
  CHECK(v->key_line == 0);  // not a member
}

TEST_CASE("string escapes decode to UTF-8") {
  auto v = ParseJson(R"("a\"b\\c\/d\n\t\u00e9\u20ac\ud83d\ude00")");
  REQUIRE(v.ok());
  CHECK(v->text == "a\"b\\c/d\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST_CASE("errors say line and column") {
  CHECK(ErrorOf("{\"a\": 1,\n  \"b\" 2}") ==
        "line 2, column 7: expected ':' after a key");
  CHECK(ErrorOf("{\"a\": 1,}") == "line 1, column 9: expected a string key");
  CHECK(ErrorOf("[1, 2") == "line 1, column 6: expected ',' or ']' in an array");
  CHECK(ErrorOf("") == "line 1, column 1: unexpected end of input, expected a value");
  CHECK(ErrorOf("{} x") == "line 1, column 4: unexpected text after the value");
  CHECK(ErrorOf("{\"a\": 1, \"a\": 2}") ==
        "line 1, column 10: duplicate key \"a\"");
  CHECK(ErrorOf("// no\n{}") == "line 1, column 1: unexpected character '/'");
}

TEST_CASE("what JSON forbids is refused") {
  for (const char* bad :
       {"01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "'x'", "\"a\nb\"",
        "\"\\x\"", "\"\\u12\"", "\"\\udc00\"", "\"\\ud800x\"", "\"open",
        "{\"a\"}", "{1: 2}", "[1 2]", "NaN"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseJson(bad).ok());
  }
}

TEST_CASE("nesting is capped") {
  CHECK(ParseJson(std::string(30, '[') + std::string(30, ']')).ok());
  CHECK(ErrorOf(std::string(100000, '[')).find("nesting is too deep") !=
        std::string::npos);
}

}  // namespace
}  // namespace wsbx
