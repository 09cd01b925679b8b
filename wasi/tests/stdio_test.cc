// Stdio for embedders: stdin from WasiOptions::stdin_data, stdout and
// stderr into sinks, and max_output_bytes over sinks and host fds alike.
// The exact boundaries are checked by calling the functions directly; a C
// guest (guests/stdio_guest.c, built for wasm32-wasi, path in
// WSBX_STDIO_GUEST) shows what a program's read, fread, printf see.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <doctest/doctest.h>

#include "runtime/engine.h"
#include "wasi/abi.h"
#include "wasi/tests/harness.h"
#include "wasi/wasi.h"

namespace wsbx::wasi {
namespace {

using testing::Harness;
using testing::WithoutTimes;
using Arg = std::pair<std::string, std::string>;

// What the sinks received, one entry per call: 1 or 2, and the bytes.
struct SinkLog {
  std::vector<std::pair<int, std::string>> calls;
  std::string Of(int stream) const {
    std::string all;
    for (const auto& [s, bytes] : calls) {
      if (s == stream) all += bytes;
    }
    return all;
  }
  // Consecutive calls for the same stream joined: the order of the streams.
  std::vector<std::pair<int, std::string>> Turns() const {
    std::vector<std::pair<int, std::string>> turns;
    for (const auto& [s, bytes] : calls) {
      if (!turns.empty() && turns.back().first == s) {
        turns.back().second += bytes;
      } else {
        turns.emplace_back(s, bytes);
      }
    }
    return turns;
  }
};

void AttachSinks(WasiOptions& o, SinkLog& log) {
  o.stdout_sink = [&log](std::string_view s) {
    CHECK_FALSE(s.empty());
    log.calls.emplace_back(1, std::string(s));
  };
  o.stderr_sink = [&log](std::string_view s) {
    CHECK_FALSE(s.empty());
    log.calls.emplace_back(2, std::string(s));
  };
}

// Bytes that are not text and do not repeat with a short period.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  uint32_t x = 12345;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// Everything readable from a pipe's read end now (the writer may stay open).
std::string Drain(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
  return out;
}

bool HasArg(const AuditEvent& ev, const Arg& arg) {
  for (const Arg& a : ev.args) {
    if (a == arg) return true;
  }
  return false;
}

// fd_read of fd 0 into one buffer of `len` bytes at 4096; returns the bytes.
std::string ReadStdin(Harness& h, uint32_t len) {
  h.PutIovec(16, 4096, len);
  REQUIRE(h.Call("fd_read", {0, 16, 1, 24}) == kSuccess);
  return h.Str(4096, h.U32At(24));
}

// fd_write of `parts` (one iovec each, data from 4096 on) to fd; returns
// the errno, the count written at 8.
uint64_t Write(Harness& h, uint32_t fd, std::vector<std::string_view> parts) {
  uint32_t at = 4096;
  for (size_t i = 0; i < parts.size(); ++i) {
    h.Put(at, parts[i]);
    h.PutIovec(static_cast<uint32_t>(64 + 8 * i), at,
               static_cast<uint32_t>(parts[i].size()));
    at += static_cast<uint32_t>(parts[i].size());
  }
  h.Put(8, std::string(4, '\xff'));
  return h.Call("fd_write", {fd, 64, parts.size(), 8});
}

// One poll_oneoff subscription for reading (or writing) fd; the event is at
// 200, the count of events at 300.
uint64_t PollFd(Harness& h, uint32_t fd, bool read) {
  uint8_t sub[kSubscriptionSize] = {};
  sub[0] = 9;  // userdata
  sub[8] = read ? kEventFdRead : kEventFdWrite;
  std::memcpy(sub + 16, &fd, 4);
  h.Put(100, std::string_view(reinterpret_cast<char*>(sub), sizeof sub));
  return h.Call("poll_oneoff", {100, 200, 1, 300});
}

TEST_CASE("stdin_data is read in pieces and across iovecs, then end of file") {
  WasiOptions o;
  o.stdin_data = "hello, world";
  Harness h{std::move(o)};
  CHECK(ReadStdin(h, 5) == "hello");
  h.PutIovec(16, 4096, 3);
  h.PutIovec(24, 5000, 2);
  REQUIRE(h.Call("fd_read", {0, 16, 2, 32}) == kSuccess);
  CHECK(h.U32At(32) == 5);
  CHECK(h.Str(4096, 3) == ", w");
  CHECK(h.Str(5000, 2) == "or");
  CHECK(ReadStdin(h, 100) == "ld");
  CHECK(ReadStdin(h, 100) == "");
  CHECK(ReadStdin(h, 100) == "");  // end of file stays so
  CHECK(h.wasi().events().empty());
}

TEST_CASE("1 MiB of stdin_data read in small and in large pieces") {
  const std::string data = Pattern(1 << 20);
  for (uint32_t piece : {1u, 4093u, 65536u, 1u << 20, 3u << 20}) {
    CAPTURE(piece);
    WasiOptions o;
    o.stdin_data = data;
    Harness h{std::move(o), 64};  // 4 MiB
    std::string got;
    size_t reads = 0;
    for (std::string part; !(part = ReadStdin(h, piece)).empty(); ++reads) {
      REQUIRE(part.size() <= piece);
      got += part;
      if (piece == 1 && got.size() >= 100000) break;  // enough one by one
    }
    if (piece == 1) {
      CHECK(got == data.substr(0, 100000));
      continue;
    }
    CHECK(got.size() == data.size());
    CHECK(got == data);
    CHECK(reads == (data.size() + piece - 1) / piece);
  }
}

TEST_CASE("an empty stdin_data is end of file at once, and poll says so") {
  WasiOptions o;
  o.stdin_data = "";
  Harness h{std::move(o)};
  CHECK(ReadStdin(h, 64) == "");
  // Readable at once with 0 bytes and a hangup, even beside an hour's sleep.
  uint8_t subs[2 * kSubscriptionSize] = {};
  subs[8] = kEventFdRead;  // fd 0
  subs[kSubscriptionSize] = 1;
  subs[kSubscriptionSize + 8] = kEventClock;
  uint32_t id = kClockMonotonic;
  uint64_t hour = 3600ull * 1000000000ull;
  std::memcpy(subs + kSubscriptionSize + 16, &id, 4);
  std::memcpy(subs + kSubscriptionSize + 24, &hour, 8);
  h.Put(100, std::string_view(reinterpret_cast<char*>(subs), sizeof subs));
  auto start = std::chrono::steady_clock::now();
  REQUIRE(h.Call("poll_oneoff", {100, 400, 2, 300}) == kSuccess);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  REQUIRE(h.U32At(300) == 1);
  CHECK(h.U64At(400) == 0);  // userdata of the fd subscription
  CHECK(h.U32At(408) == (kEventFdRead << 16));  // errno 0, type fd_read
  CHECK(h.U64At(416) == 0);  // nbytes
  CHECK(h.U32At(424) == kEventFdReadwriteHangup);
}

TEST_CASE("poll_oneoff finds stdin_data readable with the bytes left") {
  WasiOptions o;
  o.stdin_data = "abcdef";
  SinkLog log;
  AttachSinks(o, log);
  Harness h{std::move(o)};
  REQUIRE(PollFd(h, 0, true) == kSuccess);
  REQUIRE(h.U32At(300) == 1);
  CHECK(h.U64At(200) == 9);
  CHECK(h.U64At(216) == 6);
  CHECK(h.U32At(224) == 0);  // no hangup while bytes are left
  CHECK(ReadStdin(h, 4) == "abcd");
  REQUIRE(PollFd(h, 0, true) == kSuccess);
  CHECK(h.U64At(216) == 2);
  CHECK(ReadStdin(h, 4) == "ef");
  REQUIRE(PollFd(h, 0, true) == kSuccess);
  REQUIRE(h.U32At(300) == 1);
  CHECK(h.U64At(216) == 0);
  CHECK(h.U32At(224) == kEventFdReadwriteHangup);
  // A sink takes bytes at once.
  for (uint32_t fd : {1u, 2u}) {
    REQUIRE(PollFd(h, fd, false) == kSuccess);
    REQUIRE(h.U32At(300) == 1);
    CHECK(h.U32At(208) == (kEventFdWrite << 16));
  }
}

TEST_CASE("stdin_data, and sinks, show what pipes behind stdio show") {
  int in[2], out[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(out) == 0);
  WasiOptions piped;
  piped.stdin_fd = in[0];
  piped.stdout_fd = out[1];
  WasiOptions mem;
  mem.stdin_data = "data";
  SinkLog log;
  AttachSinks(mem, log);
  Harness hp{std::move(piped)}, hm{std::move(mem)};
  for (uint32_t fd : {0u, 1u}) {
    CAPTURE(fd);
    REQUIRE(hp.Call("fd_fdstat_get", {fd, 0}) == kSuccess);
    REQUIRE(hm.Call("fd_fdstat_get", {fd, 0}) == kSuccess);
    CHECK(hm.Str(0, kFdstatSize) == hp.Str(0, kFdstatSize));
    CHECK(hm.Str(0, 1)[0] == static_cast<char>(kUnknown));
    REQUIRE(hp.Call("fd_filestat_get", {fd, 100}) == kSuccess);
    REQUIRE(hm.Call("fd_filestat_get", {fd, 100}) == kSuccess);
    CHECK(hm.Str(100, 24) == hp.Str(100, 24));  // dev, ino (0), filetype
    CHECK(hm.Str(116, 1)[0] == static_cast<char>(kUnknown));
  }
  // No seek, tell or pread on either: refused by rights, audited.
  for (Harness* h : {&hp, &hm}) {
    h->PutIovec(16, 4096, 4);
    CHECK(h->Call("fd_seek", {0, 0, kWhenceSet, 0}) == kNotcapable);
    CHECK(h->Call("fd_tell", {0, 0}) == kNotcapable);
    CHECK(h->Call("fd_pread", {0, 16, 1, 0, 24}) == kNotcapable);
    CHECK(h->Call("fd_write", {0, 16, 1, 24}) == kNotcapable);
    CHECK(h->Call("fd_read", {1, 16, 1, 24}) == kNotcapable);
    CHECK(h->wasi().events().size() == 5);
  }
  CHECK(ReadStdin(hm, 16) == "data");
  CHECK(log.calls.empty());
  for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
}

TEST_CASE("sinks get stdout and stderr in order, nothing empty, nothing lost") {
  WasiOptions o;
  SinkLog log;
  AttachSinks(o, log);
  Harness h{std::move(o)};
  CHECK(Write(h, 1, {"ab", "cde"}) == kSuccess);
  CHECK(h.U32At(8) == 5);
  CHECK(Write(h, 2, {"X"}) == kSuccess);
  CHECK(h.U32At(8) == 1);
  CHECK(Write(h, 1, {"", "f", ""}) == kSuccess);
  CHECK(h.U32At(8) == 1);
  CHECK(Write(h, 1, {}) == kSuccess);
  CHECK(h.U32At(8) == 0);
  CHECK(log.calls == std::vector<std::pair<int, std::string>>{
                         {1, "ab"}, {1, "cde"}, {2, "X"}, {1, "f"}});
  // The stream goes with the fd: stderr renumbered onto fd 1 stays stderr.
  CHECK(h.Call("fd_renumber", {2, 1}) == kSuccess);
  CHECK(Write(h, 1, {"Y"}) == kSuccess);
  CHECK(Write(h, 2, {"Z"}) == kBadf);
  CHECK(log.Of(1) == "abcdef");
  CHECK(log.Of(2) == "XY");
  CHECK(h.wasi().stdout_bytes() == 6);
  CHECK(h.wasi().stderr_bytes() == 2);
  CHECK(h.wasi().output_bytes() == 8);
  CHECK(h.wasi().events().empty());
}

TEST_CASE("the output cap: the crossing write is cut short, then fbig") {
  WasiOptions o;
  o.max_output_bytes = 10;
  SinkLog log;
  AttachSinks(o, log);
  Harness h{std::move(o)};
  CHECK(Write(h, 1, {"12345678"}) == kSuccess);
  CHECK(h.U32At(8) == 8);
  CHECK(Write(h, 1, {"abc", "def"}) == kSuccess);
  CHECK(h.U32At(8) == 2);  // what fits
  CHECK(log.Of(1) == "12345678ab");
  CHECK(h.wasi().events().empty());
  CHECK(Write(h, 1, {"x"}) == kFbig);
  CHECK(h.U32At(8) == 0xffffffff);  // no count stored
  CHECK(Write(h, 1, {"", ""}) == kSuccess);  // 0 bytes still succeed
  CHECK(h.U32At(8) == 0);
  CHECK(log.Of(1) == "12345678ab");
  CHECK(h.wasi().stdout_bytes() == 10);
  REQUIRE(h.wasi().events().size() == 1);
  const AuditEvent& ev = h.wasi().events()[0];
  CHECK(ev.function == "fd_write");
  CHECK(ev.error == kFbig);
  CHECK(HasArg(ev, {"fd", "1"}));
  CHECK(HasArg(ev, {"stream", "stdout"}));
  CHECK(HasArg(ev, {"nbytes", "1"}));
  CHECK(HasArg(ev, {"max_output_bytes", "10"}));
  CHECK(WithoutTimes(h.wasi().AuditLogText()) ==
        "{\"function\":\"fd_write\",\"args\":{\"fd\":\"1\",\"stream\":"
        "\"stdout\",\"nbytes\":\"1\",\"max_output_bytes\":\"10\"},\"errno\":"
        "\"fbig\",\"reason\":\"stdout and stderr together reached "
        "max_output_bytes\"}\n");
}

TEST_CASE("the output cap counts stdout and stderr together") {
  WasiOptions o;
  o.max_output_bytes = 10;
  SinkLog log;
  AttachSinks(o, log);
  Harness h{std::move(o)};
  CHECK(Write(h, 1, {"123456"}) == kSuccess);
  CHECK(h.U32At(8) == 6);
  CHECK(Write(h, 2, {"abcdef"}) == kSuccess);
  CHECK(h.U32At(8) == 4);
  CHECK(Write(h, 1, {"z"}) == kFbig);
  CHECK(Write(h, 2, {"z"}) == kFbig);
  CHECK(log.Turns() == std::vector<std::pair<int, std::string>>{
                           {1, "123456"}, {2, "abcd"}});
  CHECK(h.wasi().stdout_bytes() == 6);
  CHECK(h.wasi().stderr_bytes() == 4);
  REQUIRE(h.wasi().events().size() == 2);
  CHECK(HasArg(h.wasi().events()[0], {"fd", "1"}));
  CHECK(HasArg(h.wasi().events()[1], {"fd", "2"}));
  CHECK(HasArg(h.wasi().events()[1], {"stream", "stderr"}));
}

TEST_CASE("a cap of 0 refuses the first byte and keeps 0-byte writes") {
  WasiOptions o;
  o.max_output_bytes = 0;
  SinkLog log;
  AttachSinks(o, log);
  Harness h{std::move(o)};
  CHECK(Write(h, 1, {""}) == kSuccess);
  CHECK(h.U32At(8) == 0);
  CHECK(Write(h, 1, {"a"}) == kFbig);
  CHECK(Write(h, 2, {"bc", "d"}) == kFbig);
  CHECK(log.calls.empty());
  CHECK(h.wasi().output_bytes() == 0);
  REQUIRE(h.wasi().events().size() == 2);
  CHECK(HasArg(h.wasi().events()[0], {"max_output_bytes", "0"}));
  CHECK(HasArg(h.wasi().events()[1], {"nbytes", "3"}));
}

TEST_CASE("the output cap on host fds: pipes behind stdout and stderr") {
  for (bool deadline : {false, true}) {
    CAPTURE(deadline);
    int out[2], err[2];
    REQUIRE(pipe(out) == 0);
    REQUIRE(pipe(err) == 0);
    WasiOptions o;
    o.stdout_fd = out[1];
    o.stderr_fd = err[1];
    o.max_output_bytes = 5000;
    // With a deadline, stream writes go PIPE_BUF bytes at a time.
    if (deadline) {
      o.deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
    }
    Harness h{std::move(o)};
    const std::string data = Pattern(4000);
    CHECK(Write(h, 1, {data}) == kSuccess);
    CHECK(h.U32At(8) == 4000);
    CHECK(Write(h, 2, {"abc", data}) == kSuccess);
    CHECK(h.U32At(8) == 1000);
    CHECK(Write(h, 1, {"z"}) == kFbig);
    CHECK(Write(h, 2, {"z"}) == kFbig);
    CHECK(Drain(out[0]) == data);
    CHECK(Drain(err[0]) == "abc" + data.substr(0, 997));
    CHECK(h.wasi().stdout_bytes() == 4000);
    CHECK(h.wasi().stderr_bytes() == 1000);
    CHECK(h.wasi().events().size() == 2);
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
  }
}

TEST_CASE("without a cap, host fds are counted and never refused") {
  int out[2];
  REQUIRE(pipe(out) == 0);
  WasiOptions o;
  o.stdout_fd = out[1];
  Harness h{std::move(o), 16};
  const std::string data = Pattern(60000);
  CHECK(Write(h, 1, {data}) == kSuccess);
  CHECK(h.U32At(8) == 60000);
  CHECK(Drain(out[0]) == data);
  CHECK(h.wasi().stdout_bytes() == 60000);
  CHECK(h.wasi().events().empty());
  close(out[0]);
  close(out[1]);
}

TEST_CASE("stdin_data and sinks stop at the deadline and on an interrupt") {
  std::atomic<bool> stop{false};
  for (bool by_deadline : {true, false}) {
    CAPTURE(by_deadline);
    WasiOptions o;
    o.stdin_data = "data";
    SinkLog log;
    AttachSinks(o, log);
    if (by_deadline) {
      o.deadline = std::chrono::steady_clock::now();
    } else {
      o.interrupt = &stop;
      stop = true;
    }
    Harness h{std::move(o)};
    const TrapKind want =
        by_deadline ? TrapKind::kTimeout : TrapKind::kInterrupted;
    h.PutIovec(16, 4096, 4);
    h.Call("fd_read", {0, 16, 1, 24});
    CHECK(h.trap() == want);
    Write(h, 1, {"out"});
    CHECK(h.trap() == want);
    CHECK(log.calls.empty());
    CHECK(h.wasi().output_bytes() == 0);
  }
}

// The guest runs as a command: its exit code, or -1 after any other trap.
struct GuestRun {
  int code = -1;
  std::string trap;
  std::unique_ptr<Wasi> wasi;
};

std::shared_ptr<const Module> StdioGuest() {
  static std::shared_ptr<const Module> module = [] {
    const char* path = std::getenv("WSBX_STDIO_GUEST");
    REQUIRE_MESSAGE(path != nullptr, "WSBX_STDIO_GUEST names stdio_guest.wasm");
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, (std::string("cannot read ") + path));
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    auto loaded = LoadModule(std::move(bytes));
    REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
    return *loaded;
  }();
  return module;
}

GuestRun RunGuest(WasiOptions o, std::vector<std::string> args) {
  o.args = {"stdio_guest.wasm"};
  o.args.insert(o.args.end(), args.begin(), args.end());
  GuestRun run;
  auto wasi = Wasi::Create(std::move(o));
  REQUIRE(wasi.ok());
  run.wasi = std::move(*wasi);
  Store store;
  std::shared_ptr<const Module> module = StdioGuest();
  auto imports = run.wasi->LinkImports(store, *module);
  REQUIRE_MESSAGE(imports.ok(), imports.status().ToString());
  auto instance = store.Instantiate(module, *imports);
  REQUIRE_MESSAGE(instance.ok(), instance.status().ToString());
  std::optional<Extern> start = (*instance)->FindExport("_start");
  REQUIRE(start);
  InvokeResult result = store.Invoke(start->func, {});
  if (result.ok()) {
    run.code = 0;
  } else if (result.trap->kind == TrapKind::kExit) {
    run.code = result.trap->exit_code;
  } else {
    run.trap = result.trap->ToString();
  }
  return run;
}

TEST_CASE("guest: 1 MiB of stdin_data by read(2) in small and large pieces") {
  const std::string data = Pattern(1 << 20);
  for (size_t piece : {7, 4096, 1 << 20}) {
    CAPTURE(piece);
    WasiOptions o;
    o.stdin_data = data;
    SinkLog log;
    AttachSinks(o, log);
    GuestRun run = RunGuest(std::move(o), {"echo", std::to_string(piece)});
    CHECK(run.trap == "");
    CHECK(run.code == 0);
    CHECK(log.Of(1).size() == data.size());
    CHECK(log.Of(1) == data);
    size_t reads = (data.size() + piece - 1) / piece;
    CHECK(log.Of(2) == "reads=" + std::to_string(reads) + " bytes=1048576\n");
    CHECK(run.wasi->stdout_bytes() == data.size());
  }
}

TEST_CASE("guest: stdin_data through fread, stdout through fwrite") {
  const std::string data = Pattern(3 << 19);  // 1.5 MiB
  WasiOptions o;
  o.stdin_data = data;
  SinkLog log;
  AttachSinks(o, log);
  GuestRun run = RunGuest(std::move(o), {"cat"});
  CHECK(run.code == 0);
  CHECK(log.Of(1) == data);
  CHECK(log.Of(2) == "");
}

TEST_CASE("guest: an empty stdin_data is end of file for getchar and read") {
  WasiOptions o;
  o.stdin_data = "";
  SinkLog log;
  AttachSinks(o, log);
  GuestRun run = RunGuest(std::move(o), {"empty"});
  CHECK(run.trap == "");
  CHECK(run.code == 0);
  CHECK(log.calls.empty());
}

TEST_CASE("guest: stdout and stderr interleaved in sinks as written") {
  WasiOptions o;
  SinkLog log;
  AttachSinks(o, log);
  GuestRun run = RunGuest(std::move(o), {"interleave"});
  CHECK(run.code == 0);
  CHECK(log.Turns() == std::vector<std::pair<int, std::string>>{
                           {1, "o1\n"}, {2, "e1\n"}, {1, "o2\n"}, {2, "e2\n"},
                           {1, "o3\n"}, {2, "e3\n"}, {1, "o4\n"}});
  CHECK(run.wasi->stdout_bytes() == 12);
  CHECK(run.wasi->stderr_bytes() == 9);
}

// The 10-byte lines the cap case prints, up to `n` bytes.
std::string Lines(size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i) {
    char line[32];
    std::snprintf(line, sizeof line, "line %04d\n", i);
    s += line;
  }
  return s.substr(0, n);
}

void CheckCapEvents(const Wasi& wasi, const std::string& cap) {
  const std::vector<AuditEvent>& events = wasi.events();
  // The rest of line 9 (or 0), "abc", stderr's "err\n", and "x".
  REQUIRE(events.size() >= 4);
  CHECK(HasArg(events[0], {"fd", "1"}));
  CHECK(HasArg(events.back(), {"fd", "2"}));
  CHECK(HasArg(events.back(), {"nbytes", "1"}));
  for (const AuditEvent& ev : events) {
    CHECK(ev.function == "fd_write");
    CHECK(ev.error == kFbig);
    CHECK(HasArg(ev, {"max_output_bytes", cap}));
  }
}

TEST_CASE("guest: printf, fwrite and fprintf fail with EFBIG at the cap") {
  // The cap falls inside line 9, after line 9, and before line 0.
  for (const auto& cap_lines :
       {std::pair<uint64_t, int>{95, 9}, {100, 10}, {0, 0}}) {
    // Plain variables: clang 14 cannot capture structured bindings (CAPTURE).
    const uint64_t cap = cap_lines.first;
    const int lines = cap_lines.second;
    CAPTURE(cap);
    WasiOptions o;
    o.max_output_bytes = cap;
    SinkLog log;
    AttachSinks(o, log);
    GuestRun run = RunGuest(std::move(o), {"cap", std::to_string(lines)});
    CHECK(run.trap == "");
    CHECK(run.code == 0);
    CHECK(log.Of(1) == Lines(cap));
    CHECK(log.Of(2) == "");
    CHECK(run.wasi->output_bytes() == cap);
    CheckCapEvents(*run.wasi, std::to_string(cap));
  }
}

TEST_CASE("guest: the cap on host fds (pipes)") {
  int out[2], err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  WasiOptions o;
  o.stdout_fd = out[1];
  o.stderr_fd = err[1];
  o.max_output_bytes = 95;
  GuestRun run = RunGuest(std::move(o), {"cap", "9"});
  CHECK(run.trap == "");
  CHECK(run.code == 0);
  CHECK(Drain(out[0]) == Lines(95));
  CHECK(Drain(err[0]) == "");
  CHECK(run.wasi->stdout_bytes() == 95);
  CheckCapEvents(*run.wasi, "95");
  for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
}

}  // namespace
}  // namespace wsbx::wasi
