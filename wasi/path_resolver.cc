// Beneath-the-root path resolution. The walk never passes a multi-component
// path or a symlink to the kernel: each step is one name opened with
// O_NOFOLLOW relative to a directory fd we hold, so a symlink swapped in
// during the call is seen as a link (and expanded by us) or refused.
#include "wasi/path_resolver.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

#include "wasi/abi.h"

namespace wsbx::wasi {
namespace {

constexpr char kEscape[] = "path escapes the preopened directory";
constexpr char kAbsoluteLink[] = "symbolic link to an absolute path";
constexpr char kLoopReason[] = "too many symbolic links (loop)";

Resolved Error(uint16_t error, std::string refusal = "") {
  Resolved r;
  r.error = error;
  r.refusal = std::move(refusal);
  return r;
}

Resolved HostError(int host_errno) { return Error(ErrnoFromHost(host_errno)); }

long Openat2(int dirfd, const char* path, int flags, mode_t mode,
             uint64_t resolve) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  // O_TMPFILE includes the O_DIRECTORY bit: test all of its bits.
  bool takes_mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = takes_mode ? mode : 0;
  how.resolve = resolve;
  return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

// Splits into components; "" and "." are dropped (they do not move).
void AppendComponents(std::string_view path, std::deque<std::string>* out,
                      bool front) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    if (!c.empty() && c != ".") parts.emplace_back(c);
    i = j + 1;
  }
  if (front) {
    out->insert(out->begin(), parts.begin(), parts.end());
  } else {
    out->insert(out->end(), parts.begin(), parts.end());
  }
}

// Reads a symlink's target when `name` in `dir` is one; nullopt otherwise.
bool ReadLink(int dir, const std::string& name, std::string* target) {
  char buf[kMaxPathBytes + 1];
  ssize_t n = readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0) return false;
  if (static_cast<size_t>(n) > kMaxPathBytes) n = kMaxPathBytes;
  target->assign(buf, n);
  return true;
}

bool IsSymlinkFd(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace

OwnedFd& OwnedFd::operator=(OwnedFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

OwnedFd::~OwnedFd() {
  if (fd_ >= 0) close(fd_);
}

bool KernelHasOpenat2() {
  static const bool has = [] {
    long fd = Openat2(AT_FDCWD, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
                      RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) return false;
    close(static_cast<int>(fd));
    return true;
  }();
  return has;
}

PathResolver::PathResolver(bool force_walk)
    : use_openat2_(!force_walk && KernelHasOpenat2()) {}

Resolved PathResolver::Precheck(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) {
    return Error(kInval, "NUL byte in path");
  }
  if (path.empty()) return Error(kNoent);
  if (path.size() > kMaxPathBytes) return Error(kNametoolong);
  if (path[0] == '/') return Error(kNotcapable, "absolute path");
  return Resolved{};
}

Resolved PathResolver::Open(int root_fd, std::string_view path, int flags,
                            mode_t mode, bool follow_final) const {
  Resolved pre = Precheck(path);
  if (!pre.ok()) return pre;
  if (use_openat2_) {
    return OpenWithOpenat2(root_fd, path, flags, mode, follow_final);
  }
  return Walk(root_fd, path, /*want_parent=*/false, flags, mode, follow_final);
}

Resolved PathResolver::OpenWithOpenat2(int root_fd, std::string_view path,
                                       int flags, mode_t mode,
                                       bool follow_final) const {
  std::string p(path);
  flags |= O_CLOEXEC;
  if (!follow_final) flags |= O_NOFOLLOW;
  long fd = -1;
  // EAGAIN: a concurrent rename raced with "..": the kernel asks to retry.
  for (int attempt = 0; attempt < 16; ++attempt) {
    fd = Openat2(root_fd, p.c_str(), flags, mode,
                 RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
    if (fd >= 0 || errno != EAGAIN) break;
  }
  if (fd < 0) {
    if (errno == EXDEV) return Error(kNotcapable, kEscape);
    if (errno == ELOOP && follow_final) return Error(kLoop, kLoopReason);
    return HostError(errno);
  }
  Resolved r;
  r.fd = OwnedFd(static_cast<int>(fd));
  return r;
}

Resolved PathResolver::OpenParent(int root_fd, std::string_view path) const {
  Resolved pre = Precheck(path);
  if (!pre.ok()) return pre;
  if (!use_openat2_) {
    return Walk(root_fd, path, /*want_parent=*/true, 0, 0, false);
  }
  std::string_view p = path;
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  size_t slash = p.rfind('/');
  std::string_view last = slash == std::string_view::npos ? p : p.substr(slash + 1);
  std::string_view dir = slash == std::string_view::npos ? "." : p.substr(0, slash + 1);
  if (last == "." || last == "..") {
    dir = p;
    last = ".";
  }
  Resolved r = OpenWithOpenat2(root_fd, dir, O_PATH | O_DIRECTORY, 0, true);
  if (r.ok()) {
    r.name = std::string(last);
    if (r.name != "." && HasTrailingSlash(path)) r.name += '/';
  }
  return r;
}

// The walk: `stack` holds the fds of the directories entered below the root,
// so its size is the depth and ".." at depth 0 is an escape.
Resolved PathResolver::Walk(int root_fd, std::string_view path,
                            bool want_parent, int flags, mode_t mode,
                            bool follow_final) const {
  std::vector<OwnedFd> stack;
  std::deque<std::string> todo;
  AppendComponents(path, &todo, false);
  bool must_be_dir = HasTrailingSlash(path);
  // POSIX: "name/" follows a symlink at name, even for O_NOFOLLOW.
  if (must_be_dir) follow_final = true;
  int expansions = 0;
  auto cur = [&] { return stack.empty() ? root_fd : stack.back().get(); };
  // Replaces the link `name` in cur() by its target's components.
  auto expand = [&](const std::string& target) -> Resolved {
    if (++expansions > kMaxSymlinkExpansions) return Error(kLoop, kLoopReason);
    if (target.empty()) return Error(kNoent);
    if (target[0] == '/') return Error(kNotcapable, kAbsoluteLink);
    if (target.back() == '/' && todo.empty()) must_be_dir = true;
    AppendComponents(target, &todo, true);
    return Resolved{};
  };
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == "..") {
      if (stack.empty()) return Error(kNotcapable, kEscape);
      stack.pop_back();
      continue;
    }
    const bool last = todo.empty();
    if (last && want_parent) {
      Resolved r;
      r.fd = OwnedFd(fcntl(cur(), F_DUPFD_CLOEXEC, 0));
      if (!r.fd.valid()) return HostError(errno);
      r.name = c;
      if (HasTrailingSlash(path)) r.name += '/';
      return r;
    }
    std::string target;
    if (last) {
      int open_flags = flags | O_NOFOLLOW | O_CLOEXEC;
      if (must_be_dir) open_flags |= O_DIRECTORY;
      int fd = openat(cur(), c.c_str(), open_flags, mode);
      if (fd >= 0 && (flags & O_PATH) && follow_final && IsSymlinkFd(fd)) {
        close(fd);
        fd = -1;
        errno = ELOOP;
      }
      if (fd >= 0) {
        Resolved r;
        r.fd = OwnedFd(fd);
        return r;
      }
      int err = errno;
      if ((err != ELOOP && err != ENOTDIR) || !ReadLink(cur(), c, &target)) {
        return HostError(err);
      }
      if (!follow_final) return HostError(ELOOP);
    } else {
      int fd = openat(cur(), c.c_str(),
                      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        stack.emplace_back(fd);
        continue;
      }
      int err = errno;
      if ((err != ELOOP && err != ENOTDIR) || !ReadLink(cur(), c, &target)) {
        return HostError(err);
      }
    }
    Resolved e = expand(target);
    if (!e.ok()) return e;
  }
  // Every component was consumed by "..": the path names a directory.
  if (want_parent) {
    Resolved r;
    r.fd = OwnedFd(fcntl(cur(), F_DUPFD_CLOEXEC, 0));
    if (!r.fd.valid()) return HostError(errno);
    r.name = ".";
    return r;
  }
  int fd = openat(cur(), ".", flags | O_CLOEXEC, mode);
  if (fd < 0) return HostError(errno);
  Resolved r;
  r.fd = OwnedFd(fd);
  return r;
}

Resolved PathResolver::CheckSymlinkTarget(int root_fd, int dir_fd,
                                          std::string_view target) const {
  if (target.find('\0') != std::string_view::npos) {
    return Error(kInval, "NUL byte in symlink target");
  }
  if (target.empty()) return Error(kNoent);
  if (target.size() > kMaxPathBytes) return Error(kNametoolong);
  if (target[0] == '/') return Error(kNotcapable, kAbsoluteLink);
  // Depth of dir_fd below the root, by climbing ".." until the root's
  // identity appears; dir_fd came from a beneath-resolution, so it is found.
  struct stat root_st;
  if (fstat(root_fd, &root_st) != 0) return HostError(errno);
  int depth = 0;
  OwnedFd walker(fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!walker.valid()) return HostError(errno);
  for (;; ++depth) {
    struct stat st;
    if (fstat(walker.get(), &st) != 0) return HostError(errno);
    if (st.st_dev == root_st.st_dev && st.st_ino == root_st.st_ino) break;
    if (depth >= static_cast<int>(kMaxPathBytes)) {
      return Error(kNotcapable, kEscape);
    }
    OwnedFd up(openat(walker.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!up.valid()) return HostError(errno);
    walker = std::move(up);
  }
  std::deque<std::string> parts;
  AppendComponents(target, &parts, false);
  for (const std::string& c : parts) {
    depth += c == ".." ? -1 : 1;
    if (depth < 0) return Error(kNotcapable, "symbolic link target escapes "
                                             "the preopened directory");
  }
  return Resolved{};
}

}  // namespace wsbx::wasi
