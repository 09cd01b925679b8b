// Where `wsbx run --audit FILE` writes the refused WASI operations, as JSON
// Lines. FILE is opened before the guest runs, so a path that cannot be
// written is refused up front. A FILE that is already open in wsbx — its
// stdout or stderr (by any path to the same file: /dev/stderr, /dev/fd/2, the
// file stderr was redirected to) or another inherited descriptor named as
// /dev/fd/N — is written through that descriptor, after what is already
// there: never truncated, so the guest's own output in it is kept. Any other
// FILE is created or truncated.
#ifndef WSBX_CLI_AUDIT_LOG_H_
#define WSBX_CLI_AUDIT_LOG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "wasi/wasi.h"

namespace wsbx {

class AuditLog {
 public:
  static absl::StatusOr<AuditLog> Open(const std::string& path);
  AuditLog(AuditLog&& other) noexcept;
  AuditLog& operator=(AuditLog&&) = delete;
  ~AuditLog();

  // Writes every event `wasi` recorded, then one line counting the events
  // it dropped (if any).
  absl::Status Write(const Wasi& wasi) const;

  // True when FILE is written through a descriptor wsbx already had.
  bool shares_descriptor() const { return !owned_; }

 private:
  AuditLog(std::string path, int fd, bool owned)
      : path_(std::move(path)), fd_(fd), owned_(owned) {}
  std::string path_;
  int fd_;
  bool owned_;  // opened here (and closed by the destructor)
};

}  // namespace wsbx

#endif  // WSBX_CLI_AUDIT_LOG_H_
