// What `wsbx serve` counts, rendered at GET /metrics in the Prometheus text
// exposition format (version 0.0.4). Thread-safe: workers record, the
// network thread renders. Also the one-line JSON access log.
#ifndef WSBX_SERVE_METRICS_H_
#define WSBX_SERVE_METRICS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wsbx::serve {

// How a request that reached a route ended, for the counters.
enum class Outcome {
  kOk,          // the guest answered (any status it chose)
  kTimeout,     // time or fuel spent: 504
  kTrap,        // trap, broken contract or nonzero exit: 502
  kRejected,    // 503 (queue full), 413, 400 before the guest ran
  kError,       // the server could not run the guest (500)
};

struct RequestRecord {
  std::string route;     // "/fn", or "" when no route matched
  int status = 0;
  Outcome outcome = Outcome::kOk;
  std::chrono::nanoseconds latency{0};  // arrival to response written
  uint64_t fuel = 0;                    // instructions the guest ran
  uint64_t peak_memory_bytes = 0;       // the sandbox's peak host memory
};

class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;
  ~Metrics();

  // Latency histogram buckets, in seconds (Prometheus "le" labels).
  static const std::vector<double>& LatencyBuckets();

  void Record(const RequestRecord& record);
  // Gauges: sandboxes kept ready (per route) and requests waiting or running.
  void SetInstances(const std::string& route, uint64_t count);
  void AddInFlight(const std::string& route, int64_t delta);
  void AddQueued(const std::string& route, int64_t delta);
  // Async jobs by final state ("done", "failed").
  void RecordJob(const std::string& route, const std::string& state);

  // The whole exposition: # HELP / # TYPE lines, then samples, for
  //   wsbx_requests_total{route,status}            counter
  //   wsbx_request_duration_seconds{route}          histogram (_bucket/_sum/_count)
  //   wsbx_timeouts_total{route}, wsbx_traps_total{route},
  //   wsbx_rejected_total{route}                    counters
  //   wsbx_fuel_total{route}                        counter
  //   wsbx_peak_memory_bytes{route}                 gauge (largest seen)
  //   wsbx_instances{route}, wsbx_in_flight{route}, wsbx_queued{route} gauges
  //   wsbx_jobs_total{route,state}                  counter
  // Families in name order, routes in byte order within each. Every family
  // has its HELP and TYPE lines even before any sample. Label values
  // escaped as the format says (\\, \", \n).
  std::string Render() const;

 private:
  struct RouteStats;
  RouteStats& Route(const std::string& route);  // mu_ held

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<RouteStats>> routes_;
};

// One access-log line (JSON, no trailing newline): time (RFC 3339 UTC with
// milliseconds), remote, method, target, route, status, bytes (response
// body), duration_ms, fuel, peak_memory, outcome, and job_id when async.
std::string AccessLogLine(std::chrono::system_clock::time_point when,
                          const std::string& remote, const std::string& method,
                          const std::string& target, const RequestRecord& record,
                          uint64_t response_bytes, const std::string& job_id);

const char* ToString(Outcome outcome);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_METRICS_H_
