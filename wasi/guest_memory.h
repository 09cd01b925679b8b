// Checked access to a guest's linear memory from WASI host code. Every
// address and length is checked in 64-bit arithmetic against the memory's
// current size before any byte is touched; pointers returned here are only
// valid until the host function returns (nothing in a WASI call grows memory).
#ifndef WSBX_WASI_GUEST_MEMORY_H_
#define WSBX_WASI_GUEST_MEMORY_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/store/store.h"

namespace wsbx::wasi {

class GuestMemory {
 public:
  explicit GuestMemory(MemoryInstance* memory) : memory_(memory) {}

  // True when [addr, addr + len) lies inside the memory.
  bool InBounds(uint64_t addr, uint64_t len) const {
    if (memory_ == nullptr) return false;
    uint64_t size = memory_->size_bytes();
    return addr <= size && len <= size - addr;
  }
  // The bytes [addr, addr + len), or null when out of bounds. A zero-length
  // range at the end of memory is valid and yields a non-null pointer.
  uint8_t* Bytes(uint64_t addr, uint64_t len) const {
    if (!InBounds(addr, len)) return nullptr;
    return memory_->base() + addr;
  }

  template <typename T>
  bool Load(uint64_t addr, T* out) const {
    const uint8_t* p = Bytes(addr, sizeof(T));
    if (p == nullptr) return false;
    std::memcpy(out, p, sizeof(T));  // little-endian host assumed (x86/arm)
    return true;
  }
  template <typename T>
  bool Store(uint64_t addr, T value) const {
    uint8_t* p = Bytes(addr, sizeof(T));
    if (p == nullptr) return false;
    std::memcpy(p, &value, sizeof(T));
    return true;
  }
  bool Write(uint64_t addr, const void* data, uint64_t len) const {
    uint8_t* p = Bytes(addr, len);
    if (p == nullptr) return false;
    if (len != 0) std::memcpy(p, data, len);
    return true;
  }
  // Copies a guest string out; nullopt when out of bounds.
  std::optional<std::string> ReadString(uint64_t addr, uint64_t len) const {
    const uint8_t* p = Bytes(addr, len);
    if (p == nullptr) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(p), len);
  }

 private:
  MemoryInstance* memory_;
};

}  // namespace wsbx::wasi

#endif  // WSBX_WASI_GUEST_MEMORY_H_
