// Checked writes for the command's own output (output.h). The command is
// single-threaded: the first error is a plain string.
#include "cli/output.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"

namespace wsbx {
namespace {

std::string g_output_error;

void Print(int fd, const char* name, std::string_view text) {
  if (!WriteAll(fd, text) && g_output_error.empty()) {
    g_output_error =
        absl::StrFormat("cannot write to %s: %s", name, std::strerror(errno));
  }
}

}  // namespace

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n > 0) {
      text.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      poll(&p, 1, -1);
    } else if (n == 0 || errno != EINTR) {
      if (n == 0) errno = EIO;
      return false;
    }
  }
  return true;
}

void PrintOut(std::string_view text) { Print(1, "stdout", text); }
void PrintErr(std::string_view text) { Print(2, "stderr", text); }

const std::string& OutputError() { return g_output_error; }

}  // namespace wsbx
