// The wsbx command's diagnostics (log.h), written through cli/output.h so
// that a failed write is reported like any other.
#include "cli/log.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/output.h"

namespace wsbx {
namespace {

LogLevel g_level = LogLevel::kWarn;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "?";
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view text) {
  for (LogLevel l : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo,
                     LogLevel::kDebug}) {
    if (text == LevelName(l)) return l;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "'%s' is not one of error, warn, info, debug", std::string(text)));
}

void SetLogLevel(LogLevel level) { g_level = level; }

bool LogEnabled(LogLevel level) { return level <= g_level; }

void Log(LogLevel level, std::string_view message) {
  if (!LogEnabled(level)) return;
  PrintErr(absl::StrCat("wsbx: ", std::string(LevelName(level)), ": ",
                        std::string(message), "\n"));
}

}  // namespace wsbx
