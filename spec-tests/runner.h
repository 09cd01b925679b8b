// Runs .wast scripts against the engine: one Store per script, commands in
// order, every outcome counted as passed or failed. A failure never stops
// the script; it is reported with the .wast line.
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
  // Limits::max_memories for every module; 0 keeps the engine's default.
  // The 2.0 suite runs with 1, which also reads the 2.0 encoding of memory
  // immediates (reserved zero bytes) as that suite expects.
  uint32_t max_memories = 0;
};

struct RunCounts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t message_differs = 0;  // passed, but with another error message

  void Add(const RunCounts& other);
};

// "N passed, M failed" plus the message-differs count.
std::string FormatCounts(const RunCounts& counts);

// Runs one script; writes one line per failure and a summary line to `out`.
RunCounts RunScriptFile(const std::string& wast_path, const RunOptions& options,
                        std::ostream& out);

}  // namespace wsbx::spec

#endif  // WSBX_SPEC_TESTS_RUNNER_H_
