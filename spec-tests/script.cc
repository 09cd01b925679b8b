// Reading wast2json scripts with simdjson's DOM API (error codes, no
// exceptions) and the script value encoding. Unknown or malformed commands
// are kept with an error message so that the runner can count them.
#include "spec-tests/script.h"

#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wsbx::spec {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// This Abseil's string_view is its own type, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

struct CommandName {
  std::string_view name;
  CommandType type;
};

constexpr CommandName kCommandNames[] = {
    {"module", CommandType::kModule},
    {"register", CommandType::kRegister},
    {"action", CommandType::kAction},
    {"assert_return", CommandType::kAssertReturn},
    {"assert_trap", CommandType::kAssertTrap},
    {"assert_exhaustion", CommandType::kAssertExhaustion},
    {"assert_invalid", CommandType::kAssertInvalid},
    {"assert_malformed", CommandType::kAssertMalformed},
    {"assert_unlinkable", CommandType::kAssertUnlinkable},
    {"assert_uninstantiable", CommandType::kAssertUninstantiable},
};

CommandType CommandTypeFromName(std::string_view name) {
  for (const CommandName& c : kCommandNames) {
    if (c.name == name) return c.type;
  }
  return CommandType::kUnknown;
}

// An optional string field: absent is fine, present but not a string is not.
absl::StatusOr<std::optional<std::string_view>> OptString(
    const object& obj, std::string_view key) {
  element e;
  if (obj[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  std::string_view s;
  if (e.get(s) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("field \"", Sv(key), "\" is not a string"));
  }
  return s;
}

absl::StatusOr<std::string_view> ReqString(const object& obj,
                                           std::string_view key) {
  absl::StatusOr<std::optional<std::string_view>> s = OptString(obj, key);
  if (!s.ok()) return s.status();
  if (!s->has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing field \"", Sv(key), "\""));
  }
  return **s;
}

absl::StatusOr<uint64_t> ParseUnsigned(std::string_view text, uint64_t max) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      v > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad number \"", Sv(text), "\""));
  }
  return v;
}

absl::StatusOr<ScriptValue> ParseReference(ValType type,
                                           std::string_view value) {
  ScriptValue v;
  v.type = type;
  if (value == "null") return v;  // bits 0 is the null reference
  absl::StatusOr<uint64_t> n =
      ParseUnsigned(value, std::numeric_limits<uint64_t>::max() - 1);
  if (!n.ok()) return n.status();
  if (type == ValType::kFuncRef) {
    v.any_non_null = true;
  } else {
    v.bits = *n + 1;  // the host's handle for externref N; never null
  }
  return v;
}

absl::StatusOr<ScriptValue> ParseNumber(ValType type, uint64_t max,
                                        std::string_view value) {
  ScriptValue v;
  v.type = type;
  if (type == ValType::kF32 || type == ValType::kF64) {
    if (value == "nan:canonical") {
      v.nan = NanPattern::kCanonical;
      return v;
    }
    if (value == "nan:arithmetic") {
      v.nan = NanPattern::kArithmetic;
      return v;
    }
  }
  absl::StatusOr<uint64_t> bits = ParseUnsigned(value, max);
  if (!bits.ok()) return bits.status();
  v.bits = *bits;
  return v;
}

// {"type": "v128", "lane_type": "i32", "value": ["1", "2", "3", "4"]}
absl::StatusOr<ScriptValue> ParseV128Object(const object& vo) {
  absl::StatusOr<std::string_view> lane_type = ReqString(vo, "lane_type");
  if (!lane_type.ok()) return lane_type.status();
  array arr;
  if (vo["value"].get(arr) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("v128 value is not an array of lanes");
  }
  std::vector<std::string_view> lanes;
  for (element e : arr) {
    std::string_view s;
    if (e.get(s) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError("a v128 lane is not a string");
    }
    lanes.push_back(s);
  }
  return ParseV128(*lane_type, lanes);
}

absl::StatusOr<std::vector<ScriptValue>> ParseValueList(const object& obj,
                                                        std::string_view key) {
  std::vector<ScriptValue> out;
  array arr;
  if (obj[key].get(arr) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing or non-array field \"", Sv(key), "\""));
  }
  for (element e : arr) {
    object vo;
    if (e.get(vo) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat("an entry of \"", Sv(key), "\" is not an object"));
    }
    absl::StatusOr<std::string_view> type = ReqString(vo, "type");
    if (!type.ok()) return type.status();
    if (*type == "v128") {
      absl::StatusOr<ScriptValue> v = ParseV128Object(vo);
      if (!v.ok()) return v.status();
      out.push_back(*v);
      continue;
    }
    absl::StatusOr<std::optional<std::string_view>> value =
        OptString(vo, "value");
    if (!value.ok()) return value.status();
    absl::StatusOr<ScriptValue> v = ParseScriptValue(*type, *value);
    if (!v.ok()) return v.status();
    out.push_back(*v);
  }
  return out;
}

absl::StatusOr<Action> ParseAction(const object& obj) {
  object ao;
  if (obj["action"].get(ao) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("missing field \"action\"");
  }
  Action action;
  absl::StatusOr<std::string_view> type = ReqString(ao, "type");
  if (!type.ok()) return type.status();
  if (*type == "invoke") {
    action.type = ActionType::kInvoke;
  } else if (*type == "get") {
    action.type = ActionType::kGet;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown action type \"", Sv(*type), "\""));
  }
  absl::StatusOr<std::string_view> field = ReqString(ao, "field");
  if (!field.ok()) return field.status();
  action.field = std::string(*field);
  absl::StatusOr<std::optional<std::string_view>> module =
      OptString(ao, "module");
  if (!module.ok()) return module.status();
  if (module->has_value()) action.module = std::string(**module);
  if (action.type == ActionType::kInvoke) {
    absl::StatusOr<std::vector<ScriptValue>> args = ParseValueList(ao, "args");
    if (!args.ok()) return args.status();
    action.args = std::move(*args);
  }
  return action;
}

// Copies the string fields every command type may carry.
absl::Status ReadCommonFields(const object& obj, Command& cmd) {
  struct Field {
    std::string_view key;
    std::string* out;
  };
  const Field fields[] = {{"name", &cmd.name},
                          {"as", &cmd.as},
                          {"filename", &cmd.filename},
                          {"text", &cmd.text}};
  for (const Field& f : fields) {
    absl::StatusOr<std::optional<std::string_view>> s = OptString(obj, f.key);
    if (!s.ok()) return s.status();
    if (s->has_value()) *f.out = std::string(**s);
  }
  absl::StatusOr<std::optional<std::string_view>> module_type =
      OptString(obj, "module_type");
  if (!module_type.ok()) return module_type.status();
  if (module_type->has_value()) {
    if (**module_type == "text") {
      cmd.text_module = true;
    } else if (**module_type != "binary") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown module_type \"", Sv(**module_type), "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadCommandBody(const object& obj, Command& cmd) {
  if (absl::Status s = ReadCommonFields(obj, cmd); !s.ok()) return s;
  switch (cmd.type) {
    case CommandType::kModule:
    case CommandType::kAssertInvalid:
    case CommandType::kAssertMalformed:
    case CommandType::kAssertUnlinkable:
    case CommandType::kAssertUninstantiable:
      if (cmd.filename.empty()) {
        return absl::InvalidArgumentError("missing field \"filename\"");
      }
      return absl::OkStatus();
    case CommandType::kRegister:
      if (cmd.as.empty()) {
        return absl::InvalidArgumentError("missing field \"as\"");
      }
      return absl::OkStatus();
    case CommandType::kAssertTrap:
      // A trap while instantiating names a module instead of an action.
      if (!cmd.filename.empty()) return absl::OkStatus();
      [[fallthrough]];
    case CommandType::kAction:
    case CommandType::kAssertExhaustion:
      break;
    case CommandType::kAssertReturn: {
      absl::StatusOr<std::vector<ScriptValue>> expected =
          ParseValueList(obj, "expected");
      if (!expected.ok()) return expected.status();
      cmd.expected = std::move(*expected);
      break;
    }
    case CommandType::kUnknown:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown command type \"", cmd.type_name, "\""));
  }
  absl::StatusOr<Action> action = ParseAction(obj);
  if (!action.ok()) return action.status();
  cmd.action = std::move(*action);
  return absl::OkStatus();
}

Command ReadCommand(element e) {
  Command cmd;
  object obj;
  if (e.get(obj) != simdjson::SUCCESS) {
    cmd.error = "command is not an object";
    return cmd;
  }
  uint64_t line = 0;
  if (obj["line"].get(line) == simdjson::SUCCESS) cmd.line = line;
  absl::StatusOr<std::string_view> type = ReqString(obj, "type");
  if (!type.ok()) {
    cmd.error = std::string(type.status().message());
    return cmd;
  }
  cmd.type_name = std::string(*type);
  cmd.type = CommandTypeFromName(*type);
  if (absl::Status s = ReadCommandBody(obj, cmd); !s.ok()) {
    cmd.error = std::string(s.message());
  }
  return cmd;
}

absl::StatusOr<Script> ReadScript(simdjson::dom::parser& parser,
                                  const simdjson::padded_string& json) {
  element root;
  if (auto err = parser.parse(json).get(root); err != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: ", simdjson::error_message(err)));
  }
  object obj;
  array commands;
  if (root.get(obj) != simdjson::SUCCESS ||
      obj["commands"].get(commands) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        "not a wast2json script: no \"commands\" array");
  }
  Script script;
  absl::StatusOr<std::optional<std::string_view>> source =
      OptString(obj, "source_filename");
  if (source.ok() && source->has_value()) {
    script.source_filename = std::string(**source);
  }
  for (element e : commands) script.commands.push_back(ReadCommand(e));
  return script;
}

std::string DescribeBits(ValType type, uint64_t bits) {
  return ValueToString(Value{type, bits, 0});
}

// Lane by lane when float lanes carry NaN patterns, else all 128 bits.
bool MatchesV128(const ScriptValue& expected, const Value& got) {
  if (expected.lane_type != ValType::kF32 &&
      expected.lane_type != ValType::kF64) {
    return got.bits == expected.bits && got.hi == expected.hi;
  }
  const int lane_bits = 8 * expected.lane_bytes;
  const uint64_t mask =
      lane_bits == 64 ? UINT64_MAX : (uint64_t{1} << lane_bits) - 1;
  for (int i = 0; i < 128 / lane_bits; ++i) {
    const int bit = i * lane_bits;
    const uint64_t got_lane =
        ((bit < 64 ? got.bits : got.hi) >> (bit % 64)) & mask;
    const uint64_t want_lane =
        ((bit < 64 ? expected.bits : expected.hi) >> (bit % 64)) & mask;
    ScriptValue lane;
    lane.type = expected.lane_type;
    lane.bits = want_lane;
    lane.nan = expected.lane_nan[i];
    if (!Matches(lane, Value{expected.lane_type, got_lane, 0})) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Script> LoadScript(const std::string& path) {
  simdjson::padded_string json;
  if (auto err = simdjson::padded_string::load(path).get(json);
      err != simdjson::SUCCESS) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", path, ": ", simdjson::error_message(err)));
  }
  simdjson::dom::parser parser;
  return ReadScript(parser, json);
}

absl::StatusOr<Script> ParseScript(std::string_view json) {
  simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  return ReadScript(parser, padded);
}

absl::StatusOr<ScriptValue> ParseScriptValue(
    std::string_view type, std::optional<std::string_view> value) {
  if (!value.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("value of type ", Sv(type), " has no \"value\""));
  }
  if (type == "i32") return ParseNumber(ValType::kI32, UINT32_MAX, *value);
  if (type == "i64") return ParseNumber(ValType::kI64, UINT64_MAX, *value);
  if (type == "f32") return ParseNumber(ValType::kF32, UINT32_MAX, *value);
  if (type == "f64") return ParseNumber(ValType::kF64, UINT64_MAX, *value);
  if (type == "funcref") return ParseReference(ValType::kFuncRef, *value);
  if (type == "externref") return ParseReference(ValType::kExternRef, *value);
  return absl::UnimplementedError(
      absl::StrCat("values of type \"", Sv(type), "\" are not supported"));
}

absl::StatusOr<ScriptValue> ParseV128(
    std::string_view lane_type, const std::vector<std::string_view>& lanes) {
  ScriptValue v;
  v.type = ValType::kV128;
  if (lane_type == "i8" || lane_type == "i16" || lane_type == "i32") {
    v.lane_type = ValType::kI32;
    v.lane_bytes = lane_type == "i8" ? 1 : lane_type == "i16" ? 2 : 4;
  } else if (lane_type == "i64" || lane_type == "f32" || lane_type == "f64") {
    v.lane_type = lane_type == "i64"   ? ValType::kI64
                  : lane_type == "f32" ? ValType::kF32
                                       : ValType::kF64;
    v.lane_bytes = lane_type == "f32" ? 4 : 8;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown v128 lane type \"", Sv(lane_type), "\""));
  }
  const size_t count = 16 / v.lane_bytes;
  if (lanes.size() != count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "v128 of ", Sv(lane_type), " lanes needs ", count, " lanes"));
  }
  const int bits_per_lane = 8 * v.lane_bytes;
  const uint64_t max =
      bits_per_lane == 64 ? UINT64_MAX : (uint64_t{1} << bits_per_lane) - 1;
  for (size_t i = 0; i < count; ++i) {
    absl::StatusOr<ScriptValue> lane =
        ParseNumber(v.lane_type, max, lanes[i]);
    if (!lane.ok()) return lane.status();
    if (lane->nan != NanPattern::kNone) {
      v.lane_nan[i] = lane->nan;
      continue;
    }
    const size_t bit = i * bits_per_lane;
    uint64_t& half = bit < 64 ? v.bits : v.hi;
    half |= lane->bits << (bit % 64);
  }
  return v;
}

absl::StatusOr<Value> ToArgument(const ScriptValue& v) {
  for (NanPattern p : v.lane_nan) {
    if (p != NanPattern::kNone) {
      return absl::InvalidArgumentError("a NaN pattern is not an argument");
    }
  }
  if (v.type == ValType::kV128) return Value{v.type, v.bits, v.hi};
  if (v.nan != NanPattern::kNone) {
    return absl::InvalidArgumentError("a NaN pattern is not an argument");
  }
  if (v.any_non_null) {
    return absl::UnimplementedError(
        "a non-null funcref argument cannot be created by the runner");
  }
  return Value{v.type, v.bits, 0};
}

bool Matches(const ScriptValue& expected, const Value& got) {
  if (got.type != expected.type) return false;
  if (expected.type == ValType::kV128) return MatchesV128(expected, got);
  if (expected.any_non_null) return got.bits != kNullRef;
  if (expected.type == ValType::kF32) {
    const uint32_t b = static_cast<uint32_t>(got.bits);
    switch (expected.nan) {
      case NanPattern::kCanonical:
        return (b & 0x7FFFFFFFu) == 0x7FC00000u;
      case NanPattern::kArithmetic:
        return (b & 0x7FC00000u) == 0x7FC00000u;
      case NanPattern::kNone:
        return b == expected.bits;
    }
  }
  if (expected.type == ValType::kF64) {
    constexpr uint64_t kQuiet = 0x7FF8000000000000u;
    switch (expected.nan) {
      case NanPattern::kCanonical:
        return (got.bits & 0x7FFFFFFFFFFFFFFFu) == kQuiet;
      case NanPattern::kArithmetic:
        return (got.bits & kQuiet) == kQuiet;
      case NanPattern::kNone:
        return got.bits == expected.bits;
    }
  }
  if (expected.type == ValType::kI32) {
    return static_cast<uint32_t>(got.bits) == expected.bits;
  }
  return got.bits == expected.bits;
}

std::string DescribeExpected(const ScriptValue& v) {
  const std::string prefix = absl::StrCat(Sv(ValTypeName(v.type)), ":");
  if (v.type == ValType::kV128) {
    std::string s = ValueToString(Value{v.type, v.bits, v.hi});
    for (int i = 0; i < 4; ++i) {
      if (v.lane_nan[i] == NanPattern::kCanonical) {
        absl::StrAppend(&s, " lane ", i, " nan:canonical");
      } else if (v.lane_nan[i] == NanPattern::kArithmetic) {
        absl::StrAppend(&s, " lane ", i, " nan:arithmetic");
      }
    }
    return s;
  }
  if (v.nan == NanPattern::kCanonical) return prefix + "nan:canonical";
  if (v.nan == NanPattern::kArithmetic) return prefix + "nan:arithmetic";
  if (v.any_non_null) return prefix + "non-null";
  if (v.type == ValType::kExternRef && v.bits != kNullRef) {
    return absl::StrCat(prefix, v.bits - 1);
  }
  return DescribeBits(v.type, v.bits);
}

std::string DescribeValues(const std::vector<Value>& values) {
  std::vector<std::string> parts;
  for (const Value& v : values) {
    if (v.type == ValType::kExternRef && v.bits != kNullRef) {
      parts.push_back(absl::StrCat("externref:", v.bits - 1));
    } else {
      parts.push_back(ValueToString(v));
    }
  }
  return absl::StrCat("(", absl::StrJoin(parts, " "), ")");
}

std::string DescribeExpectedList(const std::vector<ScriptValue>& values) {
  std::vector<std::string> parts;
  for (const ScriptValue& v : values) parts.push_back(DescribeExpected(v));
  return absl::StrCat("(", absl::StrJoin(parts, " "), ")");
}

}  // namespace wsbx::spec
