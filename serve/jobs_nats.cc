// The NATS JetStream job queue (jobs.h): jobs on a work-queue stream (subject
// <prefix>.<id>), statuses in a key-value bucket under the id. Submit stores
// "queued" before publishing, so it never overwrites a worker's later status.
// libnats objects are owned by unique_ptrs; libnats frees its globals at exit.
#include <nats/nats.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "serve/jobs.h"

namespace wsbx::serve {
namespace {

template <auto Destroy>
struct NatsDeleter {
  template <typename T>
  void operator()(T* object) const {
    Destroy(object);
  }
};
using OptionsPtr = std::unique_ptr<natsOptions, NatsDeleter<natsOptions_Destroy>>;
using ConnectionPtr = std::unique_ptr<natsConnection, NatsDeleter<natsConnection_Destroy>>;
using JsPtr = std::unique_ptr<jsCtx, NatsDeleter<jsCtx_Destroy>>;
using KvPtr = std::unique_ptr<kvStore, NatsDeleter<kvStore_Destroy>>;
using KvEntryPtr = std::unique_ptr<kvEntry, NatsDeleter<kvEntry_Destroy>>;
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, NatsDeleter<jsStreamInfo_Destroy>>;
using ConsumerInfoPtr =
    std::unique_ptr<jsConsumerInfo, NatsDeleter<jsConsumerInfo_Destroy>>;
using PubAckPtr = std::unique_ptr<jsPubAck, NatsDeleter<jsPubAck_Destroy>>;
using SubscriptionPtr =
    std::unique_ptr<natsSubscription, NatsDeleter<natsSubscription_Destroy>>;

constexpr char kConsumer[] = "wsbx-workers";
// The route's timeout is not known here; a redelivery while the first run
// still works would run the job twice, so wait far longer than any route
// should take. A worker that dies mid-job has its job redelivered after this.
constexpr int64_t kAckWaitNs = int64_t{10} * 60 * 1000 * 1000 * 1000;
constexpr int64_t kFetchTimeoutMs = 200;  // how often a worker checks *stop

// "NATS <what>: <status text> (JetStream error N): <last error detail>".
absl::Status NatsError(absl::string_view what, natsStatus s,
                       jsErrCode js_error = static_cast<jsErrCode>(0)) {
  std::string message = absl::StrCat("NATS ", what, ": ", natsStatus_GetText(s));
  if (js_error != 0) absl::StrAppend(&message, " (JetStream error ", js_error, ")");
  natsStatus last = NATS_OK;
  // The thread's last error, unless it is left over from an earlier call.
  if (const char* detail = nats_GetLastError(&last);
      detail != nullptr && *detail && last == s) {
    absl::StrAppend(&message, ": ", detail);
  }
  if (s == NATS_NOT_FOUND) return absl::NotFoundError(message);
  return absl::UnavailableError(message);
}

// Stream, consumer and bucket names: one subject token, no wildcards.
bool IsName(std::string_view name, bool allow_dash) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || (allow_dash && c == '-');
  });
}

absl::Status CheckOptions(const NatsOptions& o) {
  if (o.url.empty()) return absl::InvalidArgumentError("NATS options: url is empty");
  if (!IsName(o.stream, true)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "NATS options: stream \"", o.stream, "\" must be letters, digits, _ or -"));
  }
  if (!IsName(o.bucket, true)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "NATS options: bucket \"", o.bucket, "\" must be letters, digits, _ or -"));
  }
  const std::string& p = o.subject_prefix;
  const bool bad_prefix = p.empty() || p.front() == '.' || p.back() == '.' ||
                          p.find("..") != std::string::npos ||
                          p.find_first_of("*> \t\r\n") != std::string::npos;
  if (bad_prefix) {
    return absl::InvalidArgumentError(absl::StrCat(
        "NATS options: subject_prefix \"", p, "\" must be dot-separated tokens without wildcards"));
  }
  return absl::OkStatus();
}

// One connection with its JetStream context and bucket, destroyed in reverse.
struct NatsHandles {
  ConnectionPtr connection;
  JsPtr js;
  KvPtr kv;
  int64_t max_payload = 0;
};

absl::StatusOr<ConnectionPtr> Connect(const std::string& url) {
  natsOptions* raw_options = nullptr;
  natsStatus s = natsOptions_Create(&raw_options);
  if (s != NATS_OK) return NatsError("options", s);
  OptionsPtr options(raw_options);
  // Reconnects ride out a NATS restart: 60 tries a second apart.
  if ((s = natsOptions_SetURL(options.get(), url.c_str())) != NATS_OK ||
      (s = natsOptions_SetAllowReconnect(options.get(), true)) != NATS_OK ||
      (s = natsOptions_SetMaxReconnect(options.get(), 60)) != NATS_OK ||
      (s = natsOptions_SetReconnectWait(options.get(), 1000)) != NATS_OK) {
    return NatsError(absl::StrCat("options for ", url), s);
  }
  natsConnection* raw = nullptr;
  s = natsConnection_Connect(&raw, options.get());
  if (s != NATS_OK) return NatsError(absl::StrCat("connect to ", url), s);
  return ConnectionPtr(raw);
}

absl::Status CheckStream(const jsStreamInfo& info, const NatsOptions& o,
                         const std::string& subjects) {
  const jsStreamConfig* c = info.Config;
  bool has_subject = false;
  for (int i = 0; c != nullptr && i < c->SubjectsLen; ++i) {
    has_subject = has_subject || subjects == c->Subjects[i];
  }
  if (c == nullptr || c->Retention != js_WorkQueuePolicy || !has_subject) {
    return absl::FailedPreconditionError(absl::StrCat(
        "NATS stream ", o.stream, " exists but is not a work-queue stream on ", subjects,
        "; delete it or choose another stream name"));
  }
  return absl::OkStatus();
}

// Creates the work-queue stream, or reuses one with the same retention and
// subjects (its MaxMsgs is whatever its creator chose). File storage: jobs
// answered 202 survive a NATS restart.
absl::Status EnsureStream(jsCtx* js, const NatsOptions& o) {
  const std::string subjects = absl::StrCat(o.subject_prefix, ".>");
  for (int attempt = 0; attempt < 2; ++attempt) {
    jsStreamInfo* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&raw, js, o.stream.c_str(), nullptr, &js_error);
    StreamInfoPtr info(raw);
    if (s == NATS_OK) return CheckStream(*info, o, subjects);
    if (s != NATS_NOT_FOUND && js_error != JSStreamNotFoundErr) {
      return NatsError(absl::StrCat("stream ", o.stream), s, js_error);
    }
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    const char* subject_list[] = {subjects.c_str()};
    config.Name = o.stream.c_str();
    config.Subjects = subject_list;
    config.SubjectsLen = 1;
    config.Retention = js_WorkQueuePolicy;
    config.Discard = js_DiscardNew;  // a full stream refuses, never drops a job
    config.MaxMsgs = o.max_pending == 0 ? -1
                     : static_cast<int64_t>(std::min<uint64_t>(o.max_pending, INT64_MAX));
    config.Storage = js_FileStorage;
    s = js_AddStream(nullptr, js, &config, nullptr, &js_error);
    if (s == NATS_OK) return absl::OkStatus();
    // Another process created it meanwhile: check what it made.
    if (js_error != JSStreamNameExistErr) {
      return NatsError(absl::StrCat("create stream ", o.stream, " on ", subjects), s,
                       js_error);
    }
  }
  return absl::UnavailableError(
      absl::StrCat("NATS stream ", o.stream, ": created and deleted concurrently"));
}

// Binds the bucket, creating it (history 1, TTL result_ttl, file storage)
// when missing; an existing bucket keeps its own TTL.
absl::StatusOr<KvPtr> EnsureBucket(jsCtx* js, const NatsOptions& o) {
  kvStore* raw = nullptr;
  natsStatus s = js_KeyValue(&raw, js, o.bucket.c_str());
  if (s == NATS_OK) return KvPtr(raw);
  if (s != NATS_NOT_FOUND) return NatsError(absl::StrCat("bucket ", o.bucket), s);
  kvConfig config;
  kvConfig_Init(&config);
  config.Bucket = o.bucket.c_str();
  config.History = 1;
  config.TTL = o.result_ttl.count();  // nanoseconds (the bucket stream's MaxAge)
  config.StorageType = js_FileStorage;
  s = js_CreateKeyValue(&raw, js, &config);
  if (s == NATS_OK) return KvPtr(raw);
  const absl::Status create_error = NatsError(absl::StrCat("create bucket ", o.bucket), s);
  if (js_KeyValue(&raw, js, o.bucket.c_str()) == NATS_OK) return KvPtr(raw);
  return create_error;
}

absl::StatusOr<NatsHandles> Open(const NatsOptions& o) {
  if (absl::Status s = CheckOptions(o); !s.ok()) return s;
  NatsHandles h;
  absl::StatusOr<ConnectionPtr> connection = Connect(o.url);
  if (!connection.ok()) return connection.status();
  h.connection = *std::move(connection);
  h.max_payload = natsConnection_GetMaxPayload(h.connection.get());
  jsOptions js_options;
  jsOptions_Init(&js_options);
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, h.connection.get(), &js_options);
  if (s != NATS_OK) return NatsError(absl::StrCat("JetStream at ", o.url), s);
  h.js.reset(js);
  if (absl::Status st = EnsureStream(js, o); !st.ok()) return st;
  absl::StatusOr<KvPtr> kv = EnsureBucket(js, o);
  if (!kv.ok()) return kv.status();
  h.kv = *std::move(kv);
  return h;
}

absl::Status PutStatus(kvStore* kv, const JobStatus& status) {
  const std::string value = SerializeStatus(status);
  if (value.size() > INT_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("job ", status.id, ": status too large"));
  }
  natsStatus s = kvStore_Put(nullptr, kv, status.id.c_str(), value.data(),
                             static_cast<int>(value.size()));
  if (s != NATS_OK) return NatsError(absl::StrCat("store status of job ", status.id), s);
  return absl::OkStatus();
}

absl::StatusOr<JobStatus> GetStatus(kvStore* kv, const std::string& id) {
  if (!IsJobId(id)) {
    return absl::NotFoundError(absl::StrCat("job ", id, ": no such job (not a job id)"));
  }
  kvEntry* raw = nullptr;
  natsStatus s = kvStore_Get(&raw, kv, id.c_str());
  KvEntryPtr entry(raw);
  if (s == NATS_NOT_FOUND) {
    return absl::NotFoundError(absl::StrCat("job ", id, ": no such job (or expired)"));
  }
  if (s != NATS_OK) return NatsError(absl::StrCat("read status of job ", id), s);
  const auto* data = static_cast<const char*>(kvEntry_Value(entry.get()));
  const int size = kvEntry_ValueLen(entry.get());
  absl::StatusOr<JobStatus> status =
      ParseStatus(std::string_view(data == nullptr ? "" : data, std::max(size, 0)));
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("job ", id, ": stored status unreadable: ",
                                            status.status().message()));
  }
  return status;
}

// ---------------------------------------------------------------------------
// Worker

struct WorkerShared {
  WorkerShared(const NatsOptions& o, const JobRunner& r, const std::atomic<bool>* s,
               NatsHandles& h)
      : options(o), runner(r), stop(s), handles(h) {}

  const NatsOptions& options;
  const JobRunner& runner;
  const std::atomic<bool>* stop;
  NatsHandles& handles;
  std::atomic<bool> failed{false};
  std::mutex mu;
  absl::Status error;  // the first thread's fatal error

  void Fail(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu);
    if (error.ok()) error = std::move(status);
    failed = true;
  }
};

void LogMessage(const natsMsg* msg, absl::string_view what) {
  const char* subject = natsMsg_GetSubject(msg);
  std::fprintf(stderr, "wsbx worker: job message on %s: %.*s\n",
               subject == nullptr ? "?" : subject, static_cast<int>(what.size()),
               what.data());
}

// The final status, or a failed one when it would not fit in a NATS message.
JobStatus FinalStatus(const Job& job, HttpResponse response, std::string error,
                      int64_t max_payload) {
  JobStatus status = StatusOf(job, error.empty() ? JobState::kDone : JobState::kFailed);
  status.response = std::move(response);
  status.error = std::move(error);
  const size_t size = SerializeStatus(status).size();
  if (max_payload > 0 && size > static_cast<uint64_t>(max_payload)) {
    status.state = JobState::kFailed;
    status.response = HttpResponse();
    status.response.status = 500;
    status.error = absl::StrFormat(
        "result of %d bytes exceeds the NATS server's max_payload of %d bytes", size,
        max_payload);
  }
  return status;
}

void HandleMessage(natsMsg* msg, WorkerShared& shared) {
  kvStore* kv = shared.handles.kv.get();
  const std::string_view data(natsMsg_GetData(msg),
                              static_cast<size_t>(std::max(natsMsg_GetDataLength(msg), 0)));
  absl::StatusOr<Job> job = ParseJob(data);
  if (job.ok() && !IsJobId(job->id)) {
    job = absl::InvalidArgumentError(absl::StrCat("job: id \"", job->id, "\" is not a job id"));
  }
  if (!job.ok()) {
    LogMessage(msg, absl::StrCat(job.status().message(), "; terminated"));
    natsMsg_Term(msg, nullptr);
    return;
  }
  // A redelivery of a job whose run finished but whose ack was lost.
  if (absl::StatusOr<JobStatus> old = GetStatus(kv, job->id);
      old.ok() && (old->state == JobState::kDone || old->state == JobState::kFailed)) {
    natsMsg_AckSync(msg, nullptr, nullptr);
    return;
  }
  if (absl::Status s = PutStatus(kv, StatusOf(*job, JobState::kRunning)); !s.ok()) {
    LogMessage(msg, s.message());
  }
  std::string error;
  HttpResponse response = shared.runner(*job, &error);
  JobStatus final_status = FinalStatus(*job, std::move(response), std::move(error),
                                       shared.handles.max_payload);
  // Acked even when storing fails: running the job again could repeat its
  // effects, and the client then sees "running" until the status expires.
  if (absl::Status s = PutStatus(kv, final_status); !s.ok()) LogMessage(msg, s.message());
  jsErrCode js_error = static_cast<jsErrCode>(0);
  if (natsStatus s = natsMsg_AckSync(msg, nullptr, &js_error); s != NATS_OK) {
    LogMessage(msg, NatsError(absl::StrCat("ack of job ", job->id), s, js_error).message());
  }
}

void WorkLoop(natsSubscription* sub, WorkerShared& shared) {
  while (!shared.stop->load() && !shared.failed.load()) {
    natsMsgList list = {nullptr, 0};
    jsErrCode js_error = static_cast<jsErrCode>(0);
    const natsStatus s = natsSubscription_Fetch(&list, sub, 1, kFetchTimeoutMs, &js_error);
    if (s == NATS_OK) {
      for (int i = 0; i < list.Count; ++i) HandleMessage(list.Msgs[i], shared);
      natsMsgList_Destroy(&list);
      continue;
    }
    natsMsgList_Destroy(&list);
    if (s == NATS_TIMEOUT) continue;
    if (natsConnection_IsClosed(shared.handles.connection.get())) {
      shared.Fail(NatsError(absl::StrCat("fetch from stream ", shared.options.stream,
                                         " (connection closed)"),
                            s, js_error));
      return;
    }
    // Disconnected and reconnecting: try again shortly.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The durable pull consumer all workers share; created once, then bound, so
// no subscription deletes it when it ends.
absl::Status EnsureConsumer(jsCtx* js, const NatsOptions& o) {
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = kConsumer;
  config.AckPolicy = js_AckExplicit;
  config.AckWait = kAckWaitNs;
  config.DeliverPolicy = js_DeliverAll;  // required on a work-queue stream
  jsConsumerInfo* raw = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = js_AddConsumer(&raw, js, o.stream.c_str(), &config, nullptr, &js_error);
  ConsumerInfoPtr info(raw);
  if (s == NATS_OK) return absl::OkStatus();
  const absl::Status add_error = NatsError(
      absl::StrCat("create consumer ", kConsumer, " on stream ", o.stream), s, js_error);
  // It exists with another configuration (an older worker made it): use it.
  s = js_GetConsumerInfo(&raw, js, o.stream.c_str(), kConsumer, nullptr, &js_error);
  info.reset(raw);
  return s == NATS_OK ? absl::OkStatus() : add_error;
}

// ---------------------------------------------------------------------------
// Queue

class NatsQueue final : public JobQueue {
 public:
  NatsQueue(NatsOptions options, NatsHandles handles)
      : options_(std::move(options)), handles_(std::move(handles)) {}
  ~NatsQueue() override { Shutdown(std::chrono::nanoseconds(0)); }

  // Starts `threads` worker threads in this process.
  void StartWorker(JobRunner runner, uint32_t threads) {
    worker_ = std::thread([this, runner = std::move(runner), threads] {
      absl::Status s = RunNatsWorker(options_, runner, threads, &stop_worker_);
      if (!s.ok()) {
        std::fprintf(stderr, "wsbx serve: NATS worker ended: %s\n",
                     std::string(s.message()).c_str());
      }
    });
  }

  absl::Status Submit(const Job& job) override;
  absl::StatusOr<JobStatus> Get(const std::string& id) override;
  // Queued jobs stay in NATS for any worker, so there is nothing to drain
  // but the local worker, which ends after its current job (`grace` is not
  // needed for that). Get keeps working until the queue is destroyed.
  void Shutdown(std::chrono::nanoseconds /*grace*/) override {
    closed_ = true;
    stop_worker_ = true;
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    if (worker_.joinable()) worker_.join();
  }

 private:
  absl::Status Publish(const Job& job);

  const NatsOptions options_;
  NatsHandles handles_;  // libnats objects are safe to share between threads
  std::atomic<bool> closed_{false};
  std::atomic<bool> stop_worker_{false};
  std::mutex shutdown_mu_;  // one Shutdown joins the worker
  std::thread worker_;
};

absl::Status NatsQueue::Submit(const Job& job) {
  if (!IsJobId(job.id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("NATS job queue: job id \"", job.id, "\" is not 32 hex digits"));
  }
  if (closed_) {
    return absl::FailedPreconditionError(
        absl::StrCat("NATS job queue: job ", job.id, " refused: the queue is shut down"));
  }
  if (absl::Status s = PutStatus(handles_.kv.get(), StatusOf(job, JobState::kQueued));
      !s.ok()) {
    return s;
  }
  absl::Status published = Publish(job);
  // Not queued: the client gets 503 and no id, so the status goes too.
  if (!published.ok()) kvStore_Delete(handles_.kv.get(), job.id.c_str());
  return published;
}

absl::Status NatsQueue::Publish(const Job& job) {
  const std::string data = SerializeJob(job);
  if (handles_.max_payload > 0 && data.size() > static_cast<uint64_t>(handles_.max_payload)) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "NATS job queue: job %s of %d bytes exceeds the server's max_payload of %d bytes",
        job.id, data.size(), handles_.max_payload));
  }
  const std::string subject = absl::StrCat(options_.subject_prefix, ".", job.id);
  jsPubOptions pub_options;
  jsPubOptions_Init(&pub_options);
  pub_options.MsgId = job.id.c_str();  // a retried publish is not queued twice
  jsPubAck* raw_ack = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus s = js_Publish(&raw_ack, handles_.js.get(), subject.c_str(), data.data(),
                            static_cast<int>(data.size()), &pub_options, &js_error);
  PubAckPtr ack(raw_ack);
  if (s == NATS_OK) return absl::OkStatus();
  absl::Status error = NatsError(absl::StrCat("publish job ", job.id, " on ", subject), s,
                                 js_error);
  // With DiscardNew, a stream at MaxMsgs refuses the message.
  if (js_error == JSStreamStoreFailedErr || js_error == JSStreamLimitsErr) {
    return absl::ResourceExhaustedError(absl::StrCat(
        error.message(), " (stream ", options_.stream, " holds max_pending jobs)"));
  }
  return error;
}

absl::StatusOr<JobStatus> NatsQueue::Get(const std::string& id) {
  return GetStatus(handles_.kv.get(), id);
}

}  // namespace

absl::StatusOr<std::unique_ptr<JobQueue>> NewNatsQueue(const NatsOptions& options,
                                                        JobRunner runner,
                                                        uint32_t threads) {
  absl::StatusOr<NatsHandles> handles = Open(options);
  if (!handles.ok()) return handles.status();
  auto queue = std::make_unique<NatsQueue>(options, *std::move(handles));
  if (runner) queue->StartWorker(std::move(runner), threads);
  return queue;
}

absl::Status RunNatsWorker(const NatsOptions& options, JobRunner runner,
                           uint32_t threads, const std::atomic<bool>* stop) {
  if (!runner || stop == nullptr) {
    return absl::InvalidArgumentError("NATS worker: runner and stop flag are required");
  }
  absl::StatusOr<NatsHandles> handles = Open(options);
  if (!handles.ok()) return handles.status();
  if (absl::Status s = EnsureConsumer(handles->js.get(), options); !s.ok()) return s;
  // One subscription per thread: a subscription serves one Fetch at a time.
  std::vector<SubscriptionPtr> subs;
  const std::string filter = absl::StrCat(options.subject_prefix, ".>");
  for (uint32_t i = 0; i < std::max<uint32_t>(threads, 1); ++i) {
    jsSubOptions sub_options;
    jsSubOptions_Init(&sub_options);
    sub_options.Stream = options.stream.c_str();
    sub_options.Consumer = kConsumer;
    natsSubscription* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    natsStatus s = js_PullSubscribe(&raw, handles->js.get(), filter.c_str(), kConsumer,
                                    nullptr, &sub_options, &js_error);
    if (s != NATS_OK) {
      return NatsError(absl::StrCat("pull subscribe to consumer ", kConsumer, " on ",
                                    options.stream),
                       s, js_error);
    }
    subs.emplace_back(raw);
  }
  WorkerShared shared(options, runner, stop, *handles);
  std::vector<std::thread> workers;
  for (SubscriptionPtr& sub : subs) {
    workers.emplace_back([&shared, s = sub.get()] { WorkLoop(s, shared); });
  }
  for (std::thread& worker : workers) worker.join();
  std::lock_guard<std::mutex> lock(shared.mu);
  return shared.error;
}

}  // namespace wsbx::serve
