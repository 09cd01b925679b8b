// A spec test script (.wast) as plain structs, and how an expected result
// is matched against a value: NaN patterns, reference patterns and
// `either` alternatives. Reading never fails on one bad command: the
// command carries its own error and the runner counts it as a failure.
#ifndef WSBX_SPEC_TESTS_SCRIPT_H_
#define WSBX_SPEC_TESTS_SCRIPT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
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
  uint64_t bits = 0;  // Value::bits; for (ref.extern N) the handle N + 1
  NanPattern nan = NanPattern::kNone;
  // (ref.func ...) and (ref.extern) without a number: any non-null
  // reference of the type. (ref.null) alone: a null of any reference type.
  bool any_non_null = false;
  bool any_ref_type = false;
  // v128 only: the upper 8 bytes, the lane shape the script wrote it in
  // ("i8" ... "f64" as kI32 with lane_bytes 1/2/4, kI64, kF32, kF64), and a
  // NaN pattern per float lane (an expected result may mix patterns and
  // exact lanes).
  uint64_t hi = 0;
  ValType lane_type = ValType::kI32;
  uint8_t lane_bytes = 4;
  std::array<NanPattern, 4> lane_nan{};
  // (either v1 v2 ...): a result that matches when one alternative does.
  std::vector<ScriptValue> either;
  // A value of a type the engine does not have (GC and exception-handling
  // references: "ref.i31", "ref.null any", "ref.host 1"): never matched nor
  // passed, and named in the failure.
  std::string unsupported;
};

enum class ActionType : uint8_t { kInvoke, kGet };

struct Action {
  ActionType type = ActionType::kInvoke;
  std::string module;  // "$name" of a named module, empty for the current
  std::string field;
  std::vector<ScriptValue> args;
};

// A module as the script gives it, already in the binary format: text and
// quoted modules went through the text reader when the script was read.
// Only in assert_malformed may the text reader have refused one; that
// refusal is then the rejection the assertion expects.
struct ScriptModule {
  std::vector<uint8_t> bytes;
  std::string text_error;  // non-empty: "LINE:COL: what", and no bytes
  bool quoted = false;     // (module quote ...)
};

enum class CommandType : uint8_t {
  kModule,            // load and instantiate; becomes the current module
  kModuleDefinition,  // (module definition ...): load only
  kModuleInstance,    // (module instance $inst? $def?)
  kRegister,
  kAction,
  kAssertReturn,
  kAssertTrap,
  kAssertExhaustion,
  kAssertException,
  kAssertInvalid,
  kAssertMalformed,
  kAssertUnlinkable,
  kAssertUninstantiable,
  kUnknown,
};

struct Command {
  CommandType type = CommandType::kUnknown;
  std::string type_name;  // as the script spells it, for messages
  uint64_t line = 0;      // line in the .wast source
  // module, module definition, module instance: the "$name" it binds;
  // register: the module registered, empty for the current one.
  std::string name;
  std::string definition;  // module instance: "$name", empty for the last
  std::string as;          // register: the import name it becomes
  std::optional<ScriptModule> module;
  std::string text;  // the expected error or trap message
  std::optional<Action> action;
  std::vector<ScriptValue> expected;
  std::string error;  // non-empty when the command could not be read
};

struct Script {
  std::string source_filename;
  std::vector<Command> commands;
};

// The API value for an argument; a non-null funcref, a pattern or an
// unsupported reference cannot be made up.
absl::StatusOr<Value> ToArgument(const ScriptValue& v);

// True when an actual result satisfies an expected one.
bool Matches(const ScriptValue& expected, const Value& got);

// "i32:42", "f32:nan:canonical", "funcref:non-null", "externref:7" (the
// script's number, not the handle), "either(i32:1 i32:2)".
std::string DescribeExpected(const ScriptValue& v);
std::string DescribeValues(const std::vector<Value>& values);
std::string DescribeExpectedList(const std::vector<ScriptValue>& values);

}  // namespace wsbx::spec

#endif  // WSBX_SPEC_TESTS_SCRIPT_H_
