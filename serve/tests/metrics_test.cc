// Tests of serve/metrics.h: exact sample lines after known records, a
// line-by-line check that Render() is valid Prometheus text format 0.0.4,
// exact totals under concurrent recording, and the access-log line read
// back with simdjson.
#include "serve/metrics.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace wsbx::serve {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool HasLine(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

RequestRecord Rec(const std::string& route, int status, Outcome outcome,
                  std::chrono::nanoseconds latency, uint64_t fuel = 0,
                  uint64_t peak = 0) {
  RequestRecord r;
  r.route = route;
  r.status = status;
  r.outcome = outcome;
  r.latency = latency;
  r.fuel = fuel;
  r.peak_memory_bytes = peak;
  return r;
}

bool IsMetricName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':')
      return false;
  }
  return true;
}

// Parses `{name="value",...}` from text[i] on; returns "" or what is wrong.
std::string CheckLabels(const std::string& text, size_t& i) {
  if (i >= text.size() || text[i] != '{') return "";
  ++i;
  while (i < text.size() && text[i] != '}') {
    const size_t eq = text.find('=', i);
    if (eq == std::string::npos || !IsMetricName(text.substr(i, eq - i))) {
      return "bad label name";
    }
    i = eq + 1;
    if (i >= text.size() || text[i] != '"') return "label value not quoted";
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\n') return "raw newline in label value";
      if (text[i] == '\\') {
        if (i + 1 >= text.size() ||
            std::string("\\\"n").find(text[i + 1]) == std::string::npos) {
          return "bad escape in label value";
        }
        ++i;
      }
    }
    if (i >= text.size()) return "unterminated label value";
    ++i;
    if (i < text.size() && text[i] == ',') ++i;
  }
  if (i >= text.size()) return "unterminated labels";
  ++i;
  return "";
}

// What is wrong with `text` as text format 0.0.4, or "" when nothing is.
std::string CheckExposition(const std::string& text) {
  if (text.empty() || text.back() != '\n') return "must end with a newline";
  std::set<std::string> helped, typed, finished;
  std::string current, current_type;
  std::vector<std::string> order;
  for (const std::string& line : Lines(text)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const size_t space = line.find(' ', 7);
      const std::string name = line.substr(7, space - 7);
      if (!IsMetricName(name) || space == std::string::npos)
        return "bad: " + line;
      if (name != current) {
        if (!current.empty()) finished.insert(current);
        if (finished.count(name)) return "family split: " + line;
        current = name;
        order.push_back(name);
      }
      const std::string rest = line.substr(space + 1);
      if (line[2] == 'H' && !helped.insert(name).second)
        return "second HELP: " + line;
      if (line[2] == 'T') {
        if (!typed.insert(name).second) return "second TYPE: " + line;
        if (rest != "counter" && rest != "gauge" && rest != "histogram") {
          return "bad type: " + line;
        }
        current_type = rest;
      }
      continue;
    }
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    std::string name = line.substr(0, i);
    if (!IsMetricName(name)) return "bad sample name: " + line;
    if (current_type == "histogram") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s(suffix);
        if (name.size() > s.size() &&
            name.compare(name.size() - s.size(), s.size(), s) == 0 &&
            name.substr(0, name.size() - s.size()) == current) {
          name = current;
        }
      }
    }
    if (name != current || !typed.count(name))
      return "sample outside its family: " + line;
    if (std::string why = CheckLabels(line, i); !why.empty())
      return why + ": " + line;
    if (i >= line.size() || line[i] != ' ')
      return "no space before value: " + line;
    const std::string value = line.substr(i + 1);
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    if (value.empty() || (*end != '\0' && value != "+Inf"))
      return "bad value: " + line;
  }
  if (!std::is_sorted(order.begin(), order.end())) return "families not sorted";
  return "";
}

TEST_CASE("latency buckets are the documented ones") {
  CHECK(Metrics::LatencyBuckets() ==
        std::vector<double>{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                            0.5, 1, 2.5, 5, 10});
}

TEST_CASE("render gives exact samples after known records") {
  Metrics metrics;
  metrics.Record(Rec("/a", 200, Outcome::kOk, 500us, 100, 4096));
  metrics.Record(
      Rec("/a", 200, Outcome::kOk, 1ms, 200, 8192));  // le="0.001" is inclusive
  metrics.Record(Rec("/a", 200, Outcome::kOk, 3ms, 300, 1024));
  metrics.Record(Rec("/a", 504, Outcome::kTimeout, 20s, 1000, 0));
  metrics.Record(Rec("/a", 502, Outcome::kTrap, 10s, 5, 0));
  metrics.Record(Rec("/a", 503, Outcome::kRejected, 0ns));
  metrics.Record(Rec("/say\"hi\\\n", 500, Outcome::kError, 2ms));
  metrics.SetInstances("/a", 3);
  metrics.AddInFlight("/a", 2);
  metrics.AddQueued("/a", 5);
  metrics.AddQueued("/a", -1);
  metrics.RecordJob("/a", "done");
  metrics.RecordJob("/a", "done");
  metrics.RecordJob("/a", "failed");

  const std::string text = metrics.Render();
  CAPTURE(text);
  CHECK(CheckExposition(text) == "");
  const std::vector<std::string> lines = Lines(text);
  const char* expected[] = {
      "# HELP wsbx_requests_total Requests answered, by status.",
      "# TYPE wsbx_requests_total counter",
      "# TYPE wsbx_request_duration_seconds histogram",
      R"(wsbx_requests_total{route="/a",status="200"} 3)",
      R"(wsbx_requests_total{route="/a",status="502"} 1)",
      R"(wsbx_requests_total{route="/a",status="503"} 1)",
      R"(wsbx_requests_total{route="/a",status="504"} 1)",
      R"(wsbx_request_duration_seconds_bucket{route="/a",le="0.001"} 3)",
      R"(wsbx_request_duration_seconds_bucket{route="/a",le="0.0025"} 3)",
      R"(wsbx_request_duration_seconds_bucket{route="/a",le="0.005"} 4)",
      R"(wsbx_request_duration_seconds_bucket{route="/a",le="5"} 4)",
      R"(wsbx_request_duration_seconds_bucket{route="/a",le="10"} 5)",
      R"(wsbx_request_duration_seconds_bucket{route="/a",le="+Inf"} 6)",
      R"(wsbx_request_duration_seconds_sum{route="/a"} 30.0045)",
      R"(wsbx_request_duration_seconds_count{route="/a"} 6)",
      R"(wsbx_timeouts_total{route="/a"} 1)",
      R"(wsbx_traps_total{route="/a"} 1)",
      R"(wsbx_rejected_total{route="/a"} 1)",
      R"(wsbx_fuel_total{route="/a"} 1605)",
      R"(wsbx_peak_memory_bytes{route="/a"} 8192)",
      R"(wsbx_instances{route="/a"} 3)",
      R"(wsbx_in_flight{route="/a"} 2)",
      R"(wsbx_queued{route="/a"} 4)",
      R"(wsbx_jobs_total{route="/a",state="done"} 2)",
      R"(wsbx_jobs_total{route="/a",state="failed"} 1)",
      R"(wsbx_requests_total{route="/say\"hi\\\n",status="500"} 1)",
      R"(wsbx_timeouts_total{route="/say\"hi\\\n"} 0)",
      R"(wsbx_request_duration_seconds_sum{route="/say\"hi\\\n"} 0.002)",
      R"(wsbx_request_duration_seconds_bucket{route="/say\"hi\\\n",le="0.001"} 0)",
      R"(wsbx_request_duration_seconds_bucket{route="/say\"hi\\\n",le="0.0025"} 1)",
  };
  for (const char* line : expected) {
    CAPTURE(line);
    CHECK(HasLine(lines, line));
  }
  for (const std::string& line : lines) {
    CAPTURE(line);
    CHECK_FALSE((line.find("_sum{") != std::string::npos &&
                 line.find("le=") != std::string::npos));
  }
  // Routes sorted within a family: "/a" before "/say...".
  const auto a = std::find(lines.begin(), lines.end(),
                           R"(wsbx_traps_total{route="/a"} 1)");
  const auto say = std::find(lines.begin(), lines.end(),
                             R"(wsbx_traps_total{route="/say\"hi\\\n"} 0)");
  CHECK(a < say);
}

TEST_CASE("render before any record has every family and is valid") {
  Metrics metrics;
  const std::string text = metrics.Render();
  CHECK(CheckExposition(text) == "");
  CHECK(Lines(text).size() == 22);  // HELP and TYPE for 11 families
}

TEST_CASE("the format checker itself rejects broken expositions") {
  CHECK(CheckExposition("# TYPE a counter\na 1") != "");  // no final newline
  CHECK(CheckExposition("a 1\n") != "");                  // no TYPE
  CHECK(CheckExposition("# TYPE a counter\na{x=\"\\q\"} 1\n") != "");
  CHECK(CheckExposition("# TYPE b counter\n# TYPE a counter\n") != "");
  CHECK(CheckExposition("# TYPE a counter\n# TYPE a counter\n") != "");
  CHECK(CheckExposition("# TYPE a counter\na{x=\"y\"} one\n") != "");
  CHECK(CheckExposition("# TYPE a counter\na{x=\"y\"} 1\n") == "");
}

TEST_CASE("buckets are cumulative and +Inf equals _count per route") {
  Metrics metrics;
  const std::chrono::nanoseconds latencies[] = {0ns, 1ms, 7ms,    60ms, 400ms,
                                                3s,  11s, 2500us, 100ms};
  for (auto latency : latencies)
    metrics.Record(Rec("/r", 200, Outcome::kOk, latency));
  uint64_t previous = 0;
  uint64_t inf = 0;
  std::string count;
  for (const std::string& line : Lines(metrics.Render())) {
    if (line.rfind("wsbx_request_duration_seconds_bucket{route=\"/r\"", 0) ==
        0) {
      const uint64_t n = std::stoull(line.substr(line.rfind(' ') + 1));
      CHECK(n >= previous);
      previous = n;
      if (line.find("le=\"+Inf\"") != std::string::npos) inf = n;
    }
    if (line.rfind("wsbx_request_duration_seconds_count{", 0) == 0) {
      count = line.substr(line.rfind(' ') + 1);
    }
  }
  CHECK(inf == 9);
  CHECK(count == "9");
}

TEST_CASE("concurrent records add up exactly") {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string route = i % 2 == 0 ? "/even" : "/odd";
        metrics.AddInFlight(route, 1);
        metrics.Record(Rec(route, 200,
                           i % 5 == 0 ? Outcome::kTrap : Outcome::kOk,
                           std::chrono::milliseconds(i % 20), 3,
                           static_cast<uint64_t>(t * kPerThread + i)));
        metrics.AddInFlight(route, -1);
        if (i % 100 == 0) (void)metrics.Render();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<std::string> lines = Lines(metrics.Render());
  const uint64_t half = kThreads * kPerThread / 2;
  for (const std::string route : {"/even", "/odd"}) {
    CAPTURE(route);
    const std::string label = "{route=\"" + route + "\"";
    CHECK(HasLine(lines, "wsbx_requests_total" + label + ",status=\"200\"} " +
                             std::to_string(half)));
    CHECK(HasLine(lines, "wsbx_request_duration_seconds_count" + label + "} " +
                             std::to_string(half)));
    CHECK(HasLine(lines,
                  "wsbx_fuel_total" + label + "} " + std::to_string(3 * half)));
    CHECK(HasLine(lines, "wsbx_in_flight" + label + "} 0"));
  }
  // i % 5 == 0 for 1000 of each thread's 5000 records, half of them odd.
  CHECK(HasLine(lines, "wsbx_traps_total{route=\"/even\"} " +
                           std::to_string(kThreads * 500)));
  CHECK(HasLine(lines, "wsbx_traps_total{route=\"/odd\"} " +
                           std::to_string(kThreads * 500)));
  CHECK(HasLine(lines, "wsbx_peak_memory_bytes{route=\"/odd\"} " +
                           std::to_string(kThreads * kPerThread - 1)));
}

// The named string member of `object`, or "<missing>".
std::string GetString(simdjson::dom::element object, const char* key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS)
    return "<missing>";
  return std::string(value);
}

uint64_t GetUint(simdjson::dom::element object, const char* key) {
  uint64_t value = 0;
  if (object[key].get_uint64().get(value) != simdjson::SUCCESS)
    return ~uint64_t{0};
  return value;
}

TEST_CASE("an access-log line parses back field by field") {
  const auto when = std::chrono::sys_days(std::chrono::year(2026) / 12 / 7) +
                    15h + 4min + 5s + 123ms + 999us;
  RequestRecord record = Rec("/fn", 502, Outcome::kTrap, 1234567ns, 42, 65536);
  const std::string line = AccessLogLine(
      when, "127.0.0.1", "POST", "/fn/a?x=\"1\"\n", record, 17, "job-7");
  CAPTURE(line);
  CHECK(line.find('\n') == std::string::npos);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(line)).get(doc) ==
          simdjson::SUCCESS);
  CHECK(GetString(doc, "time") == "2026-12-07T15:04:05.123Z");
  CHECK(GetString(doc, "remote") == "127.0.0.1");
  CHECK(GetString(doc, "method") == "POST");
  CHECK(GetString(doc, "target") == "/fn/a?x=\"1\"\n");
  CHECK(GetString(doc, "route") == "/fn");
  CHECK(GetUint(doc, "status") == 502);
  CHECK(GetUint(doc, "bytes") == 17);
  double duration_ms = 0;
  REQUIRE(doc["duration_ms"].get_double().get(duration_ms) ==
          simdjson::SUCCESS);
  CHECK(duration_ms == doctest::Approx(1.234567));
  CHECK(GetUint(doc, "fuel") == 42);
  CHECK(GetUint(doc, "peak_memory") == 65536);
  CHECK(GetString(doc, "outcome") == "trap");
  CHECK(GetString(doc, "job_id") == "job-7");

  simdjson::dom::object object;
  REQUIRE(doc.get_object().get(object) == simdjson::SUCCESS);
  CHECK(object.size() == 12);
}

TEST_CASE(
    "an access-log line without a job has no job_id; times before 1970 floor") {
  const auto when = std::chrono::system_clock::time_point(-1ms);
  const std::string line = AccessLogLine(
      when, "::1", "GET", "/", Rec("", 404, Outcome::kRejected, 0ns), 0, "");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(line)).get(doc) ==
          simdjson::SUCCESS);
  CHECK(GetString(doc, "time") == "1969-12-31T23:59:59.999Z");
  CHECK(GetString(doc, "route") == "");
  CHECK(GetString(doc, "outcome") == "rejected");
  CHECK(GetString(doc, "job_id") == "<missing>");
}

TEST_CASE("outcome names") {
  CHECK(std::string(ToString(Outcome::kOk)) == "ok");
  CHECK(std::string(ToString(Outcome::kTimeout)) == "timeout");
  CHECK(std::string(ToString(Outcome::kTrap)) == "trap");
  CHECK(std::string(ToString(Outcome::kRejected)) == "rejected");
  CHECK(std::string(ToString(Outcome::kError)) == "error");
}

}  // namespace
}  // namespace wsbx::serve
