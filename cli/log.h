// Host-side diagnostics of the wsbx command (-v, --log-level): what was
// granted, the limits in force, load and compile time, instances. They go
// to stderr, each line prefixed "wsbx: LEVEL: ", and never to stdout, which
// belongs to the guest.
#ifndef WSBX_CLI_LOG_H_
#define WSBX_CLI_LOG_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace wsbx {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// "error", "warn", "info" or "debug".
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view text);

// The level messages are shown from; kWarn until set.
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

// One line at `level`, if that level is shown.
void Log(LogLevel level, std::string_view message);

}  // namespace wsbx

#endif  // WSBX_CLI_LOG_H_
