// Calls WASI functions directly as host functions over a linear memory
// made with MemoryInstance::Create, as a guest would, and reads the results
// back from that memory.
#ifndef WSBX_WASI_TESTS_HARNESS_H_
#define WSBX_WASI_TESTS_HARNESS_H_

#include <cstdint>
#include <cstring>
#include <regex>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <doctest/doctest.h>

#include "runtime/store/store.h"
#include "wasi/wasi.h"

namespace wsbx::wasi::testing {

class Harness {
 public:
  explicit Harness(WasiOptions options, uint32_t pages = 1) {
    MemoryType type;
    type.limits.min = pages;
    mem_ = std::move(*MemoryInstance::Create(type, pages));
    auto w = Wasi::Create(std::move(options));
    REQUIRE(w.ok());
    wasi_ = std::move(*w);
    host_.memory = mem_.get();
  }
  // Calls `name`; returns the errno (or ~0 for no result).
  uint64_t Call(const char* name, std::vector<uint64_t> args) {
    return CallIn(kWasiModuleName, name, std::move(args));
  }
  // Calls `name` as module `module` (wasi_unstable, say) imports it.
  uint64_t CallIn(std::string_view module, const char* name,
                  std::vector<uint64_t> args) {
    FuncType sig;
    HostFunction fn = wasi_->Function(module, name, &sig);
    REQUIRE(fn);
    REQUIRE(sig.params.size() == args.size());
    uint64_t result = ~uint64_t{0};
    trap_ = fn(host_, args, std::span<uint64_t>(&result, sig.results.size()));
    return result;
  }
  // Fills [addr, addr + len) with `byte`: a canary to show what a call
  // left untouched.
  void Fill(uint32_t addr, uint32_t len, uint8_t byte) {
    std::memset(mem_->base() + addr, byte, len);
  }
  uint8_t ByteAt(uint32_t addr) { return mem_->base()[addr]; }
  template <typename T>
  void PutValue(uint32_t addr, T v) {
    std::memcpy(mem_->base() + addr, &v, sizeof v);
  }
  void Put(uint32_t addr, std::string_view s) {
    std::memcpy(mem_->base() + addr, s.data(), s.size());
  }
  // One iovec (or ciovec) at addr: buffer address and length.
  void PutIovec(uint32_t addr, uint32_t buf, uint32_t len) {
    std::memcpy(mem_->base() + addr, &buf, 4);
    std::memcpy(mem_->base() + addr + 4, &len, 4);
  }
  uint32_t U32At(uint32_t addr) {
    uint32_t v;
    std::memcpy(&v, mem_->base() + addr, 4);
    return v;
  }
  uint64_t U64At(uint32_t addr) {
    uint64_t v;
    std::memcpy(&v, mem_->base() + addr, 8);
    return v;
  }
  std::string Str(uint32_t addr, uint32_t len) {
    return std::string(reinterpret_cast<char*>(mem_->base() + addr), len);
  }
  // path_open relative to dirfd; the new fd lands at address 0.
  uint64_t Open(uint32_t dirfd, std::string_view path, uint32_t oflags,
                uint64_t rights, uint32_t fdflags = 0) {
    Put(1000, path);
    return Call("path_open", {dirfd, 1, 1000, path.size(), oflags, rights,
                              rights, fdflags, 0});
  }
  Wasi& wasi() { return *wasi_; }
  TrapKind trap() const { return trap_; }
  HostContext& host() { return host_; }

 private:
  std::unique_ptr<MemoryInstance> mem_;
  std::unique_ptr<Wasi> wasi_;
  HostContext host_;
  TrapKind trap_ = TrapKind::kNone;
};

// An audit log with each event's time left out, after checking that every
// line has one (the times differ from run to run; the rest does not).
inline std::string WithoutTimes(const std::string& log) {
  static const std::regex kTime(
      R"re(^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",)re");
  std::string out;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    end = end == std::string::npos ? log.size() : end + 1;
    std::string line = log.substr(start, end - start);
    std::smatch m;
    CHECK_MESSAGE(std::regex_search(line, m, kTime), line);
    out += m.empty() ? line : "{" + m.suffix().str();
    start = end;
  }
  return out;
}

}  // namespace wsbx::wasi::testing

#endif  // WSBX_WASI_TESTS_HARNESS_H_
