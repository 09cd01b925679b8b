// JSON encoding of audit events. Guest-chosen bytes (paths, names) are
// escaped so one event is always exactly one valid JSON line.
#include "wasi/audit.h"

#include <cstdio>
#include <ctime>

#include "wasi/abi.h"

namespace wsbx::wasi {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x3F >> (n - 1));
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// "2026-12-08T10:00:00.123456Z": UTC, microseconds.
std::string Rfc3339(std::chrono::system_clock::time_point t) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  const int64_t us = duration_cast<microseconds>(t.time_since_epoch()).count();
  const time_t secs = static_cast<time_t>(us / 1000000);
  struct tm utc;
  gmtime_r(&secs, &utc);
  char text[64];  // room for any int gcc assumes the fields may hold
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec, static_cast<int>(us % 1000000));
  return text;
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
      continue;
    }
    size_t n = Utf8Length(text, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  out += '"';
  return out;
}

std::string AuditEventToJson(const AuditEvent& event) {
  std::string out = "{\"time\":\"" + Rfc3339(event.time) + "\",\"function\":" +
                    JsonQuote(event.function) + ",\"args\":{";
  for (size_t i = 0; i < event.args.size(); ++i) {
    if (i > 0) out += ',';
    out += JsonQuote(event.args[i].first) + ":" + JsonQuote(event.args[i].second);
  }
  out += "},\"errno\":" + JsonQuote(ErrnoName(event.error));
  out += ",\"reason\":" + JsonQuote(event.reason);
  if (event.ended_guest) out += ",\"ended_guest\":true";
  out += "}";
  return out;
}

}  // namespace wsbx::wasi
