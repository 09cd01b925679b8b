// wasi_unstable (snapshot 0) called directly as host functions: the table
// (no sock_accept), the bytes the adapted calls write in the snapshot-0
// layouts and nothing past them (a canary fills the rest), fd_seek's
// whence order, and poll_oneoff over 56-byte subscriptions.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/module.h"
#include "runtime/store/store.h"
#include "wasi/abi.h"
#include "wasi/tests/harness.h"
#include "wasi/tests/test_tree.h"
#include "wasi/wasi.h"

namespace wsbx::wasi {
namespace {

using testing::Harness;
using testing::TestTree;

constexpr std::string_view kUnstable = kWasiUnstableModuleName;
constexpr uint8_t kCanary = 0xa5;

WasiOptions WithDir(const TestTree& t) {
  WasiOptions o;
  o.preopens.push_back({t.root(), "/sandbox", false});
  return o;
}

// True when [addr, addr + len) still holds the canary.
bool Untouched(Harness& h, uint32_t addr, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) {
    if (h.ByteAt(addr + i) != kCanary) return false;
  }
  return true;
}

TEST_CASE("wasi_unstable has preview1's functions but sock_accept") {
  std::vector<std::string_view> names = WasiFunctionNames(kUnstable);
  CHECK(names.size() == 45);
  CHECK(std::find(names.begin(), names.end(), "sock_accept") == names.end());
  CHECK(WasiFunctionNames("env").empty());
  CHECK(IsWasiModuleName(kUnstable));
  CHECK(IsWasiModuleName(kWasiModuleName));
  CHECK_FALSE(IsWasiModuleName("wasi"));
  auto w = Wasi::Create(WasiOptions());
  REQUIRE(w.ok());
  FuncType sig;
  CHECK_FALSE((*w)->Function(kUnstable, "sock_accept", &sig));
  CHECK((*w)->Function(kWasiModuleName, "sock_accept", &sig));
  CHECK_FALSE((*w)->Function("env", "fd_write", &sig));
  for (std::string_view name : names) {
    FuncType old_sig, new_sig;
    REQUIRE((*w)->Function(kUnstable, name, &old_sig));
    REQUIRE((*w)->Function(kWasiModuleName, name, &new_sig));
    CHECK_MESSAGE(old_sig == new_sig, name);
  }
}

// A module whose only content is these function imports, each of type 0
// (i32, i64, i32, i32) -> i32 or type 1 () -> ().
Module ImportsOnly(
    std::vector<std::tuple<std::string, std::string, uint32_t>> imports) {
  Module m;
  FuncType seek;
  seek.params = {ValType::kI32, ValType::kI64, ValType::kI32, ValType::kI32};
  seek.results = {ValType::kI32};
  m.types = {seek, FuncType()};
  for (auto& [module, name, type] : imports) {
    Import imp;
    imp.module = module;
    imp.name = name;
    imp.func_type = type;
    m.imports.push_back(imp);
  }
  return m;
}

TEST_CASE("LinkImports takes wasi_unstable and preview1 imports together") {
  auto w = Wasi::Create(WasiOptions());
  REQUIRE(w.ok());
  Store store;
  std::string unstable(kUnstable), preview1(kWasiModuleName);
  auto both =
      (*w)->LinkImports(store, ImportsOnly({{unstable, "fd_seek", 0},
                                            {preview1, "fd_seek", 0},
                                            {unstable, "sched_yield", 1}}));
  // sched_yield returns an errno: type 1 is wrong for it.
  REQUIRE_FALSE(both.ok());
  CHECK(both.status().message() ==
        "incompatible import type for wasi_unstable.sched_yield: the signature "
        "differs from wasi_unstable");
  both = (*w)->LinkImports(
      store, ImportsOnly({{unstable, "fd_seek", 0}, {preview1, "fd_seek", 0}}));
  REQUIRE(both.ok());
  CHECK(both->size() == 2);
  auto accept =
      (*w)->LinkImports(store, ImportsOnly({{unstable, "sock_accept", 0}}));
  REQUIRE_FALSE(accept.ok());
  CHECK(accept.status().message() ==
        "unknown import wasi_unstable.sock_accept (not a wasi_unstable "
        "function)");
  auto other = (*w)->LinkImports(store, ImportsOnly({{"wasi", "fd_seek", 0}}));
  CHECK_FALSE(other.ok());
}

// Checks a 56-byte snapshot-0 filestat at `s0` against the preview1 one
// for the same file at `p1`.
void CheckSnapshot0Filestat(Harness& h, uint32_t s0, uint32_t p1) {
  CHECK(h.U64At(s0) == h.U64At(p1));              // dev
  CHECK(h.U64At(s0 + 8) == h.U64At(p1 + 8));      // ino
  CHECK(h.ByteAt(s0 + 16) == h.ByteAt(p1 + 16));  // filetype
  for (uint32_t pad = 17; pad < 20; ++pad) CHECK(h.ByteAt(s0 + pad) == 0);
  CHECK(h.U32At(s0 + 20) == h.U64At(p1 + 24));  // nlink, u32
  CHECK(h.U64At(s0 + 24) == h.U64At(p1 + 32));  // size
  CHECK(h.U64At(s0 + 32) == h.U64At(p1 + 40));  // atim
  CHECK(h.U64At(s0 + 40) == h.U64At(p1 + 48));  // mtim
  CHECK(h.U64At(s0 + 48) == h.U64At(p1 + 56));  // ctim
}

TEST_CASE("wasi_unstable fd_filestat_get writes the 56-byte layout") {
  TestTree t;
  Harness h{WithDir(t)};
  REQUIRE(h.Open(3, "file.txt", 0, rights::kFdRead | rights::kFdFilestatGet) ==
          kSuccess);
  uint32_t fd = h.U32At(0);
  h.Fill(100, 200, kCanary);
  REQUIRE(h.CallIn(kUnstable, "fd_filestat_get", {fd, 100}) == kSuccess);
  CHECK(Untouched(h, 156, 144));
  CHECK(h.ByteAt(116) == kRegularFile);
  CHECK(h.U32At(120) == 1);
  CHECK(h.U64At(124) == 5);  // "hello"
  CHECK(h.U64At(140) != 0);  // mtim
  REQUIRE(h.Call("fd_filestat_get", {fd, 400}) == kSuccess);
  CheckSnapshot0Filestat(h, 100, 400);
  // The whole 56 bytes must fit; the preview1 size is not needed.
  CHECK(h.CallIn(kUnstable, "fd_filestat_get", {fd, 65536 - 56}) == kSuccess);
  CHECK(h.CallIn(kUnstable, "fd_filestat_get", {fd, 65536 - 55}) == kFault);
  CHECK(h.CallIn(kUnstable, "fd_filestat_get", {99, 100}) == kBadf);
}

TEST_CASE("wasi_unstable path_filestat_get writes the 56-byte layout") {
  TestTree t;
  REQUIRE(link((t.root() + "/file.txt").c_str(),
               (t.root() + "/second.txt").c_str()) == 0);
  Harness h{WithDir(t)};
  h.Put(1000, "file.txt");
  h.Fill(100, 200, kCanary);
  REQUIRE(h.CallIn(kUnstable, "path_filestat_get", {3, 0, 1000, 8, 100}) ==
          kSuccess);
  CHECK(Untouched(h, 156, 144));
  CHECK(h.ByteAt(116) == kRegularFile);
  CHECK(h.U32At(120) == 2);  // the hard link
  CHECK(h.U64At(124) == 5);
  REQUIRE(h.Call("path_filestat_get", {3, 0, 1000, 8, 400}) == kSuccess);
  CheckSnapshot0Filestat(h, 100, 400);

  h.Put(1000, "sub");
  h.Fill(100, 200, kCanary);
  REQUIRE(h.CallIn(kUnstable, "path_filestat_get", {3, 0, 1000, 3, 100}) ==
          kSuccess);
  CHECK(h.ByteAt(116) == kDirectory);
  CHECK(Untouched(h, 156, 144));
  CHECK(h.CallIn(kUnstable, "path_filestat_get", {3, 0, 1000, 3, 65536 - 55}) ==
        kFault);
}

TEST_CASE("wasi_unstable refusals are audited under the function's name") {
  TestTree t;
  Harness h{WithDir(t)};
  h.Put(1000, "../outside/secret");
  CHECK(h.CallIn(kUnstable, "path_filestat_get", {3, 0, 1000, 17, 100}) ==
        kNotcapable);
  REQUIRE(!h.wasi().events().empty());
  CHECK(h.wasi().events().back().function == "path_filestat_get");
}

TEST_CASE("wasi_unstable fd_seek orders whence cur, end, set") {
  TestTree t;
  TestTree::Write(t.root() + "/ten", "0123456789");
  Harness h{WithDir(t)};
  REQUIRE(h.Open(3, "ten", 0,
                 rights::kFdRead | rights::kFdSeek | rights::kFdTell) ==
          kSuccess);
  uint32_t fd = h.U32At(0);
  auto seek = [&](int64_t offset, uint32_t whence) {
    h.PutValue<uint64_t>(8, ~uint64_t{0});
    uint64_t err = h.CallIn(kUnstable, "fd_seek",
                            {fd, static_cast<uint64_t>(offset), whence, 8});
    return err == kSuccess ? h.U64At(8) : ~uint64_t{0} - err;
  };
  CHECK(seek(3, snapshot0::kWhenceSet) == 3);
  CHECK(seek(2, snapshot0::kWhenceCur) == 5);
  CHECK(seek(-1, snapshot0::kWhenceEnd) == 9);
  CHECK(seek(0, snapshot0::kWhenceSet) == 0);
  CHECK(seek(4, snapshot0::kWhenceCur) == 4);
  CHECK(seek(0, snapshot0::kWhenceEnd) == 10);
  CHECK(seek(0, 3) == ~uint64_t{0} - kInval);
  CHECK(h.CallIn(kUnstable, "fd_tell", {fd, 16}) == kSuccess);
  CHECK(h.U64At(16) == 10);
  // The same values through preview1 mean set, cur, end.
  CHECK(h.Call("fd_seek", {fd, 2, kWhenceSet, 8}) == kSuccess);
  CHECK(h.U64At(8) == 2);
}

TEST_CASE("wasi_unstable fd_seek(0, cur) needs only the tell right") {
  TestTree t;
  Harness h{WithDir(t)};
  REQUIRE(h.Open(3, "file.txt", 0, rights::kFdRead | rights::kFdTell) ==
          kSuccess);
  uint32_t fd = h.U32At(0);
  CHECK(h.CallIn(kUnstable, "fd_seek", {fd, 0, snapshot0::kWhenceCur, 8}) ==
        kSuccess);
  CHECK(h.CallIn(kUnstable, "fd_seek", {fd, 0, snapshot0::kWhenceSet, 8}) ==
        kNotcapable);
}

TEST_CASE("wasi_unstable fd_fdstat_get shows no sock_accept right") {
  TestTree t;
  Harness h{WithDir(t)};
  h.Fill(100, 64, kCanary);
  REQUIRE(h.CallIn(kUnstable, "fd_fdstat_get", {3, 100}) == kSuccess);
  CHECK(Untouched(h, 124, 40));
  CHECK(h.ByteAt(100) == kDirectory);
  CHECK(h.U64At(108) == rights::kDirAll);
  CHECK(h.U64At(116) == snapshot0::kRightsAll);
  REQUIRE(h.Call("fd_fdstat_get", {3, 200}) == kSuccess);
  CHECK(h.U64At(216) == rights::kAll);  // preview1 keeps the bit
  CHECK(h.CallIn(kUnstable, "fd_fdstat_get", {3, 65536 - 23}) == kFault);
}

// A snapshot-0 clock subscription at `addr`. The identifier's low half is
// an invalid clock id, where preview1 would read the id.
void PutClock(Harness& h, uint32_t addr, uint64_t userdata, uint32_t id,
              uint64_t timeout, uint16_t flags) {
  h.Fill(addr, snapshot0::kSubscriptionSize, 0);
  h.PutValue<uint64_t>(addr, userdata);
  h.PutValue<uint8_t>(addr + 8, kEventClock);
  h.PutValue<uint64_t>(addr + 16, 0x1234567800000077ull);  // identifier
  h.PutValue<uint32_t>(addr + 24, id);
  h.PutValue<uint64_t>(addr + 32, timeout);
  h.PutValue<uint64_t>(addr + 40, 1000);  // precision
  h.PutValue<uint16_t>(addr + 48, flags);
}

TEST_CASE("wasi_unstable poll_oneoff reads 56-byte clock subscriptions") {
  Harness h{WasiOptions()};
  PutClock(h, 0, 0x1111, kClockMonotonic, 20'000'000, 0);  // 20 ms
  h.Fill(1000, 100, kCanary);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(h.CallIn(kUnstable, "poll_oneoff", {0, 1000, 1, 900}) == kSuccess);
  CHECK(std::chrono::steady_clock::now() - start >=
        std::chrono::milliseconds(20));
  CHECK(h.U32At(900) == 1);
  CHECK(h.U64At(1000) == 0x1111);
  CHECK(h.U32At(1008) == (uint32_t{kEventClock} << 16));  // error 0, type
  CHECK(Untouched(h, 1032, 68));

  // The second subscription starts at 56: an absolute time long past fires
  // at once, the first (10 s) never does.
  PutClock(h, 0, 0x1111, kClockMonotonic, 10'000'000'000, 0);
  PutClock(h, 56, 0x2222, kClockRealtime, 1, kSubclockAbstime);
  h.Fill(1000, 100, kCanary);
  REQUIRE(h.CallIn(kUnstable, "poll_oneoff", {0, 1000, 2, 900}) == kSuccess);
  CHECK(h.U32At(900) == 1);
  CHECK(h.U64At(1000) == 0x2222);
  CHECK(h.U32At(1008) == (uint32_t{kEventClock} << 16));
  CHECK(Untouched(h, 1032, 68));

  // An unknown clock id at snapshot 0's offset is that subscription's error.
  PutClock(h, 0, 0x3333, 9, 0, 0);
  REQUIRE(h.CallIn(kUnstable, "poll_oneoff", {0, 1000, 1, 900}) == kSuccess);
  CHECK(h.U32At(900) == 1);
  CHECK(h.U64At(1000) == 0x3333);
  CHECK(h.U32At(1008) == ((uint32_t{kEventClock} << 16) | kInval));

  // nsubscriptions * 56 bytes must be in memory (48 would fit here).
  CHECK(h.CallIn(kUnstable, "poll_oneoff", {65536 - 100, 1000, 2, 900}) ==
        kFault);
  CHECK(h.Call("poll_oneoff", {65536 - 100, 1000, 2, 900}) != kFault);
}

TEST_CASE("wasi_unstable poll_oneoff on fds: fd at 16, the same event layout") {
  WasiOptions o;
  o.stdin_data = "abc";
  Harness h{std::move(o)};
  h.Fill(0, snapshot0::kSubscriptionSize, 0);
  h.PutValue<uint64_t>(0, 0x4444);
  h.PutValue<uint8_t>(8, kEventFdRead);
  h.PutValue<uint32_t>(16, 0);
  h.Fill(1000, 100, kCanary);
  REQUIRE(h.CallIn(kUnstable, "poll_oneoff", {0, 1000, 1, 900}) == kSuccess);
  CHECK(h.U32At(900) == 1);
  CHECK(h.U64At(1000) == 0x4444);
  CHECK(h.U32At(1008) == (uint32_t{kEventFdRead} << 16));
  CHECK(h.U64At(1016) == 3);  // nbytes
  CHECK(Untouched(h, 1032, 68));
}

}  // namespace
}  // namespace wsbx::wasi
