// poll_oneoff: clock and fd subscriptions, waited for in Context::Wait so
// the wall-clock deadline can interrupt a sleeping guest. The subscription
// layout is a parameter: wasi_unstable's clock subscriptions are longer.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/context.h"

namespace wsbx::wasi {
namespace {

constexpr uint32_t kMaxSubscriptions = 65536;

struct Sub {
  uint64_t userdata = 0;
  uint8_t type = 0;
  uint16_t error = 0;  // set: reported without waiting
  bool ready = false;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
  std::optional<Clock::time_point> until;  // clock
  int poll_index = -1;                     // fd
};

// When a clock subscription fires, as a steady_clock time point.
uint16_t ClockUntil(uint32_t id, uint64_t timeout, bool abstime,
                    Clock::time_point* out) {
  clockid_t host;
  switch (id) {
    case kClockRealtime: host = CLOCK_REALTIME; break;
    case kClockMonotonic: host = CLOCK_MONOTONIC; break;
    case kClockProcessCputime: host = CLOCK_PROCESS_CPUTIME_ID; break;
    case kClockThreadCputime: host = CLOCK_THREAD_CPUTIME_ID; break;
    default: return kInval;
  }
  uint64_t wait_ns = timeout;
  if (abstime) {
    struct timespec ts;
    clock_gettime(host, &ts);
    uint64_t now = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull +
                   static_cast<uint64_t>(ts.tv_nsec);
    wait_ns = timeout > now ? timeout - now : 0;
  }
  // Cap at about 100 years so the time point cannot overflow.
  constexpr uint64_t kMaxWait = 100ull * 365 * 24 * 3600 * 1000000000ull;
  if (wait_ns > kMaxWait) wait_ns = kMaxWait;
  *out = Clock::now() + std::chrono::nanoseconds(wait_ns);
  return kSuccess;
}

// A clock subscription at `s`: when it fires, or its error.
void ReadClock(const GuestMemory& mem, uint64_t s,
               const SubscriptionLayout& layout, Sub* sub) {
  uint32_t id = 0;
  uint64_t timeout = 0;
  uint16_t flags = 0;
  mem.Load(s + layout.clock_id, &id);
  mem.Load(s + layout.clock_timeout, &timeout);
  mem.Load(s + layout.clock_flags, &flags);
  Clock::time_point until;
  sub->error = ClockUntil(id, timeout, flags & kSubclockAbstime, &until);
  if (sub->error == kSuccess) sub->until = until;
}

// The event for `sub` (one layout in both snapshots).
void WriteEvent(const GuestMemory& mem, uint64_t addr, const Sub& sub) {
  uint8_t ev[kEventSize] = {};
  std::memcpy(ev, &sub.userdata, 8);
  std::memcpy(ev + 8, &sub.error, 2);
  ev[10] = sub.type;
  if (sub.type != kEventClock) {
    std::memcpy(ev + 16, &sub.nbytes, 8);
    std::memcpy(ev + 24, &sub.flags, 2);
  }
  mem.Write(addr, ev, sizeof ev);
}

}  // namespace

uint16_t Context::PollOneoff(Call& c, const uint64_t* a) {
  return Poll(c, a, kPreview1Subscription);
}

uint16_t Context::Poll(Call& c, const uint64_t* a,
                       const SubscriptionLayout& layout) {
  uint64_t in = U32(a[0]), out = U32(a[1]);
  uint32_t nsubs = U32(a[2]);
  if (nsubs == 0 || nsubs > kMaxSubscriptions) return kInval;
  if (!c.mem.InBounds(in, uint64_t{nsubs} * layout.size) ||
      !c.mem.InBounds(out, uint64_t{nsubs} * kEventSize) ||
      !c.mem.InBounds(U32(a[3]), 4)) {
    return kFault;
  }
  std::vector<Sub> subs(nsubs);
  std::vector<pollfd> pfds;
  std::optional<Clock::time_point> earliest;
  bool immediate = false;
  for (uint32_t i = 0; i < nsubs; ++i) {
    uint64_t s = in + uint64_t{i} * layout.size;
    Sub& sub = subs[i];
    c.mem.Load(s, &sub.userdata);
    c.mem.Load(s + 8, &sub.type);
    if (sub.type == kEventClock) {
      ReadClock(c.mem, s, layout, &sub);
      if (sub.until && (!earliest || *sub.until < *earliest)) {
        earliest = sub.until;
      }
    } else if (sub.type == kEventFdRead || sub.type == kEventFdWrite) {
      uint32_t fd = 0;
      c.mem.Load(s + layout.fd, &fd);
      bool read = sub.type == kEventFdRead;
      FdEntry* e = fds_.Get(fd);
      if (e == nullptr) {
        sub.error = kBadf;
      } else if (!(e->rights_base & (rights::kPollFdReadwrite |
                                     (read ? rights::kFdRead : rights::kFdWrite)))) {
        sub.error = Refuse(c, kNotcapable, "fd lacks the rights for this call",
                           {{"fd", std::to_string(fd)}});
      } else if (e->in_memory) {
        sub.ready = InMemoryReady(e, read, &sub.nbytes, &sub.flags);
      } else if (e->type == kRegularFile || e->type == kDirectory) {
        sub.ready = true;  // files never block
        if (read) {
          struct stat st;
          off_t pos = lseek(e->host, 0, SEEK_CUR);
          if (fstat(e->host, &st) == 0 && pos >= 0 && st.st_size > pos) {
            sub.nbytes = static_cast<uint64_t>(st.st_size - pos);
          }
        }
      } else {
        sub.poll_index = static_cast<int>(pfds.size());
        pfds.push_back({e->host, static_cast<short>(read ? POLLIN : POLLOUT), 0});
      }
    } else {
      sub.error = kInval;
    }
    if (sub.error != kSuccess || sub.ready) immediate = true;
  }
  std::optional<Clock::time_point> until = immediate ? Clock::now() : earliest;
  if (Wait(c, pfds, until) < 0) return kIntr;  // deadline: c.trap is set
  Clock::time_point now = Clock::now();
  uint32_t nevents = 0;
  for (Sub& sub : subs) {
    if (sub.poll_index >= 0) {
      short re = pfds[sub.poll_index].revents;
      if (re & POLLNVAL) sub.error = kBadf;
      else if (re & (POLLIN | POLLOUT | POLLHUP | POLLERR)) sub.ready = true;
      if (re & POLLHUP) sub.flags |= kEventFdReadwriteHangup;
      if (sub.ready && sub.type == kEventFdRead) {
        int avail = 0;
        if (ioctl(pfds[sub.poll_index].fd, FIONREAD, &avail) == 0 && avail > 0) {
          sub.nbytes = static_cast<uint64_t>(avail);
        }
      }
    } else if (sub.until && *sub.until <= now) {
      sub.ready = true;
    }
    if (!sub.ready && sub.error == kSuccess) continue;
    WriteEvent(c.mem, out + uint64_t{nevents} * kEventSize, sub);
    ++nevents;
  }
  c.mem.Store<uint32_t>(U32(a[3]), nevents);
  return kSuccess;
}

}  // namespace wsbx::wasi
