// The --audit log file (audit_log.h): which descriptor it goes to, and its
// JSON Lines.
#include "cli/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/output.h"

namespace wsbx {
namespace {

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// The descriptor wsbx already has open that `path` names, if any.
std::optional<int> OwnDescriptor(const std::string& path) {
  for (absl::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    absl::string_view rest = path;
    int fd;
    if (absl::ConsumePrefix(&rest, prefix) && absl::SimpleAtoi(rest, &fd) &&
        fd >= 0 && fcntl(fd, F_GETFD) != -1) {
      return fd;
    }
  }
  struct stat target;
  if (stat(path.c_str(), &target) != 0) return std::nullopt;
  for (int fd : {1, 2}) {
    struct stat st;
    if (fstat(fd, &st) == 0 && SameFile(st, target)) return fd;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<AuditLog> AuditLog::Open(const std::string& path) {
  if (path == "-") return AuditLog("stderr", 2, /*owned=*/false, kStderrPrefix);
  if (std::optional<int> fd = OwnDescriptor(path)) {
    if ((fcntl(*fd, F_GETFL) & O_ACCMODE) == O_RDONLY) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "--audit: cannot write %s: open for reading only", path));
    }
    return AuditLog(path, *fd, /*owned=*/false);
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--audit: cannot write %s: %s", path, std::strerror(errno)));
  }
  return AuditLog(path, fd, /*owned=*/true);
}

AuditLog::AuditLog(AuditLog&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(other.fd_),
      owned_(other.owned_),
      prefix_(std::move(other.prefix_)) {
  other.owned_ = false;
}

AuditLog::~AuditLog() {
  if (owned_) close(fd_);
}

absl::Status AuditLog::Write(const Wasi& wasi) const {
  std::string text = wasi.AuditLogText();
  if (!prefix_.empty()) {
    std::string prefixed;
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      absl::StrAppend(&prefixed, prefix_, line, "\n");
    }
    text = std::move(prefixed);
  }
  if (!WriteAll(fd_, text)) {
    return absl::UnavailableError(absl::StrFormat(
        "cannot write audit log %s: %s", path_, std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace wsbx
