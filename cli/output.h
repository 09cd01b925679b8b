// wsbx's own output (results, statistics, messages, the audit log) goes
// through checked writes: a full disk or a closed pipe is noticed and kept,
// so the command can report it and end with an error status instead of
// claiming success.
#ifndef WSBX_CLI_OUTPUT_H_
#define WSBX_CLI_OUTPUT_H_

#include <string>
#include <string_view>

namespace wsbx {

// Writes all of `text` to `fd`, again after EINTR, short writes and (on a
// non-blocking descriptor) EAGAIN; false with errno set when it fails.
bool WriteAll(int fd, std::string_view text);

// Write to stdout / stderr; the first failure is kept (OutputError).
void PrintOut(std::string_view text);
void PrintErr(std::string_view text);

// "cannot write to stdout: No space left on device" for the first write
// that failed, empty while none has.
const std::string& OutputError();

}  // namespace wsbx

#endif  // WSBX_CLI_OUTPUT_H_
