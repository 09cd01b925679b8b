// `wsbx run --policy FILE|NAME`: a JSON policy file, or a built-in preset,
// that supplies the run's limits, grants and audit settings (docs/cli.md,
// "Policies"). Values are kept as the flags' text and checked by the flags'
// own parsers; flags given on the command line win over the policy.
#ifndef WSBX_CLI_POLICY_H_
#define WSBX_CLI_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace wsbx {

// Ranges of the run flags, shared by the flags and by policies.
inline constexpr uint64_t kMinStackBytes = uint64_t{64} << 10;
inline constexpr uint64_t kMaxStackBytes = uint64_t{1} << 30;
inline constexpr uint64_t kMaxCallDepth = 1000000;
inline constexpr uint64_t kMaxFuel = uint64_t{1} << 62;

// --stack: a byte size (args.h ParseByteSize) from 64K to 1G.
absl::StatusOr<uint64_t> ParseStackBytes(std::string_view text);

struct Policy {
  // Each as the flag of the same name takes it; unset: the policy says
  // nothing and wsbx's default applies.
  std::optional<std::string> mem;
  std::optional<std::string> fuel;
  std::optional<std::string> timeout;
  std::optional<std::string> stack;
  std::optional<std::string> max_call_depth;
  std::optional<std::string> max_table_elements;
  std::optional<std::string> compile;
  std::optional<std::string> audit;
  std::optional<std::string> max_output;
  std::optional<std::string> unknown_imports;
  std::vector<std::string> dirs;     // --dir
  std::vector<std::string> dirs_ro;  // --dir-ro
  std::vector<std::string> env;      // --env
  std::vector<std::string> preload;  // --preload NAME=MODULE
  // "exit": a refused WASI operation ends the guest (WasiOptions
  // exit_on_denied) instead of returning an errno.
  bool exit_on_denied = false;
};

// The built-in presets, in the order they are listed: standard, strict,
// paranoid.
std::vector<std::string> PresetNames();
std::optional<Policy> Preset(std::string_view name);

// Parses a policy document; errors name `source` (the file), the key and
// the line and column.
absl::StatusOr<Policy> ParsePolicy(std::string_view json,
                                   std::string_view source);

// A preset when `name_or_file` is a preset's name and has no '/' (so
// ./strict is the file), else the policy file of that name. Neither: an
// error listing the presets.
absl::StatusOr<Policy> LoadPolicy(const std::string& name_or_file);

// The policy as a pretty-printed policy file (ParsePolicy reads it back to
// an equal policy).
std::string PolicyToJson(const Policy& policy);

// Where `wsbx run` keeps the settings a policy can supply.
struct RunSettings {
  std::string* mem;
  std::string* fuel;
  std::string* timeout;
  std::string* stack;
  std::string* max_call_depth;
  std::string* max_table_elements;
  std::string* compile;
  std::string* audit;
  std::string* max_output;
  std::string* unknown_imports;
  std::vector<std::string>* dirs;
  std::vector<std::string>* dirs_ro;
  std::vector<std::string>* env;
  std::vector<std::string>* preload;
  bool* exit_on_denied;
};

// Fills each setting whose flag ("--mem", ...) `given` says was not on the
// command line from the policy. Grants add up: the policy's dirs, dirs_ro
// and env come first, then the command line's.
void ApplyPolicy(const Policy& policy,
                 absl::FunctionRef<bool(std::string_view flag)> given,
                 const RunSettings& settings);

}  // namespace wsbx

#endif  // WSBX_CLI_POLICY_H_
