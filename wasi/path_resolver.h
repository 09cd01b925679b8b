// Resolves guest paths strictly beneath a preopened directory. Two engines:
// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) where the kernel has it,
// and a component-by-component walk that opens every step with O_NOFOLLOW
// and expands in-tree symlinks itself, tracking depth so ".." never leaves
// the root. Either way no host path outside the root is ever opened.
#ifndef WSBX_WASI_PATH_RESOLVER_H_
#define WSBX_WASI_PATH_RESOLVER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace wsbx::wasi {

// An owned host file descriptor, closed on destruction.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept;
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  ~OwnedFd();
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// The outcome of a resolution: an fd (and for OpenParent the last component
// name), or a WASI errno. `refusal` is set when the sandbox itself said no
// (escape, absolute path, NUL byte, link loop): those become audit events.
struct Resolved {
  OwnedFd fd;
  // OpenParent: one component, never "", "/" or "..", with one trailing
  // '/' kept when the path ended in slashes ("dir/"): the *at(2) calls that
  // take it then apply POSIX's rule that such a name must be a directory,
  // without following a symlink there.
  std::string name;
  uint16_t error = 0;  // WASI errno; 0 on success
  std::string refusal;
  bool ok() const { return error == 0; }
};

inline constexpr size_t kMaxPathBytes = 4096;
inline constexpr int kMaxSymlinkExpansions = 40;

class PathResolver {
 public:
  // force_walk selects the portable walk even when openat2 works.
  explicit PathResolver(bool force_walk = false);
  bool uses_openat2() const { return use_openat2_; }

  // Opens `path` beneath root_fd with open(2) `flags` (O_CLOEXEC is added;
  // O_NOFOLLOW is added when !follow_final). `mode` is used with O_CREAT.
  // As in POSIX, a trailing slash makes the last component a directory that
  // is followed when it is a symlink, whatever follow_final says.
  Resolved Open(int root_fd, std::string_view path, int flags, mode_t mode,
                bool follow_final) const;

  // Opens the directory holding the path's last component and returns it
  // with that component's name, for the *at(2) calls that act on a name
  // without following it. A path naming a directory through "." or ".."
  // yields that directory itself and the name ".". A trailing slash stays
  // on the name (see Resolved::name).
  Resolved OpenParent(int root_fd, std::string_view path) const;

  // Checks that creating a symlink with `target` in directory `dir_fd`
  // (which lies beneath root_fd) could not point outside the root: the
  // target must be relative and its ".." steps must stay beneath the root.
  Resolved CheckSymlinkTarget(int root_fd, int dir_fd,
                              std::string_view target) const;

  // Rejects empty, over-long, NUL-containing and absolute paths.
  static Resolved Precheck(std::string_view path);

 private:
  Resolved OpenWithOpenat2(int root_fd, std::string_view path, int flags,
                           mode_t mode, bool follow_final) const;
  Resolved Walk(int root_fd, std::string_view path, bool want_parent,
                int flags, mode_t mode, bool follow_final) const;

  bool use_openat2_ = false;
};

// True when `path` ends in '/': its last component must be a directory.
inline bool HasTrailingSlash(std::string_view path) {
  return !path.empty() && path.back() == '/';
}

// True when the running kernel supports openat2 with RESOLVE_BENEATH.
bool KernelHasOpenat2();

}  // namespace wsbx::wasi

#endif  // WSBX_WASI_PATH_RESOLVER_H_
