// The WASI functions called directly as host functions over a linear memory
// made with MemoryInstance::Create: signatures, pointer checks, rights,
// read-only preopens, refusals, proc_exit and the deadline.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>
#include <tuple>
#include <doctest/doctest.h>

#include "wasi/abi.h"
#include "wasi/tests/harness.h"
#include "wasi/tests/test_tree.h"
#include "wasi/wasi.h"

namespace wsbx::wasi {
namespace {

using testing::Harness;
using testing::WithoutTimes;
using testing::TestTree;

WasiOptions WithDir(const TestTree& t, bool read_only, bool walk = false) {
  WasiOptions o;
  o.args = {"prog.wasm", "a b", "c"};
  o.preopens.push_back({t.root(), "/sandbox", read_only});
  o.force_path_walk = walk;
  return o;
}

TEST_CASE("there are 46 functions with witx signatures") {
  CHECK(WasiFunctionNames().size() == 46);
  auto w = Wasi::Create(WasiOptions());
  REQUIRE(w.ok());
  FuncType sig;
  REQUIRE((*w)->Function("path_open", &sig));
  CHECK(sig.params == std::vector<ValType>{
      ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32,
      ValType::kI64, ValType::kI64, ValType::kI32, ValType::kI32});
  CHECK(sig.results == std::vector<ValType>{ValType::kI32});
  REQUIRE((*w)->Function("proc_exit", &sig));
  CHECK(sig.results.empty());
  CHECK_FALSE((*w)->Function("fd_bogus", &sig));
}

TEST_CASE("arguments and an empty environment") {
  WasiOptions o;
  o.args = {"prog.wasm", "x"};
  Harness h{std::move(o)};
  CHECK(h.Call("args_sizes_get", {0, 4}) == kSuccess);
  CHECK(h.U32At(0) == 2);
  CHECK(h.U32At(4) == 12);
  CHECK(h.Call("args_get", {100, 200}) == kSuccess);
  CHECK(h.U32At(100) == 200);
  CHECK(h.Str(200, 12) == std::string("prog.wasm\0x\0", 12));
  CHECK(h.Call("environ_sizes_get", {0, 4}) == kSuccess);
  CHECK(h.U32At(0) == 0);
  // The buffer ends past memory: fault, and nothing is written.
  CHECK(h.Call("args_get", {100, 65536 - 5}) == kFault);
  CHECK(h.Call("args_sizes_get", {65534, 0}) == kFault);
}

TEST_CASE("bad guest pointers give fault, never a host access") {
  Harness h{WasiOptions()};
  CHECK(h.Call("clock_time_get", {kClockMonotonic, 1, 65532}) == kFault);
  CHECK(h.Call("clock_time_get", {kClockMonotonic, 1, 0xfffffff8}) == kFault);
  CHECK(h.Call("random_get", {65000, 1000}) == kFault);
  CHECK(h.Call("random_get", {0xffffffff, 0xffffffff}) == kFault);
  // An iovec whose buffer runs past the end.
  h.Put(0, std::string("\xf8\xff\x00\x00\x10\x00\x00\x00", 8));
  CHECK(h.Call("fd_write", {1, 0, 1, 16}) == kFault);
  CHECK(h.Call("fd_write", {1, 65530, 2, 16}) == kFault);
  CHECK(h.Call("fd_fdstat_get", {1, 65535}) == kFault);
  CHECK(h.Call("poll_oneoff", {0, 65500, 4, 8}) == kFault);
  CHECK(h.Call("poll_oneoff", {0, 100, 0, 8}) == kInval);
}

TEST_CASE("clocks, random, yield") {
  Harness h{WasiOptions()};
  CHECK(h.Call("clock_time_get", {kClockRealtime, 1, 8}) == kSuccess);
  CHECK(h.U64At(8) > 1600000000ull * 1000000000ull);
  CHECK(h.Call("clock_res_get", {kClockMonotonic, 8}) == kSuccess);
  CHECK(h.U64At(8) > 0);
  CHECK(h.Call("clock_time_get", {7, 1, 8}) == kInval);
  CHECK(h.Call("random_get", {16, 64}) == kSuccess);
  CHECK(h.Call("sched_yield", {}) == kSuccess);
}

TEST_CASE("proc_exit traps with the exit code") {
  Harness h{WasiOptions()};
  h.Call("proc_exit", {42});
  CHECK(h.trap() == TrapKind::kExit);
  CHECK(h.host().exit_code == 42);
}

TEST_CASE("proc_raise returns notsup and is audited") {
  Harness h{WasiOptions()};
  CHECK(h.Call("proc_raise", {9}) == kNotsup);
  REQUIRE(h.wasi().events().size() == 1);
  CHECK(h.wasi().events()[0].function == "proc_raise");
  CHECK(h.trap() == TrapKind::kNone);
}

TEST_CASE("sock_* on a closed fd is badf, on a file notsock, on a host socket notsup") {
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  WasiOptions o;
  o.stdin_fd = sv[0];
  Harness h{std::move(o)};
  CHECK(h.Call("sock_accept", {3, 0, 0}) == kBadf);
  CHECK(h.Call("sock_recv", {9, 0, 0, 0, 0, 0}) == kBadf);
  CHECK(h.Call("sock_send", {1, 0, 0, 0, 0}) == kNotsock);
  CHECK(h.Call("sock_shutdown", {2, 3}) == kNotsock);
  CHECK(h.wasi().events().empty());
  // A socket behind stdin is still not handed on: refused and audited.
  CHECK(h.Call("sock_shutdown", {0, 3}) == kNotsup);
  CHECK(h.Call("sock_recv", {0, 0, 0, 0, 0, 0}) == kNotsup);
  REQUIRE(h.wasi().events().size() == 2);
  CHECK(h.wasi().events()[0].function == "sock_shutdown");
  close(sv[0]);
  close(sv[1]);
}

TEST_CASE("no grants: no fds beyond stdio") {
  Harness h{WasiOptions()};
  CHECK(h.Call("fd_prestat_get", {3, 0}) == kBadf);
  CHECK(h.Call("fd_prestat_get", {0, 0}) == kBadf);
  CHECK(h.Open(3, "x", 0, rights::kFdRead) == kBadf);
  CHECK(h.Call("fd_seek", {1, 0, kWhenceSet, 0}) == kNotcapable);  // no seek on stdio
  CHECK(h.Call("fd_fdstat_get", {1, 0}) == kSuccess);
  CHECK((h.U64At(8) & rights::kFdWrite) != 0);
}

TEST_CASE("preopen names and reading a granted file") {
  for (bool walk : {false, true}) {
    TestTree t;
    Harness h{WithDir(t, false, walk)};
    CHECK(h.Call("fd_prestat_get", {3, 0}) == kSuccess);
    CHECK(h.U32At(4) == 8);
    CHECK(h.Call("fd_prestat_dir_name", {3, 100, 8}) == kSuccess);
    CHECK(h.Str(100, 8) == "/sandbox");
    CHECK(h.Call("fd_prestat_dir_name", {3, 100, 3}) == kNametoolong);
    REQUIRE(h.Open(3, "file.txt", 0, rights::kFdRead | rights::kFdSeek) == kSuccess);
    uint32_t fd = h.U32At(0);
    h.Put(16, std::string("\x00\x02\x00\x00\x40\x00\x00\x00", 8));  // iovec 512/64
    CHECK(h.Call("fd_read", {fd, 16, 1, 24}) == kSuccess);
    CHECK(h.U32At(24) == 5);
    CHECK(h.Str(512, 5) == "hello");
    CHECK(h.Call("fd_pread", {fd, 16, 1, 1, 24}) == kSuccess);
    CHECK(h.Str(512, 4) == "ello");
    CHECK(h.Call("fd_write", {fd, 16, 1, 24}) == kNotcapable);  // no write right
    CHECK(h.Call("fd_close", {fd}) == kSuccess);
    CHECK(h.Call("fd_close", {fd}) == kBadf);
    CHECK(t.OutsideIntact());
  }
}

TEST_CASE("escapes through path_open are refused and audited") {
  for (bool walk : {false, true}) {
    TestTree t;
    Harness h{WithDir(t, false, walk)};
    for (const char* p : {"../outside/secret", "link_out", "abs_link",
                          "/etc/passwd", "sub/out_dir/secret"}) {
      CAPTURE(p);
      CHECK(h.Open(3, p, 0, rights::kFdRead) == kNotcapable);
    }
    CHECK(h.Open(3, "../outside/new", kOflagCreat,
                 rights::kFdWrite | rights::kFdRead) == kNotcapable);
    CHECK(h.Open(3, std::string_view("file.txt\0", 9), 0, rights::kFdRead) == kInval);
    CHECK(h.wasi().events().size() == 7);
    CHECK(h.wasi().events()[0].args[1].second == "../outside/secret");
    CHECK(t.OutsideIntact());
  }
}

TEST_CASE("exit_on_denied: a refusal ends the guest and is audited") {
  TestTree t;
  WasiOptions o = WithDir(t, true);
  o.exit_on_denied = true;
  Harness h{std::move(o)};
  CHECK(h.Open(3, "file.txt", 0, rights::kFdRead) == kSuccess);  // granted
  CHECK(h.trap() == TrapKind::kNone);
  CHECK_FALSE(h.wasi().ended_by_denial());
  h.Open(3, "../outside/secret", 0, rights::kFdRead);
  CHECK(h.trap() == TrapKind::kHostError);
  CHECK(h.wasi().ended_by_denial());
  CHECK(h.host().trap_message.find("path_open refused (notcapable") == 0);
  REQUIRE(h.wasi().events().size() == 1);
  CHECK(h.wasi().events()[0].ended_guest);
  CHECK(AuditEventToJson(h.wasi().events()[0]).find(",\"ended_guest\":true}") !=
        std::string::npos);
  CHECK(t.OutsideIntact());
}

TEST_CASE("without exit_on_denied the same refusal returns its errno") {
  TestTree t;
  Harness h{WithDir(t, true)};
  CHECK(h.Open(3, "../outside/secret", 0, rights::kFdRead) == kNotcapable);
  CHECK(h.trap() == TrapKind::kNone);
  CHECK_FALSE(h.wasi().ended_by_denial());
  REQUIRE(h.wasi().events().size() == 1);
  CHECK_FALSE(h.wasi().events()[0].ended_guest);
}

TEST_CASE("a read-only preopen refuses every change with notcapable") {
  for (bool walk : {false, true}) {
    TestTree t;
    Harness h{WithDir(t, true, walk)};
    // Rights asked for are an upper bound: the open succeeds with the rights
    // the grant allows, and the write is what gets refused.
    REQUIRE(h.Open(3, "file.txt", 0, rights::kFdWrite | rights::kFdRead) == kSuccess);
    uint32_t asked_write = h.U32At(0);
    h.Put(2000, std::string("\x00\x03\x00\x00\x01\x00\x00\x00x", 9));
    CHECK(h.Call("fd_write", {asked_write, 2000, 1, 2100}) == kNotcapable);
    REQUIRE(h.Call("fd_fdstat_get", {asked_write, 2200}) == kSuccess);
    uint64_t granted = h.U64At(2208);
    CHECK((granted & rights::kFdRead) != 0);
    CHECK((granted & rights::kMutating) == 0);
    CHECK(h.Open(3, "file.txt", 0, rights::kFdRead, kFdflagAppend) == kSuccess);
    // Opens that write by themselves are refused.
    CHECK(h.Open(3, "new.txt", kOflagCreat, rights::kFdRead) == kNotcapable);
    CHECK(h.Open(3, "file.txt", kOflagTrunc, rights::kFdRead) == kNotcapable);
    h.Put(1000, "sub");
    h.Put(1100, "file.txt");
    h.Put(1200, "moved");
    CHECK(h.Call("path_create_directory", {3, 1000, 3}) == kNotcapable);
    CHECK(h.Call("path_remove_directory", {3, 1000, 3}) == kNotcapable);
    CHECK(h.Call("path_unlink_file", {3, 1100, 8}) == kNotcapable);
    CHECK(h.Call("path_rename", {3, 1100, 8, 3, 1200, 5}) == kNotcapable);
    CHECK(h.Call("path_link", {3, 0, 1100, 8, 3, 1200, 5}) == kNotcapable);
    CHECK(h.Call("path_symlink", {1100, 8, 3, 1200, 5}) == kNotcapable);
    CHECK(h.Call("path_filestat_set_times", {3, 0, 1100, 8, 0, 0, kFstMtimNow}) ==
          kNotcapable);
    // Reading still works, and the file opened read-only cannot be changed.
    REQUIRE(h.Open(3, "file.txt", 0, rights::kFdRead | rights::kFdFilestatSetSize) ==
            kSuccess);
    uint32_t fd = h.U32At(0);
    CHECK(h.Call("fd_filestat_set_size", {fd, 0}) == kNotcapable);
    CHECK(h.Call("fd_filestat_set_times", {fd, 0, 0, kFstMtimNow}) == kNotcapable);
    CHECK(h.Call("fd_allocate", {fd, 0, 10}) == kNotcapable);
    CHECK(h.Call("fd_fdstat_set_rights", {fd, rights::kAll, 0}) == kNotcapable);
    CHECK(h.wasi().events().size() == 14);
    for (const AuditEvent& ev : h.wasi().events()) CHECK(ev.error == kNotcapable);
    // A refusal by rights names the path it concerns.
    const AuditEvent& mkdir_event = h.wasi().events()[3];
    CHECK(mkdir_event.function == "path_create_directory");
    REQUIRE(mkdir_event.args.size() == 3);
    CHECK(mkdir_event.args[1] == std::pair<std::string, std::string>("path", "sub"));
    CHECK(TestTree::Read(t.root() + "/file.txt") == "hello");
    CHECK(std::filesystem::exists(t.root() + "/sub"));
    CHECK_FALSE(std::filesystem::exists(t.root() + "/moved"));
  }
}

TEST_CASE("fd_read on an empty pipe gives up at the deadline") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  WasiOptions o;
  o.stdin_fd = p[0];
  o.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  Harness h{std::move(o)};
  h.Put(16, std::string("\x00\x02\x00\x00\x40\x00\x00\x00", 8));
  auto start = std::chrono::steady_clock::now();
  h.Call("fd_read", {0, 16, 1, 24});
  CHECK(h.trap() == TrapKind::kTimeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  close(p[0]);
  close(p[1]);
}

TEST_CASE("poll_oneoff sleeps, and the deadline cuts a long sleep") {
  Harness h{WasiOptions()};
  // One relative monotonic clock subscription of 10 ms.
  uint8_t sub[48] = {};
  sub[0] = 7;  // userdata
  sub[8] = kEventClock;
  uint32_t id = kClockMonotonic;
  uint64_t timeout = 10000000;
  std::memcpy(sub + 16, &id, 4);
  std::memcpy(sub + 24, &timeout, 8);
  h.Put(0, std::string_view(reinterpret_cast<char*>(sub), 48));
  auto start = std::chrono::steady_clock::now();
  CHECK(h.Call("poll_oneoff", {0, 100, 1, 200}) == kSuccess);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(10));
  CHECK(h.U32At(200) == 1);
  CHECK(h.U64At(100) == 7);

  timeout = 3600ull * 1000000000ull;  // an hour
  std::memcpy(sub + 24, &timeout, 8);
  h.Put(0, std::string_view(reinterpret_cast<char*>(sub), 48));
  h.wasi().set_deadline(std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(30));
  start = std::chrono::steady_clock::now();
  h.Call("poll_oneoff", {0, 100, 1, 200});
  CHECK(h.trap() == TrapKind::kTimeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

// POSIX: a trailing slash makes the last component a directory. The
// official WASI test suite checks these (unlink "file/" once deleted the
// file); both resolvers must agree.
TEST_CASE("a trailing slash on the last component means a directory") {
  for (bool walk : {false, true}) {
    CAPTURE(walk);
    TestTree t;
    Harness h{WithDir(t, false, walk)};
    // Puts `path` at 1000 and `other` at 1100; the calls below use them.
    auto put = [&](std::string_view path, std::string_view other = "") {
      h.Put(1000, path);
      h.Put(1100, other);
      return std::pair<uint64_t, uint64_t>(path.size(), other.size());
    };
    auto [n, m] = put("file.txt/");
    CHECK(h.Call("path_unlink_file", {3, 1000, n}) == kNotdir);
    CHECK(std::filesystem::exists(t.root() + "/file.txt"));
    std::tie(n, m) = put("sub/");
    CHECK(h.Call("path_unlink_file", {3, 1000, n}) == kIsdir);
    std::tie(n, m) = put("in_link/");  // a symlink to a directory
    CHECK(h.Call("path_unlink_file", {3, 1000, n}) == kNotdir);
    CHECK(std::filesystem::is_symlink(t.root() + "/in_link"));
    // filestat and readlink follow "link/" (beneath the root).
    std::tie(n, m) = put("file.txt/");
    CHECK(h.Call("path_filestat_get", {3, 0, 1000, n, 2000}) == kNotdir);
    std::tie(n, m) = put("in_link/");
    CHECK(h.Call("path_filestat_get", {3, 0, 1000, n, 2000}) == kSuccess);
    CHECK(h.Str(2016, 1)[0] == static_cast<char>(kDirectory));
    CHECK(h.Call("path_readlink", {3, 1000, n, 3000, 64, 2100}) == kInval);
    std::tie(n, m) = put("sub/up_link/");  // a symlink to a file
    CHECK(h.Call("path_readlink", {3, 1000, n, 3000, 64, 2100}) == kNotdir);
    std::tie(n, m) = put("link_out/");  // leads outside: never followed there
    CHECK(h.Call("path_filestat_get", {3, 0, 1000, n, 2000}) == kNotcapable);
    // Creating a non-directory under "name/": noent, or exist when taken.
    std::tie(n, m) = put("file.txt", "made/");
    CHECK(h.Call("path_symlink", {1000, n, 3, 1100, m}) == kNoent);
    CHECK(h.Call("path_link", {3, 0, 1000, n, 3, 1100, m}) == kNoent);
    CHECK_FALSE(std::filesystem::exists(t.root() + "/made"));
    std::tie(n, m) = put("file.txt", "sub/");
    CHECK(h.Call("path_symlink", {1000, n, 3, 1100, m}) == kExist);
    std::tie(n, m) = put("file.txt/", "linked");
    CHECK(h.Call("path_link", {3, 0, 1000, n, 3, 1100, m}) == kNotdir);
    std::tie(n, m) = put("sub/", "linked");
    CHECK(h.Call("path_link", {3, 0, 1000, n, 3, 1100, m}) == kPerm);
    // rename: a slash on either side needs the source to be a directory.
    std::tie(n, m) = put("file.txt/", "moved");
    CHECK(h.Call("path_rename", {3, 1000, n, 3, 1100, m}) == kNotdir);
    std::tie(n, m) = put("file.txt", "moved/");
    CHECK(h.Call("path_rename", {3, 1000, n, 3, 1100, m}) == kNotdir);
    CHECK(std::filesystem::exists(t.root() + "/file.txt"));
    std::tie(n, m) = put("sub/", "sub2/");
    CHECK(h.Call("path_rename", {3, 1000, n, 3, 1100, m}) == kSuccess);
    CHECK(std::filesystem::is_directory(t.root() + "/sub2"));
    // Directories themselves take the slash.
    std::tie(n, m) = put("made/");
    CHECK(h.Call("path_create_directory", {3, 1000, n}) == kSuccess);
    CHECK(h.Call("path_remove_directory", {3, 1000, n}) == kSuccess);
    std::tie(n, m) = put("file.txt/");
    CHECK(h.Call("path_remove_directory", {3, 1000, n}) == kNotdir);
    CHECK(h.Open(3, "file.txt/", 0, rights::kFdRead) == kNotdir);
    CHECK(h.Open(3, "in_link/", kOflagDirectory, rights::kFdReaddir) == kNoent);  // sub moved
    CHECK(h.Open(3, "sub2/", kOflagDirectory, rights::kFdReaddir) == kSuccess);
    CHECK(std::filesystem::exists(t.root() + "/file.txt"));
  }
}

// Long host calls stop at the deadline: a write that a pipe cannot take,
// a big random_get. Before, writev blocked for as long as the reader slept.
TEST_CASE("fd_write into a pipe nobody drains stops at the deadline") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  WasiOptions o;
  o.stdout_fd = p[1];
  o.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  Harness h{std::move(o), 16};
  // One iovec of 512 KiB, far more than the pipe holds.
  h.Put(16, std::string("\x00\x00\x01\x00\x00\x00\x08\x00", 8));
  auto start = std::chrono::steady_clock::now();
  h.Call("fd_write", {1, 16, 1, 24});
  CHECK(h.trap() == TrapKind::kTimeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  close(p[0]);
  close(p[1]);
}

TEST_CASE("random_get stops at the deadline") {
  WasiOptions o;
  o.deadline = std::chrono::steady_clock::now();
  Harness h{std::move(o), 256};
  h.Call("random_get", {0, 256u * 65536});
  CHECK(h.trap() == TrapKind::kTimeout);
}

// A parent may leave stdio non-blocking; the guest was told its fds block,
// so it must never see EAGAIN for them, deadline or not.
TEST_CASE("stdio the parent left non-blocking behaves as blocking") {
  int in[2], out[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(out) == 0);
  for (int fd : {in[0], out[1]}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  WasiOptions o;
  o.stdin_fd = in[0];
  o.stdout_fd = out[1];
  Harness h{std::move(o), 16};
  // The reader arrives late; the writer fills the pipe and then more.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(write(in[1], "late", 4) == 4);
  });
  h.Put(16, std::string("\x00\x01\x00\x00\x40\x00\x00\x00", 8));
  CHECK(h.Call("fd_read", {0, 16, 1, 24}) == kSuccess);
  CHECK(h.U32At(24) == 4);
  CHECK(h.Str(256, 4) == "late");
  writer.join();
  uint64_t drained = 0;
  std::thread reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    char buf[65536];
    fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (drained < 512 * 1024 && std::chrono::steady_clock::now() < until) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n > 0) drained += static_cast<uint64_t>(n);
    }
  });
  h.Put(32, std::string("\x00\x00\x01\x00\x00\x00\x08\x00", 8));  // 512 KiB
  CHECK(h.Call("fd_write", {1, 32, 1, 40}) == kSuccess);
  CHECK(h.U32At(40) == 512 * 1024);
  reader.join();
  CHECK(drained == 512 * 1024);
  for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
}

TEST_CASE("the audit log is JSON Lines") {
  TestTree t;
  Harness h{WithDir(t, true)};
  h.Put(1000, "new\"dir");
  h.Call("path_create_directory", {3, 1000, 7});
  h.Call("proc_raise", {2});
  std::string path = t.base() + "/audit.jsonl";
  REQUIRE(h.wasi().WriteAuditLog(path).ok());
  std::string text = TestTree::Read(path);
  CHECK(WithoutTimes(text) ==
        "{\"function\":\"path_create_directory\",\"args\":{\"fd\":\"3\","
        "\"path\":\"new\\\"dir\",\"missing_rights\":\"512\"},\"errno\":"
        "\"notcapable\",\"reason\":\"read-only directory\"}\n"
        "{\"function\":\"proc_raise\",\"args\":{\"sig\":\"2\"},\"errno\":"
        "\"notsup\",\"reason\":\"signals are not supported\"}\n");
}

}  // namespace
}  // namespace wsbx::wasi
