// The C API (include/wsbx/wsbx.h) as a C embedder uses it, with the
// guests of api/tests/guests (paths from the environment, set by meson).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "doctest/doctest.h"
#include "wsbx/wsbx.h"

namespace {

std::string Guest(const char* var) {
  const char* path = std::getenv(var);
  REQUIRE_MESSAGE(path != nullptr, var, " is not set (run through meson test)");
  return path;
}

wsbx_val_t I32(int32_t v) {
  wsbx_val_t out;
  out.kind = WSBX_I32;
  out.of.i32 = v;
  return out;
}

// Holds an error for the test's duration.
struct ErrorHolder {
  wsbx_error_t* e = nullptr;
  ~ErrorHolder() { wsbx_error_delete(e); }
  ErrorHolder& operator=(wsbx_error_t* other) {
    wsbx_error_delete(e);
    e = other;
    return *this;
  }
  explicit operator bool() const { return e != nullptr; }
  std::string text() const { return e ? wsbx_error_to_string(e) : "(none)"; }
  wsbx_error_kind_t kind() const { return wsbx_error_kind(e); }
  std::string message() const { return wsbx_error_message(e); }
};

int32_t Double(int32_t x) { return 2 * x; }

wsbx_error_t* DoubleCallback(void*, const wsbx_val_t* args, size_t,
                             wsbx_val_t* results, size_t) {
  results[0].of.i32 = Double(args[0].of.i32);
  return nullptr;
}

wsbx_config_t* Calc() {
  wsbx_config_t* c = wsbx_config_new();
  wsbx_config_set_module_file(c, Guest("WSBX_TEST_CALC").c_str());
  const wsbx_valkind_t i32[] = {WSBX_I32};
  wsbx_config_add_host_func(c, "env", "double", i32, 1, i32, 1, DoubleCallback,
                            nullptr, nullptr);
  return c;
}

wsbx_config_t* Tool(std::vector<const char*> args) {
  wsbx_config_t* c = wsbx_config_new();
  wsbx_config_set_module_file(c, Guest("WSBX_TEST_TOOL").c_str());
  args.insert(args.begin(), "tool");
  wsbx_config_set_argv(c, args.size(), args.data());
  wsbx_config_capture_output(c, true);
  return c;
}

// Builds and frees the config; the sandbox must be deleted by the caller.
wsbx_sandbox_t* Build(wsbx_config_t* config) {
  wsbx_sandbox_t* sandbox = nullptr;
  ErrorHolder error;
  error = wsbx_sandbox_new(config, &sandbox);
  wsbx_config_delete(config);
  REQUIRE_MESSAGE(!error, error.text());
  REQUIRE(sandbox != nullptr);
  return sandbox;
}

int32_t CallI32(wsbx_sandbox_t* s, const char* name,
                std::vector<wsbx_val_t> args = {}) {
  wsbx_val_t result;
  ErrorHolder error;
  error = wsbx_sandbox_call(s, name, args.data(), args.size(), &result, 1);
  REQUIRE_MESSAGE(!error, name, ": ", error.text());
  REQUIRE(result.kind == WSBX_I32);
  return result.of.i32;
}

std::string Stdout(const wsbx_sandbox_t* s) {
  size_t n = 0;
  const char* p = wsbx_sandbox_stdout(s, &n);
  return std::string(p, n);
}

std::string Stderr(const wsbx_sandbox_t* s) {
  size_t n = 0;
  const char* p = wsbx_sandbox_stderr(s, &n);
  return std::string(p, n);
}

TEST_CASE("C API: calls with tagged values") {
  wsbx_sandbox_t* s = Build(Calc());
  CHECK(CallI32(s, "add", {I32(2), I32(3)}) == 5);
  CHECK(CallI32(s, "fib", {I32(20)}) == 6765);
  CHECK(CallI32(s, "twice", {I32(21)}) == 42);  // through the host function
  wsbx_val_t args[2], results[2];
  args[0].kind = WSBX_I64;
  args[0].of.i64 = -4;
  args[1].kind = WSBX_F64;
  args[1].of.f64 = 0.5;
  ErrorHolder error;
  error = wsbx_sandbox_call(s, "swap", args, 2, results, 2);
  REQUIRE_MESSAGE(!error, error.text());
  CHECK(results[0].kind == WSBX_F64);
  CHECK(results[0].of.f64 == 0.5);
  CHECK(results[1].kind == WSBX_I64);
  CHECK(results[1].of.i64 == -4);

  const wsbx_valkind_t *params = nullptr, *res = nullptr;
  size_t np = 9, nr = 9;
  error = wsbx_sandbox_export_type(s, "swap", &params, &np, &res, &nr);
  REQUIRE(!error);
  REQUIRE(np == 2);
  REQUIRE(nr == 2);
  CHECK(params[0] == WSBX_I64);
  CHECK(params[1] == WSBX_F64);
  CHECK(res[0] == WSBX_F64);
  CHECK(res[1] == WSBX_I64);
  error = wsbx_sandbox_export_type(s, "spin", nullptr, &np, nullptr, &nr);
  REQUIRE(!error);
  CHECK(np == 0);
  CHECK(nr == 0);
  error = wsbx_sandbox_export_type(s, "nope", nullptr, &np, nullptr, &nr);
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);

  wsbx_strings_t* exports = wsbx_sandbox_exports(s);
  bool found = false;
  for (size_t i = 0; i < wsbx_strings_size(exports); ++i) {
    found |= std::string(wsbx_strings_get(exports, i)) == "fib: (i32) -> (i32)";
  }
  CHECK(found);
  CHECK(wsbx_strings_get(exports, wsbx_strings_size(exports)) == nullptr);
  wsbx_strings_delete(exports);
  CHECK(std::string(wsbx_valkind_name(WSBX_EXTERNREF)) == "externref");
  wsbx_sandbox_delete(s);
}

TEST_CASE(
    "C API: wrong calls are invalid-argument errors before the guest runs") {
  wsbx_sandbox_t* s = Build(Calc());
  wsbx_val_t args[2] = {I32(1), I32(2)};
  args[0].kind = WSBX_I64;
  wsbx_val_t result;
  ErrorHolder error;
  error = wsbx_sandbox_call(s, "add", args, 2, &result, 1);
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);
  CHECK(error.message().find("(i32, i32) -> (i32)") != std::string::npos);
  CHECK(!wsbx_error_is_guest_error(error.e));
  args[0] = I32(1);
  error = wsbx_sandbox_call(s, "add", args, 1, &result, 1);  // too few
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);
  error = wsbx_sandbox_call(s, "add", args, 2, nullptr, 0);  // no room
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);
  CHECK(error.message().find("room for 0 results") != std::string::npos);
  args[1].kind = 42;  // no kind at all
  error = wsbx_sandbox_call(s, "add", args, 2, &result, 1);
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);
  error = wsbx_sandbox_call(s, "nope", nullptr, 0, nullptr, 0);
  REQUIRE(error);
  CHECK(error.message().find("fib: (i32) -> (i32)") != std::string::npos);
  wsbx_stats_t stats;
  wsbx_sandbox_stats(s, &stats);
  CHECK(stats.fuel_consumed == 0);  // nothing ran
  wsbx_sandbox_delete(s);
}

TEST_CASE("C API: traps, budgets, load and link errors") {
  wsbx_config_t* config = Calc();
  wsbx_config_set_fuel(config, 1000000);
  wsbx_config_set_timeout_ms(config, 5000);
  wsbx_sandbox_t* s = Build(config);
  ErrorHolder error;
  error = wsbx_sandbox_call(s, "trap", nullptr, 0, nullptr, 0);
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_TRAP);
  CHECK(error.message() == "unreachable");
  CHECK(std::string(wsbx_error_kind_name(error.kind())) == "trap");
  REQUIRE(wsbx_error_frame_count(error.e) >= 2);
  CHECK(std::string(wsbx_error_frame_name(error.e, 0)) == "inner");
  CHECK(std::string(wsbx_error_frame_name(error.e, 1)) == "outer");
  CHECK(std::string(wsbx_error_frame_name(error.e, 99)).empty());
  // Each frame's offset names its opcode in the guest's own bytes: the
  // unreachable that trapped, then the call to inner.
  const int64_t inner_at = wsbx_error_frame_code_offset(error.e, 0);
  const int64_t outer_at = wsbx_error_frame_code_offset(error.e, 1);
  CHECK(wsbx_error_frame_code_offset(error.e, 99) == -1);
  {
    std::ifstream in(Guest("WSBX_TEST_CALC"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    REQUIRE(inner_at > 0);
    REQUIRE(outer_at > 0);
    REQUIRE(outer_at < static_cast<int64_t>(bytes.size()));
    REQUIRE(inner_at < static_cast<int64_t>(bytes.size()));
    CHECK(bytes[inner_at] == 0x00);
    CHECK(bytes[outer_at] == 0x10);
  }
  char text[160];
  std::snprintf(text, sizeof(text),
                "trap: unreachable\n  at inner (func %u) +0x%llx\n"
                "  at outer (func %u) +0x%llx",
                wsbx_error_frame_func_index(error.e, 0),
                static_cast<unsigned long long>(inner_at),
                wsbx_error_frame_func_index(error.e, 1),
                static_cast<unsigned long long>(outer_at));
  CHECK(error.text() == text);
  error = wsbx_sandbox_call(s, "spin", nullptr, 0, nullptr, 0);
  CHECK(error.kind() == WSBX_ERROR_FUEL);
  CHECK(wsbx_error_is_guest_error(error.e));
  CHECK(CallI32(s, "add", {I32(1), I32(1)}) == 2);  // still usable
  wsbx_sandbox_delete(s);

  config = Calc();
  wsbx_config_set_timeout_ns(config, 50'000'000);
  s = Build(config);
  error = wsbx_sandbox_call(s, "spin", nullptr, 0, nullptr, 0);
  CHECK(error.kind() == WSBX_ERROR_TIMEOUT);
  wsbx_sandbox_delete(s);

  wsbx_sandbox_t* none = nullptr;
  config = wsbx_config_new();
  wsbx_config_set_module_file(config, Guest("WSBX_TEST_START_TRAP").c_str());
  error = wsbx_sandbox_new(config, &none);
  CHECK(error.kind() == WSBX_ERROR_TRAP);
  CHECK(none == nullptr);
  const uint8_t bad[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
  wsbx_config_set_module_bytes(config, bad, sizeof bad);
  error = wsbx_sandbox_new(config, &none);
  CHECK(error.kind() == WSBX_ERROR_LOAD);
  wsbx_config_set_module_file(config, Guest("WSBX_TEST_TWO_MISSING").c_str());
  error = wsbx_sandbox_new(config, &none);
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_LINK);
  CHECK(error.message().find("env.second") != std::string::npos);
  wsbx_config_set_module_file(config, "/nonexistent/x.wasm");
  error = wsbx_sandbox_new(config, &none);
  CHECK(error.kind() == WSBX_ERROR_IO);
  wsbx_config_delete(config);
  config = wsbx_config_new();  // no module at all
  error = wsbx_sandbox_new(config, &none);
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);
  error = wsbx_sandbox_new(config, nullptr);
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);
  wsbx_config_delete(config);
}

struct HostEnv {
  int calls = 0;
  bool finalized = false;
};

wsbx_error_t* FailingDouble(void* env, const wsbx_val_t* args, size_t nargs,
                            wsbx_val_t* results, size_t nresults) {
  auto* e = static_cast<HostEnv*>(env);
  ++e->calls;
  if (nargs != 1 || nresults != 1 || results[0].kind != WSBX_I32) {
    return wsbx_error_new("unexpected arity");
  }
  if (args[0].of.i32 < 0) return wsbx_error_new("negative input");
  results[0].of.i32 = 2 * args[0].of.i32;
  return nullptr;
}

TEST_CASE("C API: host functions, their errors and finalizers") {
  HostEnv env;
  wsbx_config_t* config = wsbx_config_new();
  wsbx_config_set_module_file(config, Guest("WSBX_TEST_CALC").c_str());
  const wsbx_valkind_t i32[] = {WSBX_I32};
  wsbx_config_add_host_func(
      config, "env", "double", i32, 1, i32, 1, FailingDouble, &env,
      [](void* p) { static_cast<HostEnv*>(p)->finalized = true; });
  wsbx_config_t* copy = wsbx_config_copy(config);
  wsbx_config_delete(config);
  wsbx_sandbox_t* s = Build(copy);
  CHECK(!env.finalized);  // the sandbox still holds it
  CHECK(CallI32(s, "twice", {I32(8)}) == 16);
  wsbx_val_t arg = I32(-1), result;
  ErrorHolder error;
  error = wsbx_sandbox_call(s, "twice", &arg, 1, &result, 1);
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_TRAP);
  CHECK(error.message().find("negative input") != std::string::npos);
  CHECK(env.calls == 2);
  wsbx_stats_t stats;
  wsbx_sandbox_stats(s, &stats);
  REQUIRE(stats.host_calls == 1);
  uint64_t count = 0;
  CHECK(std::string(wsbx_sandbox_host_call(s, 0, &count)) == "env.double");
  CHECK(count == 2);
  CHECK(wsbx_sandbox_host_call(s, 1, &count) == nullptr);
  wsbx_sandbox_delete(s);
  CHECK(env.finalized);

  // A host function of the wrong signature is a link error.
  config = wsbx_config_new();
  wsbx_config_set_module_file(config, Guest("WSBX_TEST_CALC").c_str());
  const wsbx_valkind_t i64[] = {WSBX_I64};
  wsbx_config_add_host_func(config, "env", "double", i64, 1, i64, 1,
                            FailingDouble, nullptr, nullptr);
  wsbx_sandbox_t* none = nullptr;
  error = wsbx_sandbox_new(config, &none);
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_LINK);
  CHECK(error.message().find("the host has (i64) -> (i64)") !=
        std::string::npos);
  wsbx_config_delete(config);
}

TEST_CASE("C API: interrupt from another thread") {
  wsbx_sandbox_t* s = Build(Calc());
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    // A call that starts clears an earlier interrupt: repeat until it ends.
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      wsbx_sandbox_interrupt(s);
    }
  });
  ErrorHolder error;
  error = wsbx_sandbox_call(s, "spin", nullptr, 0, nullptr, 0);
  done = true;
  stopper.join();
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_INTERRUPTED);
  CHECK(CallI32(s, "add", {I32(2), I32(2)}) == 4);
  wsbx_sandbox_delete(s);
}

TEST_CASE("C API: WASI stdin, captured output, exit status, env") {
  wsbx_config_t* config = Tool({"upper"});
  const char input[] = "hello, sandbox\n";
  wsbx_config_set_stdin(config, input, sizeof input - 1);
  wsbx_sandbox_t* s = Build(config);
  int status = -1;
  ErrorHolder error;
  error = wsbx_sandbox_run(s, &status);
  REQUIRE_MESSAGE(!error, error.text());
  CHECK(status == 0);
  CHECK(Stdout(s) == "HELLO, SANDBOX\n");
  CHECK(Stderr(s) == "done\n");
  wsbx_stats_t stats;
  wsbx_sandbox_stats(s, &stats);
  CHECK(stats.stdout_bytes == 15);
  CHECK(stats.stderr_bytes == 5);
  CHECK(stats.fuel_consumed > 0);
  CHECK(stats.memory_pages > 0);
  bool wrote = false;
  for (size_t i = 0; i < stats.host_calls; ++i) {
    uint64_t n = 0;
    std::string name = wsbx_sandbox_host_call(s, i, &n);
    wrote |= name == "wasi_snapshot_preview1.fd_write" && n > 0;
  }
  CHECK(wrote);
  wsbx_sandbox_delete(s);

  s = Build(Tool({"exit", "7"}));
  error = wsbx_sandbox_run(s, &status);
  CHECK(!error);
  CHECK(status == 7);
  wsbx_sandbox_delete(s);

  config = Tool({"env", "GREETING"});
  wsbx_config_push_env(config, "OTHER", "x");
  const char* names[] = {"GREETING"};
  const char* values[] = {"hi there"};
  wsbx_config_set_env(config, 1, names, values);
  s = Build(config);
  error = wsbx_sandbox_run(s, &status);
  CHECK(status == 0);
  CHECK(Stdout(s) == "hi there\n");
  wsbx_sandbox_delete(s);
}

void Append(void* user, const char* data, size_t size) {
  static_cast<std::string*>(user)->append(data, size);
}

TEST_CASE("C API: output callbacks and the output cap") {
  std::string out, err;
  wsbx_config_t* config = Tool({"upper"});
  wsbx_config_capture_output(config, false);
  wsbx_config_set_stdin(config, "abc", 3);
  wsbx_config_set_stdout_callback(config, Append, &out, nullptr);
  wsbx_config_set_stderr_callback(config, Append, &err, nullptr);
  wsbx_sandbox_t* s = Build(config);
  int status = -1;
  ErrorHolder error;
  error = wsbx_sandbox_run(s, &status);
  CHECK(status == 0);
  CHECK(out == "ABC");
  CHECK(err == "done\n");
  CHECK(Stdout(s).empty());  // not captured
  wsbx_sandbox_delete(s);

  config = Tool({"flood", "100000"});
  wsbx_config_set_max_output(config, 4096);
  s = Build(config);
  error = wsbx_sandbox_run(s, &status);
  CHECK(!error);
  CHECK(status == 3);
  CHECK(Stdout(s).size() == 4096);
  CHECK(wsbx_sandbox_audit_count(s) > 0);
  wsbx_sandbox_delete(s);
}

struct Audit {
  std::vector<std::string> functions, errnos;
  int finalized = 0;
};

TEST_CASE("C API: grants, the audit callback and the paranoid policy") {
  auto dir = std::filesystem::temp_directory_path() / "wsbx_c_api_test_dir";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "note.txt") << "granted text\n";
  wsbx_config_t* config = Tool({"read", "/data/note.txt"});
  wsbx_config_preopen_dir(config, dir.c_str(), "/data", true);
  wsbx_sandbox_t* s = Build(config);
  int status = -1;
  ErrorHolder error;
  error = wsbx_sandbox_run(s, &status);
  CHECK(status == 0);
  CHECK(Stdout(s) == "granted text\n");
  wsbx_sandbox_delete(s);

  Audit audit;
  config = Tool({"escape"});
  wsbx_config_preopen_dir(config, dir.c_str(), "/data", true);
  wsbx_config_set_audit_callback(
      config,
      [](void* user, const wsbx_audit_event_t* e) {
        auto* a = static_cast<Audit*>(user);
        a->functions.push_back(e->function);
        a->errnos.push_back(e->errno_name);
      },
      &audit, [](void* user) { ++static_cast<Audit*>(user)->finalized; });
  s = Build(config);
  error = wsbx_sandbox_run(s, &status);
  CHECK(status == 0);
  CHECK(Stdout(s) == "after refused\n");
  REQUIRE(!audit.functions.empty());
  REQUIRE(wsbx_sandbox_audit_count(s) == audit.functions.size());
  wsbx_audit_event_t event;
  REQUIRE(wsbx_sandbox_audit_event(s, 0, &event));
  CHECK(std::string(event.function) == audit.functions[0]);
  CHECK(std::string(event.errno_name) == audit.errnos[0]);
  CHECK(!audit.errnos[0].empty());
  CHECK(std::string(event.json).find("\"function\"") != std::string::npos);
  CHECK(!wsbx_sandbox_audit_event(s, 99, &event));
  CHECK(audit.finalized == 0);
  wsbx_sandbox_delete(s);
  CHECK(audit.finalized == 1);

  config = Tool({"escape"});
  wsbx_config_preopen_dir(config, dir.c_str(), "/data", true);
  wsbx_config_set_policy(config, WSBX_POLICY_PARANOID);
  s = Build(config);
  error = wsbx_sandbox_run(s, &status);
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_REFUSED);
  CHECK(Stdout(s).empty());
  wsbx_sandbox_delete(s);
  std::filesystem::remove_all(dir);
}

void CheckFresh(wsbx_sandbox_t* s) {
  CHECK(CallI32(s, "counter") == 7);
  CHECK(CallI32(s, "first_byte") == 'h');
  CHECK(CallI32(s, "pages") == 1);
}

TEST_CASE("C API: reset, slow and fast") {
  for (bool fast : {false, true}) {
    CAPTURE(fast);
    wsbx_sandbox_t* s = Build(Calc());
    ErrorHolder error;
    if (fast) {
      error = wsbx_sandbox_enable_fast_reset(s);
      REQUIRE(!error);
    }
    for (int round = 0; round < 2; ++round) {
      CheckFresh(s);
      CHECK(CallI32(s, "bump") == 8);
      CHECK(CallI32(s, "first_byte") == 'J');
      error = wsbx_sandbox_reset(s);
      REQUIRE_MESSAGE(!error, error.text());
      wsbx_stats_t stats;
      wsbx_sandbox_stats(s, &stats);
      CHECK(stats.fuel_consumed == 0);
    }
    CheckFresh(s);
    wsbx_sandbox_delete(s);
  }
}

TEST_CASE("C API: a compiled module and a pool") {
  wsbx_module_t* module = nullptr;
  ErrorHolder error;
  error = wsbx_module_from_file(Guest("WSBX_TEST_CALC").c_str(), &module);
  REQUIRE_MESSAGE(!error, error.text());
  wsbx_strings_t* exports = wsbx_module_exports(module);
  CHECK(wsbx_strings_size(exports) >= 10);
  wsbx_strings_delete(exports);
  wsbx_module_t* none = nullptr;
  error = wsbx_module_from_file("/nonexistent/x.wasm", &none);
  CHECK(error.kind() == WSBX_ERROR_IO);
  const uint8_t junk[] = {1, 2, 3};
  error = wsbx_module_new(junk, sizeof junk, &none);
  CHECK(error.kind() == WSBX_ERROR_LOAD);
  CHECK(none == nullptr);

  wsbx_config_t* config = Calc();
  wsbx_config_set_module(config, module);
  wsbx_module_delete(module);
  wsbx_pool_t* pool = nullptr;
  error = wsbx_pool_new(config, 2, &pool);
  REQUIRE_MESSAGE(!error, error.text());
  CHECK(wsbx_pool_size(pool) == 2);
  wsbx_lease_t* a = nullptr;
  wsbx_lease_t* b = nullptr;
  wsbx_lease_t* c = nullptr;
  error = wsbx_pool_acquire(pool, -1, &a);
  REQUIRE(!error);
  CHECK(CallI32(wsbx_lease_sandbox(a), "bump") == 8);
  error = wsbx_pool_acquire(pool, 0, &b);
  REQUIRE(!error);
  CHECK(wsbx_pool_available(pool) == 0);
  error = wsbx_pool_acquire(pool, 20'000'000, &c);
  REQUIRE(error);
  CHECK(error.kind() == WSBX_ERROR_RESOURCE);
  CHECK(c == nullptr);
  wsbx_lease_release(a);
  wsbx_lease_release(b);
  CHECK(wsbx_pool_available(pool) == 2);
  CHECK(wsbx_pool_resets(pool) == 2);
  for (int i = 0; i < 2; ++i) {
    wsbx_lease_t* lease = nullptr;
    error = wsbx_pool_acquire(pool, -1, &lease);
    REQUIRE(!error);
    CheckFresh(wsbx_lease_sandbox(lease));
    wsbx_lease_release(lease);
  }

  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 30; ++i) {
        wsbx_lease_t* lease = nullptr;
        if (wsbx_error_t* e = wsbx_pool_acquire(pool, -1, &lease)) {
          wsbx_error_delete(e);
          ++wrong;
          continue;
        }
        wsbx_val_t r;
        wsbx_error_t* e = wsbx_sandbox_call(wsbx_lease_sandbox(lease), "bump",
                                            nullptr, 0, &r, 1);
        if (e != nullptr || r.of.i32 != 8) ++wrong;
        wsbx_error_delete(e);
        wsbx_lease_release(lease);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong.load() == 0);
  CHECK(wsbx_pool_resets(pool) == 94);
  wsbx_pool_delete(pool);

  error = wsbx_pool_new(config, 0, &pool);
  CHECK(error.kind() == WSBX_ERROR_INVALID_ARGUMENT);
  wsbx_config_delete(config);
}

}  // namespace
