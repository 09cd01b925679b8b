// The public C++ API (include/wsbx/wsbx.hpp) as an embedder uses it, with
// the guests of api/tests/guests (paths from the environment, set by meson).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "doctest/doctest.h"
#include "wsbx/wsbx.hpp"

namespace {

std::string Guest(const char* var) {
  const char* path = std::getenv(var);
  REQUIRE_MESSAGE(path != nullptr, var, " is not set (run through meson test)");
  return path;
}

wsbx::Sandbox::Builder Calc() {
  wsbx::Sandbox::Builder b;
  b.ModuleFile(Guest("WSBX_TEST_CALC"))
      .HostFunction("env", "double", [](int32_t x) { return 2 * x; });
  return b;
}

wsbx::Sandbox::Builder Tool(std::vector<std::string> args) {
  wsbx::Sandbox::Builder b;
  b.ModuleFile(Guest("WSBX_TEST_TOOL")).Args(std::move(args)).CaptureOutput();
  return b;
}

TEST_CASE("typed and dynamic calls") {
  auto sandbox = Calc().Build();
  REQUIRE_MESSAGE(sandbox.ok(), sandbox.error().ToString());
  wsbx::Result<int32_t> sum = sandbox->Call<int32_t>("add", 2, 3);
  REQUIRE(sum.ok());
  CHECK(*sum == 5);
  CHECK(*sandbox->Call<int32_t>("fib", 20) == 6765);
  auto pair = sandbox->Call<std::tuple<double, int64_t>>("swap", int64_t{-4}, 0.5);
  REQUIRE(pair.ok());
  CHECK(std::get<0>(*pair) == 0.5);
  CHECK(std::get<1>(*pair) == -4);
  std::vector<wsbx::Val> args{wsbx::Val(int32_t{40}), wsbx::Val(int32_t{2})};
  auto dyn = sandbox->Call("add", args);
  REQUIRE(dyn.ok());
  REQUIRE(dyn->size() == 1);
  CHECK((*dyn)[0].kind() == wsbx::ValKind::kI32);
  CHECK((*dyn)[0].i32() == 42);
  CHECK(*sandbox->Call<int32_t>("twice", 21) == 42);  // host function
}

TEST_CASE("wrong calls are API errors, found before the guest runs") {
  auto sandbox = Calc().Build();
  REQUIRE(sandbox.ok());
  auto wrong_type = sandbox->Call<int32_t>("add", int64_t{1}, int32_t{2});
  REQUIRE(!wrong_type.ok());
  CHECK(wrong_type.error().kind() == wsbx::ErrorKind::kInvalidArgument);
  CHECK(wrong_type.error().message().find("(i32, i32) -> (i32)") != std::string::npos);
  auto wrong_count = sandbox->Call<int32_t>("add", int32_t{1});
  CHECK(wrong_count.error().kind() == wsbx::ErrorKind::kInvalidArgument);
  auto wrong_result = sandbox->Call<int64_t>("add", 1, 2);
  CHECK(wrong_result.error().kind() == wsbx::ErrorKind::kInvalidArgument);
  CHECK(sandbox->stats().fuel_consumed == 0);  // nothing ran
  auto missing = sandbox->Call<void>("nope");
  REQUIRE(!missing.ok());
  CHECK(missing.error().message().find("fib: (i32) -> (i32)") != std::string::npos);
  CHECK(!missing.error().is_guest_error());
}

TEST_CASE("traps and budgets are errors with their kind") {
  auto sandbox = Calc().Fuel(1000000).Timeout(std::chrono::seconds(5)).Build();
  REQUIRE(sandbox.ok());
  auto trap = sandbox->Call<void>("trap");
  REQUIRE(!trap.ok());
  CHECK(trap.error().kind() == wsbx::ErrorKind::kTrap);
  CHECK(trap.error().message() == "unreachable");
  REQUIRE(trap.error().backtrace().size() >= 2);
  CHECK(trap.error().backtrace()[0].name == "inner");
  CHECK(trap.error().backtrace()[1].name == "outer");
  auto fuel = sandbox->Call<void>("spin");
  CHECK(fuel.error().kind() == wsbx::ErrorKind::kFuel);
  CHECK(fuel.error().is_guest_error());
  // The sandbox stays usable after each.
  CHECK(*sandbox->Call<int32_t>("add", 1, 1) == 2);

  auto timed = Calc().Timeout(std::chrono::milliseconds(50)).Build();
  REQUIRE(timed.ok());
  auto start = std::chrono::steady_clock::now();
  auto spun = timed->Call<void>("spin");
  CHECK(spun.error().kind() == wsbx::ErrorKind::kTimeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("Interrupt from another thread ends a call") {
  auto sandbox = Calc().Build();
  REQUIRE(sandbox.ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sandbox->Interrupt();
  });
  auto spun = sandbox->Call<void>("spin");
  stopper.join();
  REQUIRE(!spun.ok());
  CHECK(spun.error().kind() == wsbx::ErrorKind::kInterrupted);
  CHECK(*sandbox->Call<int32_t>("add", 2, 2) == 4);  // cleared for the next
}

TEST_CASE("every missing import is named at once") {
  wsbx::Sandbox::Builder b;
  b.ModuleFile(Guest("WSBX_TEST_TWO_MISSING"));
  auto sandbox = b.Build();
  REQUIRE(!sandbox.ok());
  CHECK(sandbox.error().kind() == wsbx::ErrorKind::kLink);
  const std::string& m = sandbox.error().message();
  CHECK(m.find("env.first") != std::string::npos);
  CHECK(m.find("env.second") != std::string::npos);
  CHECK(m.find("env.mem") != std::string::npos);
  // A host function of the wrong signature is named with both signatures.
  wsbx::Sandbox::Builder wrong;
  wrong.ModuleFile(Guest("WSBX_TEST_CALC"))
      .HostFunction("env", "double", [](int64_t x) { return x; });
  auto linked = wrong.Build();
  REQUIRE(!linked.ok());
  CHECK(linked.error().message().find("the host has (i64) -> (i64)") != std::string::npos);
}

TEST_CASE("a trap in the start function is an error like any other") {
  wsbx::Sandbox::Builder b;
  b.ModuleFile(Guest("WSBX_TEST_START_TRAP"));
  auto sandbox = b.Build();
  REQUIRE(!sandbox.ok());
  CHECK(sandbox.error().kind() == wsbx::ErrorKind::kTrap);
  CHECK(sandbox.error().message().find("unreachable") != std::string::npos);
  REQUIRE(sandbox.error().backtrace().size() == 1);
  CHECK(sandbox.error().backtrace()[0].name == "boom");
  wsbx::Sandbox::Builder bad;
  bad.ModuleBytes({0, 'a', 's', 'm', 2, 0, 0, 0});
  auto malformed = bad.Build();
  CHECK(malformed.error().kind() == wsbx::ErrorKind::kLoad);
}

TEST_CASE("WASI: a guest importing wasi_unstable (snapshot 0) runs") {
  wsbx::Sandbox::Builder b;
  b.ModuleFile(Guest("WSBX_TEST_UNSTABLE")).CaptureOutput();
  auto sandbox = b.Build();
  REQUIRE_MESSAGE(sandbox.ok(), sandbox.error().ToString());
  auto status = sandbox->Run();
  REQUIRE(status.ok());
  CHECK(*status == 3);  // 9: a snapshot-0 layout check failed in the guest
  CHECK(sandbox->captured_stdout() == "hi from wasi_unstable\n");
  bool called = false;
  for (const auto& [name, count] : sandbox->stats().host_calls) {
    if (name == "wasi_unstable.fd_filestat_get") called = count > 0;
  }
  CHECK(called);
}

TEST_CASE("WASI: stdin from a buffer, output captured, exit status") {
  auto sandbox = Tool({"upper"}).Stdin("hello, sandbox\n").Build();
  REQUIRE_MESSAGE(sandbox.ok(), sandbox.error().ToString());
  auto status = sandbox->Run();
  REQUIRE(status.ok());
  CHECK(*status == 0);
  CHECK(sandbox->captured_stdout() == "HELLO, SANDBOX\n");
  CHECK(sandbox->captured_stderr() == "done\n");
  CHECK(sandbox->stats().stdout_bytes == 15);
  bool called_fd_write = false;
  for (const auto& [name, count] : sandbox->stats().host_calls) {
    if (name == "wasi_snapshot_preview1.fd_write") called_fd_write = count > 0;
  }
  CHECK(called_fd_write);

  auto exits = Tool({"exit", "7"}).Build();
  REQUIRE(exits.ok());
  CHECK(*exits->Run() == 7);

  auto env = Tool({"env", "GREETING"}).Env("GREETING", "hi there").Build();
  REQUIRE(env.ok());
  CHECK(*env->Run() == 0);
  CHECK(env->captured_stdout() == "hi there\n");

  std::string streamed;
  auto cb = Tool({"upper"}).Stdin("abc").OnStdout(
      [&](std::string_view s) { streamed.append(s); }).Build();
  REQUIRE(cb.ok());
  CHECK(*cb->Run() == 0);
  CHECK(streamed == "ABC");
}

TEST_CASE("WASI: grants, audit events and the paranoid policy") {
  auto dir = std::filesystem::temp_directory_path() / "wsbx_api_test_dir";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "note.txt") << "granted text\n";
  auto reader = Tool({"read", "/data/note.txt"}).DirReadOnly(dir.string(), "/data").Build();
  REQUIRE_MESSAGE(reader.ok(), reader.error().ToString());
  CHECK(*reader->Run() == 0);
  CHECK(reader->captured_stdout() == "granted text\n");

  std::vector<std::string> seen;
  auto escape = Tool({"escape"}).DirReadOnly(dir.string(), "/data")
                    .OnAudit([&](const wsbx::AuditEvent& e) { seen.push_back(e.function); })
                    .Build();
  REQUIRE(escape.ok());
  CHECK(*escape->Run() == 0);
  CHECK(escape->captured_stdout() == "after refused\n");
  REQUIRE(!escape->audit_events().empty());
  CHECK(escape->audit_events().size() == seen.size());
  CHECK(escape->audit_events()[0].errno_name != "");
  CHECK(escape->audit_events()[0].json.find("\"function\"") != std::string::npos);

  auto paranoid = Tool({"escape"}).DirReadOnly(dir.string(), "/data")
                      .Policy(wsbx::Policy::kParanoid).Build();
  REQUIRE(paranoid.ok());
  auto ended = paranoid->Run();
  REQUIRE(!ended.ok());
  CHECK(ended.error().kind() == wsbx::ErrorKind::kRefused);
  CHECK(paranoid->captured_stdout() == "");  // never got to print
  std::filesystem::remove_all(dir);
}

TEST_CASE("the output cap: the guest sees its writes fail") {
  auto sandbox = Tool({"flood", "100000"}).MaxOutput(4096).Build();
  REQUIRE(sandbox.ok());
  auto status = sandbox->Run();
  REQUIRE(status.ok());
  CHECK(*status == 3);
  CHECK(sandbox->captured_stdout().size() == 4096);
  // The cap covers stdout and stderr together: the guest's complaint on
  // stderr was refused too.
  CHECK(sandbox->captured_stderr() == "");
  CHECK(sandbox->stats().stdout_bytes == 4096);
  CHECK(sandbox->stats().stderr_bytes == 0);
  auto roomy = Tool({"flood", "5000"}).MaxOutput(6000).Build();
  REQUIRE(roomy.ok());
  CHECK(*roomy->Run() == 0);
  CHECK(roomy->captured_stderr() == "wrote 5000\n");
  CHECK(!sandbox->audit_events().empty());
}

TEST_CASE("policies set budgets, explicit limits win") {
  auto strict = Calc().Policy(wsbx::Policy::kStrict)
                    .Timeout(std::chrono::milliseconds(30)).Build();
  REQUIRE(strict.ok());
  CHECK(strict->Call<void>("spin").error().kind() == wsbx::ErrorKind::kTimeout);
  // A memory limit below what `bump` grows to makes memory.grow fail.
  auto tight = Calc().MemoryLimit(3 << 16).Build();  // 3 pages: 1 + 3 > 3
  REQUIRE(tight.ok());
  CHECK(*tight->Call<int32_t>("bump") == 8);
  CHECK(*tight->Call<int32_t>("pages") == 1);
  auto more = Calc().MemoryLimit(2 << 20).Build();  // 32 pages
  REQUIRE(more.ok());
  CHECK(*more->Call<int32_t>("bump") == 8);
  CHECK(*more->Call<int32_t>("pages") == 4);
}

void CheckFresh(wsbx::Sandbox& s) {
  CHECK(*s.Call<int32_t>("counter") == 7);
  CHECK(*s.Call<int32_t>("first_byte") == 'h');
  CHECK(*s.Call<int32_t>("pages") == 1);
  CHECK(*s.Call<int32_t>("table_size") == 2);
  CHECK(*s.Call<int32_t>("call0", 5, 6) == 11);
}

TEST_CASE("Reset returns to the state after Build, fast or not") {
  for (bool fast : {false, true}) {
    CAPTURE(fast);
    auto sandbox = Calc().Build();
    REQUIRE(sandbox.ok());
    if (fast) REQUIRE(sandbox->EnableFastReset().ok());
    CheckFresh(*sandbox);
    for (int round = 0; round < 3; ++round) {
      CHECK(*sandbox->Call<int32_t>("bump") == 8);
      CHECK(*sandbox->Call<int32_t>("first_byte") == 'J');
      CHECK(*sandbox->Call<int32_t>("pages") == 4);
      CHECK(*sandbox->Call<int32_t>("table_size") == 4);
      CHECK(!sandbox->Call<int32_t>("call0", 5, 6).ok());
      REQUIRE(sandbox->Reset().ok());
      CheckFresh(*sandbox);
    }
    CHECK(sandbox->stats().fuel_consumed > 0);
  }
}

TEST_CASE("Run(input): stdin and env per run, Reset returns to the builder's") {
  auto upper = Tool({"upper"}).Stdin("builder\n").Build();
  REQUIRE(upper.ok());
  REQUIRE(upper->EnableFastReset().ok());
  CHECK(*upper->Run(wsbx::RunInput{"per run\n", {}}) == 0);
  CHECK(upper->captured_stdout() == "PER RUN\n");
  REQUIRE(upper->Reset().ok());
  CHECK(*upper->Run() == 0);
  CHECK(upper->captured_stdout() == "BUILDER\n");

  auto env = Tool({"env", "GREETING"}).Env("GREETING", "builder").Build();
  REQUIRE(env.ok());
  CHECK(*env->Run(wsbx::RunInput{"", {{"GREETING", "input"}}}) == 0);
  CHECK(env->captured_stdout() == "input\n");
  REQUIRE(env->Reset().ok());  // not fast: instantiated again
  CHECK(*env->Run() == 0);
  CHECK(env->captured_stdout() == "builder\n");
}

TEST_CASE("a WASI sandbox resets its output, audit and file descriptors") {
  auto dir = std::filesystem::temp_directory_path() / "wsbx_api_reset_dir";
  std::filesystem::create_directories(dir);
  auto sandbox = Tool({"escape"}).DirReadOnly(dir.string(), "/data").Build();
  REQUIRE(sandbox.ok());
  REQUIRE(sandbox->EnableFastReset().ok());
  CHECK(*sandbox->Run() == 0);
  CHECK(!sandbox->audit_events().empty());
  REQUIRE(sandbox->Reset().ok());
  CHECK(sandbox->captured_stdout() == "");
  CHECK(sandbox->audit_events().empty());
  CHECK(sandbox->stats().fuel_consumed == 0);
  CHECK(*sandbox->Run() == 0);  // runs again from the start
  CHECK(sandbox->captured_stdout() == "after refused\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("pool: leases are reset, the pool waits and times out") {
  auto pool = wsbx::Pool::Create(Calc(), 2);
  REQUIRE_MESSAGE(pool.ok(), pool.error().ToString());
  CHECK((*pool)->size() == 2);
  {
    auto a = (*pool)->Acquire();
    REQUIRE(a.ok());
    CHECK(*(**a).Call<int32_t>("bump") == 8);
    auto b = (*pool)->Acquire();
    REQUIRE(b.ok());
    CHECK((*pool)->available() == 0);
    auto c = (*pool)->Acquire(std::chrono::milliseconds(20));
    REQUIRE(!c.ok());
    CHECK(c.error().kind() == wsbx::ErrorKind::kResource);
  }
  CHECK((*pool)->available() == 2);
  CHECK((*pool)->resets() == 2);
  for (int i = 0; i < 2; ++i) {
    auto lease = (*pool)->Acquire();
    REQUIRE(lease.ok());
    CheckFresh(**lease);
  }
}

TEST_CASE("pool: many threads, nothing leaks between uses") {
  auto pool = wsbx::Pool::Create(Calc(), 3);
  REQUIRE(pool.ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto lease = (*pool)->Acquire();
        if (!lease.ok()) { ++wrong; continue; }
        if (*(**lease).Call<int32_t>("counter") != 7) ++wrong;
        if (*(**lease).Call<int32_t>("bump") != 8) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong.load() == 0);
  CHECK((*pool)->resets() == 200);
}

TEST_CASE("a compiled module is shared by many sandboxes") {
  auto module = wsbx::CompiledModule::FromFile(Guest("WSBX_TEST_CALC"));
  REQUIRE(module.ok());
  auto exports = module->DescribeExports();
  CHECK(exports.size() >= 10);
  for (int i = 0; i < 3; ++i) {
    wsbx::Sandbox::Builder b;
    b.UseModule(*module).HostFunction("env", "double", [](int32_t x) { return x + x; });
    auto s = b.Build();
    REQUIRE(s.ok());
    CHECK(*s->Call<int32_t>("fib", 10) == 55);
  }
  auto missing = wsbx::CompiledModule::FromFile("/nonexistent/x.wasm");
  CHECK(missing.error().kind() == wsbx::ErrorKind::kIo);
}

TEST_CASE("a module file named .wat may be WebAssembly text") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const std::string good = (dir / "wsbx-api-add.wat").string();
  const std::string bad = (dir / "wsbx-api-bad.wat").string();
  std::ofstream(good) << "(module (func (export \"add\") (param i32 i32) "
                         "(result i32) (i32.add (local.get 0) (local.get 1))))";
  std::ofstream(bad) << "(module\n  (func oops))";
  auto module = wsbx::CompiledModule::FromFile(good);
  REQUIRE(module.ok());
  wsbx::Sandbox::Builder b;
  auto s = b.UseModule(*module).Build();
  REQUIRE(s.ok());
  CHECK(*s->Call<int32_t>("add", 2, 3) == 5);
  auto refused = wsbx::CompiledModule::FromFile(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind() == wsbx::ErrorKind::kLoad);
  CHECK(refused.error().message().find(bad + ":2:9: ") == 0);
  std::filesystem::remove(good);
  std::filesystem::remove(bad);
}

}  // namespace
