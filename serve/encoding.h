// Byte encodings the serve component shares: base64 for bodies that are
// not text, UTF-8 checks, and JSON string quoting for the texts it writes
// (responses to guests, job records, access-log lines).
#ifndef WSBX_SERVE_ENCODING_H_
#define WSBX_SERVE_ENCODING_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace wsbx::serve {

// RFC 4648 section 4, with padding.
std::string Base64Encode(std::string_view bytes);
// Accepts only the canonical alphabet with correct padding; whitespace is an error.
absl::StatusOr<std::string> Base64Decode(std::string_view text);

// Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or code
// points above U+10FFFF.
bool IsValidUtf8(std::string_view bytes);

// Appends `text` as a JSON string literal, quotes included. Control
// characters become \u00XX; bytes that are not UTF-8 become U+FFFD (callers
// send such bodies base64 instead).
void AppendJsonString(std::string& out, std::string_view text);
std::string JsonString(std::string_view text);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_ENCODING_H_
