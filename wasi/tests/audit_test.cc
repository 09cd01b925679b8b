// Audit events as JSON Lines: escaping of guest-chosen bytes.
#include "wasi/audit.h"

#include <chrono>

#include <doctest/doctest.h>

#include "wasi/abi.h"

namespace wsbx::wasi {
namespace {

TEST_CASE("an event is one JSON object on one line") {
  AuditEvent ev;
  ev.time = std::chrono::system_clock::time_point(
      std::chrono::seconds(1796774400) + std::chrono::microseconds(4567));
  ev.function = "path_open";
  ev.args = {{"fd", "3"}, {"path", "../x"}};
  ev.error = kNotcapable;
  ev.reason = "path escapes the preopened directory";
  CHECK(AuditEventToJson(ev) ==
        "{\"time\":\"2026-12-09T00:00:00.004567Z\",\"function\":\"path_open\",\"args\":{\"fd\":\"3\",\"path\":\"../x\"},"
        "\"errno\":\"notcapable\",\"reason\":\"path escapes the preopened "
        "directory\"}");
}

TEST_CASE("strings are escaped") {
  CHECK(JsonQuote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(JsonQuote("l1\nl2\t\r") == "\"l1\\nl2\\t\\r\"");
  CHECK(JsonQuote(std::string_view("a\0b", 3)) == "\"a\\u0000b\"");
  CHECK(JsonQuote("\x01\x1f\x7f") == "\"\\u0001\\u001f\\u007f\"");
  CHECK(JsonQuote("caf\xc3\xa9") == "\"caf\xc3\xa9\"");  // valid UTF-8 kept
  CHECK(JsonQuote("\xff") == "\"\\ufffd\"");
  CHECK(JsonQuote("\xc3") == "\"\\ufffd\"");          // truncated sequence
  CHECK(JsonQuote("\xc0\xaf") == "\"\\ufffd\\ufffd\"");  // over-long form
  CHECK(JsonQuote("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

TEST_CASE("errno names follow witx") {
  CHECK(ErrnoName(kSuccess) == "success");
  CHECK(ErrnoName(kFault) == "fault");
  CHECK(ErrnoName(kNotcapable) == "notcapable");
  CHECK(ErrnoName(999) == "unknown");
}

}  // namespace
}  // namespace wsbx::wasi
