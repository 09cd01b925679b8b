// A small strict JSON reader for the CLI's policy files (RFC 8259: no
// comments, no trailing commas, one value per document). wsbx links
// statically and Debian ships simdjson only as a shared library, so the
// command reads its few small JSON files with this instead.
#ifndef WSBX_CLI_JSON_H_
#define WSBX_CLI_JSON_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace wsbx {

struct JsonMember;

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  // A string's decoded bytes, or a number's literal text as written (the
  // caller parses it with its own rules).
  std::string text;
  std::vector<JsonValue> items;                              // kArray
  std::vector<JsonMember> members;  // kObject, in order
  // Where the value starts, 1-based, for error messages.
  size_t line = 1;
  size_t column = 1;
  // For an object's member: where its key starts (0 elsewhere).
  size_t key_line = 0;
  size_t key_column = 0;
};

// An object's member: its key, then its value. (A struct of its own, not a
// std::pair, which would need JsonValue complete inside JsonValue.)
struct JsonMember {
  std::string first;
  JsonValue second;
};

// "object", "string", ... for messages.
std::string_view JsonKindName(JsonValue::Kind kind);

// Parses one JSON document. An error says "line L, column C: why". Objects
// with a repeated key and nesting deeper than 32 levels are errors.
absl::StatusOr<JsonValue> ParseJson(std::string_view text);

}  // namespace wsbx

#endif  // WSBX_CLI_JSON_H_
