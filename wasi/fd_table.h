// The guest's file descriptor table: each guest fd maps to a host fd with
// the WASI rights and flags it carries. Guest fds are small integers chosen
// here; host fd numbers are never shown to the guest.
#ifndef WSBX_WASI_FD_TABLE_H_
#define WSBX_WASI_FD_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wasi/path_resolver.h"

namespace wsbx::wasi {

struct DirListingEntry {
  std::string name;
  uint64_t ino = 0;
  uint8_t type = 0;  // WASI filetype
};

// Which of the guest's standard streams an fd is (it stays one when the
// guest renumbers it): output to kStdout and kStderr counts against
// WasiOptions::max_output_bytes.
enum class StdioStream : uint8_t { kNone, kStdin, kStdout, kStderr };

struct FdEntry {
  OwnedFd owned;   // invalid for the inherited stdio fds
  int host = -1;   // owned.get() or the stdio host fd; -1 when in_memory
  uint8_t type = 0;  // WASI filetype
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  uint16_t flags = 0;  // fdflags
  bool read_only = false;  // opened through a read-only preopen
  StdioStream stream = StdioStream::kNone;
  // A standard stream backed by the embedder (WasiOptions::stdin_data or a
  // sink) rather than a host fd: the calls that reach it by its rights
  // (read or write, filestat, poll) handle it without a syscall.
  bool in_memory = false;
  bool is_preopen = false;
  std::string preopen_name;  // the guest name of a preopen
  // fd_readdir snapshot, taken when a listing starts at cookie 0.
  std::vector<DirListingEntry> listing;
  bool listing_valid = false;
};

class FdTable {
 public:
  static constexpr uint32_t kMaxFds = 1024;

  FdEntry* Get(uint32_t fd) {
    return fd < entries_.size() ? entries_[fd].get() : nullptr;
  }
  // Puts `entry` at the lowest free number; false when the table is full.
  bool Insert(std::unique_ptr<FdEntry> entry, uint32_t* fd) {
    for (uint32_t i = 0; i < entries_.size(); ++i) {
      if (!entries_[i]) {
        entries_[i] = std::move(entry);
        *fd = i;
        return true;
      }
    }
    if (entries_.size() >= kMaxFds) return false;
    entries_.push_back(std::move(entry));
    *fd = static_cast<uint32_t>(entries_.size() - 1);
    return true;
  }
  void InsertAt(uint32_t fd, std::unique_ptr<FdEntry> entry) {
    if (fd >= entries_.size()) entries_.resize(fd + 1);
    entries_[fd] = std::move(entry);
  }
  std::unique_ptr<FdEntry> Remove(uint32_t fd) {
    if (fd >= entries_.size()) return nullptr;
    std::unique_ptr<FdEntry> e = std::move(entries_[fd]);
    while (!entries_.empty() && !entries_.back()) entries_.pop_back();
    return e;
  }

 private:
  std::vector<std::unique_ptr<FdEntry>> entries_;
};

}  // namespace wsbx::wasi

#endif  // WSBX_WASI_FD_TABLE_H_
