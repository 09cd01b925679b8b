// Linear memories and tables. A memory reserves its whole capped range once
// (PROT_NONE, no swap reservation) so base() never moves, and commits pages
// read-write as it grows; fresh anonymous pages read as zero.
#include <sys/mman.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/store/store.h"

namespace wsbx {

// Tables commit storage a page at a time.
constexpr uint64_t kTablePage = 4096;

absl::StatusOr<std::unique_ptr<MemoryInstance>> MemoryInstance::Create(
    const MemoryType& type, uint64_t cap_pages, MemoryAccount* account) {
  const SizeLimits& limits = type.limits;
  cap_pages = std::min(cap_pages, kMaxPages);
  if (limits.min > cap_pages) {
    return absl::ResourceExhaustedError(
        absl::StrCat("memory minimum ", limits.min,
                     " pages exceeds the cap of ", cap_pages, " pages"));
  }
  if (limits.max.has_value() && *limits.max < limits.min) {
    return absl::InvalidArgumentError(
        absl::StrCat("memory maximum ", *limits.max,
                     " pages is below its minimum ", limits.min));
  }
  std::unique_ptr<MemoryInstance> mem(new MemoryInstance());
  mem->account_ = account;
  mem->declared_max_ = limits.max;
  mem->is64_ = limits.is64;
  mem->max_pages_ = std::min(limits.max.value_or(kMaxPages), cap_pages);
  // Reserve at least one page so base() is a real, non-null address even for
  // a memory that can never hold a byte.
  mem->reserved_bytes_ =
      std::max<uint64_t>(mem->max_pages_ * kPageSize, kPageSize);
  void* p = mmap(nullptr, mem->reserved_bytes_, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot reserve ", mem->reserved_bytes_,
                     " bytes of address space for a memory"));
  }
  mem->base_ = static_cast<uint8_t*>(p);
  mem->AdviseHugePages();
  if (limits.min > 0 && mem->Grow(limits.min) < 0) {
    if (account != nullptr && limits.min * kPageSize > account->limit() - account->used()) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "memory minimum ", limits.min, " pages does not fit in the memory cap (",
          account->used(), " of ", account->limit(), " bytes in use)"));
    }
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot commit ", limits.min, " pages for a memory"));
  }
  return mem;
}

// Large memories are backed by transparent huge pages where the host allows
// it: touching and freeing gigabytes then costs hundreds of page operations
// instead of hundreds of thousands (a guest stopped by its deadline is gone
// sooner). The first kHugePageFloor bytes keep small pages, so small guests
// pay no extra resident memory.
void MemoryInstance::AdviseHugePages() {
  constexpr uint64_t kHugePage = uint64_t{2} << 20;
  constexpr uint64_t kHugePageFloor = uint64_t{8} << 20;
  uintptr_t start = reinterpret_cast<uintptr_t>(base_) + kHugePageFloor;
  start = (start + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = reinterpret_cast<uintptr_t>(base_) + reserved_bytes_;
  if (end > start + kHugePage) {
    // Advice only: a host without huge pages simply keeps small ones.
    (void)madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  }
}

MemoryInstance::~MemoryInstance() {
  if (base_ != nullptr) munmap(base_, reserved_bytes_);
  if (account_ != nullptr) account_->Release(size_bytes_);
}

MemoryType MemoryInstance::type() const {
  MemoryType t;
  t.limits.min = pages();
  t.limits.max = declared_max_;
  t.limits.is64 = is64_;
  return t;
}

int64_t MemoryInstance::Grow(uint64_t delta_pages) {
  const uint64_t old_pages = pages();
  if (delta_pages == 0) return static_cast<int64_t>(old_pages);
  if (delta_pages > max_pages_ - old_pages) return -1;
  const uint64_t bytes = delta_pages * kPageSize;
  if (account_ != nullptr && !account_->TryCharge(bytes)) return -1;
  if (mprotect(base_ + size_bytes_, bytes, PROT_READ | PROT_WRITE) != 0) {
    if (account_ != nullptr) account_->Release(bytes);
    return -1;
  }
  size_bytes_ += delta_pages * kPageSize;
  peak_pages_ = std::max(peak_pages_, pages());
  return static_cast<int64_t>(old_pages);
}

bool MemoryInstance::MapImage(int image_fd, uint64_t bytes) {
  if (bytes > size_bytes_ || bytes % kPageSize != 0) return false;
  if (bytes > 0 && mmap(base_, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_FIXED, image_fd, 0) == MAP_FAILED) {
    return false;
  }
  if (size_bytes_ > bytes) {
    // Back to reserved, untouched address space, as Create leaves it.
    if (mmap(base_ + bytes, size_bytes_ - bytes, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
             0) == MAP_FAILED) {
      return false;
    }
    if (account_ != nullptr) account_->Release(size_bytes_ - bytes);
    size_bytes_ = bytes;
  }
  return true;
}

absl::StatusOr<std::unique_ptr<TableInstance>> TableInstance::Create(
    const TableType& type, uint64_t cap_elements, RefBits init,
    MemoryAccount* account) {
  const SizeLimits& limits = type.limits;
  if (limits.max.has_value() && *limits.max < limits.min) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table maximum ", *limits.max, " is below its minimum ", limits.min));
  }
  cap_elements = std::min<uint64_t>(cap_elements, UINT32_MAX);
  if (limits.min > cap_elements) {
    return absl::ResourceExhaustedError(
        absl::StrCat("table minimum ", limits.min,
                     " elements exceeds the cap of ", cap_elements, " elements"));
  }
  std::unique_ptr<TableInstance> table(new TableInstance());
  table->elem_type_ = type.elem;
  table->declared_max_ = limits.max;
  table->is64_ = limits.is64;
  table->max_elements_ = std::min(limits.max.value_or(UINT32_MAX), cap_elements);
  table->account_ = account;
  uint64_t most = table->max_elements_;
  if (account != nullptr) most = std::min(most, account->limit() / sizeof(RefBits));
  table->reserved_bytes_ = std::max<uint64_t>(
      (most * sizeof(RefBits) + kTablePage - 1) / kTablePage * kTablePage, kTablePage);
  void* p = mmap(nullptr, table->reserved_bytes_, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "cannot reserve ", table->reserved_bytes_, " bytes of address space for a table"));
  }
  table->elems_ = static_cast<RefBits*>(p);
  if (table->Grow(static_cast<uint32_t>(limits.min), init) < 0) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "table minimum ", limits.min, " elements (", limits.min * sizeof(RefBits),
        " bytes) does not fit in the memory cap (", account->used(), " of ",
        account->limit(), " bytes in use)"));
  }
  return table;
}

TableInstance::~TableInstance() {
  if (elems_ != nullptr) munmap(elems_, reserved_bytes_);
  if (account_ != nullptr) account_->Release(committed_bytes_);
}

bool TableInstance::Commit(uint64_t size) {
  uint64_t need = (size * sizeof(RefBits) + kTablePage - 1) / kTablePage * kTablePage;
  if (need <= committed_bytes_) return true;
  if (need > reserved_bytes_) return false;
  const uint64_t more = need - committed_bytes_;
  if (account_ != nullptr && !account_->TryCharge(more)) return false;
  if (mprotect(reinterpret_cast<uint8_t*>(elems_) + committed_bytes_, more,
               PROT_READ | PROT_WRITE) != 0) {
    if (account_ != nullptr) account_->Release(more);
    return false;
  }
  committed_bytes_ = need;
  return true;
}

TableType TableInstance::type() const {
  TableType t;
  t.elem = elem_type_;
  t.limits.min = size();
  t.limits.max = declared_max_;
  t.limits.is64 = is64_;
  return t;
}

int64_t TableInstance::Grow(uint32_t delta, RefBits init) {
  const uint64_t old_size = size_;
  if (delta > max_elements_ - old_size) return -1;
  if (!Commit(old_size + delta)) return -1;
  // Fresh pages read as zero, which is the null reference.
  if (init != 0) std::fill(elems_ + old_size, elems_ + old_size + delta, init);
  size_ = old_size + delta;
  return static_cast<int64_t>(old_size);
}

void TableInstance::Restore(std::span<const RefBits> elems) {
  assert(elems.size() <= size_);
  std::copy(elems.begin(), elems.end(), elems_);
  size_ = elems.size();
}

}  // namespace wsbx
