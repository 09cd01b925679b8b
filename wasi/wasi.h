// WASI preview1 (`wasi_snapshot_preview1`), and snapshot 0 (`wasi_unstable`)
// through the same implementation, deny by default: a guest gets
// stdin/stdout/stderr, its arguments, clocks and random, plus exactly the
// directories and environment variables granted in WasiOptions. Every
// refused operation is recorded as an audit event.
#ifndef WSBX_WASI_WASI_H_
#define WSBX_WASI_WASI_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/module.h"
#include "runtime/store/store.h"
#include "wasi/audit.h"

namespace wsbx {

inline constexpr std::string_view kWasiModuleName = "wasi_snapshot_preview1";
// Snapshot 0, still imported by older toolchains (docs/wasi.md,
// "wasi_unstable").
inline constexpr std::string_view kWasiUnstableModuleName = "wasi_unstable";

// True for the import module names whose functions Wasi provides.
bool IsWasiModuleName(std::string_view module);

struct WasiPreopen {
  std::string host_path;   // a host directory
  std::string guest_path;  // the name the guest sees ("/", ".", "data", ...)
  bool read_only = false;
};

struct WasiOptions {
  std::vector<std::string> args;  // args[0] is the program name
  std::vector<std::string> env;   // "NAME=VALUE" entries, passed verbatim
  std::vector<WasiPreopen> preopens;  // guest fds 3, 4, ... in this order
  // Resolve paths with the portable O_NOFOLLOW walk even when the kernel
  // has openat2 (tests run both engines).
  bool force_path_walk = false;
  // Blocking calls (fd_read on a pipe, poll_oneoff) give up at this wall
  // clock time and the host function returns TrapKind::kTimeout.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // When set and true, blocking and long calls return at once with
  // TrapKind::kInterrupted (the CLI sets it from SIGINT/SIGTERM, whose
  // handlers interrupt the syscall in progress).
  const std::atomic<bool>* interrupt = nullptr;
  int stdin_fd = 0;  // host fds behind guest fds 0-2 (not owned)
  int stdout_fd = 1;
  int stderr_fd = 2;

  // Stdio for embedders (docs/wasi.md, "Stdio for embedders"). Each one,
  // when set, replaces the host fd above for its stream. A stream stays
  // with its fd entry when the guest renumbers it.
  //
  // Guest fd 0 reads these bytes, then end of file. It has a host stdin's
  // rights (no seek, tell or pread: notcapable); fd_fdstat_get and
  // fd_filestat_get report filetype `unknown`, what a host pipe shows; and
  // poll_oneoff finds it readable at once.
  std::optional<std::string> stdin_data;
  // Bytes the guest writes to fd 1 / fd 2 are handed to the sink instead:
  // synchronously on the guest's thread, in order, never dropped, in one
  // call per non-empty iovec of an fd_write (never an empty call). The view
  // points into guest memory and is valid only during the call; the sink
  // must not throw or call into the guest. Such fds report filetype
  // `unknown` too.
  std::function<void(std::string_view)> stdout_sink;
  std::function<void(std::string_view)> stderr_sink;
  // What the guest may write to stdout and stderr together, sinks and host
  // fds alike. The fd_write that crosses the cap writes what fits and
  // returns that count; once the cap is reached every non-empty fd_write to
  // them fails with `fbig`, recorded as an audit event. An fd_write of
  // 0 bytes always succeeds.
  uint64_t max_output_bytes = UINT64_MAX;

  size_t max_audit_events = 100000;  // later refusals are counted only

  // A refused operation (any call that records an audit event) ends the
  // guest with TrapKind::kHostError naming the call, instead of returning
  // its errno; the event is still recorded, marked ended_guest.
  bool exit_on_denied = false;
};

namespace wasi {
class Context;
}

class Wasi {
 public:
  // Opens the preopened directories; fails when one cannot be opened.
  static absl::StatusOr<std::unique_ptr<Wasi>> Create(WasiOptions options);
  ~Wasi();
  Wasi(const Wasi&) = delete;
  Wasi& operator=(const Wasi&) = delete;

  // Resolves a module's imports in import order: every wasi_snapshot_preview1
  // or wasi_unstable function becomes a host function in `store`. Any other import, or a WASI
  // import with the wrong kind or signature, is an error naming it.
  // The Wasi object must outlive every call into the returned functions.
  absl::StatusOr<std::vector<Extern>> LinkImports(Store& store,
                                                  const Module& module);

  // The WASI function `name` as a host function with its witx signature;
  // null `signature` result when the name is not a WASI function.
  HostFunction Function(std::string_view name, FuncType* signature);
  // The same for module `module` (either WASI module name); null when the
  // module is neither or has no function `name`.
  HostFunction Function(std::string_view module, std::string_view name,
                        FuncType* signature);

  // Every refusal so far, oldest first.
  const std::vector<wasi::AuditEvent>& events() const;
  uint64_t dropped_events() const;
  // True once a refusal ended the guest (WasiOptions::exit_on_denied).
  bool ended_by_denial() const;
  // events() as JSON Lines, plus a last line counting dropped events.
  std::string AuditLogText() const;
  // Writes AuditLogText() to a file (created or truncated).
  absl::Status WriteAuditLog(const std::string& path) const;

  // Bytes the guest has written to its stdout and stderr so far (sinks or
  // host fds; what max_output_bytes counts). Safe to read from any thread.
  uint64_t stdout_bytes() const;
  uint64_t stderr_bytes() const;
  uint64_t output_bytes() const { return stdout_bytes() + stderr_bytes(); }

  bool uses_openat2() const;
  // The deadline for blocking calls may be set or moved at any time.
  void set_deadline(
      std::optional<std::chrono::steady_clock::time_point> deadline);

 private:
  explicit Wasi(std::unique_ptr<wasi::Context> ctx);
  std::unique_ptr<wasi::Context> ctx_;
};

// The 46 function names of wasi_snapshot_preview1, in witx order; for
// wasi_unstable the 45 of snapshot 0 (no sock_accept); none for other names.
std::vector<std::string_view> WasiFunctionNames(
    std::string_view module = kWasiModuleName);

}  // namespace wsbx

#endif  // WSBX_WASI_WASI_H_
