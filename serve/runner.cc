// Route runners and the worker scheduler (runner.h). A run's end maps to
// HTTP here and nowhere else: budget spent 504; trap, refusal, nonzero
// exit or a response that breaks the contract 502; the guest's stderr goes
// to the server's log only.
#include "serve/runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "serve/contract.h"

namespace wsbx::serve {
namespace {

// What of a guest's stderr reaches the log for one request.
constexpr size_t kStderrLogBytes = 4096;

const char* Reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

Sandbox::Builder BuilderFor(const RouteConfig& c) {
  Sandbox::Builder b;
  switch (c.policy) {
    case PolicyName::kStandard: b.Policy(Policy::kStandard); break;
    case PolicyName::kStrict: b.Policy(Policy::kStrict); break;
    case PolicyName::kParanoid: b.Policy(Policy::kParanoid); break;
  }
  if (c.memory_bytes) b.MemoryLimit(*c.memory_bytes);
  if (c.fuel) b.Fuel(*c.fuel);
  if (c.timeout) b.Timeout(*c.timeout);
  if (c.stack_bytes) b.StackLimit(*c.stack_bytes);
  b.MaxOutput(c.max_output_bytes);
  b.ProgramName(c.module.substr(c.module.find_last_of('/') + 1));
  b.Args(c.args);
  for (const auto& [name, value] : c.env) b.Env(name, value);
  for (const DirGrant& d : c.dirs) {
    if (d.read_only) b.DirReadOnly(d.host, d.guest);
    else b.Dir(d.host, d.guest);
  }
  b.CaptureOutput();
  return b;
}

}  // namespace

HttpResponse ErrorResponse(int status, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = absl::StrCat(status, " ", Reason(status), ": ", text, "\n");
  return r;
}

std::string FileStamp(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "";
  return absl::StrCat(st.st_ino, ".", st.st_size, ".", st.st_mtim.tv_sec, ".",
                      st.st_mtim.tv_nsec);
}

RouteRunner::RouteRunner(RouteConfig config, uint32_t pool_size, LogFn log)
    : config_(std::move(config)), pool_size_(pool_size), log_(std::move(log)) {}

RouteRunner::~RouteRunner() = default;

absl::StatusOr<std::shared_ptr<RouteRunner>> RouteRunner::Create(
    const RouteConfig& config, uint32_t pool_size, LogFn log) {
  std::shared_ptr<RouteRunner> r(
      new RouteRunner(config, std::max<uint32_t>(pool_size, 1), std::move(log)));
  r->module_stamp_ = FileStamp(config.module);
  const std::string where = absl::StrCat("route ", config.path, " (", config.module, ")");
  Result<CompiledModule> module = CompiledModule::FromFile(config.module);
  if (!module.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", module.error().ToString()));
  }
  Sandbox::Builder b = BuilderFor(config);
  b.UseModule(*module);
  if (!config.audit_log.empty()) {
    r->audit_ = std::make_unique<std::ofstream>(config.audit_log, std::ios::app);
    if (!*r->audit_) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": cannot open the audit log ", config.audit_log));
    }
    RouteRunner* self = r.get();
    b.OnAudit([self](const AuditEvent& e) {
      std::lock_guard<std::mutex> lock(self->audit_mu_);
      *self->audit_ << e.json << '\n';
      self->audit_->flush();
    });
  }
  Result<std::unique_ptr<Pool>> pool = Pool::Create(b, r->pool_size_);
  if (!pool.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", pool.error().ToString()));
  }
  r->pool_ = std::move(*pool);
  return r;
}

HttpResponse RouteRunner::Handle(const HttpRequest& request, RequestRecord* record,
                                 std::chrono::nanoseconds wait) {
  Result<Pool::Lease> lease = pool_->Acquire(wait);
  if (!lease.ok()) {
    record->outcome = Outcome::kError;
    log_(absl::StrCat("route ", config_.path, ": no sandbox: ", lease.error().ToString()));
    return ErrorResponse(503, "no sandbox available");
  }
  RunInput input;
  if (config_.contract == Contract::kJson) {
    input.stdin_data = EncodeJsonRequest(request);
  } else {
    input.stdin_data = request.body;
    input.env = CgiEnvironment(request);
  }
  Sandbox& sandbox = **lease;
  Result<int> run = sandbox.Run(input);
  record->fuel = sandbox.stats().fuel_consumed;
  record->peak_memory_bytes = sandbox.stats().peak_memory_bytes;
  return FromGuest(request, sandbox, run, record);
}

HttpResponse RouteRunner::FromGuest(const HttpRequest& request, Sandbox& sandbox,
                                    const Result<int>& run, RequestRecord* record) {
  const std::string where = absl::StrCat("route ", config_.path, " ", request.method,
                                         " ", request.target, ": ");
  if (std::string_view err = sandbox.captured_stderr(); !err.empty()) {
    const bool cut = err.size() > kStderrLogBytes;
    log_(absl::StrCat(where, "guest stderr: ", std::string(err.substr(0, kStderrLogBytes)),
                      cut ? "[...]" : ""));
  }
  if (!run.ok()) {
    const Error& e = run.error();
    log_(where + e.ToString());
    if (e.kind() == ErrorKind::kTimeout || e.kind() == ErrorKind::kFuel ||
        e.kind() == ErrorKind::kInterrupted) {
      record->outcome = Outcome::kTimeout;
      return ErrorResponse(504, "the function ran out of time");
    }
    record->outcome = Outcome::kTrap;
    return ErrorResponse(502, "the function failed");
  }
  if (*run != 0) {
    log_(absl::StrCat(where, "the guest exited with status ", *run));
    record->outcome = Outcome::kTrap;
    return ErrorResponse(502, "the function failed");
  }
  absl::StatusOr<HttpResponse> response =
      config_.contract == Contract::kJson ? DecodeJsonResponse(sandbox.captured_stdout())
                                          : DecodeCgiResponse(sandbox.captured_stdout());
  if (!response.ok()) {
    log_(absl::StrCat(where, "broken contract: ", response.status().message()));
    record->outcome = Outcome::kTrap;
    return ErrorResponse(502, "the function's response was malformed");
  }
  record->outcome = Outcome::kOk;
  return *std::move(response);
}

Scheduler::Scheduler(uint32_t workers) {
  for (uint32_t i = 0; i < std::max<uint32_t>(workers, 1); ++i) {
    threads_.emplace_back([this] { Work(); });
  }
}

Scheduler::~Scheduler() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool Scheduler::Submit(const std::shared_ptr<RouteRunner>& route,
                       std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t limit = uint64_t{route->pool_size_} + route->config_.queue;
    if (route->running_ + route->waiting_.size() >= limit) return false;
    if (std::find(routes_.begin(), routes_.end(), route) == routes_.end()) {
      routes_.push_back(route);
    }
    route->waiting_.push_back(std::move(task));
    ++pending_;
  }
  cv_.notify_one();
  return true;
}

uint64_t Scheduler::DropWaiting() {
  std::vector<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& route : routes_) {
      for (auto& task : route->waiting_) dropped.push_back(std::move(task));
      pending_ -= route->waiting_.size();
      route->waiting_.clear();
    }
    routes_.erase(std::remove_if(routes_.begin(), routes_.end(),
                                 [](const auto& r) { return r->running_ == 0; }),
                  routes_.end());
  }
  cv_.notify_all();
  return dropped.size();  // the tasks die here, outside the lock
}

uint64_t Scheduler::Pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_;
}

std::shared_ptr<RouteRunner> Scheduler::NextRunnable() {
  for (size_t n = 0; n < routes_.size(); ++n) {
    const size_t i = (next_ + n) % routes_.size();
    RouteRunner& r = *routes_[i];
    if (!r.waiting_.empty() && r.running_ < r.pool_size_) {
      next_ = i + 1;
      return routes_[i];
    }
  }
  return nullptr;
}

void Scheduler::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    std::shared_ptr<RouteRunner> route;
    cv_.wait(lock, [&] { return (route = NextRunnable()) != nullptr || (stop_ && pending_ == 0); });
    if (!route) return;
    std::function<void()> task = std::move(route->waiting_.front());
    route->waiting_.pop_front();
    ++route->running_;
    lock.unlock();
    task();
    lock.lock();
    --route->running_;
    --pending_;
    // A route with nothing left leaves the list (a reloaded one is gone then).
    if (route->waiting_.empty() && route->running_ == 0) {
      routes_.erase(std::find(routes_.begin(), routes_.end(), route));
    }
    cv_.notify_all();
  }
}

}  // namespace wsbx::serve
