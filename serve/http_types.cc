// Header lookup for the plain request/response types (http_types.h).
#include "serve/http_types.h"

#include "absl/strings/match.h"

namespace wsbx::serve {

const std::string* FindHeader(const Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

}  // namespace wsbx::serve
