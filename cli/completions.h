// Shell completion scripts and the man page of the wsbx command, generated
// from the command-line definition itself (the CLI11 app), so that neither
// can fall out of step with the options wsbx really takes.
#ifndef WSBX_CLI_COMPLETIONS_H_
#define WSBX_CLI_COMPLETIONS_H_

#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"

namespace wsbx {

// The completion script for `shell` ("bash", "zsh" or "fish"): subcommands,
// their options, the choices of options that take one of a set, and file
// names where a module or file is expected.
absl::StatusOr<std::string> CompletionScript(const CLI::App& app,
                                             std::string_view shell);

// wsbx(1) in man(7) format: synopsis, every subcommand with its options,
// exit status, examples.
std::string ManPage(const CLI::App& app, std::string_view version);

}  // namespace wsbx

#endif  // WSBX_CLI_COMPLETIONS_H_
