// One HTTP/1.1 connection (server_state.h): read a header within the
// header timeout (keep-alive connections first wait up to the idle
// timeout for a byte), check the body against the route's limit, hand the
// request to the scheduler or the job queue, write what comes back.
// Everything here runs on the network thread; workers only post results.
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // before Boost 1.74's asio, which uses std::exchange

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "serve/encoding.h"
#include "serve/server_state.h"

namespace wsbx::serve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kHeaderLimit = 16 * 1024;
// What the server's own endpoints (/metrics, /jobs/ID) accept as a body.
constexpr uint64_t kInternalBodyLimit = 64 * 1024;

bool HopByHop(const std::string& name) {
  for (const char* h : {"connection", "keep-alive", "transfer-encoding",
                        "content-length", "upgrade", "te", "trailer"}) {
    if (absl::EqualsIgnoreCase(name, h)) return true;
  }
  return false;
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerState& state, tcp::socket socket)
      : state_(state), stream_(std::move(socket)) {}

  void Start() {
    state_.sessions.insert(this);
    beast::error_code ec;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_addr_ = remote.address().to_string();
      remote_port_ = remote.port();
    }
    const tcp::endpoint local = stream_.socket().local_endpoint(ec);
    if (!ec) {
      local_addr_ = local.address().to_string();
      local_port_ = local.port();
    }
    ReadHeader();
  }

  ~Session() { state_.sessions.erase(this); }

  // Closes the connection if it is between requests.
  void CloseIfIdle() {
    if (idle_) stream_.cancel();
  }

 private:
  // Keep-alive: wait for the next request's first byte, then read it.
  void WaitForRequest() {
    if (state_.draining) return Close();
    if (buffer_.size() > 0) return ReadHeader();
    idle_ = true;
    stream_.expires_after(state_.config.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        [self = shared_from_this()](beast::error_code ec, size_t n) {
          self->idle_ = false;
          if (ec) return self->Close();
          self->buffer_.commit(n);
          self->ReadHeader();
        });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // Set from the route once the header is in (a limit here would apply
    // to the Content-Length before the route is known).
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    stream_.expires_after(state_.config.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) {
          self->OnHeader(ec);
        });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::eof) {
      return Close();
    }
    arrival_ = Clock::now();
    ++state_.open_requests;
    counted_ = true;
    if (ec == http::error::header_limit) {
      return Reject(431, absl::StrCat("the header is over ", kHeaderLimit, " bytes"));
    }
    if (ec) return Reject(400, absl::StrCat("malformed request: ", ec.message()));
    const auto& req = parser_->get();
    request_ = HttpRequest();
    request_.method = std::string(req.method_string());
    request_.target = std::string(req.target());
    request_.version = req.version();
    const size_t q = request_.target.find('?');
    request_.path = request_.target.substr(0, q);
    if (q != std::string::npos) request_.query = request_.target.substr(q + 1);
    for (const auto& field : req) {
      request_.headers.emplace_back(std::string(field.name_string()),
                                    std::string(field.value()));
    }
    if (request_.path.empty() || request_.path[0] != '/') {
      return Reject(400, "the request target must be a path");
    }
    // The server's own endpoints read (and drop) a small body too, so that
    // a keep-alive connection stays in step.
    internal_ = request_.method == "GET" &&
                (request_.path == "/metrics" || absl::StartsWith(request_.path, "/jobs/"));
    if (!internal_) {
      route_ = state_.routes()->Match(request_.path);
      if (!route_) return Reject(404, "no route for " + request_.path);
      record_.route = route_->config().path;
    }
    const uint64_t limit = BodyLimit();
    if (parser_->content_length() && *parser_->content_length() > limit) {
      return Reject(413, absl::StrCat("the body is over the limit of ", limit, " bytes"));
    }
    parser_->body_limit(limit);
    if (absl::EqualsIgnoreCase(std::string(req[http::field::expect]), "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(
          http::status::continue_, req.version());
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(state_.config.header_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->OnBody(ec);
                     });
  }

  uint64_t BodyLimit() const {
    return internal_ ? kInternalBodyLimit : route_->config().max_body_bytes;
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Reject(413, absl::StrCat("the body is over the limit of ", BodyLimit(), " bytes"));
    }
    if (ec == beast::error::timeout) {
      // The timeout closed the stream: there is no one left to tell.
      record_.status = 408;
      record_.outcome = Outcome::kRejected;
      LogRequest(0);
      return Close();
    }
    if (ec) return Reject(400, absl::StrCat("malformed request: ", ec.message()));
    stream_.expires_never();
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    if (internal_) {
      if (request_.path == "/metrics") return ServeMetrics();
      return ServeJob(request_.path.substr(6));
    }
    request_.body = std::move(req.body());
    request_.remote_addr = remote_addr_;
    request_.remote_port = remote_port_;
    request_.server_port = local_port_;
    request_.server_name = local_addr_;
    if (const std::string* host = FindHeader(request_.headers, "Host")) {
      const size_t colon = host->rfind(':');
      request_.server_name = colon == std::string::npos || host->back() == ']'
                                 ? *host : host->substr(0, colon);
    }
    request_.route = route_->config().path;
    if (route_->config().async) return SubmitJob();
    RunOnWorker();
  }

  void RunOnWorker() {
    auto self = shared_from_this();
    std::shared_ptr<RouteRunner> route = route_;
    state_.metrics.AddQueued(route->config().path, 1);
    const bool queued = state_.scheduler.Submit(route, [self, route] {
      self->state_.metrics.AddQueued(route->config().path, -1);
      self->state_.metrics.AddInFlight(route->config().path, 1);
      RequestRecord record;
      HttpResponse response = route->Handle(self->request_, &record);
      self->state_.metrics.AddInFlight(route->config().path, -1);
      net::post(self->state_.ioc, [self, record, response = std::move(response)]() mutable {
        self->record_.outcome = record.outcome;
        self->record_.fuel = record.fuel;
        self->record_.peak_memory_bytes = record.peak_memory_bytes;
        self->Respond(std::move(response));
      });
    });
    if (!queued) {
      state_.metrics.AddQueued(route->config().path, -1);
      HttpResponse busy = ErrorResponse(503, "this route is at its concurrency and queue limits");
      busy.headers.emplace_back("Retry-After",
                                absl::StrCat(route->config().retry_after_seconds));
      record_.outcome = Outcome::kRejected;
      Respond(std::move(busy));
    }
  }

  // The job queue may wait on the network (NATS): its calls run on the
  // blocking pool, and their answers come back to the network thread.
  void SubmitJob() {
    auto job = std::make_shared<Job>();
    job->id = NewJobId();
    job->route = route_->config().path;
    job->request = request_;
    const uint32_t retry = route_->config().retry_after_seconds;
    net::post(state_.blocking, [self = shared_from_this(), job, retry] {
      absl::Status submitted = self->state_.jobs->Submit(*job);
      net::post(self->state_.ioc, [self, job, retry, submitted] {
        self->OnSubmitted(*job, retry, submitted);
      });
    });
  }

  void OnSubmitted(const Job& job, uint32_t retry, const absl::Status& submitted) {
    if (!submitted.ok()) {
      state_.log.Write(absl::StrCat("route ", job.route, ": job not queued: ",
                                    submitted.message()));
      HttpResponse busy = ErrorResponse(503, "the job queue is full or unreachable");
      busy.headers.emplace_back("Retry-After", absl::StrCat(retry));
      record_.outcome = Outcome::kRejected;
      return Respond(std::move(busy));
    }
    job_id_ = job.id;
    HttpResponse accepted;
    accepted.status = 202;
    accepted.headers.emplace_back("Content-Type", "application/json");
    accepted.headers.emplace_back("Location", "/jobs/" + job.id);
    accepted.body = absl::StrCat("{\"id\":", JsonString(job.id), ",\"status_url\":",
                                 JsonString("/jobs/" + job.id), "}\n");
    Respond(std::move(accepted));
  }

  void ServeMetrics() {
    HttpResponse r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = state_.metrics.Render();
    Respond(std::move(r));
  }

  void ServeJob(const std::string& id) {
    if (!IsJobId(id)) return Respond(ErrorResponse(404, "no job " + id));
    net::post(state_.blocking, [self = shared_from_this(), id] {
      auto status = std::make_shared<absl::StatusOr<JobStatus>>(self->state_.jobs->Get(id));
      net::post(self->state_.ioc, [self, id, status] { self->OnJobStatus(id, *status); });
    });
  }

  void OnJobStatus(const std::string& id, const absl::StatusOr<JobStatus>& status) {
    if (!status.ok()) {
      if (absl::IsNotFound(status.status())) return Respond(ErrorResponse(404, "no job " + id));
      state_.log.Write(absl::StrCat("GET /jobs/", id, ": ", status.status().message()));
      return Respond(ErrorResponse(503, "the job queue is unreachable"));
    }
    HttpResponse r;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = JobStatusJson(*status) + "\n";
    Respond(std::move(r));
  }

  // Answers before the body was read: the connection cannot be reused.
  void Reject(int status, const std::string& why) {
    record_.outcome = Outcome::kRejected;
    keep_alive_ = false;
    Respond(ErrorResponse(status, why));
  }

  void Respond(HttpResponse response) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(request_.version == 10 ? 10 : 11);
    res->result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) {
      if (!HopByHop(name)) res->insert(name, value);
    }
    res->set(http::field::server, "wsbx");
    const unsigned s = response.status;
    if (s == 204 || s == 304) response.body.clear();
    const size_t length = response.body.size();
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive_ && !state_.draining);
    res->prepare_payload();
    if (request_.method == "HEAD") {  // the length a GET would have, no body
      res->body().clear();
      if (s != 204 && s != 304) res->content_length(length);
    }
    record_.status = response.status;
    stream_.expires_after(state_.config.idle_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        self->OnWritten(ec, *res);
                      });
  }

  void LogRequest(uint64_t response_bytes) {
    record_.latency = Clock::now() - arrival_;
    state_.metrics.Record(record_);
    state_.access_log.Write(AccessLogLine(std::chrono::system_clock::now(), remote_addr_,
                                          request_.method, request_.target, record_,
                                          response_bytes, job_id_));
  }

  void OnWritten(beast::error_code ec, const http::response<http::string_body>& res) {
    LogRequest(res.body().size());
    if (counted_) --state_.open_requests;
    counted_ = false;
    const bool again = !ec && res.keep_alive();
    record_ = RequestRecord();
    route_.reset();
    job_id_.clear();
    if (!again) return Close();
    WaitForRequest();
  }

  void Close() {
    if (counted_) --state_.open_requests;
    counted_ = false;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  ServerState& state_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  RequestRecord record_;
  std::shared_ptr<RouteRunner> route_;
  std::string job_id_;
  std::string remote_addr_, local_addr_;
  uint16_t remote_port_ = 0, local_port_ = 0;
  Clock::time_point arrival_;
  bool keep_alive_ = false;
  bool internal_ = false;  // GET /metrics or /jobs/ID
  bool idle_ = false;
  bool counted_ = false;
};

void StartSession(ServerState& state, tcp::socket socket) {
  std::make_shared<Session>(state, std::move(socket))->Start();
}

void CloseIdleSessions(ServerState& state) {
  for (Session* s : state.sessions) s->CloseIfIdle();
}

}  // namespace wsbx::serve
