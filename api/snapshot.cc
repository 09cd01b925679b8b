// Snapshot (api/snapshot.h): an instance's post-initialisation state, and
// restoring it copy-on-write.
#include "api/snapshot.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace wsbx {
namespace {

// A memfd holding `bytes` bytes from `data`, or -1 with errno set.
int MakeImage(const uint8_t* data, uint64_t bytes) {
  int fd = memfd_create("wsbx-memory-image", MFD_CLOEXEC);
  if (fd < 0) return -1;
  uint64_t done = 0;
  while (done < bytes) {
    ssize_t n = pwrite(fd, data + done, bytes - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      close(fd);
      errno = saved == 0 ? EIO : saved;
      return -1;
    }
    done += static_cast<uint64_t>(n);
  }
  return fd;
}

}  // namespace

Snapshot::~Snapshot() {
  for (const MemoryImage& m : memories_) {
    if (m.fd >= 0) close(m.fd);
  }
}

Snapshot& Snapshot::operator=(Snapshot&& other) noexcept {
  if (this != &other) {
    for (const MemoryImage& m : memories_) {
      if (m.fd >= 0) close(m.fd);
    }
    taken_ = other.taken_;
    memories_ = std::move(other.memories_);
    globals_ = std::move(other.globals_);
    tables_ = std::move(other.tables_);
    elem_segments_ = std::move(other.elem_segments_);
    data_dropped_ = std::move(other.data_dropped_);
    other.memories_.clear();
    other.taken_ = false;
  }
  return *this;
}

absl::Status Snapshot::Take(Instance& instance) {
  for (MemoryInstance* mem : instance.memories) {
    MemoryImage image;
    image.bytes = mem->size_bytes();
    if (image.bytes > 0) {
      image.fd = MakeImage(mem->base(), image.bytes);
      if (image.fd < 0) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "cannot keep a memory image: ", std::strerror(errno)));
      }
      // From now on the memory's pages are the image's, copied on write.
      if (!mem->MapImage(image.fd, image.bytes)) {
        close(image.fd);
        return absl::InternalError("cannot map a memory image");
      }
    }
    memories_.push_back(image);
  }
  for (const GlobalInstance* g : instance.globals) {
    globals_.emplace_back(g->bits, g->hi);
  }
  for (const TableInstance* t : instance.tables) {
    tables_.emplace_back(t->data(), t->data() + t->size());
  }
  elem_segments_ = instance.elem_segments;
  data_dropped_ = instance.data_dropped;
  taken_ = true;
  return absl::OkStatus();
}

absl::Status Snapshot::Restore(Instance& instance) const {
  for (size_t i = 0; i < memories_.size(); ++i) {
    MemoryInstance* mem = instance.memories[i];
    if (!mem->MapImage(memories_[i].fd, memories_[i].bytes)) {
      return absl::InternalError("cannot map a memory image back");
    }
  }
  for (size_t i = 0; i < globals_.size(); ++i) {
    instance.globals[i]->bits = globals_[i].first;
    instance.globals[i]->hi = globals_[i].second;
  }
  for (size_t i = 0; i < tables_.size(); ++i) {
    instance.tables[i]->Restore(tables_[i]);
  }
  instance.elem_segments = elem_segments_;
  instance.data_dropped = data_dropped_;
  return absl::OkStatus();
}

}  // namespace wsbx
