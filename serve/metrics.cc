// Per-route counters, gauges and the latency histogram of `wsbx serve`
// (metrics.h), behind one mutex, rendered in the Prometheus text format
// 0.0.4; plus the JSON access-log line. Latencies are kept in whole
// nanoseconds, so bucket edges and _sum are exact; buckets are stored
// per bucket and made cumulative only when rendered.
#include "serve/metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "serve/encoding.h"

namespace wsbx::serve {
namespace {

// Upper bucket edges in nanoseconds; LatencyBuckets() is derived from these.
constexpr std::array<int64_t, 13> kBucketEdgesNs = {
    1'000'000,     2'500'000,     5'000'000,      10'000'000,  25'000'000,
    50'000'000,    100'000'000,   250'000'000,    500'000'000, 1'000'000'000,
    2'500'000'000, 5'000'000'000, 10'000'000'000,
};
constexpr size_t kBuckets = kBucketEdgesNs.size();

// What Metrics keeps per route; Metrics::RouteStats derives from it so the
// rendering helpers below can take it by name.
struct Stats {
  std::map<int, uint64_t> requests_by_status;
  // Per bucket, not cumulative; [kBuckets] counts those above the last edge.
  std::array<uint64_t, kBuckets + 1> buckets{};
  uint64_t count = 0;
  uint64_t latency_ns_sum = 0;
  uint64_t timeouts = 0;
  uint64_t traps = 0;
  uint64_t rejected = 0;
  uint64_t fuel = 0;
  uint64_t peak_memory = 0;
  uint64_t instances = 0;
  int64_t in_flight = 0;
  int64_t queued = 0;
  std::map<std::string, uint64_t> jobs;  // by final state
};

// Shortest text that reads back as the same double ("0.0025", "1", "10").
std::string FormatDouble(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// A label value quoted as the text format requires: \ " and newline escaped.
std::string QuoteLabel(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// One sample line: `name{labels} value`. `labels` is already quoted.
template <typename Value>
void AppendSample(std::string& out, std::string_view name,
                  const std::string& labels, Value value) {
  absl::StrAppend(&out, absl::string_view(name.data(), name.size()), "{",
                  labels, "} ", value, "\n");
}

using SampleWriter = void (*)(std::string& out, std::string_view name,
                              const std::string& route, const Stats& stats);

struct Family {
  std::string_view name;
  const char* type;
  const char* help;
  SampleWriter write;  // route: the label pair route="..."
};

void WriteRequests(std::string& out, std::string_view name,
                   const std::string& route, const Stats& stats) {
  for (const auto& [status, count] : stats.requests_by_status) {
    AppendSample(out, name, absl::StrCat(route, ",status=\"", status, "\""),
                 count);
  }
}

void WriteDuration(std::string& out, std::string_view name,
                   const std::string& route, const Stats& stats) {
  const std::string bucket =
      absl::StrCat(absl::string_view(name.data(), name.size()), "_bucket");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    cumulative += stats.buckets[i];
    const std::string le = FormatDouble(Metrics::LatencyBuckets()[i]);
    AppendSample(out, bucket, absl::StrCat(route, ",le=\"", le, "\""),
                 cumulative);
  }
  cumulative += stats.buckets[kBuckets];
  AppendSample(out, bucket, absl::StrCat(route, ",le=\"+Inf\""), cumulative);
  const std::string base(name);
  AppendSample(out, base + "_sum", route,
               FormatDouble(static_cast<double>(stats.latency_ns_sum) / 1e9));
  AppendSample(out, base + "_count", route, stats.count);
}

void WriteJobs(std::string& out, std::string_view name,
               const std::string& route, const Stats& stats) {
  for (const auto& [state, count] : stats.jobs) {
    AppendSample(out, name, absl::StrCat(route, ",state=", QuoteLabel(state)),
                 count);
  }
}

// A family with one sample per route, read by `Field`.
template <auto Field>
void WriteOne(std::string& out, std::string_view name, const std::string& route,
              const Stats& stats) {
  AppendSample(out, name, route, stats.*Field);
}

// Sorted by name; the order of the exposition.
constexpr Family kFamilies[] = {
    {"wsbx_fuel_total", "counter", "Instructions run by guests.",
     &WriteOne<&Stats::fuel>},
    {"wsbx_in_flight", "gauge", "Requests running in a sandbox now.",
     &WriteOne<&Stats::in_flight>},
    {"wsbx_instances", "gauge", "Sandboxes kept ready.",
     &WriteOne<&Stats::instances>},
    {"wsbx_jobs_total", "counter", "Async jobs finished, by final state.",
     &WriteJobs},
    {"wsbx_peak_memory_bytes", "gauge",
     "Largest peak host memory of one sandbox.",
     &WriteOne<&Stats::peak_memory>},
    {"wsbx_queued", "gauge", "Requests waiting for a free slot.",
     &WriteOne<&Stats::queued>},
    {"wsbx_rejected_total", "counter",
     "Requests answered without running a guest (400, 404, 408, 413, 431, 503).",
     &WriteOne<&Stats::rejected>},
    {"wsbx_request_duration_seconds", "histogram",
     "Time from request arrival to response written.", &WriteDuration},
    {"wsbx_requests_total", "counter", "Requests answered, by status.",
     &WriteRequests},
    {"wsbx_timeouts_total", "counter",
     "Requests whose guest ran out of time or fuel (504).",
     &WriteOne<&Stats::timeouts>},
    {"wsbx_traps_total", "counter",
     "Requests whose guest trapped, broke its contract or exited nonzero "
     "(502).",
     &WriteOne<&Stats::traps>},
};

constexpr bool FamiliesSorted() {
  for (size_t i = 1; i < std::size(kFamilies); ++i) {
    if (!(kFamilies[i - 1].name < kFamilies[i].name)) return false;
  }
  return true;
}
static_assert(FamiliesSorted(), "kFamilies must stay sorted by name");

size_t BucketIndex(int64_t latency_ns) {
  const auto* edge = std::lower_bound(kBucketEdgesNs.begin(),
                                      kBucketEdgesNs.end(), latency_ns);
  return static_cast<size_t>(edge - kBucketEdgesNs.begin());
}

// "2026-12-07T15:04:05.123Z"; times before 1970 work too (floor, not trunc).
std::string FormatTime(std::chrono::system_clock::time_point when) {
  namespace chrono = std::chrono;
  const auto ms = chrono::floor<chrono::milliseconds>(when.time_since_epoch());
  const chrono::sys_days day =
      chrono::floor<chrono::days>(chrono::sys_time<chrono::milliseconds>(ms));
  const chrono::year_month_day date(day);
  const chrono::hh_mm_ss<chrono::milliseconds> time(ms -
                                                    day.time_since_epoch());
  return absl::StrFormat(
      "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      time.hours().count(), time.minutes().count(), time.seconds().count(),
      time.subseconds().count());
}

}  // namespace

struct Metrics::RouteStats : Stats {};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

const std::vector<double>& Metrics::LatencyBuckets() {
  static const std::vector<double>* const buckets = [] {
    auto* seconds = new std::vector<double>();
    for (int64_t ns : kBucketEdgesNs) {
      seconds->push_back(static_cast<double>(ns) / 1e9);
    }
    return seconds;
  }();
  return *buckets;
}

Metrics::RouteStats& Metrics::Route(const std::string& route) {
  std::unique_ptr<RouteStats>& stats = routes_[route];
  if (stats == nullptr) stats = std::make_unique<RouteStats>();
  return *stats;
}

void Metrics::Record(const RequestRecord& record) {
  const int64_t latency_ns = std::max<int64_t>(0, record.latency.count());
  const size_t bucket = BucketIndex(latency_ns);
  std::lock_guard<std::mutex> lock(mu_);
  RouteStats& stats = Route(record.route);
  ++stats.requests_by_status[record.status];
  ++stats.buckets[bucket];
  ++stats.count;
  stats.latency_ns_sum += static_cast<uint64_t>(latency_ns);
  switch (record.outcome) {
    case Outcome::kTimeout:
      ++stats.timeouts;
      break;
    case Outcome::kTrap:
      ++stats.traps;
      break;
    case Outcome::kRejected:
      ++stats.rejected;
      break;
    case Outcome::kOk:
    case Outcome::kError:
      break;
  }
  stats.fuel += record.fuel;
  stats.peak_memory = std::max(stats.peak_memory, record.peak_memory_bytes);
}

void Metrics::SetInstances(const std::string& route, uint64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  Route(route).instances = count;
}

void Metrics::AddInFlight(const std::string& route, int64_t delta) {
  std::lock_guard<std::mutex> lock(mu_);
  Route(route).in_flight += delta;
}

void Metrics::AddQueued(const std::string& route, int64_t delta) {
  std::lock_guard<std::mutex> lock(mu_);
  Route(route).queued += delta;
}

void Metrics::RecordJob(const std::string& route, const std::string& state) {
  std::lock_guard<std::mutex> lock(mu_);
  ++Route(route).jobs[state];
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const Family& family : kFamilies) {
    const absl::string_view name(family.name.data(), family.name.size());
    absl::StrAppend(&out, "# HELP ", name, " ", family.help, "\n");
    absl::StrAppend(&out, "# TYPE ", name, " ", family.type, "\n");
    for (const auto& [route, stats] : routes_) {
      family.write(out, family.name, "route=" + QuoteLabel(route), *stats);
    }
  }
  return out;
}

std::string AccessLogLine(std::chrono::system_clock::time_point when,
                          const std::string& remote, const std::string& method,
                          const std::string& target,
                          const RequestRecord& record, uint64_t response_bytes,
                          const std::string& job_id) {
  const int64_t latency_ns = std::max<int64_t>(0, record.latency.count());
  std::string out = "{\"time\":";
  AppendJsonString(out, FormatTime(when));
  out += ",\"remote\":";
  AppendJsonString(out, remote);
  out += ",\"method\":";
  AppendJsonString(out, method);
  out += ",\"target\":";
  AppendJsonString(out, target);
  out += ",\"route\":";
  AppendJsonString(out, record.route);
  absl::StrAppend(
      &out, ",\"status\":", record.status, ",\"bytes\":", response_bytes,
      ",\"duration_ms\":", FormatDouble(static_cast<double>(latency_ns) / 1e6),
      ",\"fuel\":", record.fuel, ",\"peak_memory\":", record.peak_memory_bytes,
      ",\"outcome\":\"", ToString(record.outcome), "\"");
  if (!job_id.empty()) {
    out += ",\"job_id\":";
    AppendJsonString(out, job_id);
  }
  out += '}';
  return out;
}

const char* ToString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kTrap:
      return "trap";
    case Outcome::kRejected:
      return "rejected";
    case Outcome::kError:
      return "error";
  }
  return "unknown";
}

}  // namespace wsbx::serve
