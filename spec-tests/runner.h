// Runs wast2json scripts against the engine: one Store per script, commands
// in order, every outcome counted as passed, failed or not applicable. A
// failure never stops the script; it is reported with the .wast line.
#ifndef WSBX_SPEC_TESTS_RUNNER_H_
#define WSBX_SPEC_TESTS_RUNNER_H_

#include <cstdint>
#include <ostream>
#include <string>

namespace wsbx::spec {

struct RunOptions {
  bool verbose = false;  // also list load errors whose message differs
  // Compile every module in plain mode (compiler.h): the reference that
  // optimized code is checked against runs the whole suite too.
  bool plain = false;
};

struct RunCounts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t not_applicable = 0;   // text-format modules
  uint64_t message_differs = 0;  // passed, but with another error message

  void Add(const RunCounts& other);
};

// "N passed, M failed, K not applicable" plus the message-differs count.
std::string FormatCounts(const RunCounts& counts);

// Runs one script; writes one line per failure and a summary line to `out`.
RunCounts RunScriptFile(const std::string& json_path, const RunOptions& options,
                        std::ostream& out);

}  // namespace wsbx::spec

#endif  // WSBX_SPEC_TESTS_RUNNER_H_
