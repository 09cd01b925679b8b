// Tests of the job records and both job queues (jobs.h). The NATS cases
// start their own nats-server (JetStream, 127.0.0.1 only, a free port, a
// temporary store) and stop it whatever the outcome; a missing nats-server
// fails them, since CI installs it.
#include "serve/jobs.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <simdjson.h>

extern char** environ;

namespace wsbx::serve {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Every byte value, and bytes that are not UTF-8.
std::string BinaryBytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes + "\xff\xfe\"\\\n";
}

Job MakeJob(const std::string& id, std::string body) {
  Job job;
  job.id = id;
  job.route = "/fn";
  job.request.method = "POST";
  job.request.target = "/fn/a?x=1";
  job.request.path = "/fn/a";
  job.request.query = "x=1";
  job.request.headers = {{"Content-Type", "application/octet-stream"},
                         {"X-Bin", std::string("a\x01\xff", 3)},
                         {"x-bin", "second"}};
  job.request.body = std::move(body);
  job.request.version = 10;
  job.request.remote_addr = "127.0.0.1";
  job.request.remote_port = 54321;
  job.request.server_name = "example.test";
  job.request.server_port = 8080;
  job.request.route = "/fn";
  return job;
}

void CheckSameJob(const Job& a, const Job& b) {
  CHECK(a.id == b.id);
  CHECK(a.route == b.route);
  CHECK(a.request.method == b.request.method);
  CHECK(a.request.target == b.request.target);
  CHECK(a.request.path == b.request.path);
  CHECK(a.request.query == b.request.query);
  CHECK(a.request.headers == b.request.headers);
  CHECK(a.request.body == b.request.body);
  CHECK(a.request.version == b.request.version);
  CHECK(a.request.remote_addr == b.request.remote_addr);
  CHECK(a.request.remote_port == b.request.remote_port);
  CHECK(a.request.server_name == b.request.server_name);
  CHECK(a.request.server_port == b.request.server_port);
  CHECK(a.request.route == b.request.route);
}

void CheckSameStatus(const JobStatus& a, const JobStatus& b) {
  CHECK(a.id == b.id);
  CHECK(a.route == b.route);
  CHECK(a.state == b.state);
  CHECK(a.response.status == b.response.status);
  CHECK(a.response.headers == b.response.headers);
  CHECK(a.response.body == b.response.body);
  CHECK(a.error == b.error);
}

HttpResponse Response(int status, std::string body = "", Headers headers = {}) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  response.body = std::move(body);
  return response;
}

JobStatus Status(std::string id, JobState state = JobState::kQueued,
                 HttpResponse response = HttpResponse(), std::string error = "") {
  return JobStatus{.id = std::move(id),
                   .route = "/fn",
                   .state = state,
                   .response = std::move(response),
                   .error = std::move(error)};
}

// Echoes the request body with status 201 and the job id in a header.
HttpResponse Echo(const Job& job, std::string* /*error*/) {
  return Response(201, job.request.body, {{"X-Job", job.id}});
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::nanoseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// Polls until the job reaches `state` (or `timeout`); returns the last status.
absl::StatusOr<JobStatus> WaitForState(JobQueue& queue, const std::string& id,
                                       JobState state,
                                       std::chrono::nanoseconds timeout = seconds(10)) {
  absl::StatusOr<JobStatus> status;
  WaitUntil([&] {
    status = queue.Get(id);
    return status.ok() && status->state == state;
  }, timeout);
  return status;
}

// ---------------------------------------------------------------------------
// Records

TEST_CASE("job state names and ids") {
  CHECK(std::string(ToString(JobState::kQueued)) == "queued");
  CHECK(std::string(ToString(JobState::kRunning)) == "running");
  CHECK(std::string(ToString(JobState::kDone)) == "done");
  CHECK(std::string(ToString(JobState::kFailed)) == "failed");
  std::map<std::string, int> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewJobId();
    REQUIRE(IsJobId(id));
    ++seen[id];
  }
  CHECK(seen.size() == 1000);
  CHECK_FALSE(IsJobId("0123456789abcdef0123456789ABCDEF"));
  CHECK_FALSE(IsJobId("0123456789abcdef"));
  CHECK_FALSE(IsJobId("../../0123456789abcdef0123456789a"));
}

TEST_CASE("jobs round-trip with binary bodies, headers and texts") {
  Job job = MakeJob(NewJobId(), BinaryBytes());
  job.request.target = "/fn/\xff\xfe?\x80";  // not UTF-8: travels base64
  job.request.path = "/fn/caf\xc3\xa9";      // UTF-8: travels as text
  job.route = "/fn\"quoted\"\n";
  absl::StatusOr<Job> back = ParseJob(SerializeJob(job));
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CheckSameJob(job, *back);

  Job empty;
  back = ParseJob(SerializeJob(empty));
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CheckSameJob(empty, *back);
}

TEST_CASE("statuses round-trip in every state") {
  for (JobState state :
       {JobState::kQueued, JobState::kRunning, JobState::kDone, JobState::kFailed}) {
    const JobStatus status =
        Status(NewJobId(), state,
               Response(504, BinaryBytes(), {{"A", "1"}, {"a", std::string("\0\xff", 2)}}),
               "timed out after 2s: \"fuel\"\n\xff");
    absl::StatusOr<JobStatus> back = ParseStatus(SerializeStatus(status));
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CheckSameStatus(status, *back);
  }
}

TEST_CASE("malformed jobs and statuses are rejected with the field named") {
  const std::string good = SerializeJob(MakeJob(NewJobId(), "x"));
  struct Case {
    std::string text;
    std::string expect;  // a part of the error message
  };
  const std::vector<Case> job_cases = {
      {"", "not valid JSON"},
      {"[1,2]", "job: expected an object"},
      {good + "x", "not valid JSON"},
      {"{\"route\":\"/\",\"request\":{}}", "job: missing id"},
      {"{\"id\":7,\"route\":\"/\",\"request\":{}}", "job.id: expected a string"},
      {"{\"id\":\"a\",\"id\":\"b\"}", "duplicate key \"id\""},
      {"{\"id\":\"a\",\"route\":\"/\",\"request\":[]}", "job.request: expected an object"},
      {"{\"id_base64\":\"!!!!\",\"route\":\"/\"}", "job.id_base64: base64"},
  };
  for (const Case& c : job_cases) {
    absl::StatusOr<Job> job = ParseJob(c.text);
    REQUIRE_FALSE(job.ok());
    CHECK(job.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_MESSAGE(job.status().message().find(c.expect) != std::string::npos,
                  c.text, " -> ", job.status().message());
  }

  auto replace = [](std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  CHECK(ParseJob(replace(good, "\"version\":10", "\"version\":\"10\"")).status().message() ==
        "job.request.version: expected an integer");
  CHECK(ParseJob(replace(good, "\"remote_port\":54321", "\"remote_port\":70000"))
            .status().message() == "job.request.remote_port: expected an integer in 0..65535");
  CHECK(ParseJob(replace(good, "\"headers\":[{", "\"headers\":[7,{")).status().message() ==
        "job.request.headers[0]: expected an object");
  CHECK(ParseJob(replace(good, "\"value_base64\":\"YQH/\"", "\"value_base64\":\"YQH\""))
            .status().message() ==
        "job.request.headers[1].value_base64: base64: length 3 is not a multiple of 4");

  const std::string status = SerializeStatus(Status("i"));
  CHECK(ParseStatus(replace(status, "\"queued\"", "\"finished\"")).status().message() ==
        "job status.state: \"finished\" is not queued, running, done or failed");
  CHECK(ParseStatus(replace(status, "\"status\":200", "\"status\":-1")).status().message() ==
        "job status.response.status: expected an integer in 0..999");
  CHECK(ParseStatus(replace(status, ",\"error\":\"\"", "")).status().message() ==
        "job status: missing error (or error_base64)");
  CHECK(ParseStatus("{\"id\":\"i\"} {}").status().message().find("not valid JSON") !=
        std::string_view::npos);
}

TEST_CASE("the client's view of a status") {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  int64_t number = 0;
  bool flag = false;

  const std::string queued = JobStatusJson(Status("abc"));
  REQUIRE(parser.parse(queued).get(doc) == simdjson::SUCCESS);
  CHECK(doc["state"].get_string().get(text) == simdjson::SUCCESS);
  CHECK(text == "queued");
  CHECK(doc["status"].error() == simdjson::NO_SUCH_FIELD);
  CHECK(doc["error"].error() == simdjson::NO_SUCH_FIELD);

  const JobStatus done =
      Status("abc", JobState::kDone,
             Response(200, "h\xc3\xa9llo", {{"Set-Cookie", "a"}, {"X", "1"}, {"Set-Cookie", "b"}}));
  const std::string done_json = JobStatusJson(done);
  CHECK(done_json ==
        "{\"id\":\"abc\",\"route\":\"/fn\",\"state\":\"done\",\"status\":200,"
        "\"headers\":{\"Set-Cookie\":[\"a\",\"b\"],\"X\":[\"1\"]},\"body\":\"h\xc3\xa9llo\"}");

  JobStatus failed = done;
  failed.state = JobState::kFailed;
  failed.response = Response(504, std::string("\xff\x00", 2));
  failed.error = "timeout";
  const std::string failed_json = JobStatusJson(failed);
  REQUIRE(parser.parse(failed_json).get(doc) == simdjson::SUCCESS);
  CHECK(doc["status"].get_int64().get(number) == simdjson::SUCCESS);
  CHECK(number == 504);
  CHECK(doc["body_base64"].get_bool().get(flag) == simdjson::SUCCESS);
  CHECK(flag);
  CHECK(doc["body"].get_string().get(text) == simdjson::SUCCESS);
  CHECK(text == "/wA=");
  CHECK(doc["error"].get_string().get(text) == simdjson::SUCCESS);
  CHECK(text == "timeout");
}

// ---------------------------------------------------------------------------
// In-process queue

// A runner that holds every job until released, counting starts.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> started{0};

  HttpResponse Run(const Job& job, std::string* error) {
    ++started;
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return open; });
    return Echo(job, error);
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

TEST_CASE("in-process queue: states and results") {
  Gate gate;
  auto queue = NewInProcessQueue(
      [&](const Job& job, std::string* error) {
        if (job.request.body == "fail") {
          *error = "timed out";
          return Response(504);
        }
        return gate.Run(job, error);
      },
      1, 8, seconds(60));
  const Job job = MakeJob(NewJobId(), BinaryBytes());
  REQUIRE(queue->Submit(job).ok());
  CHECK(queue->Submit(job).code() == absl::StatusCode::kAlreadyExists);
  CHECK(WaitForState(*queue, job.id, JobState::kRunning).ok());
  const Job failing = MakeJob(NewJobId(), "fail");
  REQUIRE(queue->Submit(failing).ok());
  CHECK(queue->Get(failing.id)->state == JobState::kQueued);
  gate.Open();

  absl::StatusOr<JobStatus> done = WaitForState(*queue, job.id, JobState::kDone);
  REQUIRE_MESSAGE(done.ok(), done.status().ToString());
  CHECK(done->state == JobState::kDone);
  CHECK(done->route == "/fn");
  CHECK(done->response.status == 201);
  CHECK(done->response.body == BinaryBytes());
  CHECK(done->error.empty());

  absl::StatusOr<JobStatus> failed = WaitForState(*queue, failing.id, JobState::kFailed);
  REQUIRE(failed.ok());
  CHECK(failed->state == JobState::kFailed);
  CHECK(failed->response.status == 504);
  CHECK(failed->error == "timed out");

  absl::StatusOr<JobStatus> unknown = queue->Get(NewJobId());
  CHECK(unknown.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("in-process queue: capacity") {
  Gate gate;
  auto queue = NewInProcessQueue(
      [&](const Job& job, std::string* error) { return gate.Run(job, error); }, 1, 2,
      seconds(60));
  std::vector<Job> jobs;
  for (int i = 0; i < 4; ++i) jobs.push_back(MakeJob(NewJobId(), std::to_string(i)));
  REQUIRE(queue->Submit(jobs[0]).ok());
  REQUIRE(WaitUntil([&] { return gate.started == 1; }, seconds(10)));
  CHECK(queue->Submit(jobs[1]).ok());
  CHECK(queue->Submit(jobs[2]).ok());
  const absl::Status full = queue->Submit(jobs[3]);
  CHECK(full.code() == absl::StatusCode::kResourceExhausted);
  CHECK(full.message().find("capacity 2") != std::string_view::npos);
  CHECK(queue->Get(jobs[3].id).status().code() == absl::StatusCode::kNotFound);
  gate.Open();
  for (int i = 0; i < 3; ++i) {
    CHECK(WaitForState(*queue, jobs[i].id, JobState::kDone)->response.body ==
          std::to_string(i));
  }
  CHECK(queue->Submit(jobs[3]).ok());
}

TEST_CASE("in-process queue: finished statuses expire") {
  auto queue = NewInProcessQueue(Echo, 1, 8, milliseconds(100));
  const Job job = MakeJob(NewJobId(), "x");
  REQUIRE(queue->Submit(job).ok());
  REQUIRE(WaitForState(*queue, job.id, JobState::kDone).ok());
  std::this_thread::sleep_for(milliseconds(250));
  CHECK(queue->Get(job.id).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("in-process queue: at most kMaxKeptJobStatuses are kept") {
  std::atomic<int> runs{0};
  auto queue = NewInProcessQueue(
      [&](const Job& job, std::string* error) {
        ++runs;
        return Echo(job, error);
      },
      2, kMaxKeptJobStatuses + 100, std::chrono::hours(1));
  std::vector<std::string> ids;
  for (size_t i = 0; i < kMaxKeptJobStatuses + 10; ++i) {
    ids.push_back(NewJobId());
    Job job;
    job.id = ids.back();
    REQUIRE(queue->Submit(job).ok());
  }
  queue->Shutdown(seconds(60));
  CHECK(runs == static_cast<int>(ids.size()));
  size_t kept = 0;
  for (const std::string& id : ids) kept += queue->Get(id).ok() ? 1 : 0;
  CHECK(kept == kMaxKeptJobStatuses);
  CHECK(queue->Get(ids.back()).ok());
}

TEST_CASE("in-process queue: shutdown lets queued jobs finish within grace") {
  auto queue = NewInProcessQueue(
      [](const Job& job, std::string* error) {
        std::this_thread::sleep_for(milliseconds(20));
        return Echo(job, error);
      },
      1, 8, seconds(60));
  std::vector<Job> jobs;
  for (int i = 0; i < 5; ++i) {
    jobs.push_back(MakeJob(NewJobId(), std::to_string(i)));
    REQUIRE(queue->Submit(jobs.back()).ok());
  }
  queue->Shutdown(seconds(10));
  for (const Job& job : jobs) CHECK(queue->Get(job.id)->state == JobState::kDone);
  const absl::Status late = queue->Submit(MakeJob(NewJobId(), ""));
  CHECK(late.code() == absl::StatusCode::kFailedPrecondition);
  queue->Shutdown(seconds(1));  // a second call is harmless
}

TEST_CASE("in-process queue: jobs still queued after grace fail") {
  std::atomic<int> started{0};
  auto queue = NewInProcessQueue(
      [&](const Job& job, std::string* error) {
        ++started;
        std::this_thread::sleep_for(milliseconds(300));
        return Echo(job, error);
      },
      1, 8, seconds(60));
  std::vector<Job> jobs;
  for (int i = 0; i < 3; ++i) {
    jobs.push_back(MakeJob(NewJobId(), std::to_string(i)));
    REQUIRE(queue->Submit(jobs.back()).ok());
  }
  REQUIRE(WaitUntil([&] { return started == 1; }, seconds(10)));
  queue->Shutdown(milliseconds(50));
  CHECK(started == 1);
  CHECK(queue->Get(jobs[0].id)->state == JobState::kDone);  // running: waited for
  for (int i = 1; i < 3; ++i) {
    absl::StatusOr<JobStatus> status = queue->Get(jobs[i].id);
    REQUIRE(status.ok());
    CHECK(status->state == JobState::kFailed);
    CHECK(status->error == "server shut down");
    CHECK(status->response.status == 503);
  }
}

TEST_CASE("in-process queue: many jobs from several threads") {
  std::mutex mu;
  std::map<std::string, int> runs;
  auto queue = NewInProcessQueue(
      [&](const Job& job, std::string* error) {
        {
          std::lock_guard<std::mutex> lock(mu);
          ++runs[job.id];
        }
        return Echo(job, error);
      },
      3, 1000, seconds(60));
  constexpr int kThreads = 4, kPerThread = 250;
  std::vector<std::vector<Job>> jobs(kThreads);
  std::atomic<int> refused{0};
  std::vector<std::thread> submitters;
  for (int t = 0; t < kThreads; ++t) {
    submitters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        jobs[t].push_back(MakeJob(NewJobId(), std::to_string(t * kPerThread + i)));
        if (!queue->Submit(jobs[t].back()).ok()) ++refused;
      }
    });
  }
  for (std::thread& thread : submitters) thread.join();
  CHECK(refused == 0);
  queue->Shutdown(seconds(30));
  CHECK(runs.size() == static_cast<size_t>(kThreads * kPerThread));
  for (const auto& per_thread : jobs) {
    for (const Job& job : per_thread) {
      absl::StatusOr<JobStatus> status = queue->Get(job.id);
      REQUIRE(status.ok());
      CHECK(status->state == JobState::kDone);
      CHECK(status->response.body == job.request.body);
      CHECK(runs[job.id] == 1);
    }
  }
}

// ---------------------------------------------------------------------------
// NATS


std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// A port free at the time of asking (the kernel's pick for port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A nats-server with JetStream on 127.0.0.1; the destructor stops it and
// removes its store, also when a check failed.
class NatsServer {
 public:
  NatsServer() = default;
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;
  ~NatsServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      if (!WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, seconds(5))) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  // Empty on success, else why the server is not running.
  std::string Start() {
    const std::string program = FindOnPath("nats-server");
    if (program.empty()) {
      return "nats-server not found on PATH: install it (apt-get install nats-server)";
    }
    char pattern[] = "/tmp/wsbx-jobs-test-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return "mkdtemp failed";
    dir_ = pattern;
    port_ = FreePort();
    if (port_ <= 0) return "no free port on 127.0.0.1";
    const std::string port = std::to_string(port_), log = dir_ + "/server.log";
    const std::string store = dir_ + "/store";
    std::vector<std::string> args = {program, "-js", "-a", "127.0.0.1", "-p", port,
                                      "-sd", store};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int error = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(),
                                  environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      pid_ = -1;
      return "posix_spawn of " + program + " failed: " + std::strerror(error);
    }
    int status = 0;
    bool exited = false;
    const bool up = WaitUntil([&] {
      exited = exited || waitpid(pid_, &status, WNOHANG) == pid_;
      return exited || Accepts(port_);
    }, seconds(10));
    if (exited) pid_ = -1;
    if (!up || exited) {
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      return "nats-server did not accept connections on 127.0.0.1:" + port +
             " within 10 s; its log:\n" + text.str();
    }
    return "";
  }

  NatsOptions Options() const {
    NatsOptions options;
    options.url = "nats://127.0.0.1:" + std::to_string(port_);
    return options;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// RunNatsWorker on its own thread until destroyed.
class Worker {
 public:
  Worker(const NatsOptions& options, JobRunner runner, uint32_t threads = 1)
      : thread_([this, options, runner = std::move(runner), threads] {
          result_ = RunNatsWorker(options, runner, threads, &stop_);
        }) {}
  ~Worker() { Stop().IgnoreError(); }
  absl::Status Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  std::atomic<bool> stop_{false};
  absl::Status result_;
  std::thread thread_;
};

#define START_NATS(server)                         \
  NatsServer server;                               \
  {                                                \
    const std::string why = server.Start();        \
    REQUIRE_MESSAGE(why.empty(), why);             \
  }

TEST_CASE("NATS queue: submit, work, read") {
  START_NATS(server);
  const NatsOptions options = server.Options();
  absl::StatusOr<std::unique_ptr<JobQueue>> queue = NewNatsQueue(options);
  REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
  const Job job = MakeJob(NewJobId(), BinaryBytes());
  REQUIRE((*queue)->Submit(job).ok());
  absl::StatusOr<JobStatus> status = (*queue)->Get(job.id);
  REQUIRE_MESSAGE(status.ok(), status.status().ToString());
  CHECK(status->state == JobState::kQueued);
  CHECK((*queue)->Get(NewJobId()).status().code() == absl::StatusCode::kNotFound);
  CHECK((*queue)->Get("wsbx.>").status().code() == absl::StatusCode::kNotFound);
  CHECK((*queue)->Submit(MakeJob("not-an-id", "")).code() ==
        absl::StatusCode::kInvalidArgument);

  Worker worker(options, Echo);
  status = WaitForState(**queue, job.id, JobState::kDone);
  REQUIRE_MESSAGE(status.ok(), status.status().ToString());
  CHECK(status->state == JobState::kDone);
  CHECK(status->route == "/fn");
  CHECK(status->response.status == 201);
  CHECK(status->response.body == BinaryBytes());
  CHECK(status->response.headers == Headers{{"X-Job", job.id}});
  const absl::Status stopped = worker.Stop();
  CHECK_MESSAGE(stopped.ok(), stopped.ToString());

  (*queue)->Shutdown(seconds(1));
  CHECK((*queue)->Submit(MakeJob(NewJobId(), "")).code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK((*queue)->Get(job.id).ok());
}

TEST_CASE("NATS queue: two workers share the jobs, each done once") {
  START_NATS(server);
  const NatsOptions options = server.Options();
  absl::StatusOr<std::unique_ptr<JobQueue>> queue = NewNatsQueue(options);
  REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
  std::mutex mu;
  std::map<std::string, int> runs;
  std::atomic<int> by_worker[2] = {0, 0};
  auto runner_for = [&](int worker) {
    return [&, worker](const Job& job, std::string* error) {
      ++by_worker[worker];
      {
        std::lock_guard<std::mutex> lock(mu);
        ++runs[job.id];
      }
      std::this_thread::sleep_for(milliseconds(50));
      return Echo(job, error);
    };
  };
  Worker first(options, runner_for(0)), second(options, runner_for(1));
  std::vector<Job> jobs;
  for (int i = 0; i < 20; ++i) {
    jobs.push_back(MakeJob(NewJobId(), std::to_string(i)));
    REQUIRE((*queue)->Submit(jobs.back()).ok());
  }
  for (const Job& job : jobs) {
    absl::StatusOr<JobStatus> status = WaitForState(**queue, job.id, JobState::kDone);
    REQUIRE_MESSAGE(status.ok(), status.status().ToString());
    CHECK(status->state == JobState::kDone);
    CHECK(status->response.body == job.request.body);
  }
  CHECK(first.Stop().ok());
  CHECK(second.Stop().ok());
  CHECK(runs.size() == jobs.size());
  for (const auto& run : runs) CHECK_MESSAGE(run.second == 1, run.first);
  CHECK(by_worker[0] > 0);
  CHECK(by_worker[1] > 0);
}

TEST_CASE("NATS queue: a job queued before any worker runs once one starts") {
  START_NATS(server);
  NatsOptions options = server.Options();
  absl::StatusOr<std::unique_ptr<JobQueue>> queue = NewNatsQueue(options);
  REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
  const Job job = MakeJob(NewJobId(), "early");
  REQUIRE((*queue)->Submit(job).ok());
  std::this_thread::sleep_for(milliseconds(300));
  CHECK((*queue)->Get(job.id)->state == JobState::kQueued);
  Worker worker(options, Echo, 2);
  absl::StatusOr<JobStatus> status = WaitForState(**queue, job.id, JobState::kDone);
  REQUIRE_MESSAGE(status.ok(), status.status().ToString());
  CHECK(status->response.body == "early");
}

TEST_CASE("NATS queue: a full stream refuses with ResourceExhausted") {
  START_NATS(server);
  NatsOptions options = server.Options();
  options.stream = "WSBX_FULL";
  options.subject_prefix = "wsbx.full";
  options.max_pending = 2;
  absl::StatusOr<std::unique_ptr<JobQueue>> queue = NewNatsQueue(options);
  REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
  CHECK((*queue)->Submit(MakeJob(NewJobId(), "1")).ok());
  CHECK((*queue)->Submit(MakeJob(NewJobId(), "2")).ok());
  const Job third = MakeJob(NewJobId(), "3");
  const absl::Status full = (*queue)->Submit(third);
  CHECK_MESSAGE(full.code() == absl::StatusCode::kResourceExhausted, full.ToString());
  CHECK((*queue)->Get(third.id).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("NATS queue: a malformed message is terminated, later jobs run") {
  START_NATS(server);
  const NatsOptions options = server.Options();
  absl::StatusOr<std::unique_ptr<JobQueue>> queue = NewNatsQueue(options);
  REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
  natsConnection* raw = nullptr;
  REQUIRE(natsConnection_ConnectTo(&raw, options.url.c_str()) == NATS_OK);
  CHECK(natsConnection_PublishString(raw, "wsbx.jobs.garbage", "{not json") == NATS_OK);
  CHECK(natsConnection_Flush(raw) == NATS_OK);
  natsConnection_Destroy(raw);
  std::atomic<int> runs{0};
  Worker worker(options, [&](const Job& job, std::string* error) {
    ++runs;
    return Echo(job, error);
  });
  const Job job = MakeJob(NewJobId(), "after");
  REQUIRE((*queue)->Submit(job).ok());
  absl::StatusOr<JobStatus> status = WaitForState(**queue, job.id, JobState::kDone);
  REQUIRE_MESSAGE(status.ok(), status.status().ToString());
  CHECK(runs == 1);

  // The durable consumer outlives the worker that bound to it.
  CHECK(worker.Stop().ok());
  REQUIRE(natsConnection_ConnectTo(&raw, options.url.c_str()) == NATS_OK);
  jsCtx* js = nullptr;
  REQUIRE(natsConnection_JetStream(&js, raw, nullptr) == NATS_OK);
  jsConsumerInfo* info = nullptr;
  CHECK(js_GetConsumerInfo(&info, js, options.stream.c_str(), "wsbx-workers", nullptr,
                           nullptr) == NATS_OK);
  jsConsumerInfo_Destroy(info);
  jsCtx_Destroy(js);
  natsConnection_Destroy(raw);
}

TEST_CASE("NATS queue: a queue with a runner works its own jobs") {
  START_NATS(server);
  absl::StatusOr<std::unique_ptr<JobQueue>> queue =
      NewNatsQueue(server.Options(), [](const Job& job, std::string* error) {
        *error = "timed out";
        return Response(504, job.request.body);
      });
  REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
  const Job job = MakeJob(NewJobId(), "slow");
  REQUIRE((*queue)->Submit(job).ok());
  absl::StatusOr<JobStatus> status = WaitForState(**queue, job.id, JobState::kFailed);
  REQUIRE_MESSAGE(status.ok(), status.status().ToString());
  CHECK(status->response.status == 504);
  CHECK(status->error == "timed out");
  (*queue)->Shutdown(seconds(1));
}

TEST_CASE("NATS queue: bad options and an unreachable server are errors") {
  NatsOptions options;
  options.url = "nats://127.0.0.1:" + std::to_string(FreePort());
  absl::StatusOr<std::unique_ptr<JobQueue>> queue = NewNatsQueue(options);
  REQUIRE_FALSE(queue.ok());
  CHECK(queue.status().code() == absl::StatusCode::kUnavailable);
  CHECK_MESSAGE(queue.status().message().find(options.url) != std::string_view::npos,
                queue.status().ToString());
  options.stream = "bad.name";
  CHECK(NewNatsQueue(options).status().code() == absl::StatusCode::kInvalidArgument);
  std::atomic<bool> stop{true};
  CHECK(RunNatsWorker(options, nullptr, 1, &stop).code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wsbx::serve
