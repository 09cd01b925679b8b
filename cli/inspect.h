// `wsbx inspect MODULE [--json] [--disasm [FUNC]]`: what a module holds
// (sections, imports, exports, memories, tables, globals, segments, start,
// features used) as text or one JSON object, or its function bodies as
// instructions. The module is decoded and validated, never instantiated or
// compiled. docs/cli.md documents the output and the JSON keys.
#ifndef WSBX_CLI_INSPECT_H_
#define WSBX_CLI_INSPECT_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace wsbx {

struct InspectOptions {
  std::string file;
  bool json = false;
  std::vector<std::string> disasm;           // FUNC, when one was given
  const CLI::Option* disasm_flag = nullptr;  // counts --disasm alone too
};

// Adds the `inspect` subcommand to `app`, parsing into *opts.
CLI::App* AddInspectCommand(CLI::App& app, InspectOptions* opts);

// Runs it; the exit code: 0, or 1 when the module cannot be read, decoded
// or validated, or FUNC names no function with a body.
int RunInspect(const InspectOptions& opts);

}  // namespace wsbx

#endif  // WSBX_CLI_INSPECT_H_
