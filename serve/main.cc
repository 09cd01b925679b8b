// wsbx-serve: `wsbx serve` and `wsbx worker` (the wsbx command hands
// these subcommands to this program, which links the HTTP and NATS
// libraries the lean `wsbx` binary does without).
//   wsbx serve [--listen ADDR:PORT] [--nats URL] routes.json
//   wsbx serve module.wasm --route /fn [run flags]
//   wsbx worker --nats URL [--threads N] routes.json
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "serve/config.h"
#include "serve/encoding.h"
#include "serve/server.h"

namespace {

using wsbx::serve::ParseDuration;
using wsbx::serve::ParseSize;

struct RouteFlags {
  std::string route = "/";
  std::string contract = "json";
  std::string policy = "strict";
  std::string mem, timeout, stack, max_body, max_output;
  std::optional<uint64_t> fuel;
  std::vector<std::string> dirs, dirs_ro, env, args;
  std::optional<uint32_t> concurrency;
  uint32_t queue = 64;
  bool async = false;
  std::string audit;
};

constexpr const char* kRouteGroup = "Route (the one-route form)";

void AddRouteFlags(CLI::App* app, RouteFlags& f) {
  app->option_defaults()->group(kRouteGroup);
  app->add_option("--route", f.route, "URL path of the one route")->option_text("PATH (default /)");
  app->add_option("--contract", f.contract, "how the guest gets the request")->option_text("json|cgi (default json)");
  app->add_option("--policy", f.policy, "the limits and grants a request starts from")->option_text("standard|strict|paranoid (default strict)");
  app->add_option("--mem", f.mem, "memory cap per request (64M, 1G, ...)")->option_text("SIZE (default: the policy's)");
  app->add_option("--timeout", f.timeout, "time per request (250ms, 2s, ...)")->option_text("DURATION (default: the policy's)");
  app->add_option("--fuel", f.fuel, "instructions per request")->option_text("N (default: the policy's)");
  app->add_option("--stack", f.stack, "interpreter stack per request (1M, ...)")->option_text("SIZE (default: the policy's)");
  app->add_option("--max-body", f.max_body, "largest request body")->option_text("SIZE (default 1M)");
  app->add_option("--max-output", f.max_output, "cap on the guest's stdout+stderr")->option_text("SIZE (default 16M)");
  app->add_option("--dir", f.dirs, "grant a directory read-write: HOST::GUEST or DIR")->type_name("DIR");
  app->add_option("--dir-ro", f.dirs_ro, "grant a directory read-only: HOST::GUEST or DIR")->type_name("DIR");
  app->add_option("--env", f.env, "NAME=VALUE, or NAME to copy the host's")->type_name("VAR");
  app->add_option("--arg", f.args, "an argument for the guest (repeatable)")->type_name("ARG");
  app->add_option("--concurrency", f.concurrency, "requests run at once")->option_text("N (default: --workers)");
  app->add_option("--queue", f.queue, "requests waiting beyond that; then 503")->default_val(64)->option_text("N (default 64)");
  app->add_flag("--async", f.async, "answer 202 with a job id; GET /jobs/ID for the result");
  app->add_option("--audit", f.audit, "JSON Lines file of refused operations")->option_text("FILE (default none)");
  app->option_defaults()->group("Options");
}

absl::Status AddDir(wsbx::serve::RouteConfig& r, const std::string& spec, bool ro) {
  const size_t sep = spec.find("::");
  wsbx::serve::DirGrant d;
  d.host = sep == std::string::npos ? spec : spec.substr(0, sep);
  d.guest = sep == std::string::npos ? spec : spec.substr(sep + 2);
  d.read_only = ro;
  if (d.host.empty() || d.guest.empty()) {
    return absl::InvalidArgumentError("--dir: expected HOST::GUEST or DIR, got \"" + spec + "\"");
  }
  r.dirs.push_back(d);
  return absl::OkStatus();
}

// The one-route form as the same config a file would give.
absl::StatusOr<wsbx::serve::ServeConfig> OneRoute(const std::string& module,
                                                  const RouteFlags& f) {
  std::string json = "{\"routes\":{" + wsbx::serve::JsonString(f.route) + ":{\"module\":" +
                     wsbx::serve::JsonString(module) + "}}}";
  absl::StatusOr<wsbx::serve::ServeConfig> c = wsbx::serve::ParseServeConfig(json, ".");
  if (!c.ok()) return c.status();
  wsbx::serve::RouteConfig& r = c->routes[0];
  if (f.contract == "cgi") r.contract = wsbx::serve::Contract::kCgi;
  else if (f.contract != "json") return absl::InvalidArgumentError("--contract: json or cgi");
  if (f.policy == "standard") r.policy = wsbx::serve::PolicyName::kStandard;
  else if (f.policy == "paranoid") r.policy = wsbx::serve::PolicyName::kParanoid;
  else if (f.policy != "strict") return absl::InvalidArgumentError("--policy: standard, strict or paranoid");
  auto size = [](const std::string& flag, const std::string& v,
                 std::optional<uint64_t>& out) -> absl::Status {
    if (v.empty()) return absl::OkStatus();
    absl::StatusOr<uint64_t> n = ParseSize(v);
    if (!n.ok()) return absl::InvalidArgumentError(flag + ": " + std::string(n.status().message()));
    out = *n;
    return absl::OkStatus();
  };
  std::optional<uint64_t> body, output;
  for (absl::Status st : {size("--mem", f.mem, r.memory_bytes), size("--stack", f.stack, r.stack_bytes),
                          size("--max-body", f.max_body, body), size("--max-output", f.max_output, output)}) {
    if (!st.ok()) return st;
  }
  if (body) r.max_body_bytes = *body;
  if (output) r.max_output_bytes = *output;
  if (!f.timeout.empty()) {
    auto t = ParseDuration(f.timeout);
    if (!t.ok()) return absl::InvalidArgumentError("--timeout: " + std::string(t.status().message()));
    r.timeout = *t;
  }
  r.fuel = f.fuel;
  for (const auto& d : f.dirs) if (auto st = AddDir(r, d, false); !st.ok()) return st;
  for (const auto& d : f.dirs_ro) if (auto st = AddDir(r, d, true); !st.ok()) return st;
  for (const std::string& e : f.env) {
    const size_t eq = e.find('=');
    if (eq != std::string::npos) {
      r.env.emplace_back(e.substr(0, eq), e.substr(eq + 1));
    } else if (const char* v = std::getenv(e.c_str())) {
      r.env.emplace_back(e, v);
    }
  }
  r.args = f.args;
  if (f.concurrency && *f.concurrency == 0) return absl::InvalidArgumentError("--concurrency: at least 1");
  r.concurrency = f.concurrency;
  r.queue = f.queue;
  r.async = f.async;
  r.audit_log = f.audit;
  return c;
}

int Fail(const absl::Status& st) {
  std::fprintf(stderr, "wsbx: %s\n", std::string(st.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("wsbx serve and wsbx worker: WebAssembly functions over HTTP");
  app.require_subcommand(1);
  CLI::App* serve = app.add_subcommand("serve", "Serve HTTP functions: a config file or one module");
  std::string target, listen, nats, workers_flag;
  uint32_t workers = 0;
  RouteFlags flags;
  serve->add_option("CONFIG_OR_MODULE", target, "routes.json, or a module for one route")->type_name("FILE")->required();
  serve->add_option("--listen", listen, "where to listen (port 0: any free port)")->option_text("ADDR:PORT (default 127.0.0.1:8080)");
  serve->add_option("--workers", workers, "worker threads")->option_text("N (default: one per core)");
  serve->add_option("--nats", nats, "queue async jobs in NATS JetStream at this URL")->option_text("URL (default none)");
  bool no_local_jobs = false;
  serve->add_flag("--no-local-jobs", no_local_jobs, "with --nats: leave all jobs to `wsbx worker`s");
  AddRouteFlags(serve, flags);
  CLI::App* worker = app.add_subcommand("worker", "Run async jobs from NATS JetStream");
  std::string worker_config;
  uint32_t threads = 0;
  worker->add_option("CONFIG", worker_config, "routes.json (its async routes)")->type_name("FILE")->required();
  worker->add_option("--nats", nats, "NATS URL")->type_name("URL")->required();
  worker->add_option("--threads", threads, "jobs run at once")->option_text("N (default: one per core)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // --help prints and gives 0
    return code == 0 ? 0 : 2;      // usage errors: 2, as for `wsbx run`
  }

  if (worker->parsed()) {
    auto config = wsbx::serve::LoadServeConfig(worker_config);
    if (!config.ok()) return Fail(config.status());
    wsbx::serve::NatsOptions n;
    n.url = nats;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    absl::Status st = wsbx::serve::RunWorker(*config, n, threads);
    return st.ok() ? 0 : Fail(st);
  }
  wsbx::serve::ServerOptions options;
  const bool is_config = absl::EndsWith(target, ".json");
  if (is_config) {
    // Route settings belong in the file: a flag beside it would be ignored.
    for (const CLI::Option* opt : serve->get_options()) {
      if (opt->get_group() == kRouteGroup && opt->count() > 0) {
        std::fprintf(stderr, "wsbx serve: %s sets the one route of `wsbx serve MODULE`; "
                     "with a config file, set it in the file's route\n",
                     opt->get_name().c_str());
        return 2;
      }
    }
  }
  auto config = is_config ? wsbx::serve::LoadServeConfig(target) : OneRoute(target, flags);
  if (!config.ok()) return Fail(config.status());
  options.config = *std::move(config);
  if (is_config) options.config_path = target;
  if (!listen.empty()) options.config.listen = listen;
  if (workers > 0) options.config.workers = workers;
  if (!nats.empty()) {
    options.nats = wsbx::serve::NatsOptions();
    options.nats->url = nats;
    options.run_jobs = !no_local_jobs;
  }
  absl::Status st = wsbx::serve::RunServer(std::move(options));
  return st.ok() ? 0 : Fail(st);
}
