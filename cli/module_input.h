// The module a command-line file holds: a binary module as it is, or
// WebAssembly text (a file named .wat that does not start with the binary
// magic, or standard input "-" without it) converted to binary by the text
// reader. Load errors of a file that is neither say what it might be.
#ifndef WSBX_CLI_MODULE_INPUT_H_
#define WSBX_CLI_MODULE_INPUT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wsbx {

// How messages name the module file: "stdin" for "-", else the path.
std::string DisplayName(const std::string& path);

// True when `bytes` start with the binary format's magic, "\0asm".
bool IsBinaryModule(std::span<const uint8_t> bytes);

// The binary module in `bytes`, read from `path`: the bytes themselves
// unless they are text in a file named .wat. Text errors are
// InvalidArgument "PATH:LINE:COL: what".
absl::StatusOr<std::vector<uint8_t>> ModuleBinary(const std::string& path,
                                                  std::vector<uint8_t> bytes);

// "PATH: what" for an error loading or validating the result of
// ModuleBinary; when that was not a binary module at all (`is_binary`
// false), with a hint to name a text file .wat.
std::string LoadErrorMessage(const std::string& path, bool is_binary,
                             absl::string_view what);

}  // namespace wsbx

#endif  // WSBX_CLI_MODULE_INPUT_H_
