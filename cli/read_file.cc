// Bounded, error-checked file reading with plain POSIX calls (no stream
// exceptions can escape). The file is opened non-blocking and every wait for
// input is a poll() that ends at the deadline, so nothing but a signal
// handler's flag or the clock is needed to stop it.
#include "cli/read_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "runtime/status_macros.h"

namespace wsbx {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kChunk = 1 << 16;
// The longest single wait while an interrupt flag is watched: a signal that
// lands just before poll() starts is still noticed this soon.
constexpr int64_t kMaxWaitMs = 100;

absl::Status ReadError(const std::string& path, int err) {
  return absl::InvalidArgumentError(
      absl::StrFormat("cannot read %s: %s", path, std::strerror(err)));
}

absl::Status TooLarge(const std::string& path, uint64_t max_bytes) {
  return absl::ResourceExhaustedError(absl::StrFormat(
      "cannot read %s: larger than the module size limit of %d bytes", path,
      max_bytes));
}

// When reading has to give up: the deadline and the interrupt flag.
struct Stop {
  const std::string& path;
  std::optional<Clock::time_point> deadline;
  const std::atomic<bool>* interrupt;

  absl::Status Check() const {
    if (interrupt != nullptr && interrupt->load()) {
      return absl::CancelledError("interrupted while reading " + path);
    }
    if (deadline && Clock::now() >= *deadline) {
      return absl::DeadlineExceededError(
          "timeout: deadline passed while reading " + path);
    }
    return absl::OkStatus();
  }

  // Waits until `fd` has input, its end or an error to report.
  absl::Status WaitReadable(int fd) const {
    for (;;) {
      WSBX_RETURN_IF_ERROR(Check());
      int64_t wait_ms = interrupt != nullptr ? kMaxWaitMs : -1;  // -1: no end
      if (deadline) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline -
                                                                 Clock::now());
        wait_ms = std::clamp<int64_t>(left.count(), 0,
                                      wait_ms < 0 ? INT_MAX : wait_ms);
      }
      pollfd p{fd, POLLIN, 0};
      int n = poll(&p, 1, static_cast<int>(wait_ms));
      if (n > 0) return absl::OkStatus();
      if (n < 0 && errno != EINTR) return ReadError(path, errno);
    }
  }
};

// Closes the file on every way out.
struct FdCloser {
  int fd;
  ~FdCloser() { close(fd); }
};

}  // namespace

absl::StatusOr<std::vector<uint8_t>> ReadModuleFile(
    const std::string& path, uint64_t max_bytes,
    std::optional<Clock::time_point> deadline,
    const std::atomic<bool>* interrupt) {
  const bool from_stdin = path == "-";
  const std::string name = from_stdin ? std::string("stdin") : path;
  const Stop stop{name, deadline, interrupt};
  // Non-blocking, so that opening a FIFO with no writer returns at once.
  // Standard input is opened anew through /dev/stdin, so that the flag is
  // not set on the description the shell shares; where that cannot be
  // opened (a socket), a duplicate of descriptor 0 is read as it is.
  int fd = open(from_stdin ? "/dev/stdin" : path.c_str(),
                O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && from_stdin) fd = fcntl(0, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrFormat("cannot read %s: %s", name, std::strerror(errno)));
  }
  FdCloser closer{fd};
  std::vector<uint8_t> bytes;
  // A regular file's size is known: too large is refused before reading,
  // and otherwise one buffer of that size (plus a byte to see the end) is
  // filled and becomes the module's, with nothing regrown, copied or cleared
  // beyond it. Pipes and files that grow while being read take chunks.
  struct stat st;
  const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
      return TooLarge(name, max_bytes);
    }
    bytes.reserve(static_cast<size_t>(st.st_size) + 1);
  }
  for (;;) {
    if (bytes.size() > max_bytes) return TooLarge(name, max_bytes);
    // Anything but a regular file is waited for before each read: that is
    // where the deadline applies, and a FIFO whose writer has not come yet
    // would otherwise read as empty.
    WSBX_RETURN_IF_ERROR(regular ? stop.Check() : stop.WaitReadable(fd));
    size_t old_size = bytes.size();
    size_t room = bytes.capacity() - old_size;
    bytes.resize(old_size + (room > 0 ? room : kChunk));
    ssize_t n = read(fd, bytes.data() + old_size, bytes.size() - old_size);
    if (n < 0) {
      int err = errno;
      bytes.resize(old_size);
      if (err == EINTR || err == EAGAIN) continue;  // wait again
      return ReadError(name, err);
    }
    bytes.resize(old_size + static_cast<size_t>(n));
    if (n == 0) break;
  }
  return bytes;
}

}  // namespace wsbx
