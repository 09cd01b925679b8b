// Audit events: one per operation the WASI layer refused (sandbox rule,
// missing right, refused function), with the call's arguments and the
// reason, and their JSON Lines form.
#ifndef WSBX_WASI_AUDIT_H_
#define WSBX_WASI_AUDIT_H_

#include <cstdint>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsbx::wasi {

struct AuditEvent {
  std::chrono::system_clock::time_point time;  // when it was refused
  std::string function;  // e.g. "path_open"
  // Argument name and value as text, in call order (paths as given).
  std::vector<std::pair<std::string, std::string>> args;
  uint16_t error = 0;  // the WASI errno returned to the guest
  std::string reason;
  bool ended_guest = false;  // the refusal ended the guest (on_denied exit)
};

// {"time":"2026-12-08T10:00:00.123456Z","function":"path_open",
//  "args":{"fd":"3","path":"../x"},"errno":"notcapable","reason":"..."} on
// one line (the time in UTC, to the microsecond), plus "ended_guest":true
// when the refusal ended the guest. Strings are escaped
// for JSON; bytes that are not valid UTF-8 become U+FFFD.
std::string AuditEventToJson(const AuditEvent& event);

// A JSON string literal (with the quotes) for arbitrary bytes.
std::string JsonQuote(std::string_view text);

}  // namespace wsbx::wasi

#endif  // WSBX_WASI_AUDIT_H_
