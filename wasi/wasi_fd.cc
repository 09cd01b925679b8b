// The fd_* functions. Every guest pointer goes through GuestMemory; every
// fd is looked up with the rights the call needs. Writes to any fd go
// straight to write(2) or the embedder's sink (no buffering here), so
// nothing written is lost when the guest later exits, traps or runs out of
// time. Stdio's own rules (stdin_data, sinks, the output cap) are in
// wasi_stdio.cc.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/context.h"

namespace wsbx::wasi {
namespace {

constexpr uint64_t kMaxIovecs = IOV_MAX;
constexpr size_t kMaxListing = 1 << 20;  // entries kept for one fd_readdir

bool IsStream(const FdEntry* e) {
  return e->type != kRegularFile && e->type != kDirectory;
}

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

uint8_t FiletypeOf(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return kRegularFile;
    case S_IFDIR: return kDirectory;
    case S_IFLNK: return kSymbolicLink;
    case S_IFCHR: return kCharacterDevice;
    case S_IFBLK: return kBlockDevice;
    case S_IFSOCK: return kSocketStream;
    default: return kUnknown;  // FIFOs have no WASI filetype
  }
}

Filestat FilestatOf(const struct stat& st) {
  auto ns = [](const struct timespec& ts) {
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull +
           static_cast<uint64_t>(ts.tv_nsec);
  };
  return {st.st_dev, st.st_ino, FiletypeOf(st.st_mode), st.st_nlink,
          static_cast<uint64_t>(st.st_size), ns(st.st_atim), ns(st.st_mtim),
          ns(st.st_ctim)};
}

bool StoreFilestat(const GuestMemory& mem, uint64_t ptr, const struct stat& st) {
  Filestat f = FilestatOf(st);
  uint8_t buf[kFilestatSize] = {};
  auto put64 = [&](int off, uint64_t v) { std::memcpy(buf + off, &v, 8); };
  put64(0, f.dev);
  put64(8, f.ino);
  buf[16] = f.filetype;
  put64(24, f.nlink);
  put64(32, f.size);
  put64(40, f.atim);
  put64(48, f.mtim);
  put64(56, f.ctim);
  return mem.Write(ptr, buf, sizeof buf);
}

bool TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t fst,
                    struct timespec out[2]) {
  if (fst & ~uint32_t{kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow}) {
    return false;
  }
  if ((fst & kFstAtim) && (fst & kFstAtimNow)) return false;
  if ((fst & kFstMtim) && (fst & kFstMtimNow)) return false;
  auto one = [](uint64_t t, bool set, bool now, struct timespec* ts) {
    if (now) {
      ts->tv_sec = 0;
      ts->tv_nsec = UTIME_NOW;
    } else if (set) {
      ts->tv_sec = static_cast<time_t>(t / 1000000000ull);
      ts->tv_nsec = static_cast<long>(t % 1000000000ull);
    } else {
      ts->tv_sec = 0;
      ts->tv_nsec = UTIME_OMIT;
    }
  };
  one(atim, fst & kFstAtim, fst & kFstAtimNow, &out[0]);
  one(mtim, fst & kFstMtim, fst & kFstMtimNow, &out[1]);
  return true;
}

uint16_t Context::GatherIovecs(Call& c, uint64_t iovs, uint64_t count,
                               std::vector<struct iovec>* out) {
  if (count > kMaxIovecs) count = kMaxIovecs;  // a short transfer is legal
  if (!c.mem.InBounds(iovs, count * kIovecSize)) return kFault;
  uint64_t total = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    c.mem.Load(iovs + i * kIovecSize, &buf);
    c.mem.Load(iovs + i * kIovecSize + 4, &len);
    uint8_t* p = c.mem.Bytes(buf, len);
    if (p == nullptr) return kFault;
    // Keep the sum within ssize_t; later buffers are simply not used.
    if (total + len > static_cast<uint64_t>(SSIZE_MAX) / 2) break;
    total += len;
    out->push_back({p, len});
  }
  return kSuccess;
}

uint16_t Context::WaitIo(Call& c, FdEntry* e, short events, bool blocked) {
  if (e->flags & kFdflagNonblock) return kSuccess;  // EAGAIN is the answer
  if (!IsStream(e)) return Stopped(c) ? kIntr : kSuccess;
  // Without a deadline a blocking fd blocks in the syscall itself; a host fd
  // the parent left non-blocking (blocked) is waited for here instead.
  if (!options_.deadline && !blocked) return Stopped(c) ? kIntr : kSuccess;
  pollfd p{e->host, events, 0};
  return Wait(c, std::span<pollfd>(&p, 1), std::nullopt) < 0 ? kIntr : kSuccess;
}

size_t Context::IoChunk(const FdEntry* e) const {
  // With a deadline, a stream gets at most PIPE_BUF bytes per syscall: after
  // poll() reports it writable, that much never blocks. Files are cut into
  // 1 MiB pieces so the deadline is checked between them.
  if (!options_.deadline) return SIZE_MAX;
  return IsStream(e) ? PIPE_BUF : size_t{1} << 20;
}

uint16_t Context::FdAdvise(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdAdvise, &e)) return err;
  if (U32(a[3]) > kAdviceMax) return kInval;
  if (static_cast<int64_t>(a[1]) < 0 || static_cast<int64_t>(a[2]) < 0) {
    return kInval;
  }
  if (e->type == kDirectory) return kBadf;
  static const int kHostAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL,
                                    POSIX_FADV_RANDOM, POSIX_FADV_WILLNEED,
                                    POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int r = posix_fadvise(e->host, static_cast<off_t>(a[1]),
                        static_cast<off_t>(a[2]), kHostAdvice[U32(a[3])]);
  return r == ESPIPE ? kSpipe : ErrnoFromHost(r);
}

uint16_t Context::FdAllocate(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdAllocate, &e)) return err;
  int64_t off = static_cast<int64_t>(a[1]), len = static_cast<int64_t>(a[2]);
  if (off < 0 || len <= 0 || off > INT64_MAX - len) return kInval;
  return ErrnoFromHost(posix_fallocate(e->host, off, len));
}

uint16_t Context::FdClose(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), 0, &e)) return err;
  fds_.Remove(U32(a[0]));  // the OwnedFd closes the host fd
  return kSuccess;
}

uint16_t Context::FdDatasync(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdDatasync, &e)) return err;
  return fdatasync(e->host) == 0 ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::FdSync(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdSync, &e)) return err;
  return fsync(e->host) == 0 ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::FdFdstatGet(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), 0, &e)) return err;
  uint8_t buf[kFdstatSize] = {};
  buf[0] = e->type;
  std::memcpy(buf + 2, &e->flags, 2);
  std::memcpy(buf + 8, &e->rights_base, 8);
  std::memcpy(buf + 16, &e->rights_inheriting, 8);
  return c.mem.Write(a[1] & 0xffffffff, buf, sizeof buf) ? kSuccess : kFault;
}

uint16_t Context::FdFdstatSetFlags(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdFdstatSetFlags, &e)) {
    return err;
  }
  uint32_t flags = U32(a[1]);
  if (flags & ~uint32_t{0x1f}) return kInval;
  // Linux cannot change the sync modes of an open file.
  if ((flags ^ e->flags) & (kFdflagDsync | kFdflagRsync | kFdflagSync)) {
    return kNotsup;
  }
  if ((flags & kFdflagAppend) && e->read_only) {
    return Refuse(c, kNotcapable, "read-only directory",
                  {{"fd", Num(U32(a[0]))}, {"flags", Num(flags)}});
  }
  int host = fcntl(e->host, F_GETFL);
  if (host < 0) return ErrnoFromHost(errno);
  host &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) host |= O_APPEND;
  if (flags & kFdflagNonblock) host |= O_NONBLOCK;
  if (fcntl(e->host, F_SETFL, host) != 0) return ErrnoFromHost(errno);
  e->flags = static_cast<uint16_t>(flags);
  return kSuccess;
}

uint16_t Context::FdFdstatSetRights(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), 0, &e)) return err;
  if ((a[1] & ~e->rights_base) || (a[2] & ~e->rights_inheriting)) {
    return Refuse(c, kNotcapable, "rights can only be dropped",
                  {{"fd", Num(U32(a[0]))}, {"base", Num(a[1])},
                   {"inheriting", Num(a[2])}});
  }
  e->rights_base = a[1];
  e->rights_inheriting = a[2];
  return kSuccess;
}

uint16_t Context::FdStat(Call& c, uint32_t fd, struct stat* st) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, fd, rights::kFdFilestatGet, &e)) return err;
  *st = {};
  if (e->in_memory) {
    st->st_mode = S_IFIFO;  // what a host pipe behind stdio shows
    st->st_nlink = 1;
  } else if (fstat(e->host, st) != 0) {
    return ErrnoFromHost(errno);
  }
  // Say nothing of the host.
  if (e->stream != StdioStream::kNone) st->st_dev = st->st_ino = 0;
  return kSuccess;
}

uint16_t Context::FdFilestatGet(Call& c, const uint64_t* a) {
  struct stat st;
  if (uint16_t err = FdStat(c, U32(a[0]), &st)) return err;
  return StoreFilestat(c.mem, U32(a[1]), st) ? kSuccess : kFault;
}

uint16_t Context::FdFilestatSetSize(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdFilestatSetSize, &e)) {
    return err;
  }
  if (static_cast<int64_t>(a[1]) < 0) return kInval;
  return ftruncate(e->host, static_cast<off_t>(a[1])) == 0
             ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::FdFilestatSetTimes(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdFilestatSetTimes, &e)) {
    return err;
  }
  struct timespec ts[2];
  if (!TimesFromFlags(a[1], a[2], U32(a[3]), ts)) return kInval;
  return futimens(e->host, ts) == 0 ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::PositionedIo(Call& c, const uint64_t* a, uint64_t right,
                               PositionedIoFn io) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), right | rights::kFdSeek, &e)) {
    return err;
  }
  if (static_cast<int64_t>(a[3]) < 0) return kInval;
  std::vector<struct iovec> iov;
  if (uint16_t err = GatherIovecs(c, U32(a[1]), U32(a[2]), &iov)) return err;
  if (!c.mem.InBounds(U32(a[4]), 4)) return kFault;
  ssize_t n = io(e->host, iov.data(), static_cast<int>(iov.size()),
                 static_cast<off_t>(a[3]));
  if (n < 0) return ErrnoFromHost(errno);
  c.mem.Store<uint32_t>(U32(a[4]), static_cast<uint32_t>(n));
  return kSuccess;
}

uint16_t Context::FdPread(Call& c, const uint64_t* a) {
  return PositionedIo(c, a, rights::kFdRead, &preadv);
}

uint16_t Context::FdPwrite(Call& c, const uint64_t* a) {
  return PositionedIo(c, a, rights::kFdWrite, &pwritev);
}

uint16_t Context::FdPrestatGet(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), 0, &e)) return err;
  if (!e->is_preopen) return kBadf;
  uint8_t buf[kPrestatSize] = {};
  buf[0] = kPreopenDir;
  uint32_t len = static_cast<uint32_t>(e->preopen_name.size());
  std::memcpy(buf + 4, &len, 4);
  return c.mem.Write(U32(a[1]), buf, sizeof buf) ? kSuccess : kFault;
}

uint16_t Context::FdPrestatDirName(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), 0, &e)) return err;
  if (!e->is_preopen) return kBadf;
  const std::string& name = e->preopen_name;
  if (U32(a[2]) < name.size()) return kNametoolong;
  return c.mem.Write(U32(a[1]), name.data(), name.size()) ? kSuccess : kFault;
}

namespace {

// The first `limit` bytes of iov[first...] (the last entry cut short).
void Prefix(const std::vector<struct iovec>& iov, size_t first, size_t limit,
            std::vector<struct iovec>* out) {
  out->clear();
  for (size_t i = first; i < iov.size() && limit > 0; ++i) {
    size_t len = std::min(iov[i].iov_len, limit);
    out->push_back({iov[i].iov_base, len});
    limit -= len;
  }
}

// Drops the first n bytes from iov[*first...].
void Advance(std::vector<struct iovec>& iov, size_t* first, size_t n) {
  while (*first < iov.size() && n >= iov[*first].iov_len) {
    n -= iov[*first].iov_len;
    ++*first;
  }
  if (n > 0) {
    iov[*first].iov_base = static_cast<uint8_t*>(iov[*first].iov_base) + n;
    iov[*first].iov_len -= n;
  }
}

// After a failed read or write: whether to try again. EINTR: WaitIo then
// sees an interrupt; EAGAIN on a host fd the parent left non-blocking while
// the guest sees it as blocking: WaitIo then polls (`blocked`).
bool RetryIo(const FdEntry* e, bool* blocked) {
  if (errno == EINTR) return true;
  *blocked = errno == EAGAIN && !(e->flags & kFdflagNonblock);
  return *blocked;
}

size_t Total(const std::vector<struct iovec>& iov, size_t first) {
  size_t total = 0;
  for (size_t i = first; i < iov.size(); ++i) total += iov[i].iov_len;
  return total;
}

}  // namespace

uint16_t Context::FdRead(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdRead, &e)) return err;
  std::vector<struct iovec> iov;
  if (uint16_t err = GatherIovecs(c, U32(a[1]), U32(a[2]), &iov)) return err;
  if (!c.mem.InBounds(U32(a[3]), 4)) return kFault;
  if (e->in_memory) {  // only stdin_data carries the read right
    uint64_t n = 0;
    if (uint16_t err = ReadStdinData(c, iov, &n)) return err;
    c.mem.Store<uint32_t>(U32(a[3]), static_cast<uint32_t>(n));
    return kSuccess;
  }
  // A stream returns what one read gives; a file is read on until the
  // buffers are full or it ends, a chunk at a time.
  const size_t chunk = IoChunk(e);
  std::vector<struct iovec> part;
  size_t first = 0, total = 0;
  bool blocked = false;
  for (;;) {
    if (WaitIo(c, e, POLLIN, blocked) != kSuccess) return kIntr;  // c.trap set
    Prefix(iov, first, chunk, &part);
    ssize_t n = readv(e->host, part.data(), static_cast<int>(part.size()));
    if (n < 0) {
      if (RetryIo(e, &blocked)) continue;
      if (total > 0) break;  // the error shows on the next call
      return ErrnoFromHost(errno);
    }
    total += static_cast<size_t>(n);
    size_t asked = Total(part, 0);
    Advance(iov, &first, static_cast<size_t>(n));
    if (IsStream(e) || static_cast<size_t>(n) < asked || first == iov.size()) break;
  }
  c.mem.Store<uint32_t>(U32(a[3]), static_cast<uint32_t>(total));
  return kSuccess;
}

uint16_t Context::WriteAll(Call& c, FdEntry* e, std::vector<struct iovec>& iov,
                           uint64_t* written) {
  *written = 0;
  const size_t chunk = IoChunk(e);
  std::vector<struct iovec> part;
  size_t first = 0;
  bool blocked = false;
  while (first < iov.size()) {
    if (iov[first].iov_len == 0) {
      ++first;
      continue;
    }
    if (WaitIo(c, e, POLLOUT, blocked) != kSuccess) return kIntr;
    Prefix(iov, first, chunk, &part);
    ssize_t n = writev(e->host, part.data(), static_cast<int>(part.size()));
    if (n < 0) {
      if (RetryIo(e, &blocked)) continue;
      // Report what was written; the error shows on the next call.
      return *written > 0 ? kSuccess : ErrnoFromHost(errno);
    }
    blocked = false;
    *written += static_cast<uint64_t>(n);
    Advance(iov, &first, static_cast<size_t>(n));
    if (e->flags & kFdflagNonblock) break;  // partial writes are the answer
  }
  return kSuccess;
}

uint16_t Context::FdWrite(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdWrite, &e)) return err;
  std::vector<struct iovec> iov;
  if (uint16_t err = GatherIovecs(c, U32(a[1]), U32(a[2]), &iov)) return err;
  if (!c.mem.InBounds(U32(a[3]), 4)) return kFault;
  uint64_t written = 0;
  const bool output = e->stream == StdioStream::kStdout ||
                      e->stream == StdioStream::kStderr;
  uint16_t err = output ? WriteOutput(c, U32(a[0]), e, iov, &written)
                        : WriteAll(c, e, iov, &written);
  if (err != kSuccess) return err;
  c.mem.Store<uint32_t>(U32(a[3]), static_cast<uint32_t>(written));
  return kSuccess;
}

uint16_t Context::FillListing(FdEntry* e) {
  e->listing.clear();
  e->listing_valid = false;
  int dup_fd = openat(e->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_fd < 0) return ErrnoFromHost(errno);
  DIR* dir = fdopendir(dup_fd);
  if (dir == nullptr) {
    int err = errno;
    close(dup_fd);
    return ErrnoFromHost(err);
  }
  errno = 0;
  while (struct dirent* d = readdir(dir)) {
    if (e->listing.size() >= kMaxListing) break;
    uint8_t type = kUnknown;
    switch (d->d_type) {
      case DT_REG: type = kRegularFile; break;
      case DT_DIR: type = kDirectory; break;
      case DT_LNK: type = kSymbolicLink; break;
      case DT_CHR: type = kCharacterDevice; break;
      case DT_BLK: type = kBlockDevice; break;
      case DT_SOCK: type = kSocketStream; break;
      default: {
        struct stat st;
        if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
          type = FiletypeOf(st.st_mode);
        }
      }
    }
    e->listing.push_back({d->d_name, d->d_ino, type});
  }
  closedir(dir);
  // A stable order makes cookies meaningful across calls.
  std::sort(e->listing.begin(), e->listing.end(),
            [](const DirListingEntry& x, const DirListingEntry& y) {
              return x.name < y.name;
            });
  e->listing_valid = true;
  return kSuccess;
}

uint16_t Context::FdReaddir(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdReaddir, &e)) return err;
  if (e->type != kDirectory) return kNotdir;
  uint64_t buf = U32(a[1]), buf_len = U32(a[2]), cookie = a[3];
  if (!c.mem.InBounds(buf, buf_len) || !c.mem.InBounds(U32(a[4]), 4)) {
    return kFault;
  }
  if (cookie == 0 || !e->listing_valid) {
    if (uint16_t err = FillListing(e)) return err;
  }
  uint64_t used = 0;
  for (uint64_t i = cookie; i < e->listing.size() && used < buf_len; ++i) {
    const DirListingEntry& d = e->listing[i];
    uint8_t head[kDirentSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(head, &next, 8);
    std::memcpy(head + 8, &d.ino, 8);
    std::memcpy(head + 16, &namlen, 4);
    head[20] = d.type;
    // Entries are cut at the buffer's end; the guest retries with a larger
    // buffer when it sees a truncated one (bufused == buf_len).
    uint64_t n = std::min<uint64_t>(kDirentSize, buf_len - used);
    c.mem.Write(buf + used, head, n);
    used += n;
    n = std::min<uint64_t>(namlen, buf_len - used);
    c.mem.Write(buf + used, d.name.data(), n);
    used += n;
  }
  c.mem.Store<uint32_t>(U32(a[4]), static_cast<uint32_t>(used));
  return kSuccess;
}

uint16_t Context::FdRenumber(Call& c, const uint64_t* a) {
  FdEntry* from;
  FdEntry* to;
  if (uint16_t err = Lookup(c, U32(a[0]), 0, &from)) return err;
  if (uint16_t err = Lookup(c, U32(a[1]), 0, &to)) return err;
  if (from == to) return kSuccess;
  std::unique_ptr<FdEntry> moved = fds_.Remove(U32(a[0]));
  fds_.Remove(U32(a[1]));
  fds_.InsertAt(U32(a[1]), std::move(moved));
  return kSuccess;
}

uint16_t Context::FdSeek(Call& c, const uint64_t* a) {
  int64_t offset = static_cast<int64_t>(a[1]);
  uint32_t whence = U32(a[2]);
  uint64_t needed = (offset == 0 && whence == kWhenceCur) ? rights::kFdTell
                                                          : rights::kFdSeek;
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), needed, &e)) return err;
  if (whence > kWhenceEnd) return kInval;
  if (!c.mem.InBounds(U32(a[3]), 8)) return kFault;
  if (e->type == kDirectory) return kBadf;
  static const int kHostWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  off_t r = lseek(e->host, offset, kHostWhence[whence]);
  if (r < 0) return ErrnoFromHost(errno);
  c.mem.Store<uint64_t>(U32(a[3]), static_cast<uint64_t>(r));
  return kSuccess;
}

uint16_t Context::FdTell(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (uint16_t err = Lookup(c, U32(a[0]), rights::kFdTell, &e)) return err;
  if (!c.mem.InBounds(U32(a[1]), 8)) return kFault;
  off_t r = lseek(e->host, 0, SEEK_CUR);
  if (r < 0) return ErrnoFromHost(errno);
  c.mem.Store<uint64_t>(U32(a[1]), static_cast<uint64_t>(r));
  return kSuccess;
}

}  // namespace wsbx::wasi
