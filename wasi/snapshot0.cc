// wasi_unstable (WASI snapshot 0) on top of the preview1 implementation.
// Only the calls whose ABI changed get an adapter here; each one does the
// preview1 work and translates at the edge (whence values, the filestat and
// subscription layouts, rights bits), so both snapshots share every check.
#include <sys/stat.h>

#include <cstdint>
#include <cstring>
#include <string_view>

#include "wasi/context.h"

namespace wsbx::wasi {
namespace {

// Writes the 56-byte snapshot-0 filestat; false when out of bounds.
bool StoreSnapshot0Filestat(const GuestMemory& mem, uint64_t ptr,
                            const struct stat& st) {
  Filestat f = FilestatOf(st);
  // linkcount is u32 here: a count beyond it reads as the largest one.
  uint32_t nlink =
      f.nlink > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(f.nlink);
  uint8_t buf[snapshot0::kFilestatSize] = {};
  auto put64 = [&](int off, uint64_t v) { std::memcpy(buf + off, &v, 8); };
  put64(0, f.dev);
  put64(8, f.ino);
  buf[16] = f.filetype;
  std::memcpy(buf + 20, &nlink, 4);
  put64(24, f.size);
  put64(32, f.atim);
  put64(40, f.mtim);
  put64(48, f.ctim);
  return mem.Write(ptr, buf, sizeof buf);
}

struct Adapter {
  std::string_view name;
  Impl impl;
};

constexpr Adapter kAdapters[] = {
    {"fd_fdstat_get", &Context::Snapshot0FdFdstatGet},
    {"fd_filestat_get", &Context::Snapshot0FdFilestatGet},
    {"fd_seek", &Context::Snapshot0FdSeek},
    {"path_filestat_get", &Context::Snapshot0PathFilestatGet},
    {"poll_oneoff", &Context::Snapshot0PollOneoff},
};

}  // namespace

Impl Snapshot0Impl(std::string_view name, Impl impl) {
  if (name == "sock_accept") return nullptr;  // added in preview1
  for (const Adapter& a : kAdapters) {
    if (a.name == name) return a.impl;
  }
  return impl;
}

uint16_t Context::Snapshot0FdFdstatGet(Call& c, const uint64_t* a) {
  uint16_t err = FdFdstatGet(c, a);
  if (err != kSuccess) return err;
  // Snapshot 0 has no sock_accept right: never show the guest that bit.
  // FdFdstatGet succeeded, so the 24 bytes at the pointer are in bounds.
  uint64_t ptr = U32(a[1]);
  for (uint64_t field : {ptr + 8, ptr + 16}) {
    uint64_t r = 0;
    c.mem.Load(field, &r);
    c.mem.Store(field, r & snapshot0::kRightsAll);
  }
  return kSuccess;
}

uint16_t Context::Snapshot0FdFilestatGet(Call& c, const uint64_t* a) {
  struct stat st;
  if (uint16_t err = FdStat(c, U32(a[0]), &st)) return err;
  return StoreSnapshot0Filestat(c.mem, U32(a[1]), st) ? kSuccess : kFault;
}

uint16_t Context::Snapshot0PathFilestatGet(Call& c, const uint64_t* a) {
  struct stat st;
  if (uint16_t err = PathStat(c, a, &st)) return err;
  return StoreSnapshot0Filestat(c.mem, U32(a[4]), st) ? kSuccess : kFault;
}

uint16_t Context::Snapshot0FdSeek(Call& c, const uint64_t* a) {
  uint64_t args[4] = {a[0], a[1], a[2], a[3]};
  switch (U32(a[2])) {
    case snapshot0::kWhenceCur:
      args[2] = kWhenceCur;
      break;
    case snapshot0::kWhenceEnd:
      args[2] = kWhenceEnd;
      break;
    case snapshot0::kWhenceSet:
      args[2] = kWhenceSet;
      break;
    default:
      break;  // out of range in both: preview1 says inval
  }
  return FdSeek(c, args);
}

uint16_t Context::Snapshot0PollOneoff(Call& c, const uint64_t* a) {
  return Poll(c, a, kSnapshot0Subscription);
}

}  // namespace wsbx::wasi
