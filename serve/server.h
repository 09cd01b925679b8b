// `wsbx serve`: the HTTP/1.1 side (Boost.Beast on one network thread) in
// front of the route runners and the scheduler. The network thread never
// runs a guest: requests go to the workers and their responses come back
// as posted completions. SIGTERM/SIGINT drain (in-flight requests finish
// within the grace period), SIGHUP reloads the routes whose module or
// settings changed without dropping a request.
#ifndef WSBX_SERVE_SERVER_H_
#define WSBX_SERVE_SERVER_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "serve/config.h"
#include "serve/jobs.h"

namespace wsbx::serve {

struct ServerOptions {
  ServeConfig config;
  // The file the config came from (SIGHUP reads it again); empty for the
  // one-route command line (SIGHUP then reloads changed modules only).
  std::string config_path;
  // Async jobs through NATS JetStream instead of the in-process queue.
  std::optional<NatsOptions> nats;
  // Also run jobs here when NATS is used (as a `wsbx worker` would).
  bool run_jobs = true;
};

// Runs until SIGTERM or SIGINT and the drain that follows. Prints
// "listening on ADDR:PORT" to stderr once the socket is bound. A bad
// config or module, or an address that cannot be bound, is an error
// before anything is served.
absl::Status RunServer(ServerOptions options);

// `wsbx worker`: runs the async routes' jobs from NATS until SIGTERM/SIGINT.
absl::Status RunWorker(const ServeConfig& config, const NatsOptions& nats,
                       uint32_t threads);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_SERVER_H_
