// Where `wsbx run --audit FILE` writes the refused WASI operations, as JSON
// Lines. FILE is opened before the guest runs, so a path that cannot be
// written is refused up front. A FILE that is already open in wsbx — its
// stdout or stderr (by any path to the same file: /dev/stderr, /dev/fd/2, the
// file stderr was redirected to) or another inherited descriptor named as
// /dev/fd/N — is written through that descriptor, after what is already
// there: never truncated, so the guest's own output in it is kept. Any other
// FILE is created or truncated. FILE "-" is stderr, each line prefixed
// with "wsbx audit: " to tell it from the guest's own output.
#ifndef WSBX_CLI_AUDIT_LOG_H_
#define WSBX_CLI_AUDIT_LOG_H_

#include <string>
#include <utility>

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
  static constexpr const char* kStderrPrefix = "wsbx audit: ";
  AuditLog(std::string path, int fd, bool owned, std::string prefix = "")
      : path_(std::move(path)),
        fd_(fd),
        owned_(owned),
        prefix_(std::move(prefix)) {}
  std::string path_;
  int fd_;
  bool owned_;  // opened here (and closed by the destructor)
  std::string prefix_;  // before every line (stderr)
};

}  // namespace wsbx

#endif  // WSBX_CLI_AUDIT_LOG_H_
