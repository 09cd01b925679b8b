// Job records (jobs.h): state names, random ids, the client's JSON view, the
// exact serialization the NATS queue stores, and the in-process queue, whose
// invariant is: every queued or running id has a status; finished ids sit in
// finished_ in the order they finished, which is the order they expire.
#include "serve/jobs.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "serve/encoding.h"

namespace wsbx::serve {
namespace {

// This Abseil's string_view is its own type, not std's.
absl::string_view ToAbsl(std::string_view text) { return {text.data(), text.size()}; }

// ---------------------------------------------------------------------------
// Writing

// `"key":"text"` when `text` is UTF-8, else `"key_base64":"..."`: JSON
// strings carry only Unicode, and these fields carry whatever the client sent.
void AppendTextField(std::string& out, absl::string_view key, std::string_view text) {
  out.push_back('"');
  out.append(key.data(), key.size());
  if (IsValidUtf8(text)) {
    out.append("\":");
    AppendJsonString(out, text);
  } else {
    out.append("_base64\":\"");
    out.append(Base64Encode(text));
    out.push_back('"');
  }
}

void AppendBase64Field(std::string& out, absl::string_view key, std::string_view bytes) {
  absl::StrAppend(&out, "\"", key, "\":\"", Base64Encode(bytes), "\"");
}

// [{"name":..,"value_base64":..},...]: order, case and repeats preserved.
void AppendHeaderList(std::string& out, const Headers& headers) {
  out.push_back('[');
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('{');
    AppendTextField(out, "name", headers[i].first);
    out.push_back(',');
    AppendBase64Field(out, "value_base64", headers[i].second);
    out.push_back('}');
  }
  out.push_back(']');
}

void AppendResponse(std::string& out, const HttpResponse& response) {
  absl::StrAppend(&out, "{\"status\":", response.status, ",\"headers\":");
  AppendHeaderList(out, response.headers);
  out.push_back(',');
  AppendBase64Field(out, "body_base64", response.body);
  out.push_back('}');
}

// {name:[values]} as the json contract writes headers; names in order of
// first appearance.
void AppendHeaderObject(std::string& out, const Headers& headers) {
  out.push_back('{');
  std::vector<bool> done(headers.size(), false);
  bool first = true;
  for (size_t i = 0; i < headers.size(); ++i) {
    if (done[i]) continue;
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, headers[i].first);
    out.append(":[");
    for (size_t k = i; k < headers.size(); ++k) {
      if (headers[k].first != headers[i].first) continue;
      if (k > i) out.push_back(',');
      AppendJsonString(out, headers[k].second);
      done[k] = true;
    }
    out.push_back(']');
  }
  out.push_back('}');
}

// ---------------------------------------------------------------------------
// Reading

using simdjson::dom::element;
using simdjson::dom::element_type;

// The fields of one JSON object, looked up by name. `where` prefixes every
// error ("job: request.headers[1]"); duplicate keys are an error because
// which one a reader picks differs between JSON libraries.
class ObjectReader {
 public:
  static absl::StatusOr<ObjectReader> Make(element value, std::string where) {
    simdjson::dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": expected an object"));
    }
    ObjectReader reader(std::move(where));
    for (auto field : object) {
      for (const auto& [key, unused] : reader.fields_) {
        if (key == field.key) {
          return absl::InvalidArgumentError(
              absl::StrCat(reader.where_, ": duplicate key \"", ToAbsl(field.key), "\""));
        }
      }
      reader.fields_.emplace_back(field.key, field.value);
    }
    return reader;
  }

  const std::string& where() const { return where_; }

  absl::StatusOr<element> Field(absl::string_view key) const {
    if (const element* value = Find(key)) return *value;
    return absl::InvalidArgumentError(absl::StrCat(where_, ": missing ", key));
  }

  absl::Status String(absl::string_view key, std::string* out) const {
    absl::StatusOr<element> value = Field(key);
    if (!value.ok()) return value.status();
    return AsString(*value, key, out);
  }

  // `key` as a string or `key_base64` as base64 (AppendTextField).
  absl::Status Text(absl::string_view key, std::string* out) const {
    if (Find(key) != nullptr) return String(key, out);
    const std::string b64_key = absl::StrCat(key, "_base64");
    if (Find(b64_key) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_, ": missing ", key, " (or ", b64_key, ")"));
    }
    return Base64(b64_key, out);
  }

  absl::Status Base64(absl::string_view key, std::string* out) const {
    std::string text;
    if (absl::Status s = String(key, &text); !s.ok()) return s;
    absl::StatusOr<std::string> bytes = Base64Decode(text);
    if (!bytes.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_, ".", key, ": ", bytes.status().message()));
    }
    *out = *std::move(bytes);
    return absl::OkStatus();
  }

  absl::Status Int(absl::string_view key, int64_t min, int64_t max, int64_t* out) const {
    absl::StatusOr<element> value = Field(key);
    if (!value.ok()) return value.status();
    if (value->type() != element_type::INT64 && value->type() != element_type::UINT64) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_, ".", key, ": expected an integer"));
    }
    int64_t n = 0;
    if (value->get_int64().get(n) != simdjson::SUCCESS || n < min || n > max) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.%s: expected an integer in %d..%d", where_, key, min, max));
    }
    *out = n;
    return absl::OkStatus();
  }

 private:
  explicit ObjectReader(std::string where) : where_(std::move(where)) {}

  const element* Find(absl::string_view key) const {
    for (const auto& [name, value] : fields_) {
      if (name == std::string_view(key.data(), key.size())) return &value;
    }
    return nullptr;
  }

  absl::Status AsString(element value, absl::string_view key, std::string* out) const {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_, ".", key, ": expected a string"));
    }
    out->assign(text);
    return absl::OkStatus();
  }

  std::string where_;
  std::vector<std::pair<std::string_view, element>> fields_;
};

absl::StatusOr<element> ParseDocument(simdjson::dom::parser& parser,
                                      std::string_view text, absl::string_view what) {
  element root;
  if (auto error = parser.parse(text.data(), text.size()).get(root);
      error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not valid JSON: ", simdjson::error_message(error)));
  }
  return root;
}

absl::Status ReadHeaderList(const ObjectReader& parent, absl::string_view key,
                            Headers* out) {
  absl::StatusOr<element> value = parent.Field(key);
  if (!value.ok()) return value.status();
  simdjson::dom::array array;
  if (value->get_array().get(array) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat(parent.where(), ".", key, ": expected an array"));
  }
  out->clear();
  size_t index = 0;
  for (element entry : array) {
    absl::StatusOr<ObjectReader> header = ObjectReader::Make(
        entry, absl::StrCat(parent.where(), ".", key, "[", index++, "]"));
    if (!header.ok()) return header.status();
    std::pair<std::string, std::string> pair;
    if (absl::Status s = header->Text("name", &pair.first); !s.ok()) return s;
    if (absl::Status s = header->Base64("value_base64", &pair.second); !s.ok()) return s;
    out->push_back(std::move(pair));
  }
  return absl::OkStatus();
}

absl::Status ReadRequest(const ObjectReader& parent, HttpRequest* out) {
  absl::StatusOr<element> value = parent.Field("request");
  if (!value.ok()) return value.status();
  absl::StatusOr<ObjectReader> r =
      ObjectReader::Make(*value, absl::StrCat(parent.where(), ".request"));
  if (!r.ok()) return r.status();
  int64_t version = 0, remote_port = 0, server_port = 0;
  constexpr int64_t kMaxPort = std::numeric_limits<uint16_t>::max();
  for (absl::Status s : {
           r->Text("method", &out->method), r->Text("target", &out->target),
           r->Text("path", &out->path), r->Text("query", &out->query),
           ReadHeaderList(*r, "headers", &out->headers),
           r->Base64("body_base64", &out->body), r->Int("version", 0, 99, &version),
           r->Text("remote_addr", &out->remote_addr),
           r->Int("remote_port", 0, kMaxPort, &remote_port),
           r->Text("server_name", &out->server_name),
           r->Int("server_port", 0, kMaxPort, &server_port),
           r->Text("route", &out->route)}) {
    if (!s.ok()) return s;
  }
  out->version = static_cast<int>(version);
  out->remote_port = static_cast<uint16_t>(remote_port);
  out->server_port = static_cast<uint16_t>(server_port);
  return absl::OkStatus();
}

absl::Status ReadResponse(const ObjectReader& parent, HttpResponse* out) {
  absl::StatusOr<element> value = parent.Field("response");
  if (!value.ok()) return value.status();
  absl::StatusOr<ObjectReader> r =
      ObjectReader::Make(*value, absl::StrCat(parent.where(), ".response"));
  if (!r.ok()) return r.status();
  int64_t status = 0;
  if (absl::Status s = r->Int("status", 0, 999, &status); !s.ok()) return s;
  if (absl::Status s = ReadHeaderList(*r, "headers", &out->headers); !s.ok()) return s;
  if (absl::Status s = r->Base64("body_base64", &out->body); !s.ok()) return s;
  out->status = static_cast<int>(status);
  return absl::OkStatus();
}

std::optional<JobState> StateFromName(std::string_view name) {
  for (JobState state :
       {JobState::kQueued, JobState::kRunning, JobState::kDone, JobState::kFailed}) {
    if (name == ToString(state)) return state;
  }
  return std::nullopt;
}

bool IsFinished(JobState state) {
  return state == JobState::kDone || state == JobState::kFailed;
}

}  // namespace

const char* ToString(JobState state) {
  switch (state) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
  }
  return "unknown";
}

JobStatus StatusOf(const Job& job, JobState state) {
  JobStatus status;
  status.id = job.id;
  status.route = job.route;
  status.state = state;
  return status;
}

std::string NewJobId() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Guessable ids would let anyone read others' results; stop instead.
      std::fprintf(stderr, "wsbx: getrandom failed making a job id: %s\n",
                   std::strerror(errno));
      std::abort();
    }
    got += static_cast<size_t>(n);
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

bool IsJobId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string JobStatusJson(const JobStatus& status) {
  std::string out = "{\"id\":";
  AppendJsonString(out, status.id);
  out.append(",\"route\":");
  AppendJsonString(out, status.route);
  absl::StrAppend(&out, ",\"state\":\"", ToString(status.state), "\"");
  if (IsFinished(status.state)) {
    const HttpResponse& response = status.response;
    absl::StrAppend(&out, ",\"status\":", response.status, ",\"headers\":");
    AppendHeaderObject(out, response.headers);
    out.append(",\"body\":");
    if (IsValidUtf8(response.body)) {
      AppendJsonString(out, response.body);
    } else {
      absl::StrAppend(&out, "\"", Base64Encode(response.body), "\",\"body_base64\":true");
    }
  }
  if (!status.error.empty()) {
    out.append(",\"error\":");
    AppendJsonString(out, status.error);
  }
  out.push_back('}');
  return out;
}

std::string SerializeJob(const Job& job) {
  const HttpRequest& r = job.request;
  std::string out = "{";
  AppendTextField(out, "id", job.id);
  out.push_back(',');
  AppendTextField(out, "route", job.route);
  out.append(",\"request\":{");
  AppendTextField(out, "method", r.method);
  out.push_back(',');
  AppendTextField(out, "target", r.target);
  out.push_back(',');
  AppendTextField(out, "path", r.path);
  out.push_back(',');
  AppendTextField(out, "query", r.query);
  out.append(",\"headers\":");
  AppendHeaderList(out, r.headers);
  out.push_back(',');
  AppendBase64Field(out, "body_base64", r.body);
  absl::StrAppend(&out, ",\"version\":", r.version, ",");
  AppendTextField(out, "remote_addr", r.remote_addr);
  absl::StrAppend(&out, ",\"remote_port\":", r.remote_port, ",");
  AppendTextField(out, "server_name", r.server_name);
  absl::StrAppend(&out, ",\"server_port\":", r.server_port, ",");
  AppendTextField(out, "route", r.route);
  out.append("}}");
  return out;
}

absl::StatusOr<Job> ParseJob(std::string_view text) {
  simdjson::dom::parser parser;
  absl::StatusOr<element> root = ParseDocument(parser, text, "job");
  if (!root.ok()) return root.status();
  absl::StatusOr<ObjectReader> r = ObjectReader::Make(*root, "job");
  if (!r.ok()) return r.status();
  Job job;
  if (absl::Status s = r->Text("id", &job.id); !s.ok()) return s;
  if (absl::Status s = r->Text("route", &job.route); !s.ok()) return s;
  if (absl::Status s = ReadRequest(*r, &job.request); !s.ok()) return s;
  return job;
}

std::string SerializeStatus(const JobStatus& status) {
  std::string out = "{";
  AppendTextField(out, "id", status.id);
  out.push_back(',');
  AppendTextField(out, "route", status.route);
  absl::StrAppend(&out, ",\"state\":\"", ToString(status.state), "\",\"response\":");
  AppendResponse(out, status.response);
  out.push_back(',');
  AppendTextField(out, "error", status.error);
  out.push_back('}');
  return out;
}

absl::StatusOr<JobStatus> ParseStatus(std::string_view text) {
  simdjson::dom::parser parser;
  absl::StatusOr<element> root = ParseDocument(parser, text, "job status");
  if (!root.ok()) return root.status();
  absl::StatusOr<ObjectReader> r = ObjectReader::Make(*root, "job status");
  if (!r.ok()) return r.status();
  JobStatus status;
  std::string state;
  if (absl::Status s = r->Text("id", &status.id); !s.ok()) return s;
  if (absl::Status s = r->Text("route", &status.route); !s.ok()) return s;
  if (absl::Status s = r->String("state", &state); !s.ok()) return s;
  std::optional<JobState> parsed = StateFromName(state);
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "job status.state: \"", state, "\" is not queued, running, done or failed"));
  }
  status.state = *parsed;
  if (absl::Status s = ReadResponse(*r, &status.response); !s.ok()) return s;
  if (absl::Status s = r->Text("error", &status.error); !s.ok()) return s;
  return status;
}

// ---------------------------------------------------------------------------
// In-process queue

namespace {

class InProcessQueue final : public JobQueue {
 public:
  InProcessQueue(JobRunner runner, uint32_t threads, uint32_t capacity,
                 std::chrono::nanoseconds keep)
      : runner_(std::move(runner)), capacity_(capacity), keep_(keep) {
    for (uint32_t i = 0; i < std::max<uint32_t>(threads, 1); ++i) {
      threads_.emplace_back([this] { WorkLoop(); });
    }
  }
  ~InProcessQueue() override { Shutdown(std::chrono::nanoseconds(0)); }

  absl::Status Submit(const Job& job) override;
  absl::StatusOr<JobStatus> Get(const std::string& id) override;
  void Shutdown(std::chrono::nanoseconds grace) override;

 private:
  using Clock = std::chrono::steady_clock;

  void WorkLoop();
  void Finish(JobStatus status);  // mu_ held
  void Expire();                  // mu_ held

  const JobRunner runner_;
  const uint32_t capacity_;
  const std::chrono::nanoseconds keep_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // a job was queued, or intake stopped
  std::condition_variable idle_cv_;  // a job finished
  std::deque<Job> pending_;
  std::unordered_map<std::string, JobStatus> statuses_;
  std::deque<std::pair<Clock::time_point, std::string>> finished_;  // oldest first
  uint32_t running_ = 0;
  bool stopping_ = false;

  std::mutex shutdown_mu_;  // one Shutdown at a time; guards threads_
  std::vector<std::thread> threads_;
};

absl::Status InProcessQueue::Submit(const Job& job) {
  if (job.id.empty()) {
    return absl::InvalidArgumentError("job queue: Submit of a job without an id");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    return absl::FailedPreconditionError(
        absl::StrCat("job queue: job ", job.id, " refused: the queue is shut down"));
  }
  if (pending_.size() >= capacity_) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "job queue: job %s refused: %d jobs already wait (capacity %d)", job.id,
        pending_.size(), capacity_));
  }
  Expire();
  if (!statuses_.emplace(job.id, StatusOf(job, JobState::kQueued)).second) {
    return absl::AlreadyExistsError(
        absl::StrCat("job queue: a job with id ", job.id, " already exists"));
  }
  pending_.push_back(job);
  work_cv_.notify_one();
  return absl::OkStatus();
}

absl::StatusOr<JobStatus> InProcessQueue::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Expire();
  auto it = statuses_.find(id);
  if (it == statuses_.end()) {
    return absl::NotFoundError(absl::StrCat("job ", id, ": no such job (or expired)"));
  }
  return it->second;
}

void InProcessQueue::WorkLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, nothing left to do
    Job job = std::move(pending_.front());
    pending_.pop_front();
    ++running_;
    statuses_[job.id].state = JobState::kRunning;
    lock.unlock();

    std::string error;
    HttpResponse response = runner_(job, &error);
    JobStatus status =
        StatusOf(job, error.empty() ? JobState::kDone : JobState::kFailed);
    status.response = std::move(response);
    status.error = std::move(error);

    lock.lock();
    --running_;
    Finish(std::move(status));
    idle_cv_.notify_all();
  }
}

void InProcessQueue::Finish(JobStatus status) {
  const Clock::time_point now = Clock::now();
  finished_.emplace_back(now, status.id);
  statuses_[status.id] = std::move(status);
  Expire();
}

void InProcessQueue::Expire() {
  const Clock::time_point now = Clock::now();
  while (!finished_.empty() &&
         (now - finished_.front().first >= keep_ ||
          finished_.size() > kMaxKeptJobStatuses)) {
    statuses_.erase(finished_.front().second);
    finished_.pop_front();
  }
}

void InProcessQueue::Shutdown(std::chrono::nanoseconds grace) {
  std::lock_guard<std::mutex> shutdown_lock(shutdown_mu_);
  if (threads_.empty()) return;
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
    work_cv_.notify_all();
    idle_cv_.wait_for(lock, grace, [this] { return pending_.empty() && running_ == 0; });
    while (!pending_.empty()) {
      JobStatus status = StatusOf(pending_.front(), JobState::kFailed);
      status.response.status = 503;
      status.error = "server shut down";
      Finish(std::move(status));
      pending_.pop_front();
    }
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace

std::unique_ptr<JobQueue> NewInProcessQueue(JobRunner runner, uint32_t threads,
                                            uint32_t capacity,
                                            std::chrono::nanoseconds keep) {
  return std::make_unique<InProcessQueue>(std::move(runner), threads, capacity, keep);
}

}  // namespace wsbx::serve
