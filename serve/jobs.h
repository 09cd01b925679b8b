// Async work: a route marked async answers 202 with a job id; the job is
// queued, run later under the route's limits, and GET /jobs/ID reports its
// state and result. Two queues behind one interface: in-process (worker
// threads of this server) and NATS JetStream (jobs on a work-queue stream,
// results in a key-value bucket, run by any number of `wsbx worker`s).
#ifndef WSBX_SERVE_JOBS_H_
#define WSBX_SERVE_JOBS_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "serve/http_types.h"

namespace wsbx::serve {

enum class JobState { kQueued, kRunning, kDone, kFailed };
const char* ToString(JobState state);

struct Job {
  std::string id;       // 32 hex digits, random
  std::string route;    // the route path it was submitted to
  HttpRequest request;
};

struct JobStatus {
  std::string id;
  std::string route;
  JobState state = JobState::kQueued;
  // For kDone/kFailed: the response the route produced (kFailed: the error
  // response, e.g. 504 for a timeout) and a short reason.
  HttpResponse response;
  std::string error;
};

// Runs one job to its response; set by whoever owns the routes. Called on
// the queue's worker threads. Must not throw.
using JobRunner = std::function<HttpResponse(const Job& job, std::string* error)>;

// The JSON text of a status, for GET /jobs/ID:
// {"id","route","state","status"?,"headers"?,"body"?,"body_base64"?,"error"?}
// status, headers and body only once the job finished (done or failed);
// headers as in the json contract ({name:[values]}); a body that is not
// UTF-8 is sent base64 with "body_base64": true; error only when non-empty.
std::string JobStatusJson(const JobStatus& status);
// Serialization of jobs and statuses for the NATS queue (JSON; bodies and
// header values base64, other texts base64 when not UTF-8): Parse(Serialize(x))
// equals x for any bytes. Parse errors name the field ("job: request.headers[1]:
// missing value_base64"); unknown keys are ignored so workers and servers of
// different versions interoperate.
std::string SerializeJob(const Job& job);
absl::StatusOr<Job> ParseJob(std::string_view text);
std::string SerializeStatus(const JobStatus& status);
absl::StatusOr<JobStatus> ParseStatus(std::string_view text);
// 32 lowercase hex digits from getrandom(2) (128 bits: ids are unguessable,
// so knowing one's own id is what grants reading the result).
std::string NewJobId();
// A status of `job` in `state`, with nothing else filled in.
JobStatus StatusOf(const Job& job, JobState state);
// True for what NewJobId makes; the NATS queue uses ids in subjects and keys.
bool IsJobId(std::string_view id);

class JobQueue {
 public:
  virtual ~JobQueue() = default;
  // Queues `job` (its id already set); an error when the queue is full or
  // unreachable (the server answers 503).
  virtual absl::Status Submit(const Job& job) = 0;
  // The job's status; NotFound for an unknown id (404).
  virtual absl::StatusOr<JobStatus> Get(const std::string& id) = 0;
  // Stops taking jobs, lets running ones finish (up to `grace`), joins threads.
  virtual void Shutdown(std::chrono::nanoseconds grace) = 0;
};

// In-process: `threads` workers (at least one) call `runner`; at most
// `capacity` jobs wait (Submit: ResourceExhausted beyond, FailedPrecondition
// after Shutdown); finished statuses are kept for `keep`, and at most
// kMaxKeptJobStatuses of them (oldest dropped first; then Get says NotFound).
// Shutdown(grace) lets queued and running jobs finish within `grace`; jobs
// still queued then fail with "server shut down"; running ones are waited for
// (the runner's own timeout bounds them). The destructor is Shutdown(0).
inline constexpr size_t kMaxKeptJobStatuses = 10000;
std::unique_ptr<JobQueue> NewInProcessQueue(JobRunner runner, uint32_t threads,
                                            uint32_t capacity,
                                            std::chrono::nanoseconds keep);

// NATS JetStream. The server side submits and reads; it runs nothing unless
// `runner` is set (then `threads` threads also work jobs, as a worker does;
// Shutdown stops them after their current job). Submit: ResourceExhausted
// when the stream holds max_pending jobs, Unavailable when NATS is not
// reachable, InvalidArgument for an id that is not IsJobId.
struct NatsOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string stream = "WSBX_JOBS";      // work-queue stream, subjects wsbx.jobs.>
  std::string subject_prefix = "wsbx.jobs";
  std::string bucket = "wsbx_results";   // key-value bucket: id -> status JSON
  std::chrono::nanoseconds result_ttl = std::chrono::hours(24);
  uint64_t max_pending = 10000;          // stream's max messages; beyond: refused
};
absl::StatusOr<std::unique_ptr<JobQueue>> NewNatsQueue(const NatsOptions& options,
                                                        JobRunner runner = nullptr,
                                                        uint32_t threads = 1);

// `wsbx worker`: takes jobs from the stream (a durable pull consumer shared
// by all workers), marks them running, calls `runner`, stores the status,
// acks. Creates the stream, bucket and consumer when missing. Returns when
// *stop becomes true (checked at least every 200 ms, after the jobs running
// then finish) or on a connection error that outlives reconnects.
absl::Status RunNatsWorker(const NatsOptions& options, JobRunner runner,
                           uint32_t threads, const std::atomic<bool>* stop);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_JOBS_H_
