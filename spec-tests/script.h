// A wast2json script read into plain structs, plus the value encoding the
// scripts use (integers and floats as unsigned decimal bit patterns, NaN
// patterns, reference values). Reading never fails on one bad command: the
// command carries its own error and the runner counts it as a failure.
#ifndef WSBX_SPEC_TESTS_SCRIPT_H_
#define WSBX_SPEC_TESTS_SCRIPT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/types.h"
#include "runtime/value.h"

namespace wsbx::spec {

// NaN results the spec leaves partly open (spec 4.3.3): a canonical NaN has
// only the quiet bit of the payload set; an arithmetic NaN has the quiet bit
// set and any other payload. The sign is free in both.
enum class NanPattern : uint8_t { kNone, kCanonical, kArithmetic };

// One value of an action's arguments or of an expected result.
struct ScriptValue {
  ValType type = ValType::kI32;
  uint64_t bits = 0;  // Value::bits; for externref N the handle N + 1
  NanPattern nan = NanPattern::kNone;
  bool any_non_null = false;  // funcref given by number: any non-null ref
  // v128 only: the upper 8 bytes, the lane shape the script wrote it in
  // ("i8" ... "f64" as kI32 with lane_bytes 1/2/4, kI64, kF32, kF64), and a
  // NaN pattern per float lane (an expected result may mix patterns and
  // exact lanes).
  uint64_t hi = 0;
  ValType lane_type = ValType::kI32;
  uint8_t lane_bytes = 4;
  std::array<NanPattern, 4> lane_nan{};
};

enum class ActionType : uint8_t { kInvoke, kGet };

struct Action {
  ActionType type = ActionType::kInvoke;
  std::string module;  // "$name" of a named module, empty for the current
  std::string field;
  std::vector<ScriptValue> args;
};

enum class CommandType : uint8_t {
  kModule,
  kRegister,
  kAction,
  kAssertReturn,
  kAssertTrap,
  kAssertExhaustion,
  kAssertInvalid,
  kAssertMalformed,
  kAssertUnlinkable,
  kAssertUninstantiable,
  kUnknown,
};

struct Command {
  CommandType type = CommandType::kUnknown;
  std::string type_name;     // as the script spells it, for messages
  uint64_t line = 0;         // line in the .wast source
  std::string name;          // module/register: a module's "$name"
  std::string as;            // register: the import name it becomes
  std::string filename;      // a module file, relative to the script
  bool text_module = false;  // module_type "text": a .wat file
  std::string text;          // the expected error or trap message
  std::optional<Action> action;
  std::vector<ScriptValue> expected;
  std::string error;  // non-empty when the command could not be read
};

struct Script {
  std::string source_filename;  // the .wast file wast2json read
  std::vector<Command> commands;
};

// Reads a wast2json output file. Fails only when the file cannot be read or
// is not a JSON object with a "commands" array.
absl::StatusOr<Script> LoadScript(const std::string& path);
absl::StatusOr<Script> ParseScript(std::string_view json);

// Parses one value: `type` as in the script ("i32", "f64", "externref"...),
// `value` its text, absent when the script gives only the type.
absl::StatusOr<ScriptValue> ParseScriptValue(
    std::string_view type, std::optional<std::string_view> value);

// Parses a v128 given as lane values: `lane_type` "i8", "i16", "i32",
// "i64", "f32" or "f64" and one decimal bit pattern (or NaN pattern, for
// float lanes) per lane, lowest lane first.
absl::StatusOr<ScriptValue> ParseV128(
    std::string_view lane_type, const std::vector<std::string_view>& lanes);

// The API value for an argument; a non-null funcref cannot be made up.
absl::StatusOr<Value> ToArgument(const ScriptValue& v);

// True when an actual result satisfies an expected one.
bool Matches(const ScriptValue& expected, const Value& got);

// "i32:42", "f32:nan:canonical", "funcref:non-null", "externref:7" (the
// script's number, not the handle).
std::string DescribeExpected(const ScriptValue& v);
std::string DescribeValues(const std::vector<Value>& values);
std::string DescribeExpectedList(const std::vector<ScriptValue>& values);

}  // namespace wsbx::spec

#endif  // WSBX_SPEC_TESTS_SCRIPT_H_
