// The state behind one Wasi object (arguments, environment, fd table, path
// resolver, audit log) and the implementations of the 46 functions. Each
// takes its raw argument slots and returns a WASI errno; a trap (proc_exit,
// deadline) is reported through Call::trap.
#ifndef WSBX_WASI_CONTEXT_H_
#define WSBX_WASI_CONTEXT_H_

#include <poll.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/store/store.h"
#include "wasi/abi.h"
#include "wasi/audit.h"
#include "wasi/fd_table.h"
#include "wasi/guest_memory.h"
#include "wasi/path_resolver.h"
#include "wasi/wasi.h"

namespace wsbx::wasi {

// One host call in progress.
struct Call {
  HostContext& host;
  GuestMemory mem;
  const char* function;
  TrapKind trap = TrapKind::kNone;
};

using Clock = std::chrono::steady_clock;
using Arg = std::pair<const char*, std::string>;

// Where poll_oneoff finds a subscription's fields (they moved between
// snapshot 0 and preview1; see abi.h).
struct SubscriptionLayout {
  uint32_t size;
  uint32_t clock_id, clock_timeout, clock_flags;  // offsets in a subscription
  uint32_t fd;
};
inline constexpr SubscriptionLayout kPreview1Subscription = {
    kSubscriptionSize, 16, 24, 40, 16};
inline constexpr SubscriptionLayout kSnapshot0Subscription = {
    snapshot0::kSubscriptionSize, 24, 32, 48, 16};

class Context {
 public:
  Context(WasiOptions options, FdTable fds);

  const std::vector<AuditEvent>& events() const { return events_; }
  uint64_t dropped_events() const { return dropped_events_; }
  bool ended_by_denial() const { return ended_by_denial_; }
  bool uses_openat2() const { return resolver_.uses_openat2(); }
  uint64_t stdout_bytes() const {
    return stdout_bytes_.load(std::memory_order_relaxed);
  }
  uint64_t stderr_bytes() const {
    return stderr_bytes_.load(std::memory_order_relaxed);
  }
  void set_deadline(std::optional<Clock::time_point> d) {
    options_.deadline = d;
  }

  // Records a refusal and returns its errno.
  uint16_t Refuse(Call& c, uint16_t error, std::string reason,
                  std::initializer_list<Arg> args);
  // badf when fd is not open; notcapable (audited) when it lacks `needed`.
  uint16_t Lookup(Call& c, uint32_t fd, uint64_t needed, FdEntry** out);
  // notcapable (audited, with `context` such as the path) when the open fd
  // `e` lacks `needed`.
  uint16_t CheckRights(Call& c, uint32_t fd, const FdEntry* e, uint64_t needed,
                       std::initializer_list<Arg> context = {});

  // The single place a WASI call blocks: waits for `fds` (may be empty)
  // until `until` or the options' deadline. Returns the ready count, 0 on
  // `until`, or -1 with c.trap = kTimeout when the deadline passed.
  int Wait(Call& c, std::span<pollfd> fds,
           std::optional<Clock::time_point> until);
  // True, with c.trap set, once the deadline has passed or an interrupt was
  // requested: long host calls check it between chunks of work.
  bool Stopped(Call& c);

  // wasi_misc.cc
  uint16_t ArgsGet(Call& c, const uint64_t* a);
  uint16_t ArgsSizesGet(Call& c, const uint64_t* a);
  uint16_t EnvironGet(Call& c, const uint64_t* a);
  uint16_t EnvironSizesGet(Call& c, const uint64_t* a);
  uint16_t ClockResGet(Call& c, const uint64_t* a);
  uint16_t ClockTimeGet(Call& c, const uint64_t* a);
  uint16_t PollOneoff(Call& c, const uint64_t* a);
  uint16_t ProcExit(Call& c, const uint64_t* a);
  uint16_t ProcRaise(Call& c, const uint64_t* a);
  uint16_t SchedYield(Call& c, const uint64_t* a);
  uint16_t RandomGet(Call& c, const uint64_t* a);
  uint16_t SockAccept(Call& c, const uint64_t* a);
  uint16_t SockRecv(Call& c, const uint64_t* a);
  uint16_t SockSend(Call& c, const uint64_t* a);
  uint16_t SockShutdown(Call& c, const uint64_t* a);

  // wasi_fd.cc
  uint16_t FdAdvise(Call& c, const uint64_t* a);
  uint16_t FdAllocate(Call& c, const uint64_t* a);
  uint16_t FdClose(Call& c, const uint64_t* a);
  uint16_t FdDatasync(Call& c, const uint64_t* a);
  uint16_t FdFdstatGet(Call& c, const uint64_t* a);
  uint16_t FdFdstatSetFlags(Call& c, const uint64_t* a);
  uint16_t FdFdstatSetRights(Call& c, const uint64_t* a);
  uint16_t FdFilestatGet(Call& c, const uint64_t* a);
  uint16_t FdFilestatSetSize(Call& c, const uint64_t* a);
  uint16_t FdFilestatSetTimes(Call& c, const uint64_t* a);
  uint16_t FdPread(Call& c, const uint64_t* a);
  uint16_t FdPrestatGet(Call& c, const uint64_t* a);
  uint16_t FdPrestatDirName(Call& c, const uint64_t* a);
  uint16_t FdPwrite(Call& c, const uint64_t* a);
  uint16_t FdRead(Call& c, const uint64_t* a);
  uint16_t FdReaddir(Call& c, const uint64_t* a);
  uint16_t FdRenumber(Call& c, const uint64_t* a);
  uint16_t FdSeek(Call& c, const uint64_t* a);
  uint16_t FdSync(Call& c, const uint64_t* a);
  uint16_t FdTell(Call& c, const uint64_t* a);
  uint16_t FdWrite(Call& c, const uint64_t* a);

  // wasi_path.cc
  uint16_t PathCreateDirectory(Call& c, const uint64_t* a);
  uint16_t PathFilestatGet(Call& c, const uint64_t* a);
  uint16_t PathFilestatSetTimes(Call& c, const uint64_t* a);
  uint16_t PathLink(Call& c, const uint64_t* a);
  uint16_t PathOpen(Call& c, const uint64_t* a);
  uint16_t PathReadlink(Call& c, const uint64_t* a);
  uint16_t PathRemoveDirectory(Call& c, const uint64_t* a);
  uint16_t PathRename(Call& c, const uint64_t* a);
  uint16_t PathSymlink(Call& c, const uint64_t* a);
  uint16_t PathUnlinkFile(Call& c, const uint64_t* a);

  // snapshot0.cc: the wasi_unstable calls whose ABI differs from preview1's.
  uint16_t Snapshot0FdFdstatGet(Call& c, const uint64_t* a);
  uint16_t Snapshot0FdFilestatGet(Call& c, const uint64_t* a);
  uint16_t Snapshot0FdSeek(Call& c, const uint64_t* a);
  uint16_t Snapshot0PathFilestatGet(Call& c, const uint64_t* a);
  uint16_t Snapshot0PollOneoff(Call& c, const uint64_t* a);

 private:
  // What fd_filestat_get and path_filestat_get report, before it is stored
  // in either snapshot's layout.
  uint16_t FdStat(Call& c, uint32_t fd, struct stat* st);
  uint16_t PathStat(Call& c, const uint64_t* a, struct stat* st);
  // poll_oneoff over subscriptions in `layout`.
  uint16_t Poll(Call& c, const uint64_t* a, const SubscriptionLayout& layout);
  // Shared by the fd and path functions.
  uint16_t ReadPath(Call& c, uint64_t ptr, uint64_t len, std::string* out);
  uint16_t ResolveFailed(Call& c, const Resolved& r,
                         std::initializer_list<Arg> args);
  // Gathers up to IOV_MAX guest iovecs as host iovecs (bounds-checked).
  // fd_pread / fd_pwrite: the same checks around preadv / pwritev.
  using PositionedIoFn = ssize_t (*)(int, const struct iovec*, int, off_t);
  uint16_t PositionedIo(Call& c, const uint64_t* a, uint64_t right,
                        PositionedIoFn io);
  uint16_t GatherIovecs(Call& c, uint64_t iovs, uint64_t count,
                        std::vector<struct iovec>* out);
  // Before each read or write syscall: for a stream the guest sees as
  // blocking, waits until it is ready (polling against the deadline when
  // there is one, or when the host fd turned out non-blocking: `blocked`);
  // kIntr with c.trap set when the deadline passed or an interrupt came.
  uint16_t WaitIo(Call& c, FdEntry* e, short events, bool blocked);
  // Bytes per read/write syscall on `e` (see wasi_fd.cc).
  size_t IoChunk(const FdEntry* e) const;
  uint16_t WriteAll(Call& c, FdEntry* e, std::vector<struct iovec>& iov,
                    uint64_t* written);
  uint16_t StringList(Call& c, const std::vector<std::string>& list,
                      uint64_t ptrs, uint64_t buf);
  uint16_t StringListSizes(Call& c, const std::vector<std::string>& list,
                           uint64_t count_ptr, uint64_t size_ptr);
  uint16_t FillListing(FdEntry* e);

  // wasi_stdio.cc: the standard streams' own rules.
  // fd_read from WasiOptions::stdin_data (0 bytes once all were read).
  uint16_t ReadStdinData(Call& c, const std::vector<struct iovec>& iov,
                         uint64_t* read);
  // fd_write to the guest's stdout or stderr: cuts the write to what
  // max_output_bytes leaves (fbig, audited, when nothing is left), hands it
  // to the sink or to WriteAll, and counts what was written.
  uint16_t WriteOutput(Call& c, uint32_t fd, FdEntry* e,
                       std::vector<struct iovec>& iov, uint64_t* written);
  // poll_oneoff on an in-memory stream: true when ready for `read` (or for
  // writing), with the bytes readable and the event flags.
  bool InMemoryReady(const FdEntry* e, bool read, uint64_t* nbytes,
                     uint16_t* flags) const;
  uint16_t NoSocket(Call& c, uint32_t fd);
  uint16_t Record(Call& c, uint16_t error, std::string reason,
                  std::vector<std::pair<std::string, std::string>> args);

  WasiOptions options_;
  FdTable fds_;
  PathResolver resolver_;
  std::vector<AuditEvent> events_;
  uint64_t dropped_events_ = 0;
  bool ended_by_denial_ = false;
  size_t stdin_pos_ = 0;  // bytes of options_.stdin_data read so far
  // Written by the guest's thread, read by Wasi's accessors on any thread.
  std::atomic<uint64_t> stdout_bytes_{0};
  std::atomic<uint64_t> stderr_bytes_{0};
};

inline uint32_t U32(uint64_t slot) { return static_cast<uint32_t>(slot); }

// The WASI filetype of a host st_mode.
uint8_t FiletypeOf(unsigned mode);
// A host stat's filestat fields in nanoseconds and WASI filetypes.
struct Filestat {
  uint64_t dev, ino;
  uint8_t filetype;
  uint64_t nlink, size, atim, mtim, ctim;
};
Filestat FilestatOf(const struct stat& st);
// Writes a 64-byte filestat for `st` at ptr; false when out of bounds.
bool StoreFilestat(const GuestMemory& mem, uint64_t ptr, const struct stat& st);

// Converts atim/mtim/fstflags to utimensat's pair; false on invalid flags.
bool TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t fst,
                    struct timespec out[2]);

// The implementation of wasi_unstable's `name` given preview1's `impl`: the
// same for the calls whose ABI did not change, an adapter for those that
// did, null for a function snapshot 0 does not have (sock_accept).
using Impl = uint16_t (Context::*)(Call&, const uint64_t*);
Impl Snapshot0Impl(std::string_view name, Impl impl);

}  // namespace wsbx::wasi

#endif  // WSBX_WASI_CONTEXT_H_
