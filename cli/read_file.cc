// Bounded, error-checked file reading with plain POSIX calls (no stream
// exceptions can escape).
#include "cli/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"

namespace wsbx {

absl::StatusOr<std::vector<uint8_t>> ReadModuleFile(const std::string& path,
                                                    uint64_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrFormat("cannot read %s: %s", path, std::strerror(errno)));
  }
  std::vector<uint8_t> bytes;
  // A regular file's size is known: one buffer of that size (plus a byte
  // to see the end) is filled and becomes the module's, with nothing
  // regrown, copied or cleared beyond it. Pipes and files that grow while
  // being read take chunks.
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<uint64_t>(st.st_size) <= max_bytes) {
    bytes.reserve(static_cast<size_t>(st.st_size) + 1);
  }
  constexpr size_t kChunk = 1 << 16;
  for (;;) {
    if (bytes.size() > max_bytes) {
      close(fd);
      return absl::ResourceExhaustedError(absl::StrFormat(
          "cannot read %s: larger than the module size limit of %d bytes",
          path, max_bytes));
    }
    size_t old_size = bytes.size();
    size_t room = bytes.capacity() - old_size;
    bytes.resize(old_size + (room > 0 ? room : kChunk));
    ssize_t n = read(fd, bytes.data() + old_size, bytes.size() - old_size);
    if (n < 0 && errno == EINTR) {
      bytes.resize(old_size);
      continue;
    }
    if (n < 0) {
      int err = errno;
      close(fd);
      return absl::InvalidArgumentError(
          absl::StrFormat("cannot read %s: %s", path, std::strerror(err)));
    }
    bytes.resize(old_size + static_cast<size_t>(n));
    if (n == 0) break;
  }
  close(fd);
  return bytes;
}

}  // namespace wsbx
