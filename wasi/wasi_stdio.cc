// The guest's standard streams beyond plain host fds: stdin read from the
// embedder's buffer, stdout and stderr handed to its sinks, and
// max_output_bytes, which counts what reaches stdout and stderr together
// whatever is behind them. An in-memory stream has no host fd (host is -1).
#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "wasi/context.h"

namespace wsbx::wasi {
namespace {

// At most this much per fd_read or fd_write on an in-memory stream, as
// Linux caps one read(2) or write(2) (MAX_RW_COUNT): overlapping iovecs
// cannot turn one call into terabytes, and the count fits the guest's u32.
constexpr uint64_t kMaxTransfer = 0x7ffff000;

std::string Num(uint64_t v) { return std::to_string(v); }

uint64_t Total(const std::vector<struct iovec>& iov) {
  uint64_t total = 0;
  for (const struct iovec& v : iov) total += v.iov_len;
  return total;
}

// Cuts iov down to its first `limit` bytes.
void Truncate(std::vector<struct iovec>& iov, uint64_t limit) {
  size_t i = 0;
  for (; i < iov.size() && limit > 0; ++i) {
    iov[i].iov_len = std::min<uint64_t>(iov[i].iov_len, limit);
    limit -= iov[i].iov_len;
  }
  iov.resize(i);
}

}  // namespace

uint16_t Context::ReadStdinData(Call& c, const std::vector<struct iovec>& iov,
                                uint64_t* read) {
  *read = 0;
  // A host fd's read is preceded by the same check (WaitIo).
  if (Stopped(c)) return kIntr;
  const std::string& data = *options_.stdin_data;
  for (const struct iovec& v : iov) {
    size_t n = std::min({v.iov_len, data.size() - stdin_pos_,
                         static_cast<size_t>(kMaxTransfer - *read)});
    if (n > 0) std::memcpy(v.iov_base, data.data() + stdin_pos_, n);
    stdin_pos_ += n;
    *read += n;
  }
  return kSuccess;
}

uint16_t Context::WriteOutput(Call& c, uint32_t fd, FdEntry* e,
                              std::vector<struct iovec>& iov,
                              uint64_t* written) {
  *written = 0;
  const bool is_stdout = e->stream == StdioStream::kStdout;
  const uint64_t asked = Total(iov);
  if (asked == 0) return kSuccess;
  const uint64_t cap = options_.max_output_bytes;
  const uint64_t used = stdout_bytes() + stderr_bytes();
  if (used >= cap) {
    return Refuse(c, kFbig,
                  "stdout and stderr together reached max_output_bytes",
                  {{"fd", Num(fd)},
                   {"stream", is_stdout ? "stdout" : "stderr"},
                   {"nbytes", Num(asked)},
                   {"max_output_bytes", Num(cap)}});
  }
  Truncate(iov, cap - used);  // the write that crosses the cap is cut short
  uint16_t err = kSuccess;
  if (e->in_memory) {
    if (Stopped(c)) return kIntr;  // as WaitIo checks before a host write
    Truncate(iov, kMaxTransfer);
    const auto& sink = is_stdout ? options_.stdout_sink : options_.stderr_sink;
    for (const struct iovec& v : iov) {
      if (v.iov_len == 0) continue;
      sink(std::string_view(static_cast<const char*>(v.iov_base), v.iov_len));
      *written += v.iov_len;
    }
  } else {
    err = WriteAll(c, e, iov, written);  // counts what it wrote, even on kIntr
  }
  (is_stdout ? stdout_bytes_ : stderr_bytes_)
      .fetch_add(*written, std::memory_order_relaxed);
  return err;
}

bool Context::InMemoryReady(const FdEntry* e, bool read, uint64_t* nbytes,
                            uint16_t* flags) const {
  // As with a pipe, a sink is always writable and never readable, the
  // stdin buffer the other way round.
  if (e->stream != StdioStream::kStdin) return !read;
  if (!read) return false;
  *nbytes = options_.stdin_data->size() - stdin_pos_;
  if (*nbytes == 0) *flags |= kEventFdReadwriteHangup;  // a closed writer
  return true;
}

}  // namespace wsbx::wasi
