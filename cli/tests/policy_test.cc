// Policies for `wsbx run`: each key, each kind of error, the presets and
// their round trip through PolicyToJson, and how flags override a policy.
#include "cli/policy.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <doctest/doctest.h>

#include "cli/args.h"
#include "runtime/limits.h"
#include "runtime/types.h"

namespace wsbx {
namespace {

Policy Parse(std::string_view json) {
  absl::StatusOr<Policy> p = ParsePolicy(json, "p.json");
  INFO(p.status().message());
  REQUIRE(p.ok());
  return *p;
}

std::string ErrorOf(std::string_view json) {
  absl::StatusOr<Policy> p = ParsePolicy(json, "p.json");
  REQUIRE_FALSE(p.ok());
  return std::string(p.status().message());
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

bool operator==(const Policy& a, const Policy& b) {
  return a.mem == b.mem && a.fuel == b.fuel && a.timeout == b.timeout &&
         a.stack == b.stack && a.max_call_depth == b.max_call_depth &&
         a.max_table_elements == b.max_table_elements &&
         a.compile == b.compile && a.audit == b.audit &&
         a.max_output == b.max_output && a.dirs == b.dirs &&
         a.dirs_ro == b.dirs_ro && a.env == b.env &&
         a.exit_on_denied == b.exit_on_denied;
}

TEST_CASE("every key is read as its flag's text") {
  Policy p = Parse(R"({"mem": "64M", "fuel": 1000000, "timeout": "2s",
    "stack": "8M", "max_call_depth": 500, "max_table_elements": 0,
    "compile": "plain", "audit": "a.jsonl", "max_output": "1K",
    "dirs": ["/tmp::/t", "/tmp"],
    "dirs_ro": ["/usr"], "env": ["A=1", "HOME"], "on_denied": "exit"})");
  CHECK(p.mem == "64M");
  CHECK(p.fuel == "1000000");
  CHECK(p.timeout == "2s");
  CHECK(p.stack == "8M");
  CHECK(p.max_call_depth == "500");
  CHECK(p.max_table_elements == "0");
  CHECK(p.compile == "plain");
  CHECK(p.audit == "a.jsonl");
  CHECK(p.max_output == "1K");
  CHECK(p.dirs == std::vector<std::string>{"/tmp::/t", "/tmp"});
  CHECK(p.dirs_ro == std::vector<std::string>{"/usr"});
  CHECK(p.env == std::vector<std::string>{"A=1", "HOME"});
  CHECK(p.exit_on_denied);
}

TEST_CASE("an empty policy says nothing") {
  Policy p = Parse("{}");
  CHECK_FALSE(p.mem.has_value());
  CHECK_FALSE(p.fuel.has_value());
  CHECK(p.dirs.empty());
  CHECK_FALSE(p.exit_on_denied);
  CHECK_FALSE(Parse(R"({"on_denied": "error"})").exit_on_denied);
}

TEST_CASE("an unknown key is named, with the keys there are") {
  std::string e = ErrorOf("{\n  \"memory\": \"64M\"}");
  CHECK(Contains(e, "p.json: line 2, column 3: \"memory\": unknown key"));
  CHECK(Contains(e, "mem, fuel, timeout"));
  CHECK(Contains(e, "on_denied"));
}

TEST_CASE("a wrong JSON type names the key and both types") {
  CHECK(ErrorOf(R"({"mem": 64})") ==
        "p.json: line 1, column 9: \"mem\": expected a string, got a number");
  CHECK(ErrorOf(R"({"fuel": "1000"})") ==
        "p.json: line 1, column 10: \"fuel\": expected a whole number, got a "
        "string");
  CHECK(Contains(ErrorOf(R"({"dirs": "/tmp"})"),
                 "\"dirs\": expected an array of strings, got a string"));
  CHECK(Contains(ErrorOf(R"({"env": ["A=1", 2]})"),
                 "line 1, column 17: \"env\": expected an array of strings, "
                 "got a number"));
  CHECK(Contains(ErrorOf(R"({"on_denied": true})"),
                 "\"on_denied\": expected \"error\" or \"exit\", got a boolean"));
  CHECK(Contains(ErrorOf(R"({"timeout": null})"), "\"timeout\": expected a string, got null"));
}

TEST_CASE("a bad value gets the flag's own message") {
  CHECK(Contains(ErrorOf(R"({"mem": "64"})"), "\"mem\": "));
  CHECK(Contains(ErrorOf(R"({"mem": "64X"})"), "\"mem\": "));
  CHECK(Contains(ErrorOf(R"({"timeout": "2"})"), "\"timeout\": "));
  CHECK(Contains(ErrorOf(R"({"fuel": -1})"),
                 "\"fuel\": cannot parse '-1' (expected a whole number"));
  CHECK(Contains(ErrorOf(R"({"fuel": 1.5})"), "\"fuel\": cannot parse '1.5'"));
  CHECK(Contains(ErrorOf(R"({"max_call_depth": 0})"),
                 "\"max_call_depth\": cannot parse '0' (expected a whole "
                 "number from 1 to 1000000)"));
  CHECK(Contains(ErrorOf(R"({"max_table_elements": 4294967296})"),
                 "\"max_table_elements\": cannot parse"));
  CHECK(Contains(ErrorOf(R"({"stack": "16K"})"),
                 "\"stack\": '16K' is outside 64K to 1G"));
  CHECK(Contains(ErrorOf(R"({"compile": "fast"})"),
                 "\"compile\": 'fast' is not optimized or plain"));
  CHECK(Contains(ErrorOf(R"({"max_output": "1"})"), "\"max_output\": "));
  CHECK(Contains(ErrorOf(R"({"audit": ""})"), "\"audit\": the path is empty"));
  CHECK(Contains(ErrorOf(R"({"audit": "a\u0000b"})"),
                 "\"audit\": the path has a NUL byte"));
  CHECK(Contains(ErrorOf(R"({"dirs": ["::x"]})"), "\"dirs\": "));
  CHECK(Contains(ErrorOf(R"({"dirs_ro": [""]})"), "\"dirs_ro\": "));
  CHECK(Contains(ErrorOf(R"({"env": ["=x"]})"), "\"env\": "));
  CHECK(Contains(ErrorOf(R"({"on_denied": "kill"})"),
                 "\"on_denied\": 'kill' is not error or exit"));
  // The flags' messages, word for word, after the key.
  absl::StatusOr<uint64_t> flag = ParseStackBytes("16K");
  REQUIRE_FALSE(flag.ok());
  CHECK(Contains(ErrorOf(R"({"stack": "16K"})"),
                 std::string(flag.status().message())));
}

TEST_CASE("malformed JSON names the file and the position") {
  CHECK(ErrorOf("{\"mem\": \"64M\",\n}") ==
        "p.json: line 2, column 1: expected a string key");
  CHECK(ErrorOf("{\"mem\": \"64M\"") ==
        "p.json: line 1, column 14: expected ',' or '}' in an object");
  CHECK(ErrorOf("[]") == "p.json: a policy is a JSON object, not an array");
  CHECK(Contains(ErrorOf(R"({"mem": "1G", "mem": "2G"})"),
                 "duplicate key \"mem\""));
}

TEST_CASE("presets") {
  CHECK(PresetNames() == std::vector<std::string>{"standard", "strict",
                                                  "paranoid"});
  Policy standard = *Preset("standard");
  CHECK(standard.mem == "4G");
  CHECK(standard.stack == "8M");
  CHECK(standard.max_call_depth == "20000");
  CHECK_FALSE(standard.fuel.has_value());
  CHECK_FALSE(standard.timeout.has_value());
  CHECK_FALSE(standard.exit_on_denied);
  Policy strict = *Preset("strict");
  CHECK(strict.mem == "256M");
  CHECK(strict.timeout == "30s");
  CHECK(strict.max_output == "64M");
  CHECK(strict.dirs.empty());
  CHECK(strict.env.empty());
  CHECK_FALSE(strict.exit_on_denied);
  Policy paranoid = *Preset("paranoid");
  CHECK(paranoid.mem == "64M");
  CHECK(paranoid.fuel == "1000000000");
  CHECK(paranoid.timeout == "2s");
  CHECK(paranoid.max_output == "1M");
  CHECK(paranoid.exit_on_denied);
  CHECK_FALSE(Preset("lenient").has_value());
}

TEST_CASE("standard is wsbx's defaults") {
  const Limits defaults;
  Policy standard = *Preset("standard");
  CHECK(*ParseByteSize(*standard.mem) / kPageSize ==
        defaults.max_memory_pages);
  CHECK(*ParseStackBytes(*standard.stack) / sizeof(uint64_t) ==
        defaults.value_stack_slots);
  CHECK(*ParseCount(*standard.max_call_depth, 1, kMaxCallDepth) ==
        defaults.max_call_depth);
  CHECK(*ParseCount(*standard.max_table_elements, 0, UINT32_MAX) ==
        defaults.max_table_elements);
  CHECK(standard.compile == "optimized");
  CHECK_FALSE(standard.max_output.has_value());
}

TEST_CASE("each preset is tighter than the one before on every cap") {
  Policy standard = *Preset("standard");
  Policy strict = *Preset("strict");
  Policy paranoid = *Preset("paranoid");
  auto bytes = [](const std::optional<std::string>& v) {
    return *ParseByteSize(*v);
  };
  auto count = [](const std::optional<std::string>& v) {
    return *ParseCount(*v, 0, UINT64_MAX);
  };
  CHECK(bytes(strict.mem) < bytes(standard.mem));
  CHECK(bytes(paranoid.mem) < bytes(strict.mem));
  CHECK(bytes(strict.stack) < bytes(standard.stack));
  CHECK(bytes(paranoid.stack) < bytes(strict.stack));
  CHECK(count(strict.max_call_depth) < count(standard.max_call_depth));
  CHECK(count(paranoid.max_call_depth) < count(strict.max_call_depth));
  CHECK(count(strict.max_table_elements) < count(standard.max_table_elements));
  CHECK(count(paranoid.max_table_elements) <
        count(strict.max_table_elements));
  CHECK(*ParseDuration(*paranoid.timeout) < *ParseDuration(*strict.timeout));
  CHECK(bytes(paranoid.max_output) < bytes(strict.max_output));
}

TEST_CASE("every preset prints as a policy file that reads back equal") {
  for (const std::string& name : PresetNames()) {
    CAPTURE(name);
    std::string json = PolicyToJson(*Preset(name));
    absl::StatusOr<Policy> back = ParsePolicy(json, name);
    INFO(json);
    REQUIRE(back.ok());
    CHECK(*back == *Preset(name));
  }
  Policy p = Parse(R"({"dirs": ["a\"b::c"], "env": ["X=\u00e9"], "fuel": 5})");
  CHECK(*ParsePolicy(PolicyToJson(p), "again") == p);
  CHECK(Contains(PolicyToJson(p), "\"fuel\": 5,"));
}

TEST_CASE("LoadPolicy: presets by name, files by path, else the presets") {
  CHECK(*LoadPolicy("strict") == *Preset("strict"));
  absl::StatusOr<Policy> none = LoadPolicy("lenient");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() ==
        "no preset or policy file named 'lenient' (presets: standard, "
        "strict, paranoid)");
  char dir[] = "/tmp/wsbx-policy-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/strict";
  std::ofstream(path) << R"({"mem": "1M"})";
  CHECK(LoadPolicy(path)->mem == "1M");  // a path is always a file
  std::ofstream(path) << "{\"mem\": 1}";
  CHECK(Contains(std::string(LoadPolicy(path).status().message()),
                 path + ": line 1, column 9: \"mem\""));
  std::remove(path.c_str());
  rmdir(dir);
}

// The command line of one run: the settings and the flags given.
struct FakeRun {
  std::map<std::string, std::string> values;
  std::vector<std::string> dirs, dirs_ro, env, preload;
  bool exit_on_denied = false;
  std::vector<std::string> given;

  void Apply(const Policy& p) {
    auto is_given = [&](std::string_view flag) {
      for (const std::string& g : given) {
        if (g == flag) return true;
      }
      return false;
    };
    ApplyPolicy(p, is_given,
                {.mem = &values["mem"], .fuel = &values["fuel"],
                 .timeout = &values["timeout"], .stack = &values["stack"],
                 .max_call_depth = &values["depth"],
                 .max_table_elements = &values["table"],
                 .compile = &values["compile"], .audit = &values["audit"],
                 .max_output = &values["output"],
                 .unknown_imports = &values["unknown"],
                 .dirs = &dirs, .dirs_ro = &dirs_ro, .env = &env,
                 .preload = &preload, .exit_on_denied = &exit_on_denied});
  }
};

TEST_CASE("a flag given on the command line wins over the policy") {
  Policy p = Parse(R"({"mem": "64M", "fuel": 10, "timeout": "1s",
    "stack": "1M", "max_call_depth": 7, "max_table_elements": 8,
    "compile": "plain", "audit": "p.jsonl", "max_output": "1M",
    "unknown_imports": "trap", "preload": ["env=lib.wat"],
    "on_denied": "exit"})");
  FakeRun run;
  run.values["mem"] = "1G";
  run.values["timeout"] = "5s";
  run.given = {"--mem", "--timeout"};
  run.Apply(p);
  CHECK(run.values["mem"] == "1G");
  CHECK(run.values["timeout"] == "5s");
  CHECK(run.values["fuel"] == "10");
  CHECK(run.values["stack"] == "1M");
  CHECK(run.values["depth"] == "7");
  CHECK(run.values["table"] == "8");
  CHECK(run.values["compile"] == "plain");
  CHECK(run.values["audit"] == "p.jsonl");
  CHECK(run.values["output"] == "1M");
  CHECK(run.values["unknown"] == "trap");
  CHECK(run.preload == std::vector<std::string>{"env=lib.wat"});
  CHECK(run.exit_on_denied);
}

TEST_CASE("unknown_imports and preload take what the flags take") {
  auto bad = ParsePolicy(R"({"unknown_imports": "maybe"})", "p.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()).find(
            "'maybe' is not one of error, trap, default") != std::string::npos);
  CHECK(std::string(bad.status().message()).find("unknown_imports") !=
        std::string::npos);
  auto bad_preload = ParsePolicy(R"({"preload": ["nomodule"]})", "p.json");
  REQUIRE_FALSE(bad_preload.ok());
  CHECK(std::string(bad_preload.status().message()).find("NAME=MODULE") !=
        std::string::npos);
  CHECK_FALSE(ParsePolicy(R"({"preload": "env=x.wat"})", "p.json").ok());
  FakeRun run;
  run.values["unknown"] = "default";
  run.given = {"--unknown-imports"};
  run.Apply(Parse(R"({"unknown_imports": "trap"})"));
  CHECK(run.values["unknown"] == "default");
}

TEST_CASE("what the policy leaves out keeps the command line's default") {
  FakeRun run;
  run.values["compile"] = "optimized";
  run.Apply(Parse(R"({"mem": "64M"})"));
  CHECK(run.values["compile"] == "optimized");
  CHECK(run.values["fuel"].empty());
  CHECK_FALSE(run.exit_on_denied);
}

TEST_CASE("grants add up: the policy's first, then the command line's") {
  FakeRun run;
  run.dirs = {"/cli"};
  run.env = {"B=2"};
  run.given = {"--dir", "--env"};
  run.Apply(Parse(R"({"dirs": ["/p1", "/p2"], "dirs_ro": ["/ro"],
    "env": ["A=1"]})"));
  CHECK(run.dirs == std::vector<std::string>{"/p1", "/p2", "/cli"});
  CHECK(run.dirs_ro == std::vector<std::string>{"/ro"});
  CHECK(run.env == std::vector<std::string>{"A=1", "B=2"});
}

}  // namespace
}  // namespace wsbx
