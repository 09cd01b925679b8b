// What the HTTP sessions share with the server (server.cc, session.cc):
// the current routes, the scheduler, metrics, the job queue and the logs.
// Touched by the network thread, except where a member says otherwise.
#ifndef WSBX_SERVE_SERVER_STATE_H_
#define WSBX_SERVE_SERVER_STATE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>  // before Boost 1.74's asio, which uses std::exchange
#include <vector>

#include <boost/asio.hpp>

#include "serve/config.h"
#include "serve/jobs.h"
#include "serve/metrics.h"
#include "serve/runner.h"

namespace wsbx::serve {

// Routes by path, longest prefix first. Immutable once published.
struct RouteTable {
  std::vector<std::shared_ptr<RouteRunner>> runners;
  // "/fn" matches "/fn", "/fn/..." and "/fn?..."; "/" matches everything.
  std::shared_ptr<RouteRunner> Match(const std::string& path) const;
  std::shared_ptr<RouteRunner> Exact(const std::string& path) const;
};

// Lines to stderr or a file, whole lines at a time from any thread.
class LineLog {
 public:
  explicit LineLog(const std::string& target);  // "-": stderr, "": off
  void Write(const std::string& line);
  bool ok() const { return ok_; }

 private:
  std::mutex mu_;
  std::unique_ptr<std::ofstream> file_;
  bool to_stderr_ = false;
  bool ok_ = true;
};

class Session;

struct ServerState {
  ServerState(const ServeConfig& config, uint32_t workers);

  // Declared in destruction order's reverse: the io_context goes before
  // `sessions` (its pending handlers own sessions, which leave that set),
  // the scheduler and queue before what their tasks touch.
  ServeConfig config;
  std::set<Session*> sessions;  // live sessions, to close idle ones on drain
  boost::asio::io_context ioc{1};
  Metrics metrics;
  LineLog access_log;
  LineLog log{"-"};          // server diagnostics and guests' stderr
  Scheduler scheduler;
  std::unique_ptr<JobQueue> jobs;
  // Calls that may wait on the network (the job queue) run here, never on
  // the network thread.
  boost::asio::thread_pool blocking{2};

  // Any thread reads the routes; the network thread replaces them.
  std::shared_ptr<const RouteTable> routes() const;
  void set_routes(std::shared_ptr<const RouteTable> table);

  std::atomic<bool> draining{false};
  // Requests between their header's arrival and their response's write.
  std::atomic<int64_t> open_requests{0};

 private:
  mutable std::mutex routes_mu_;
  std::shared_ptr<const RouteTable> routes_;
};

// Starts serving one accepted connection.
void StartSession(ServerState& state, boost::asio::ip::tcp::socket socket);
// Closes sessions waiting for a request (a drain has begun).
void CloseIdleSessions(ServerState& state);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_SERVER_STATE_H_
