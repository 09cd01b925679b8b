// Arguments, environment, clocks, random, poll_oneoff, process and socket
// functions, plus the Context plumbing shared by all calls: rights lookup,
// audit records and the one blocking wait that honours the deadline.
#include <sched.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "wasi/context.h"

namespace wsbx::wasi {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }

bool HostClock(uint32_t id, clockid_t* out) {
  switch (id) {
    case kClockRealtime: *out = CLOCK_REALTIME; return true;
    case kClockMonotonic: *out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t Nanos(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

Context::Context(WasiOptions options, FdTable fds)
    : options_(std::move(options)),
      fds_(std::move(fds)),
      resolver_(options_.force_path_walk) {}

uint16_t Context::Refuse(Call& c, uint16_t error, std::string reason,
                         std::initializer_list<Arg> args) {
  return Record(c, error, std::move(reason),
                std::vector<std::pair<std::string, std::string>>(
                    args.begin(), args.end()));
}

uint16_t Context::Record(Call& c, uint16_t error, std::string reason,
                         std::vector<std::pair<std::string, std::string>> args) {
  // The host function returns c.trap once the call unwinds; the errno it
  // would have returned is never seen by the guest.
  const bool end_guest = options_.exit_on_denied && c.trap == TrapKind::kNone;
  if (end_guest) {
    c.trap = TrapKind::kHostError;
    c.host.trap_message = absl::StrFormat(
        "%s refused (%s: %s); the policy's on_denied is \"exit\"",
        c.function, ErrnoName(error), reason);
    ended_by_denial_ = true;
  }
  if (events_.size() >= options_.max_audit_events) {
    ++dropped_events_;
    return error;
  }
  AuditEvent ev;
  ev.time = std::chrono::system_clock::now();
  ev.function = c.function;
  ev.args = std::move(args);
  ev.error = error;
  ev.reason = std::move(reason);
  ev.ended_guest = end_guest;
  events_.push_back(std::move(ev));
  return error;
}

uint16_t Context::Lookup(Call& c, uint32_t fd, uint64_t needed, FdEntry** out) {
  FdEntry* e = fds_.Get(fd);
  if (e == nullptr) return kBadf;
  if (uint16_t err = CheckRights(c, fd, e, needed)) return err;
  *out = e;
  return kSuccess;
}

uint16_t Context::CheckRights(Call& c, uint32_t fd, const FdEntry* e,
                              uint64_t needed,
                              std::initializer_list<Arg> context) {
  uint64_t missing = needed & ~e->rights_base;
  if (missing == 0) return kSuccess;
  std::string reason = e->read_only && (missing & rights::kMutating)
                           ? "read-only directory"
                           : "fd lacks the rights for this call";
  std::vector<std::pair<std::string, std::string>> args = {{"fd", Num(fd)}};
  args.insert(args.end(), context.begin(), context.end());
  args.emplace_back("missing_rights", Num(missing));
  return Record(c, kNotcapable, std::move(reason), std::move(args));
}

bool Context::Stopped(Call& c) {
  if (options_.interrupt != nullptr && options_.interrupt->load()) {
    c.trap = TrapKind::kInterrupted;
    c.host.trap_message = "interrupted during a host call";
    return true;
  }
  if (!options_.deadline || Clock::now() < *options_.deadline) return false;
  c.trap = TrapKind::kTimeout;
  c.host.trap_message = "timeout: deadline passed during a host call";
  return true;
}

int Context::Wait(Call& c, std::span<pollfd> fds,
                  std::optional<Clock::time_point> until) {
  for (;;) {
    Clock::time_point now = Clock::now();
    bool deadline_first = options_.deadline &&
                          (!until || *options_.deadline <= *until);
    std::optional<Clock::time_point> stop =
        deadline_first ? options_.deadline : until;
    struct timespec ts{};
    struct timespec* tsp = nullptr;
    if (stop) {
      auto left = std::max(Clock::duration::zero(), *stop - now);
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      ts.tv_sec = static_cast<time_t>(ns / 1000000000);
      ts.tv_nsec = static_cast<long>(ns % 1000000000);
      tsp = &ts;
    }
    int n = ppoll(fds.data(), fds.size(), tsp, nullptr);
    if (n < 0 && errno == EINTR) {
      if (Stopped(c)) return -1;  // an interrupt (the signal woke ppoll)
      continue;
    }
    if (n > 0 || n < 0) return n < 0 ? 0 : n;
    if (stop && Clock::now() < *stop) continue;  // woke early
    if (deadline_first) {
      c.trap = TrapKind::kTimeout;
      c.host.trap_message = "timeout: deadline passed while the guest waited";
      return -1;
    }
    return 0;
  }
}

uint16_t Context::StringListSizes(Call& c, const std::vector<std::string>& list,
                                  uint64_t count_ptr, uint64_t size_ptr) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (!c.mem.InBounds(count_ptr, 4) || !c.mem.InBounds(size_ptr, 4)) return kFault;
  c.mem.Store<uint32_t>(count_ptr, static_cast<uint32_t>(list.size()));
  c.mem.Store<uint32_t>(size_ptr, static_cast<uint32_t>(bytes));
  return kSuccess;
}

uint16_t Context::StringList(Call& c, const std::vector<std::string>& list,
                             uint64_t ptrs, uint64_t buf) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (!c.mem.InBounds(ptrs, 4 * list.size()) || !c.mem.InBounds(buf, bytes)) {
    return kFault;
  }
  uint64_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    c.mem.Store<uint32_t>(ptrs + 4 * i, static_cast<uint32_t>(at));
    c.mem.Write(at, list[i].c_str(), list[i].size() + 1);
    at += list[i].size() + 1;
  }
  return kSuccess;
}

uint16_t Context::ArgsGet(Call& c, const uint64_t* a) {
  return StringList(c, options_.args, U32(a[0]), U32(a[1]));
}
uint16_t Context::ArgsSizesGet(Call& c, const uint64_t* a) {
  return StringListSizes(c, options_.args, U32(a[0]), U32(a[1]));
}
uint16_t Context::EnvironGet(Call& c, const uint64_t* a) {
  return StringList(c, options_.env, U32(a[0]), U32(a[1]));
}
uint16_t Context::EnvironSizesGet(Call& c, const uint64_t* a) {
  return StringListSizes(c, options_.env, U32(a[0]), U32(a[1]));
}

uint16_t Context::ClockResGet(Call& c, const uint64_t* a) {
  clockid_t id;
  if (!HostClock(U32(a[0]), &id)) return kInval;
  struct timespec ts;
  if (clock_getres(id, &ts) != 0) return ErrnoFromHost(errno);
  return c.mem.Store<uint64_t>(U32(a[1]), Nanos(ts)) ? kSuccess : kFault;
}

uint16_t Context::ClockTimeGet(Call& c, const uint64_t* a) {
  clockid_t id;
  if (!HostClock(U32(a[0]), &id)) return kInval;
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) return ErrnoFromHost(errno);
  return c.mem.Store<uint64_t>(U32(a[2]), Nanos(ts)) ? kSuccess : kFault;
}

uint16_t Context::RandomGet(Call& c, const uint64_t* a) {
  uint8_t* p = c.mem.Bytes(U32(a[0]), U32(a[1]));
  if (p == nullptr) return kFault;
  size_t left = U32(a[1]);
  // Up to 4 GiB: filled a chunk at a time, stopping at the deadline.
  constexpr size_t kChunk = size_t{1} << 20;
  while (left > 0) {
    if (Stopped(c)) return kIntr;
    ssize_t n = getrandom(p, std::min(left, kChunk), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoFromHost(errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return kSuccess;
}

uint16_t Context::SchedYield(Call&, const uint64_t*) {
  sched_yield();
  return kSuccess;
}

uint16_t Context::ProcExit(Call& c, const uint64_t* a) {
  c.trap = TrapKind::kExit;
  c.host.exit_code = static_cast<int>(U32(a[0]));
  c.host.trap_message = "exit " + Num(U32(a[0]));
  return kSuccess;
}

// Signals, like sockets, are not part of the sandbox: refused with notsup.
uint16_t Context::ProcRaise(Call& c, const uint64_t* a) {
  return Refuse(c, kNotsup, "signals are not supported", {{"sig", Num(U32(a[0]))}});
}
// No socket is ever granted, so an open fd is simply not one; a host socket
// behind stdio is not handed on either (refused, audited).
uint16_t Context::NoSocket(Call& c, uint32_t fd) {
  const FdEntry* e = fds_.Get(fd);
  if (e == nullptr) return kBadf;
  if (e->type != kSocketStream && e->type != kSocketDgram) return kNotsock;
  return Refuse(c, kNotsup, "sockets are not granted", {{"fd", Num(fd)}});
}
uint16_t Context::SockAccept(Call& c, const uint64_t* a) {
  return NoSocket(c, U32(a[0]));
}
uint16_t Context::SockRecv(Call& c, const uint64_t* a) {
  return NoSocket(c, U32(a[0]));
}
uint16_t Context::SockSend(Call& c, const uint64_t* a) {
  return NoSocket(c, U32(a[0]));
}
uint16_t Context::SockShutdown(Call& c, const uint64_t* a) {
  return NoSocket(c, U32(a[0]));
}

}  // namespace wsbx::wasi
