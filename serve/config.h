// The configuration of `wsbx serve`: routes mapping URL paths to modules,
// each with its contract, budgets, WASI grants and admission limits. Read
// from a JSON file (ParseServeConfig) or built from the one-route command
// line. Every unknown key and every value of the wrong type is an error
// that names the key (`routes["/fn"].timeout: expected a duration string
// like "2s"`).
#ifndef WSBX_SERVE_CONFIG_H_
#define WSBX_SERVE_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace wsbx::serve {

enum class Contract { kJson, kCgi };
enum class PolicyName { kStandard, kStrict, kParanoid };

struct DirGrant {
  std::string host;   // host directory (made absolute against the config's folder)
  std::string guest;  // path the guest sees
  bool read_only = false;
  bool operator==(const DirGrant&) const = default;
};

struct RouteConfig {
  std::string path;        // "/fn": matches "/fn" and "/fn/..." (longest prefix wins)
  std::string module;      // module file (absolute after parsing)
  Contract contract = Contract::kJson;
  PolicyName policy = PolicyName::kStrict;
  // Budgets per request; unset = the policy's default.
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::nanoseconds> timeout;
  std::optional<uint64_t> stack_bytes;
  uint64_t max_body_bytes = 1 << 20;     // request body; beyond: 413
  uint64_t max_output_bytes = 16 << 20;  // guest stdout+stderr
  std::vector<DirGrant> dirs;
  std::vector<std::pair<std::string, std::string>> env;  // NAME, VALUE
  std::vector<std::string> args;         // argv[1..]
  // Admission: at most `concurrency` requests run at once (default: the
  // server's worker count); up to `queue` more wait; beyond that 503 with
  // Retry-After: retry_after_seconds.
  std::optional<uint32_t> concurrency;
  uint32_t queue = 64;
  uint32_t retry_after_seconds = 1;
  bool async = false;      // answer 202 with a job id, run through the job queue
  std::string audit_log;   // JSON Lines file of this route's audit events; empty: none
  // A reload keeps a route's sandboxes when its settings compare equal.
  bool operator==(const RouteConfig&) const = default;
};

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";  // ADDR:PORT; port 0 picks a free one
  uint32_t workers = 0;                    // 0: one per core
  std::chrono::nanoseconds header_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds shutdown_grace = std::chrono::seconds(30);
  std::string access_log = "-";            // "-": stderr; empty: off; else a file
  std::vector<RouteConfig> routes;
};

// Parses the JSON text of a config file (the accepted shape is documented
// at the top of config.cc). Relative paths (module, dirs' host side, audit
// logs, the access log unless "-" or "") are taken from `base_dir`. Checks: at least one
// route, route paths start with '/' and are unique, known contract and
// policy names, sizes ("64M", "1MiB", "4096") and durations ("250ms",
// "2s", "1m", "1h") well-formed, the module file exists.
absl::StatusOr<ServeConfig> ParseServeConfig(std::string_view json,
                                             const std::string& base_dir);
// Reads and parses a config file (base_dir = its folder).
absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path);

// "64M", "64MiB", "64MB", "64K", "4G", "4096" (bytes). Errors say why.
absl::StatusOr<uint64_t> ParseSize(std::string_view text);
// "250ms", "2s", "1.5s", "1m", "1h", "100us". A bare number is an error.
absl::StatusOr<std::chrono::nanoseconds> ParseDuration(std::string_view text);

const char* ToString(Contract contract);
const char* ToString(PolicyName policy);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_CONFIG_H_
