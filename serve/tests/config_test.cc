// Tests of the serve config reader (serve/config.h): a full file read back
// field by field, defaults, path resolution, one check per error path that
// the message names the offending key, and tables for sizes and durations.
#include "serve/config.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace wsbx::serve {
namespace {

using std::chrono::nanoseconds;

// A fresh directory holding fn.wasm (the checks only need it to exist) and
// an empty folder "data"; removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "wsbx_config_XXXXXX")
            .string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
    Write("fn.wasm", std::string("\0asm\1\0\0\0", 8));
    std::error_code ec;
    std::filesystem::create_directory(path_ + "/data", ec);
    REQUIRE(!ec);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }
  void Write(const std::string& name, const std::string& bytes) const {
    std::FILE* f = std::fopen(Join(name).c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    std::fclose(f);
  }

 private:
  std::string path_;
};

// A config with one route "/api" running fn.wasm, plus `extra` route keys.
std::string OneRoute(const std::string& extra = "",
                     const std::string& top = "") {
  return "{" + top + (top.empty() ? "" : ",") +
         R"("routes": {"/api": {"module": "fn.wasm")" +
         (extra.empty() ? "" : "," + extra) + "}}}";
}

TEST_CASE("a full config reads back every field") {
  TempDir dir;
  const std::string json = R"({
    "listen": "0.0.0.0:9090",
    "workers": 3,
    "header_timeout": "5s", "idle_timeout": "90s", "shutdown_grace": "1m",
    "access_log": "logs/access.jsonl",
    "routes": {
      "/api": {"module": "fn.wasm", "contract": "cgi", "policy": "paranoid",
               "memory": "64M", "fuel": 1000000000, "timeout": "2s",
               "stack": "1M", "max_body": "2MB", "max_output": 4096,
               "dirs": [{"host": "data", "guest": "/data", "read_only": true},
                        {"host": "/srv/x", "guest": "/x"}],
               "env": {"NAME": "VALUE", "EMPTY": ""}, "args": ["-v", "--x=1"],
               "concurrency": 4, "queue": 10, "retry_after": 7,
               "async": true, "audit_log": "api-audit.jsonl"},
      "/other": {"module": "fn.wasm", "fuel": "123"}
    }
  })";
  absl::StatusOr<ServeConfig> config = ParseServeConfig(json, dir.path());
  REQUIRE_MESSAGE(config.ok(), std::string(config.status().message()));
  CHECK(config->listen == "0.0.0.0:9090");
  CHECK(config->workers == 3);
  CHECK(config->header_timeout == std::chrono::seconds(5));
  CHECK(config->idle_timeout == std::chrono::seconds(90));
  CHECK(config->shutdown_grace == std::chrono::minutes(1));
  CHECK(config->access_log == dir.Join("logs/access.jsonl"));
  REQUIRE(config->routes.size() == 2);

  const RouteConfig& api = config->routes[0];
  CHECK(api.path == "/api");
  CHECK(api.module == dir.Join("fn.wasm"));
  CHECK(api.contract == Contract::kCgi);
  CHECK(api.policy == PolicyName::kParanoid);
  CHECK(api.memory_bytes == uint64_t{64} << 20);
  CHECK(api.fuel == uint64_t{1000000000});
  CHECK(api.timeout == std::chrono::seconds(2));
  CHECK(api.stack_bytes == uint64_t{1} << 20);
  CHECK(api.max_body_bytes == 2000000);
  CHECK(api.max_output_bytes == 4096);
  REQUIRE(api.dirs.size() == 2);
  CHECK(api.dirs[0].host == dir.Join("data"));
  CHECK(api.dirs[0].guest == "/data");
  CHECK(api.dirs[0].read_only);
  CHECK(api.dirs[1].host == "/srv/x");
  CHECK(api.dirs[1].guest == "/x");
  CHECK_FALSE(api.dirs[1].read_only);
  REQUIRE(api.env.size() == 2);
  CHECK(api.env[0] == std::pair<std::string, std::string>("NAME", "VALUE"));
  CHECK(api.env[1] == std::pair<std::string, std::string>("EMPTY", ""));
  CHECK(api.args == std::vector<std::string>{"-v", "--x=1"});
  CHECK(api.concurrency == uint32_t{4});
  CHECK(api.queue == 10);
  CHECK(api.retry_after_seconds == 7);
  CHECK(api.async);
  CHECK(api.audit_log == dir.Join("api-audit.jsonl"));

  CHECK(config->routes[1].path == "/other");
  CHECK(config->routes[1].fuel == uint64_t{123});
}

TEST_CASE("omitted keys take the defaults of config.h") {
  TempDir dir;
  absl::StatusOr<ServeConfig> config = ParseServeConfig(OneRoute(), dir.path());
  REQUIRE_MESSAGE(config.ok(), std::string(config.status().message()));
  const ServeConfig defaults;
  CHECK(config->listen == defaults.listen);
  CHECK(config->workers == defaults.workers);
  CHECK(config->header_timeout == defaults.header_timeout);
  CHECK(config->idle_timeout == defaults.idle_timeout);
  CHECK(config->shutdown_grace == defaults.shutdown_grace);
  CHECK(config->access_log == "-");
  REQUIRE(config->routes.size() == 1);
  const RouteConfig& route = config->routes[0];
  const RouteConfig fresh;
  CHECK(route.contract == fresh.contract);
  CHECK(route.policy == fresh.policy);
  CHECK_FALSE(route.memory_bytes.has_value());
  CHECK_FALSE(route.fuel.has_value());
  CHECK_FALSE(route.timeout.has_value());
  CHECK_FALSE(route.stack_bytes.has_value());
  CHECK(route.max_body_bytes == fresh.max_body_bytes);
  CHECK(route.max_output_bytes == fresh.max_output_bytes);
  CHECK(route.dirs.empty());
  CHECK(route.env.empty());
  CHECK(route.args.empty());
  CHECK_FALSE(route.concurrency.has_value());
  CHECK(route.queue == fresh.queue);
  CHECK(route.retry_after_seconds == fresh.retry_after_seconds);
  CHECK_FALSE(route.async);
  CHECK(route.audit_log.empty());
}

TEST_CASE("routes keep the order of the file") {
  TempDir dir;
  absl::StatusOr<ServeConfig> config = ParseServeConfig(
      R"({"routes": {"/b": {"module": "fn.wasm"}, "/a": {"module": "fn.wasm"},
                     "/c/d": {"module": "fn.wasm"}}})",
      dir.path());
  REQUIRE_MESSAGE(config.ok(), std::string(config.status().message()));
  REQUIRE(config->routes.size() == 3);
  CHECK(config->routes[0].path == "/b");
  CHECK(config->routes[1].path == "/a");
  CHECK(config->routes[2].path == "/c/d");
}

TEST_CASE("relative paths resolve against the base directory") {
  TempDir dir;
  SUBCASE("normalized relative and absolute module paths") {
    absl::StatusOr<ServeConfig> config = ParseServeConfig(
        R"({"routes": {"/x": {"module": "data/../fn.wasm",
                              "dirs": [{"host": "./data/", "guest": "/d"}]}}})",
        dir.path());
    REQUIRE_MESSAGE(config.ok(), std::string(config.status().message()));
    CHECK(config->routes[0].module == dir.Join("fn.wasm"));
    CHECK(config->routes[0].dirs[0].host == dir.Join("data"));

    const std::string absolute =
        R"({"routes": {"/x": {"module": ")" + dir.Join("fn.wasm") + R"("}}})";
    config = ParseServeConfig(absolute, "/nonexistent-base");
    REQUIRE_MESSAGE(config.ok(), std::string(config.status().message()));
    CHECK(config->routes[0].module == dir.Join("fn.wasm"));
  }
  SUBCASE("access_log: \"-\" and \"\" stay, a file name resolves") {
    for (const char* kept : {"-", ""}) {
      absl::StatusOr<ServeConfig> config = ParseServeConfig(
          OneRoute("", std::string(R"("access_log": ")") + kept + "\""),
          dir.path());
      REQUIRE(config.ok());
      CHECK(config->access_log == kept);
    }
    absl::StatusOr<ServeConfig> config = ParseServeConfig(
        OneRoute(R"("audit_log": "")", R"("access_log": "a.log")"), dir.path());
    REQUIRE(config.ok());
    CHECK(config->access_log == dir.Join("a.log"));
    CHECK(config->routes[0].audit_log.empty());
  }
  SUBCASE("LoadServeConfig uses the file's folder") {
    dir.Write("serve.json", OneRoute(R"("audit_log": "audit.jsonl")"));
    absl::StatusOr<ServeConfig> config =
        LoadServeConfig(dir.Join("serve.json"));
    REQUIRE_MESSAGE(config.ok(), std::string(config.status().message()));
    CHECK(config->routes[0].module == dir.Join("fn.wasm"));
    CHECK(config->routes[0].audit_log == dir.Join("audit.jsonl"));
  }
  SUBCASE("a relative base directory is made absolute") {
    absl::StatusOr<ServeConfig> config = ParseServeConfig(
        R"({"routes": {"/x": {"module": ")" + dir.Join("fn.wasm") +
            R"(", "audit_log": "a.jsonl"}}})",
        "rel");
    REQUIRE(config.ok());
    CHECK(std::filesystem::path(config->routes[0].audit_log).is_absolute());
  }
}

TEST_CASE("LoadServeConfig errors name the file and the reason") {
  TempDir dir;
  absl::StatusOr<ServeConfig> missing = LoadServeConfig(dir.Join("none.json"));
  REQUIRE_FALSE(missing.ok());
  CHECK(std::string(missing.status().message()) ==
        "cannot read config \"" + dir.Join("none.json") +
            "\": No such file or directory");

  absl::StatusOr<ServeConfig> directory = LoadServeConfig(dir.Join("data"));
  REQUIRE_FALSE(directory.ok());
  CHECK(std::string(directory.status().message()).find("cannot read config") ==
        0);

  dir.Write("big.json", std::string((1 << 20) + 1, ' '));
  absl::StatusOr<ServeConfig> big = LoadServeConfig(dir.Join("big.json"));
  REQUIRE_FALSE(big.ok());
  CHECK(std::string(big.status().message()).find("1 MiB limit") !=
        std::string::npos);

  dir.Write("bad.json", OneRoute(R"("memroy": "1M")"));
  absl::StatusOr<ServeConfig> bad = LoadServeConfig(dir.Join("bad.json"));
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()) ==
        "routes[\"/api\"].memroy: unknown key");
}

struct ErrorCase {
  std::string json;
  std::string message;  // the error message starts with this
};

void CheckErrors(const std::vector<ErrorCase>& cases, const TempDir& dir) {
  for (const ErrorCase& c : cases) {
    CAPTURE(c.json);
    absl::StatusOr<ServeConfig> config = ParseServeConfig(c.json, dir.path());
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
    const std::string message(config.status().message());
    CAPTURE(message);
    CHECK(message.substr(0, c.message.size()) == c.message);
  }
}

TEST_CASE("top-level errors name the key") {
  TempDir dir;
  CheckErrors(
      {
          {"{", "config: not valid JSON"},
          {"[]", "config: expected a JSON object"},
          {std::string((1 << 20) + 1, ' '), "config: is 1048577 bytes"},
          {OneRoute("", R"("listne": "x")"), "listne: unknown key"},
          {OneRoute("", R"("a b": 1)"), "[\"a b\"]: unknown key"},
          {OneRoute("", R"("workers": 1, "workers": 2)"),
           "workers: duplicate key"},
          {"{}", "routes: at least one route is required"},
          {R"({"routes": {}})", "routes: at least one route is required"},
          {R"({"routes": []})", "routes: expected an object keyed by path"},
          {OneRoute("", R"("listen": 8080)"), "listen: expected a string"},
          {OneRoute("", R"("listen": "8080")"),
           "listen: \"8080\" is not HOST:PORT"},
          {OneRoute("", R"("listen": "127.0.0.1:70000")"),
           "listen: \"127.0.0.1:70000\" has port \"70000\""},
          {OneRoute("", R"("listen": "127.0.0.1:")"),
           "listen: \"127.0.0.1:\" has port"},
          {OneRoute("", R"("listen": "127.0.0.1:+80")"),
           "listen: \"127.0.0.1:+80\" has port"},
          {OneRoute("", R"("listen": "example.com:80")"),
           "listen: \"example.com:80\" has host \"example.com\""},
          {OneRoute("", R"("listen": "256.0.0.1:80")"),
           "listen: \"256.0.0.1:80\" has host"},
          {OneRoute("", R"("listen": "::1:80")"),
           "listen: \"::1:80\" has host \"::1\""},
          {OneRoute("", R"("listen": "[::1]8080")"),
           "listen: \"[::1]8080\" is not [IPv6]:PORT"},
          {OneRoute("", R"("listen": "[::g]:80")"),
           "listen: \"[::g]:80\" has host"},
          {OneRoute("", R"("workers": 1025)"),
           "workers: 1025 is out of range 0..1024"},
          {OneRoute("", R"("workers": -1)"), "workers: must not be negative"},
          {OneRoute("", R"("workers": "2")"), "workers: expected an integer"},
          {OneRoute("", R"("workers": 1.5)"), "workers: expected an integer"},
          {OneRoute("", R"("header_timeout": 10)"),
           "header_timeout: expected a duration string like \"2s\""},
          {OneRoute("", R"("header_timeout": "0s")"),
           "header_timeout: must be greater than zero"},
          {OneRoute("", R"("idle_timeout": "60")"),
           "idle_timeout: invalid duration \"60\": add a unit: 2s, 250ms"},
          {OneRoute("", R"("shutdown_grace": "-1s")"),
           "shutdown_grace: invalid duration \"-1s\": a duration cannot be "
           "negative"},
          {OneRoute("", R"("access_log": false)"),
           "access_log: expected a string"},
      },
      dir);
}

TEST_CASE("shutdown_grace may be zero and listen accepts its three forms") {
  TempDir dir;
  for (const char* listen : {"localhost:0", "[::1]:8080", "10.1.2.3:65535"}) {
    CAPTURE(listen);
    absl::StatusOr<ServeConfig> config = ParseServeConfig(
        OneRoute("", std::string(R"("shutdown_grace": "0s", "listen": ")") +
                         listen + "\""),
        dir.path());
    REQUIRE_MESSAGE(config.ok(), std::string(config.status().message()));
    CHECK(config->shutdown_grace == nanoseconds(0));
    CHECK(config->listen == listen);
  }
}

TEST_CASE("route path and module errors name the route") {
  TempDir dir;
  CheckErrors(
      {
          {R"({"routes": {"api": {"module": "fn.wasm"}}})",
           "routes[\"api\"]: a route path must start with '/'"},
          {R"({"routes": {"": {"module": "fn.wasm"}}})",
           "routes[\"\"]: a route path must start with '/'"},
          {R"({"routes": {"/a?b": {"module": "fn.wasm"}}})",
           "routes[\"/a?b\"]: a route path must not contain '?' or '#'"},
          {R"({"routes": {"/a#b": {"module": "fn.wasm"}}})",
           "routes[\"/a#b\"]: a route path must not contain '?' or '#'"},
          {R"({"routes": {"/a b": {"module": "fn.wasm"}}})",
           "routes[\"/a b\"]: a route path must not contain spaces"},
          {R"({"routes": {"/api": {"module": "fn.wasm"}, "/api": {"module": "fn.wasm"}}})",
           "routes[\"/api\"]: duplicate route path"},
          {R"({"routes": {"/api": "fn.wasm"}})",
           "routes[\"/api\"]: expected a JSON object"},
          {R"({"routes": {"/api": {}}})",
           "routes[\"/api\"].module: required: the module file to run"},
          {R"({"routes": {"/api": {"module": 5}}})",
           "routes[\"/api\"].module: expected a string"},
          {R"({"routes": {"/api": {"module": ""}}})",
           "routes[\"/api\"].module: must not be empty"},
          {R"({"routes": {"/api": {"module": "nope.wasm"}}})",
           "routes[\"/api\"].module: cannot use module \"" +
               dir.Join("nope.wasm") + "\": No such file or directory"},
          {R"({"routes": {"/api": {"module": "data"}}})",
           "routes[\"/api\"].module: module \"" + dir.Join("data") +
               "\" is not a regular file"},
          {OneRoute(R"("memroy": "64M")"),
           "routes[\"/api\"].memroy: unknown key"},
          {OneRoute(R"("fuel": 1, "fuel": 2)"),
           "routes[\"/api\"].fuel: duplicate key"},
      },
      dir);
}

TEST_CASE("route value errors name the key") {
  TempDir dir;
  const std::string r = "routes[\"/api\"].";
  CheckErrors(
      {
          {OneRoute(R"("contract": "xml")"),
           r + "contract: unknown contract \"xml\""},
          {OneRoute(R"("contract": 1)"), r + "contract: expected a string"},
          {OneRoute(R"("policy": "lax")"),
           r + "policy: unknown policy \"lax\""},
          {OneRoute(R"("memory": "64Q")"),
           r + "memory: invalid size \"64Q\": unknown unit \"Q\""},
          {OneRoute(R"("memory": 0)"), r + "memory: must not be zero"},
          {OneRoute(R"("memory": -5)"), r + "memory: must not be negative"},
          {OneRoute(R"("memory": true)"), r + "memory: expected a size"},
          {OneRoute(R"("memory": 1.5)"), r + "memory: expected a size"},
          {OneRoute(R"("stack": "0K")"), r + "stack: must not be zero"},
          {OneRoute(R"("max_body": "1.5M")"),
           r + "max_body: invalid size \"1.5M\": fractions are not allowed"},
          {OneRoute(R"("max_output": [])"), r + "max_output: expected a size"},
          {OneRoute(R"("fuel": "1e9")"),
           r + "fuel: \"1e9\": unexpected character 'e'"},
          {OneRoute(R"("fuel": "")"), r + "fuel: \"\": expected digits"},
          {OneRoute(R"("fuel": "99999999999999999999")"),
           r + "fuel: \"99999999999999999999\": does not fit in 64 bits"},
          {OneRoute(R"("fuel": 0)"), r + "fuel: must be at least 1"},
          {OneRoute(R"("fuel": 1.5)"),
           r + "fuel: expected an integer or a string of digits"},
          {OneRoute(R"("timeout": 2)"),
           r + "timeout: expected a duration string like \"2s\""},
          {OneRoute(R"("timeout": "0ms")"),
           r + "timeout: must be greater than zero"},
          {OneRoute(R"("timeout": "2x")"),
           r + "timeout: invalid duration \"2x\": unknown unit"},
          {OneRoute(R"("concurrency": 0)"),
           r + "concurrency: 0 is out of range 1..100000"},
          {OneRoute(R"("queue": 100001)"),
           r + "queue: 100001 is out of range 0..100000"},
          {OneRoute(R"("retry_after": 86401)"),
           r + "retry_after: 86401 is out of range"},
          {OneRoute(R"("async": "yes")"), r + "async: expected true or false"},
          {OneRoute(R"("audit_log": 5)"), r + "audit_log: expected a string"},
      },
      dir);
}

TEST_CASE("dirs, env and args errors name the element") {
  TempDir dir;
  const std::string r = "routes[\"/api\"].";
  CheckErrors(
      {
          {OneRoute(R"("dirs": {})"), r + "dirs: expected an array"},
          {OneRoute(R"("dirs": ["data"])"),
           r + "dirs[0]: expected a JSON object"},
          {OneRoute(
               R"("dirs": [{"host": "data", "guest": "/d"}, {"guest": "/e"}])"),
           r + "dirs[1].host: required"},
          {OneRoute(R"("dirs": [{"host": "data"}])"),
           r + "dirs[0].guest: required"},
          {OneRoute(R"("dirs": [{"host": "data", "guest": "d"}])"),
           r + "dirs[0].guest: required: an absolute guest path"},
          {OneRoute(
               R"("dirs": [{"host": "data", "guest": "/d", "mode": "ro"}])"),
           r + "dirs[0].mode: unknown key"},
          {OneRoute(
               R"("dirs": [{"host": "data", "guest": "/d", "read_only": "yes"}])"),
           r + "dirs[0].read_only: expected true or false"},
          {OneRoute(R"("env": ["A=B"])"), r + "env: expected an object"},
          {OneRoute(R"("env": {"NAME": 1})"),
           r + "env.NAME: expected a string"},
          {OneRoute(R"("env": {"A=B": "c"})"),
           r + "env[\"A=B\"]: a variable name"},
          {OneRoute(R"("env": {"": "c"})"), r + "env[\"\"]: a variable name"},
          {OneRoute(R"("env": {"A": "1", "A": "2"})"),
           r + "env.A: duplicate key"},
          {OneRoute(R"("env": {"A": "x\u0000y"})"),
           r + "env.A: must not contain a NUL"},
          {OneRoute(R"("args": "-v")"),
           r + "args: expected an array of strings"},
          {OneRoute(R"("args": ["-v", 2])"), r + "args[1]: expected a string"},
      },
      dir);
}

TEST_CASE("ParseSize accepts bytes and binary or decimal units") {
  const struct {
    const char* text;
    uint64_t bytes;
  } good[] = {
      {"0", 0},
      {"4096", 4096},
      {"4096B", 4096},
      {"64K", 64 << 10},
      {"64KiB", 64 << 10},
      {"64KB", 64000},
      {"64M", uint64_t{64} << 20},
      {"64MiB", uint64_t{64} << 20},
      {"64MB", 64000000},
      {"4G", uint64_t{4} << 30},
      {"1GiB", uint64_t{1} << 30},
      {"2GB", 2000000000},
      {"18446744073709551615", std::numeric_limits<uint64_t>::max()},
      {"17179869183G", uint64_t{17179869183} << 30},
  };
  for (const auto& c : good) {
    CAPTURE(c.text);
    absl::StatusOr<uint64_t> size = ParseSize(c.text);
    REQUIRE_MESSAGE(size.ok(), std::string(size.status().message()));
    CHECK(*size == c.bytes);
  }
}

TEST_CASE("ParseSize rejects malformed sizes and says why") {
  const struct {
    const char* text;
    const char* why;
  } bad[] = {
      {"", "empty"},
      {"-1", "cannot be negative"},
      {"-1M", "cannot be negative"},
      {"+5", "expected digits first"},
      {" 64", "expected digits first"},
      {"M", "expected digits first"},
      {"1.5M", "fractions are not allowed"},
      {"64Q", "unknown unit \"Q\""},
      {"64 M", "unknown unit \" M\""},
      {"64m", "unknown unit \"m\""},
      {"64Mi", "unknown unit \"Mi\""},
      {"18446744073709551616", "more than 2^64-1 bytes"},
      {"17179869184G", "more than 2^64-1 bytes"},
  };
  for (const auto& c : bad) {
    CAPTURE(c.text);
    absl::StatusOr<uint64_t> size = ParseSize(c.text);
    REQUIRE_FALSE(size.ok());
    const std::string message(size.status().message());
    CAPTURE(message);
    CHECK(message.find(c.why) != std::string::npos);
    CHECK(message.find("invalid size") == 0);
  }
}

TEST_CASE("ParseDuration accepts a number with a unit, fractions exact") {
  using namespace std::chrono_literals;
  const struct {
    const char* text;
    nanoseconds value;
  } good[] = {
      {"100us", 100us},
      {"250ms", 250ms},
      {"2s", 2s},
      {"1.5s", 1500ms},
      {"0.001s", 1ms},
      {"1.5ms", 1500us},
      {"2.000000001s", 2s + 1ns},
      {"1m", 60s},
      {"1.25h", 75min},
      {"1h", 1h},
      {"7ns", 7ns},
      {"0s", 0s},
      {"0.5us", 500ns},
      {"9223372036854775807ns", nanoseconds::max()},
  };
  for (const auto& c : good) {
    CAPTURE(c.text);
    absl::StatusOr<nanoseconds> duration = ParseDuration(c.text);
    REQUIRE_MESSAGE(duration.ok(), std::string(duration.status().message()));
    CHECK(duration->count() == c.value.count());
  }
}

TEST_CASE("ParseDuration rejects malformed durations and says why") {
  const struct {
    const char* text;
    const char* why;
  } bad[] = {
      {"", "empty"},
      {"2", "add a unit: 2s, 250ms"},
      {"2.5", "add a unit: 2s, 250ms"},
      {"-1s", "cannot be negative"},
      {".5s", "expected digits first"},
      {"1.s", "expected digits after '.'"},
      {"1.0000000001s", "at most 9 digits after '.'"},
      {"1.0001us", "finer than a nanosecond"},
      {"2 s", "unknown unit \" s\""},
      {"2S", "unknown unit \"S\""},
      {"2sec", "unknown unit \"sec\""},
      {"1d", "unknown unit \"d\""},
      {"9223372036854775808ns", "too long"},
      {"300000000h", "too long"},
      {"99999999999999999999s", "too long"},
  };
  for (const auto& c : bad) {
    CAPTURE(c.text);
    absl::StatusOr<nanoseconds> duration = ParseDuration(c.text);
    REQUIRE_FALSE(duration.ok());
    const std::string message(duration.status().message());
    CAPTURE(message);
    CHECK(message.find(c.why) != std::string::npos);
    CHECK(message.find("invalid duration") == 0);
  }
}

TEST_CASE("enum names match what the parser accepts") {
  CHECK(std::string(ToString(Contract::kJson)) == "json");
  CHECK(std::string(ToString(Contract::kCgi)) == "cgi");
  CHECK(std::string(ToString(PolicyName::kStandard)) == "standard");
  CHECK(std::string(ToString(PolicyName::kStrict)) == "strict");
  CHECK(std::string(ToString(PolicyName::kParanoid)) == "paranoid");
  TempDir dir;
  for (const char* policy : {"standard", "strict", "paranoid"}) {
    absl::StatusOr<ServeConfig> config = ParseServeConfig(
        OneRoute(std::string(R"("policy": ")") + policy + "\""), dir.path());
    REQUIRE(config.ok());
    CHECK(std::string(ToString(config->routes[0].policy)) == policy);
  }
}

}  // namespace
}  // namespace wsbx::serve
