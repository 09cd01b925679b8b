// Binary or text module input for `wsbx run` and `wsbx validate`. The
// content decides first (the binary magic), the name second: a file named
// .wat without the magic is text, anything else goes to the decoder as is.
// "-" is standard input, binary or text by its content alone.
#include "cli/module_input.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "text/wat.h"

namespace wsbx {

std::string DisplayName(const std::string& path) {
  return path == "-" ? "stdin" : path;
}

bool IsBinaryModule(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kMagic[4] = {0, 'a', 's', 'm'};
  return bytes.size() >= 4 && std::equal(kMagic, kMagic + 4, bytes.begin());
}

absl::StatusOr<std::vector<uint8_t>> ModuleBinary(const std::string& path,
                                                  std::vector<uint8_t> bytes) {
  // Standard input has no name to go by: what is not binary is text.
  const bool text_name = absl::EndsWith(path, ".wat") || path == "-";
  if (IsBinaryModule(bytes) || !text_name) return bytes;
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()),
                              bytes.size());
  absl::StatusOr<std::vector<uint8_t>> binary = text::WatToWasm(text);
  if (!binary.ok()) {
    // Stdin was read as text for want of the magic: say so.
    return absl::InvalidArgumentError(absl::StrCat(
        DisplayName(path), ":", binary.status().message(),
        path == "-" ? " (not a binary module, so read as WebAssembly text)"
                    : ""));
  }
  return binary;
}

std::string LoadErrorMessage(const std::string& path, bool is_binary,
                             absl::string_view what) {
  std::string message = absl::StrCat(DisplayName(path), ": ", what);
  if (!is_binary) {
    absl::StrAppend(
        &message, " (not a binary module; is it WebAssembly text? name it .wat)");
  }
  return message;
}

}  // namespace wsbx
