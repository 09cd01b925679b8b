// The path_* functions. Each resolves its path strictly beneath the fd's
// directory with PathResolver and then acts on a held directory fd plus one
// name (the *at(2) calls, never following that name), so nothing outside
// the preopen can be reached even if the tree changes during the call.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "wasi/context.h"

namespace wsbx::wasi {
namespace {

std::string Num(uint64_t v) { return std::to_string(v); }

// /proc/self/fd/N: how to name an O_PATH fd to calls that have no fd form.
std::string ProcFdPath(int fd) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "/proc/self/fd/%d", fd);
  return buf;
}

int HostOpenFlags(uint64_t base, uint32_t oflags, uint32_t fdflags) {
  bool read = base & (rights::kFdRead | rights::kFdReaddir);
  bool write = base & (rights::kFdWrite | rights::kFdAllocate |
                       rights::kFdFilestatSetSize | rights::kFdDatasync);
  int flags = read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  // Always open non-blocking so a FIFO cannot stall the open itself.
  return flags | O_NONBLOCK | O_NOCTTY;
}

}  // namespace

uint16_t Context::ReadPath(Call& c, uint64_t ptr, uint64_t len,
                           std::string* out) {
  if (len > kMaxPathBytes) return kNametoolong;
  std::optional<std::string> s = c.mem.ReadString(ptr, len);
  if (!s) return kFault;
  *out = std::move(*s);
  return kSuccess;
}

uint16_t Context::ResolveFailed(Call& c, const Resolved& r,
                                std::initializer_list<Arg> args) {
  if (r.refusal.empty()) return r.error;
  return Refuse(c, r.error, r.refusal, args);
}

// Common prologue of the path functions: the fd must be open, the path
// readable, and the fd must hold `right` (a refusal names the path).
#define WSBX_PATH_PROLOGUE(fd_arg, right, ptr_arg, len_arg)              \
  FdEntry* e = fds_.Get(U32(fd_arg));                                    \
  if (e == nullptr) return kBadf;                                        \
  std::string path;                                                      \
  if (uint16_t err = ReadPath(c, U32(ptr_arg), U32(len_arg), &path)) {   \
    return err;                                                          \
  }                                                                      \
  if (uint16_t err = CheckRights(c, U32(fd_arg), e, right, {{"path", path}})) { \
    return err;                                                          \
  }                                                                      \
  if (e->type != kDirectory) return kNotdir;

uint16_t Context::PathCreateDirectory(Call& c, const uint64_t* a) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathCreateDirectory, a[1], a[2]);
  Resolved p = resolver_.OpenParent(e->host, path);
  if (!p.ok()) return ResolveFailed(c, p, {{"fd", Num(U32(a[0]))}, {"path", path}});
  if (mkdirat(p.fd.get(), p.name.c_str(), 0777) != 0) return ErrnoFromHost(errno);
  return kSuccess;
}

uint16_t Context::PathStat(Call& c, const uint64_t* a, struct stat* st) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathFilestatGet, a[2], a[3]);
  // "name/" follows a symlink at name (POSIX), as if asked to.
  bool follow = (U32(a[1]) & kLookupSymlinkFollow) || HasTrailingSlash(path);
  Resolved r = follow ? resolver_.Open(e->host, path, O_PATH, 0, true)
                      : resolver_.OpenParent(e->host, path);
  if (!r.ok()) return ResolveFailed(c, r, {{"fd", Num(U32(a[0]))}, {"path", path}});
  int rc = follow ? fstat(r.fd.get(), st)
                  : fstatat(r.fd.get(), r.name.c_str(), st, AT_SYMLINK_NOFOLLOW);
  return rc == 0 ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::PathFilestatGet(Call& c, const uint64_t* a) {
  struct stat st;
  if (uint16_t err = PathStat(c, a, &st)) return err;
  return StoreFilestat(c.mem, U32(a[4]), st) ? kSuccess : kFault;
}

uint16_t Context::PathFilestatSetTimes(Call& c, const uint64_t* a) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathFilestatSetTimes, a[2], a[3]);
  struct timespec ts[2];
  if (!TimesFromFlags(a[4], a[5], U32(a[6]), ts)) return kInval;
  bool follow = (U32(a[1]) & kLookupSymlinkFollow) || HasTrailingSlash(path);
  Resolved r = follow ? resolver_.Open(e->host, path, O_PATH, 0, true)
                      : resolver_.OpenParent(e->host, path);
  if (!r.ok()) return ResolveFailed(c, r, {{"fd", Num(U32(a[0]))}, {"path", path}});
  int rc = follow ? utimensat(AT_FDCWD, ProcFdPath(r.fd.get()).c_str(), ts, 0)
                  : utimensat(r.fd.get(), r.name.c_str(), ts, AT_SYMLINK_NOFOLLOW);
  return rc == 0 ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::PathLink(Call& c, const uint64_t* a) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathLinkSource, a[2], a[3]);
  FdEntry* to = fds_.Get(U32(a[4]));
  if (to == nullptr) return kBadf;
  std::string new_path;
  if (uint16_t err = ReadPath(c, U32(a[5]), U32(a[6]), &new_path)) return err;
  if (uint16_t err = CheckRights(c, U32(a[4]), to, rights::kPathLinkTarget,
                                 {{"path", new_path}})) {
    return err;
  }
  if (to->type != kDirectory) return kNotdir;
  std::initializer_list<Arg> args = {{"old_fd", Num(U32(a[0]))}, {"old_path", path},
                                     {"new_fd", Num(U32(a[4]))}, {"new_path", new_path}};
  Resolved dst = resolver_.OpenParent(to->host, new_path);
  if (!dst.ok()) return ResolveFailed(c, dst, args);
  if (U32(a[1]) & kLookupSymlinkFollow) {
    // Follow in-tree links ourselves; the kernel links the resolved inode.
    Resolved src = resolver_.Open(e->host, path, O_PATH, 0, true);
    if (!src.ok()) return ResolveFailed(c, src, args);
    if (linkat(src.fd.get(), "", dst.fd.get(), dst.name.c_str(), AT_EMPTY_PATH) == 0) {
      return kSuccess;
    }
    if (errno != EPERM && errno != ENOENT) return ErrnoFromHost(errno);
    int rc = linkat(AT_FDCWD, ProcFdPath(src.fd.get()).c_str(), dst.fd.get(),
                    dst.name.c_str(), AT_SYMLINK_FOLLOW);
    return rc == 0 ? kSuccess : ErrnoFromHost(errno);
  }
  if (HasTrailingSlash(path)) {
    // "old/" names a directory (a symlink there is followed, beneath the
    // root), and directories cannot be hard-linked.
    Resolved dir = resolver_.Open(e->host, path, O_PATH, 0, true);
    return dir.ok() ? kPerm : ResolveFailed(c, dir, args);
  }
  Resolved src = resolver_.OpenParent(e->host, path);
  if (!src.ok()) return ResolveFailed(c, src, args);
  if (linkat(src.fd.get(), src.name.c_str(), dst.fd.get(), dst.name.c_str(), 0) != 0) {
    return ErrnoFromHost(errno);
  }
  return kSuccess;
}

uint16_t Context::PathOpen(Call& c, const uint64_t* a) {
  uint32_t oflags = U32(a[4]), fdflags = U32(a[7]);
  uint64_t base = a[5], inheriting = a[6];
  uint64_t needed = rights::kPathOpen;
  if (oflags & kOflagCreat) needed |= rights::kPathCreateFile;
  if (oflags & kOflagTrunc) needed |= rights::kPathFilestatSetSize;
  WSBX_PATH_PROLOGUE(a[0], needed, a[2], a[3]);
  std::initializer_list<Arg> args = {
      {"fd", Num(U32(a[0]))}, {"path", path}, {"oflags", Num(oflags)},
      {"rights_base", Num(base)}, {"fdflags", Num(fdflags)}};
  if ((oflags & ~uint32_t{0xf}) || (fdflags & ~uint32_t{0x1f})) return kInval;
  if (!c.mem.InBounds(U32(a[8]), 4)) return kFault;
  // The rights asked for are an upper bound: the new fd gets those the
  // directory can hand on (in a read-only grant, none that write), and a
  // write through it is refused later. Only an open that writes by itself
  // (creat, trunc) is refused, by the path rights checked above.
  base &= e->rights_inheriting;
  inheriting &= e->rights_inheriting;
  bool follow = U32(a[1]) & kLookupSymlinkFollow;
  int flags = HostOpenFlags(base, oflags, fdflags);
  Resolved r = resolver_.Open(e->host, path, flags, 0666, follow);
  if (!r.ok()) return ResolveFailed(c, r, args);
  struct stat st;
  if (fstat(r.fd.get(), &st) != 0) return ErrnoFromHost(errno);
  if (!(fdflags & kFdflagNonblock)) {
    int fl = fcntl(r.fd.get(), F_GETFL);
    if (fl >= 0) fcntl(r.fd.get(), F_SETFL, fl & ~O_NONBLOCK);
  }
  auto entry = std::make_unique<FdEntry>();
  entry->type = FiletypeOf(st.st_mode);
  entry->rights_base =
      base & (entry->type == kDirectory ? rights::kDirAll : rights::kFileAll);
  entry->rights_inheriting = inheriting;
  entry->flags = static_cast<uint16_t>(fdflags);
  entry->read_only = e->read_only;
  entry->host = r.fd.get();
  entry->owned = std::move(r.fd);
  uint32_t guest_fd;
  if (!fds_.Insert(std::move(entry), &guest_fd)) return kMfile;
  c.mem.Store<uint32_t>(U32(a[8]), guest_fd);
  return kSuccess;
}

uint16_t Context::PathReadlink(Call& c, const uint64_t* a) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathReadlink, a[1], a[2]);
  uint64_t buf = U32(a[3]), buf_len = U32(a[4]);
  if (!c.mem.InBounds(buf, buf_len) || !c.mem.InBounds(U32(a[5]), 4)) return kFault;
  if (HasTrailingSlash(path)) {
    // "link/" is followed (beneath the root) and names a directory, which
    // is not a symlink.
    Resolved dir = resolver_.Open(e->host, path, O_PATH, 0, true);
    return dir.ok() ? kInval
                    : ResolveFailed(c, dir, {{"fd", Num(U32(a[0]))}, {"path", path}});
  }
  Resolved p = resolver_.OpenParent(e->host, path);
  if (!p.ok()) return ResolveFailed(c, p, {{"fd", Num(U32(a[0]))}, {"path", path}});
  char target[kMaxPathBytes];
  ssize_t n = readlinkat(p.fd.get(), p.name.c_str(), target, sizeof target);
  if (n < 0) return ErrnoFromHost(errno);
  uint64_t copied = std::min<uint64_t>(static_cast<uint64_t>(n), buf_len);
  c.mem.Write(buf, target, copied);
  c.mem.Store<uint32_t>(U32(a[5]), static_cast<uint32_t>(copied));
  return kSuccess;
}

uint16_t Context::PathRemoveDirectory(Call& c, const uint64_t* a) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathRemoveDirectory, a[1], a[2]);
  Resolved p = resolver_.OpenParent(e->host, path);
  if (!p.ok()) return ResolveFailed(c, p, {{"fd", Num(U32(a[0]))}, {"path", path}});
  if (p.name == ".") return kInval;  // never the preopen itself
  return unlinkat(p.fd.get(), p.name.c_str(), AT_REMOVEDIR) == 0
             ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::PathRename(Call& c, const uint64_t* a) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathRenameSource, a[1], a[2]);
  FdEntry* to = fds_.Get(U32(a[3]));
  if (to == nullptr) return kBadf;
  std::string new_path;
  if (uint16_t err = ReadPath(c, U32(a[4]), U32(a[5]), &new_path)) return err;
  if (uint16_t err = CheckRights(c, U32(a[3]), to, rights::kPathRenameTarget,
                                 {{"path", new_path}})) {
    return err;
  }
  if (to->type != kDirectory) return kNotdir;
  std::initializer_list<Arg> args = {{"fd", Num(U32(a[0]))}, {"old_path", path},
                                     {"new_fd", Num(U32(a[3]))}, {"new_path", new_path}};
  Resolved src = resolver_.OpenParent(e->host, path);
  if (!src.ok()) return ResolveFailed(c, src, args);
  Resolved dst = resolver_.OpenParent(to->host, new_path);
  if (!dst.ok()) return ResolveFailed(c, dst, args);
  if (src.name == "." || dst.name == ".") return kBusy;
  return renameat(src.fd.get(), src.name.c_str(), dst.fd.get(), dst.name.c_str()) == 0
             ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::PathSymlink(Call& c, const uint64_t* a) {
  std::string target;
  if (uint16_t err = ReadPath(c, U32(a[0]), U32(a[1]), &target)) return err;
  WSBX_PATH_PROLOGUE(a[2], rights::kPathSymlink, a[3], a[4]);
  std::initializer_list<Arg> args = {{"old_path", target}, {"fd", Num(U32(a[2]))},
                                     {"new_path", path}};
  Resolved p = resolver_.OpenParent(e->host, path);
  if (!p.ok()) return ResolveFailed(c, p, args);
  Resolved check = resolver_.CheckSymlinkTarget(e->host, p.fd.get(), target);
  if (!check.ok()) return ResolveFailed(c, check, args);
  return symlinkat(target.c_str(), p.fd.get(), p.name.c_str()) == 0
             ? kSuccess : ErrnoFromHost(errno);
}

uint16_t Context::PathUnlinkFile(Call& c, const uint64_t* a) {
  WSBX_PATH_PROLOGUE(a[0], rights::kPathUnlinkFile, a[1], a[2]);
  Resolved p = resolver_.OpenParent(e->host, path);
  if (!p.ok()) return ResolveFailed(c, p, {{"fd", Num(U32(a[0]))}, {"path", path}});
  if (p.name == ".") return kIsdir;
  return unlinkat(p.fd.get(), p.name.c_str(), 0) == 0 ? kSuccess
                                                      : ErrnoFromHost(errno);
}

#undef WSBX_PATH_PROLOGUE

}  // namespace wsbx::wasi
