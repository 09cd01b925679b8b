// The serve process (server.h): builds the route runners, binds the
// listening socket, accepts on the network thread, and handles signals —
// SIGTERM/SIGINT drain, SIGHUP reloads routes on a background thread and
// publishes the new table, so requests in flight finish on the old one.
#include "serve/server.h"

#include <signal.h>

#include <algorithm>
#include <iostream>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "serve/server_state.h"

namespace wsbx::serve {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

uint32_t WorkerCount(const ServeConfig& config) {
  if (config.workers > 0) return config.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

bool PathMatches(const std::string& route, const std::string& path) {
  if (route == "/") return true;
  if (path.compare(0, route.size(), route) != 0) return false;
  return path.size() == route.size() || path[route.size()] == '/' ||
         route.back() == '/';
}

// Route runners for `config`, reusing those of `old` whose settings and
// module file are unchanged.
absl::StatusOr<std::shared_ptr<const RouteTable>> BuildRoutes(
    const ServeConfig& config, const RouteTable* old, ServerState& state,
    bool async_only) {
  auto table = std::make_shared<RouteTable>();
  const uint32_t workers = WorkerCount(config);
  for (const RouteConfig& route : config.routes) {
    if (async_only && !route.async) continue;
    std::shared_ptr<RouteRunner> reuse = old ? old->Exact(route.path) : nullptr;
    if (reuse && reuse->config() == route &&
        reuse->module_stamp() == FileStamp(route.module)) {
      table->runners.push_back(reuse);
      continue;
    }
    const uint32_t pool = std::min(route.concurrency.value_or(workers), workers);
    auto runner = RouteRunner::Create(route, pool, [&state](const std::string& line) {
      state.log.Write(line);
    });
    if (!runner.ok()) return runner.status();
    table->runners.push_back(*std::move(runner));
  }
  std::stable_sort(table->runners.begin(), table->runners.end(),
                   [](const auto& a, const auto& b) {
                     return a->config().path.size() > b->config().path.size();
                   });
  return std::shared_ptr<const RouteTable>(std::move(table));
}

absl::StatusOr<tcp::endpoint> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port > 65535) {
    return absl::InvalidArgumentError("listen: expected ADDR:PORT, got \"" + listen + "\"");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const net::ip::address addr = net::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError("listen: \"" + host + "\" is not an IP address");
  return tcp::endpoint(addr, static_cast<uint16_t>(port));
}

// The job runner both queues use: the current route of that path.
JobRunner MakeJobRunner(ServerState& state) {
  return [&state](const Job& job, std::string* error) {
    std::shared_ptr<RouteRunner> route = state.routes()->Exact(job.route);
    if (!route) {
      *error = "no route " + job.route;
      return ErrorResponse(404, "no route " + job.route);
    }
    RequestRecord record;
    record.route = job.route;
    const auto start = Clock::now();
    HttpResponse response =
        route->Handle(job.request, &record, std::chrono::nanoseconds::max());
    record.latency = Clock::now() - start;
    record.status = response.status;
    if (record.outcome != Outcome::kOk) *error = ToString(record.outcome);
    state.metrics.RecordJob(job.route, record.outcome == Outcome::kOk ? "done" : "failed");
    return response;
  };
}

class Acceptor {
 public:
  Acceptor(ServerState& state, tcp::acceptor acceptor)
      : state_(state), acceptor_(std::move(acceptor)) {}
  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) StartSession(state_, std::move(socket));
      Accept();
    });
  }
  void Close() {
    boost::system::error_code ec;
    acceptor_.close(ec);
  }

 private:
  ServerState& state_;
  tcp::acceptor acceptor_;
};

class Signals {
 public:
  Signals(ServerState& state, Acceptor& acceptor, std::string config_path)
      : state_(state), acceptor_(acceptor), config_path_(std::move(config_path)),
        set_(state.ioc, SIGINT, SIGTERM, SIGHUP), timer_(state.ioc) {}

  void Wait() {
    set_.async_wait([this](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        Reload();
        return Wait();
      }
      Drain(sig);
    });
  }

 private:
  void Reload() {
    if (reloading_) return state_.log.Write("reload: one is already running");
    reloading_ = true;
    // Loading and compiling happen off the network thread.
    std::thread([this] {
      ServeConfig config = state_.config;
      absl::Status st;
      if (!config_path_.empty()) {
        auto loaded = LoadServeConfig(config_path_);
        if (loaded.ok()) config.routes = loaded->routes;
        else st = loaded.status();
      }
      absl::StatusOr<std::shared_ptr<const RouteTable>> table =
          st.ok() ? BuildRoutes(config, state_.routes().get(), state_, false) : st;
      net::post(state_.ioc, [this, table = std::move(table)] {
        reloading_ = false;
        if (!table.ok()) {
          return state_.log.Write(absl::StrCat("reload failed, routes unchanged: ",
                                               table.status().message()));
        }
        state_.set_routes(*table);
        state_.log.Write(absl::StrCat("reloaded: ", (*table)->runners.size(), " routes"));
      });
    }).detach();
  }

  void Drain(int sig) {
    state_.log.Write(absl::StrCat(sig == SIGTERM ? "SIGTERM" : "SIGINT",
                                  ": draining (in-flight requests finish)"));
    state_.draining = true;
    acceptor_.Close();
    deadline_ = Clock::now() + state_.config.shutdown_grace;
    Poll();
  }

  void Poll() {
    CloseIdleSessions(state_);
    const bool idle = state_.open_requests == 0 && state_.scheduler.Pending() == 0;
    if (idle || Clock::now() >= deadline_) {
      if (!idle) {
        const uint64_t dropped = state_.scheduler.DropWaiting();
        state_.log.Write(absl::StrCat("shutdown grace spent: ", dropped,
                                      " queued requests dropped unanswered, running ones "
                                      "end within their timeouts"));
      }
      if (state_.jobs) {
        const auto left = deadline_ - Clock::now();
        state_.jobs->Shutdown(std::max<Clock::duration>(left, std::chrono::seconds(0)));
      }
      state_.ioc.stop();
      return;
    }
    timer_.expires_after(std::chrono::milliseconds(20));
    timer_.async_wait([this](boost::system::error_code) { Poll(); });
  }

  ServerState& state_;
  Acceptor& acceptor_;
  std::string config_path_;
  net::signal_set set_;
  net::steady_timer timer_;
  Clock::time_point deadline_;
  bool reloading_ = false;
};

}  // namespace

std::shared_ptr<RouteRunner> RouteTable::Match(const std::string& path) const {
  for (const auto& r : runners) {
    if (PathMatches(r->config().path, path)) return r;
  }
  return nullptr;
}

std::shared_ptr<RouteRunner> RouteTable::Exact(const std::string& path) const {
  for (const auto& r : runners) {
    if (r->config().path == path) return r;
  }
  return nullptr;
}

LineLog::LineLog(const std::string& target) {
  if (target == "-") {
    to_stderr_ = true;
  } else if (!target.empty()) {
    file_ = std::make_unique<std::ofstream>(target, std::ios::app);
    ok_ = bool(*file_);
  }
}

void LineLog::Write(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (to_stderr_) {
    std::cerr << line << '\n';
  } else if (file_) {
    *file_ << line << '\n';
    file_->flush();
  }
}

ServerState::ServerState(const ServeConfig& c, uint32_t workers)
    : config(c), access_log(c.access_log), scheduler(workers) {}

std::shared_ptr<const RouteTable> ServerState::routes() const {
  std::lock_guard<std::mutex> lock(routes_mu_);
  return routes_;
}

void ServerState::set_routes(std::shared_ptr<const RouteTable> table) {
  std::lock_guard<std::mutex> lock(routes_mu_);
  routes_ = std::move(table);
  for (const auto& r : routes_->runners) {
    metrics.SetInstances(r->config().path, r->pool_size());
  }
}

absl::Status RunServer(ServerOptions options) {
  // A client that goes away mid-write must not end the server.
  signal(SIGPIPE, SIG_IGN);
  absl::StatusOr<tcp::endpoint> endpoint = ParseListen(options.config.listen);
  if (!endpoint.ok()) return endpoint.status();
  options.config.workers = WorkerCount(options.config);
  ServerState state(options.config, options.config.workers);
  if (!state.access_log.ok()) {
    return absl::InvalidArgumentError("cannot open the access log " + options.config.access_log);
  }
  auto routes = BuildRoutes(options.config, nullptr, state, false);
  if (!routes.ok()) return routes.status();
  state.set_routes(*routes);
  if (options.nats) {
    auto queue = NewNatsQueue(*options.nats,
                              options.run_jobs ? MakeJobRunner(state) : nullptr,
                              state.scheduler.workers());
    if (!queue.ok()) return queue.status();
    state.jobs = *std::move(queue);
  } else {
    state.jobs = NewInProcessQueue(MakeJobRunner(state), state.scheduler.workers(), 1024,
                                   std::chrono::hours(1));
  }
  // The signals are handled on the network thread: block them elsewhere.
  tcp::acceptor acceptor(state.ioc);
  boost::system::error_code ec;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.config.listen,
                                               ": ", ec.message()));
  }
  const tcp::endpoint bound = acceptor.local_endpoint(ec);
  Acceptor accept(state, std::move(acceptor));
  Signals signals(state, accept, options.config_path);
  signals.Wait();
  accept.Accept();
  state.log.Write(absl::StrCat("listening on ", bound.address().to_string(), ":",
                               bound.port(), " (", state.scheduler.workers(), " workers, ",
                               (*routes)->runners.size(), " routes)"));
  for (;;) {
    try {
      state.ioc.run();
      break;
    } catch (const std::exception& e) {
      state.log.Write(std::string("network thread: ") + e.what());
    }
  }
  state.log.Write("stopped");
  return absl::OkStatus();
}

absl::Status RunWorker(const ServeConfig& config, const NatsOptions& nats,
                       uint32_t threads) {
  signal(SIGPIPE, SIG_IGN);
  // First of all, so that a SIGTERM during start-up is a clean stop.
  static std::atomic<bool> stop{false};
  struct sigaction sa = {};
  sa.sa_handler = [](int) { stop = true; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  ServeConfig c = config;
  c.workers = threads;
  ServerState state(c, 1);
  auto routes = BuildRoutes(c, nullptr, state, true);
  if (!routes.ok()) return routes.status();
  if ((*routes)->runners.empty()) {
    return absl::InvalidArgumentError("the config has no async route: nothing to work on");
  }
  state.set_routes(*routes);
  state.log.Write(absl::StrCat("worker: ", threads, " threads, ", (*routes)->runners.size(),
                               " async routes, queue ", nats.url));
  absl::Status st = RunNatsWorker(nats, MakeJobRunner(state), threads, &stop);
  state.log.Write("worker stopped");
  return st;
}

}  // namespace wsbx::serve
