// One route's guest, loaded and compiled once: a pool of ready sandboxes
// (each reset copy-on-write after a request, so nothing leaks between
// requests), the contract that turns a request into stdin/env and stdout
// into a response, and the mapping of every way a run can end to HTTP.
// The Scheduler runs requests of all routes on one fixed set of worker
// threads, each route within its concurrency limit and bounded queue.
#ifndef WSBX_SERVE_RUNNER_H_
#define WSBX_SERVE_RUNNER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "serve/config.h"
#include "serve/http_types.h"
#include "serve/metrics.h"
#include "wsbx/wsbx.hpp"

namespace wsbx::serve {

// Where guest diagnostics (stderr, refusals) and server notes go.
using LogFn = std::function<void(const std::string& line)>;

class RouteRunner {
 public:
  // Loads and compiles the module and fills a pool of `pool_size`
  // sandboxes. Errors name the route and the module.
  static absl::StatusOr<std::shared_ptr<RouteRunner>> Create(
      const RouteConfig& config, uint32_t pool_size, LogFn log);
  ~RouteRunner();

  // Runs one request to its response (blocking; one pool sandbox). Fills
  // `record` (outcome, fuel, peak memory; not latency or route).
  // Waits up to `wait` for a free sandbox (the scheduler admits no more
  // requests than the pool has; job threads may wait longer).
  HttpResponse Handle(const HttpRequest& request, RequestRecord* record,
                      std::chrono::nanoseconds wait = std::chrono::seconds(5));

  const RouteConfig& config() const { return config_; }
  uint32_t pool_size() const { return pool_size_; }
  // The module file's identity when loaded (a reload compares it).
  const std::string& module_stamp() const { return module_stamp_; }

 private:
  friend class Scheduler;
  RouteRunner(RouteConfig config, uint32_t pool_size, LogFn log);
  HttpResponse FromGuest(const HttpRequest& request, Sandbox& sandbox,
                         const Result<int>& run, RequestRecord* record);

  RouteConfig config_;
  uint32_t pool_size_;
  LogFn log_;
  std::string module_stamp_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<std::ofstream> audit_;  // the route's audit log, if any
  std::mutex audit_mu_;

  // Scheduler state, guarded by the Scheduler's mutex.
  std::deque<std::function<void()>> waiting_;
  uint32_t running_ = 0;
};

// A plain error response (text body), as the server sends for 4xx/5xx.
HttpResponse ErrorResponse(int status, const std::string& text);
// "1.2.3" identity of a file: inode, size and mtime ("" when missing).
std::string FileStamp(const std::string& path);

class Scheduler {
 public:
  explicit Scheduler(uint32_t workers);
  ~Scheduler();  // Drains, then joins.

  // Queues `task` for `route`. False when the route already has
  // `concurrency` running and `queue` waiting (the caller answers 503).
  bool Submit(const std::shared_ptr<RouteRunner>& route, std::function<void()> task);
  // Drops the requests still waiting (a drain's grace has run out); the
  // number dropped. Their tasks are destroyed on the calling thread.
  uint64_t DropWaiting();
  // Requests queued or running, over all routes.
  uint64_t Pending() const;
  uint32_t workers() const { return static_cast<uint32_t>(threads_.size()); }

 private:
  void Work();
  // A route with waiting work and a free slot, round robin; mu_ held.
  std::shared_ptr<RouteRunner> NextRunnable();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<RouteRunner>> routes_;  // those with work
  size_t next_ = 0;
  uint64_t pending_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_RUNNER_H_
