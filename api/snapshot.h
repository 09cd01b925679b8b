// An instance's state right after initialisation, and restoring it: the
// pool's reset. Memory 0 is kept as an image in a memfd and mapped back
// copy-on-write, so a reset costs one mapping call plus the pages the guest
// dirtied, not a copy of the whole memory.
#ifndef WSBX_API_SNAPSHOT_H_
#define WSBX_API_SNAPSHOT_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "runtime/store/store.h"
#include "runtime/value.h"

namespace wsbx {

class Snapshot {
 public:
  Snapshot() = default;
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  Snapshot(Snapshot&& other) noexcept { *this = std::move(other); }
  Snapshot& operator=(Snapshot&& other) noexcept;

  // Records `instance` (its memories, tables, globals and segments) and
  // maps its memories over their images, so later writes are private
  // copies of image pages.
  absl::Status Take(Instance& instance);
  // Puts `instance` back as Take found it.
  absl::Status Restore(Instance& instance) const;
  bool taken() const { return taken_; }

 private:
  struct MemoryImage {
    int fd = -1;  // memfd holding the image, or -1 for an empty memory
    uint64_t bytes = 0;
  };
  bool taken_ = false;
  std::vector<MemoryImage> memories_;
  std::vector<std::pair<uint64_t, uint64_t>> globals_;  // bits, hi
  std::vector<std::vector<RefBits>> tables_;           // elements, sized
  std::vector<std::vector<RefBits>> elem_segments_;
  std::vector<bool> data_dropped_;
};

}  // namespace wsbx

#endif  // WSBX_API_SNAPSHOT_H_
