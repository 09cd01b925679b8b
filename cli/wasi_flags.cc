// Parsing of the WASI grant flags; every malformed grant is a usage error
// naming the text.
#include "cli/wasi_flags.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace wsbx {

absl::StatusOr<WasiPreopen> ParseDirGrant(std::string_view text,
                                          bool read_only) {
  const size_t sep = text.find("::");
  std::string_view host = text.substr(0, sep);
  std::string_view guest =
      sep == std::string_view::npos ? host : text.substr(sep + 2);
  const char* problem = nullptr;
  if (text.find('\0') != std::string_view::npos) {
    problem = "a NUL byte";
  } else if (host.empty()) {
    problem = sep == std::string_view::npos ? "an empty directory"
                                            : "an empty HOST";
  } else if (guest.empty()) {
    problem = "an empty GUEST";
  }
  if (problem != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        problem, " in '", std::string(text),
        "' (expected DIR, or HOST::GUEST such as ./data::/data)"));
  }
  WasiPreopen p;
  p.host_path = std::string(host);
  p.guest_path = std::string(guest);
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
