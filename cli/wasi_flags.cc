// Parsing of the WASI grant flags; every malformed grant is a usage error
// naming the text.
#include "cli/wasi_flags.h"

#include <cstdlib>

namespace wsbx {

absl::StatusOr<WasiPreopen> ParseDirGrant(std::string_view text,
                                          bool read_only) {
  size_t sep = text.find("::");
  if (sep == std::string_view::npos || sep == 0 || sep + 2 >= text.size() ||
      text.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "expected HOST::GUEST (e.g. ./data::/data), got '" + std::string(text) +
        "'");
  }
  WasiPreopen p;
  p.host_path = std::string(text.substr(0, sep));
  p.guest_path = std::string(text.substr(sep + 2));
  p.read_only = read_only;
  return p;
}

absl::StatusOr<std::optional<std::string>> ParseEnvGrant(std::string_view text) {
  size_t eq = text.find('=');
  std::string_view name = text.substr(0, eq);
  if (name.empty() || text.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "expected NAME=VALUE or NAME, got '" + std::string(text) + "'");
  }
  if (eq != std::string_view::npos) return std::optional<std::string>(text);
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(std::string(name) + "=" + value);
}

}  // namespace wsbx
