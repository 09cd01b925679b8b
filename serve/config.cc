// Reads the `wsbx serve` config file (config.h) with simdjson's DOM parser,
// error codes only. Every key is checked against a table of known fields, so
// an unknown or repeated key is an error naming its path; values are range-
// checked here, and relative paths made absolute against the base directory.
//
// The accepted shape (every key but "routes" and each route's "module" is
// optional; defaults are in config.h):
//
//   {
//     "listen": "127.0.0.1:8080",   IPv4:PORT, localhost:PORT, [IPv6]:PORT
//     "workers": 2,                 integer 0..1024 (0: one per core)
//     "header_timeout": "10s",      durations: strings, > 0
//     "idle_timeout": "60s",
//     "shutdown_grace": "30s",      a duration, 0 allowed (stop at once)
//     "access_log": "-",            "-": stderr, "": off, else a file path
//     "routes": {                   object keyed by URL path, order kept
//       "/api": {
//         "module": "fn.wasm",      required; the file must exist
//         "contract": "json",       json | cgi
//         "policy": "strict",       standard | strict | paranoid
//         "memory": "64M",          sizes: integer bytes or a ParseSize string
//         "fuel": 1000000000,       integer or a string of digits, >= 1
//         "timeout": "2s",          a duration string, > 0
//         "stack": "1M",
//         "max_body": "1M",
//         "max_output": "16M",
//         "dirs": [{"host": "data", "guest": "/data", "read_only": true}],
//         "env": {"NAME": "VALUE"},  string values; NAME non-empty, no '='
//         "args": ["-v"],
//         "concurrency": 4,         integer 1..100000
//         "queue": 64,              integer 0..100000
//         "retry_after": 1,         integer seconds 0..86400
//         "async": false,
//         "audit_log": "api-audit.jsonl"   "": none
//       }
//     }
//   }
//
// "memory" and "stack" must be nonzero; in "dirs" both "host" and "guest"
// are required and "guest" must be absolute. Relative paths (module,
// dirs[].host, audit_log, access_log) resolve against the base directory.
#include "serve/config.h"

#include <arpa/inet.h>
#include <simdjson.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <limits>
#include <set>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "serve/encoding.h"

namespace wsbx::serve {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kMaxConfigBytes = 1 << 20;

// Abseil here is built with its own string_view; these bridge the two.
absl::string_view Av(std::string_view text) {
  return {text.data(), text.size()};
}
std::string_view Sv(absl::string_view text) {
  return {text.data(), text.size()};
}

absl::Status Invalid(std::string_view where, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(Av(where), ": ", Av(why)));
}

// The path of `key` inside the value at `where`: `a.b`, or `a["x y"]` when
// the key is not a plain identifier.
std::string Member(std::string_view where, std::string_view key) {
  bool plain = !key.empty();
  for (char c : key) {
    plain = plain &&
            (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_');
  }
  if (!plain) return absl::StrCat(Av(where), "[", JsonString(key), "]");
  return where.empty() ? std::string(key)
                       : absl::StrCat(Av(where), ".", Av(key));
}

// ---------------------------------------------------------------------------
// Scalar readers. Each returns the value or an error naming `where`.

absl::StatusOr<std::string> ReadString(element value,
                                       const std::string& where) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return Invalid(where, "expected a string");
  }
  return std::string(text);
}

absl::StatusOr<bool> ReadBool(element value, const std::string& where) {
  bool flag = false;
  if (value.get_bool().get(flag) != simdjson::SUCCESS) {
    return Invalid(where, "expected true or false");
  }
  return flag;
}

// A non-negative JSON integer (fractions and negatives rejected).
absl::StatusOr<uint64_t> ReadUnsigned(element value, const std::string& where) {
  const element_type type = value.type();
  if (type != element_type::INT64 && type != element_type::UINT64) {
    return Invalid(where, "expected an integer");
  }
  uint64_t n = 0;
  if (value.get_uint64().get(n) != simdjson::SUCCESS) {
    return Invalid(where, "must not be negative");
  }
  return n;
}

auto IntegerIn(uint64_t min, uint64_t max) {
  return [min, max](element value,
                    const std::string& where) -> absl::StatusOr<uint64_t> {
    absl::StatusOr<uint64_t> n = ReadUnsigned(value, where);
    if (!n.ok()) return n.status();
    if (*n < min || *n > max) {
      return Invalid(where,
                     absl::StrCat(*n, " is out of range ", min, "..", max));
    }
    return *n;
  };
}

// Decimal digits only; an empty text, any other character or a value above
// 2^64-1 is an error.
absl::StatusOr<uint64_t> ParseDigits(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("expected digits");
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat("unexpected character '",
                                                     absl::string_view(&c, 1),
                                                     "' (expected digits)"));
    }
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return absl::InvalidArgumentError("does not fit in 64 bits");
    }
    n = n * 10 + digit;
  }
  return n;
}

absl::StatusOr<uint64_t> ReadSize(element value, const std::string& where) {
  const element_type type = value.type();
  if (type == element_type::INT64 || type == element_type::UINT64) {
    return ReadUnsigned(value, where);
  }
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return Invalid(
        where, "expected a size: bytes as an integer or a string like \"64M\"");
  }
  absl::StatusOr<uint64_t> size = ParseSize(text);
  if (!size.ok()) return Invalid(where, Sv(size.status().message()));
  return *size;
}

absl::StatusOr<uint64_t> ReadNonzeroSize(element value,
                                         const std::string& where) {
  absl::StatusOr<uint64_t> size = ReadSize(value, where);
  if (size.ok() && *size == 0) return Invalid(where, "must not be zero");
  return size;
}

absl::StatusOr<uint64_t> ReadFuel(element value, const std::string& where) {
  absl::StatusOr<uint64_t> fuel;
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    fuel = ParseDigits(text);
    if (!fuel.ok()) {
      return Invalid(
          where, absl::StrCat(JsonString(text), ": ", fuel.status().message()));
    }
  } else {
    const element_type type = value.type();
    if (type != element_type::INT64 && type != element_type::UINT64) {
      return Invalid(where, "expected an integer or a string of digits");
    }
    fuel = ReadUnsigned(value, where);
    if (!fuel.ok()) return fuel.status();
  }
  if (*fuel == 0) return Invalid(where, "must be at least 1");
  return *fuel;
}

auto DurationReader(bool allow_zero) {
  return [allow_zero](element value, const std::string& where)
             -> absl::StatusOr<std::chrono::nanoseconds> {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return Invalid(where, "expected a duration string like \"2s\"");
    }
    absl::StatusOr<std::chrono::nanoseconds> duration = ParseDuration(text);
    if (!duration.ok()) return Invalid(where, Sv(duration.status().message()));
    if (!allow_zero && duration->count() == 0) {
      return Invalid(where, "must be greater than zero");
    }
    return *duration;
  };
}

// A string without NUL bytes (argv and environment entries are C strings).
absl::StatusOr<std::string> ReadCString(element value,
                                        const std::string& where) {
  absl::StatusOr<std::string> text = ReadString(value, where);
  if (text.ok() && text->find('\0') != std::string::npos) {
    return Invalid(where, "must not contain a NUL character");
  }
  return text;
}

// ---------------------------------------------------------------------------
// Objects: a table of known keys, each with the code that reads its value.

using FieldReader = std::function<absl::Status(element, const std::string&)>;
struct Field {
  std::string_view key;
  FieldReader read;
};

// A field that stores what `reader` returns into `*out`.
template <typename T, typename Reader>
Field Assign(std::string_view key, T* out, Reader reader) {
  return Field{key, [out, reader](element value, const std::string& where) {
                 auto result = reader(value, where);
                 if (!result.ok()) return result.status();
                 *out = *std::move(result);
                 return absl::OkStatus();
               }};
}

// Reads the object at `where`: every key must be in `fields` and appear once.
absl::Status ReadFields(element value, const std::string& where,
                        const std::vector<Field>& fields) {
  const std::string label = where.empty() ? "config" : where;
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    return Invalid(label, "expected a JSON object");
  }
  std::set<std::string_view> seen;
  for (auto [key, member] : object) {
    const std::string path = Member(where, key);
    if (!seen.insert(key).second) return Invalid(path, "duplicate key");
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (f.key == key) field = &f;
    }
    if (field == nullptr) return Invalid(path, "unknown key");
    if (absl::Status status = field->read(member, path); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Paths and addresses.

// `path` made absolute against `base_dir` (itself against the working
// directory when relative), normalized lexically.
std::string Resolve(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) {
    p = std::filesystem::path(base_dir.empty() ? "." : base_dir) / p;
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(p, ec);
  if (!ec) p = absolute;
  p = p.lexically_normal();
  // "data/" names the same directory as "data"; keep one spelling.
  if (!p.has_filename() && p.has_relative_path()) p = p.parent_path();
  return p.string();
}

absl::Status CheckModuleFile(const std::string& path,
                             const std::string& where) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec) {
    return Invalid(where, absl::StrCat("cannot use module ", JsonString(path),
                                       ": ", ec.message()));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return Invalid(where, absl::StrCat("module ", JsonString(path),
                                       " is not a regular file"));
  }
  return absl::OkStatus();
}

absl::Status CheckListen(std::string_view listen) {
  const auto bad = [&](std::string_view why) {
    return Invalid("listen", absl::StrCat(JsonString(listen), " ", Av(why)));
  };
  std::string host;
  std::string_view port;
  bool v6 = false;
  if (!listen.empty() && listen.front() == '[') {
    const size_t close = listen.find("]:");
    if (close == std::string_view::npos) {
      return bad("is not [IPv6]:PORT, like \"[::1]:8080\"");
    }
    host = std::string(listen.substr(1, close - 1));
    port = listen.substr(close + 2);
    v6 = true;
  } else {
    const size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos) {
      return bad("is not HOST:PORT, like \"127.0.0.1:8080\"");
    }
    host = std::string(listen.substr(0, colon));
    port = listen.substr(colon + 1);
  }
  unsigned char address[16];
  const bool host_ok = v6 ? inet_pton(AF_INET6, host.c_str(), address) == 1
                          : host == "localhost" ||
                                inet_pton(AF_INET, host.c_str(), address) == 1;
  if (!host_ok) {
    return bad(absl::StrCat("has host ", JsonString(host),
                            ", which is not an IPv4 address, localhost or "
                            "[IPv6]"));
  }
  absl::StatusOr<uint64_t> port_number = ParseDigits(port);
  if (port.size() > 5 || !port_number.ok() || *port_number > 65535) {
    return bad(absl::StrCat("has port ", JsonString(port),
                            ", which is not a number 0..65535"));
  }
  return absl::OkStatus();
}

absl::Status CheckRoutePath(std::string_view path, const std::string& where) {
  if (path.empty() || path.front() != '/') {
    return Invalid(where, "a route path must start with '/'");
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return Invalid(where,
                   "a route path must not contain '?' or '#' (routes match "
                   "the path, not the query or fragment)");
  }
  for (char c : path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return Invalid(where,
                     "a route path must not contain spaces or control "
                     "characters");
    }
  }
  return absl::OkStatus();
}

// A file name made absolute against `base_dir`; the names in `kept` (such
// as "-" for stderr, "" for none) are taken as they are.
auto PathReader(const std::string& base_dir,
                std::initializer_list<std::string_view> kept) {
  return [&base_dir, special = std::vector<std::string_view>(kept)](
             element value,
             const std::string& where) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> file = ReadString(value, where);
    if (!file.ok()) return file.status();
    for (std::string_view name : special) {
      if (*file == name) return file;
    }
    return Resolve(base_dir, *file);
  };
}

// The module path, made absolute and checked to name an existing file.
auto ModuleReader(const std::string& base_dir) {
  return [&base_dir](element value,
                     const std::string& where) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> module = ReadString(value, where);
    if (!module.ok()) return module.status();
    if (module->empty()) return Invalid(where, "must not be empty");
    std::string path = Resolve(base_dir, *module);
    if (absl::Status s = CheckModuleFile(path, where); !s.ok()) return s;
    return path;
  };
}

// ---------------------------------------------------------------------------
// Routes.

absl::StatusOr<Contract> ReadContract(element value, const std::string& where) {
  absl::StatusOr<std::string> name = ReadString(value, where);
  if (!name.ok()) return name.status();
  if (*name == "json") return Contract::kJson;
  if (*name == "cgi") return Contract::kCgi;
  return Invalid(where, absl::StrCat("unknown contract ", JsonString(*name),
                                     " (expected \"json\" or \"cgi\")"));
}

absl::StatusOr<PolicyName> ReadPolicy(element value, const std::string& where) {
  absl::StatusOr<std::string> name = ReadString(value, where);
  if (!name.ok()) return name.status();
  for (PolicyName policy :
       {PolicyName::kStandard, PolicyName::kStrict, PolicyName::kParanoid}) {
    if (*name == ToString(policy)) return policy;
  }
  return Invalid(where, absl::StrCat("unknown policy ", JsonString(*name),
                                     " (expected \"standard\", \"strict\" or "
                                     "\"paranoid\")"));
}

absl::StatusOr<DirGrant> ReadDir(element value, const std::string& where,
                                 const std::string& base_dir) {
  DirGrant grant;
  const std::vector<Field> fields = {
      Assign("host", &grant.host, ReadCString),
      Assign("guest", &grant.guest, ReadCString),
      Assign("read_only", &grant.read_only, ReadBool),
  };
  if (absl::Status s = ReadFields(value, where, fields); !s.ok()) return s;
  if (grant.host.empty()) {
    return Invalid(Member(where, "host"), "required: the host directory");
  }
  if (grant.guest.empty() || grant.guest.front() != '/') {
    return Invalid(Member(where, "guest"),
                   "required: an absolute guest path, like \"/data\"");
  }
  grant.host = Resolve(base_dir, grant.host);
  return grant;
}

absl::Status ReadDirs(element value, const std::string& where,
                      const std::string& base_dir,
                      std::vector<DirGrant>* dirs) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) {
    return Invalid(where, "expected an array of {\"host\", \"guest\"} objects");
  }
  for (element item : array) {
    const std::string item_where = absl::StrCat(where, "[", dirs->size(), "]");
    absl::StatusOr<DirGrant> grant = ReadDir(item, item_where, base_dir);
    if (!grant.ok()) return grant.status();
    dirs->push_back(*std::move(grant));
  }
  return absl::OkStatus();
}

absl::Status ReadEnv(element value, const std::string& where,
                     std::vector<std::pair<std::string, std::string>>* env) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    return Invalid(where, "expected an object of NAME: \"VALUE\" strings");
  }
  std::set<std::string_view> seen;
  for (auto [key, member] : object) {
    const std::string path = Member(where, key);
    if (!seen.insert(key).second) return Invalid(path, "duplicate key");
    if (key.empty() || key.find_first_of(std::string_view("=\0", 2)) !=
                           std::string_view::npos) {
      return Invalid(path,
                     "a variable name must be non-empty, without '=' or NUL");
    }
    absl::StatusOr<std::string> text = ReadCString(member, path);
    if (!text.ok()) return text.status();
    env->emplace_back(std::string(key), *std::move(text));
  }
  return absl::OkStatus();
}

absl::Status ReadArgs(element value, const std::string& where,
                      std::vector<std::string>* args) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) {
    return Invalid(where, "expected an array of strings");
  }
  for (element item : array) {
    absl::StatusOr<std::string> arg =
        ReadCString(item, absl::StrCat(where, "[", args->size(), "]"));
    if (!arg.ok()) return arg.status();
    args->push_back(*std::move(arg));
  }
  return absl::OkStatus();
}

// The route's fields that need no base directory.
std::vector<Field> RouteValueFields(RouteConfig& route) {
  return {
      Assign("contract", &route.contract, ReadContract),
      Assign("policy", &route.policy, ReadPolicy),
      Assign("memory", &route.memory_bytes, ReadNonzeroSize),
      Assign("fuel", &route.fuel, ReadFuel),
      Assign("timeout", &route.timeout, DurationReader(/*allow_zero=*/false)),
      Assign("stack", &route.stack_bytes, ReadNonzeroSize),
      Assign("max_body", &route.max_body_bytes, ReadSize),
      Assign("max_output", &route.max_output_bytes, ReadSize),
      Field{"env",
            [&route](element v, const std::string& where) {
              return ReadEnv(v, where, &route.env);
            }},
      Field{"args",
            [&route](element v, const std::string& where) {
              return ReadArgs(v, where, &route.args);
            }},
      Assign("concurrency", &route.concurrency, IntegerIn(1, 100000)),
      Assign("queue", &route.queue, IntegerIn(0, 100000)),
      Assign("retry_after", &route.retry_after_seconds, IntegerIn(0, 86400)),
      Assign("async", &route.async, ReadBool),
  };
}

absl::StatusOr<RouteConfig> ReadRoute(std::string_view path, element value,
                                      const std::string& where,
                                      const std::string& base_dir) {
  if (absl::Status s = CheckRoutePath(path, where); !s.ok()) return s;
  RouteConfig route;
  route.path = std::string(path);
  std::vector<Field> fields = RouteValueFields(route);
  fields.push_back(Assign("module", &route.module, ModuleReader(base_dir)));
  fields.push_back(
      Assign("audit_log", &route.audit_log, PathReader(base_dir, {""})));
  fields.push_back(Field{"dirs", [&](element v, const std::string& at) {
                           return ReadDirs(v, at, base_dir, &route.dirs);
                         }});
  if (absl::Status s = ReadFields(value, where, fields); !s.ok()) return s;
  if (route.module.empty()) {
    return Invalid(Member(where, "module"), "required: the module file to run");
  }
  return route;
}

absl::Status ReadRoutes(element value, const std::string& base_dir,
                        std::vector<RouteConfig>* routes) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    return Invalid("routes",
                   "expected an object keyed by path, like "
                   "{\"/fn\": {\"module\": \"fn.wasm\"}}");
  }
  std::set<std::string_view> seen;
  for (auto [path, route_value] : object) {
    const std::string where = absl::StrCat("routes[", JsonString(path), "]");
    if (!seen.insert(path).second)
      return Invalid(where, "duplicate route path");
    absl::StatusOr<RouteConfig> route =
        ReadRoute(path, route_value, where, base_dir);
    if (!route.ok()) return route.status();
    routes->push_back(*std::move(route));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Sizes and durations.

struct Unit {
  std::string_view name;
  uint64_t scale;
};

constexpr Unit kSizeUnits[] = {
    {"", 1},
    {"B", 1},
    {"K", 1ull << 10},
    {"M", 1ull << 20},
    {"G", 1ull << 30},
    {"KiB", 1ull << 10},
    {"MiB", 1ull << 20},
    {"GiB", 1ull << 30},
    {"KB", 1000},
    {"MB", 1000 * 1000},
    {"GB", 1000 * 1000 * 1000},
};

constexpr Unit kDurationUnits[] = {
    {"ns", 1},
    {"us", 1000},
    {"ms", 1000 * 1000},
    {"s", 1000 * 1000 * 1000},
    {"m", 60ull * 1000 * 1000 * 1000},
    {"h", 3600ull * 1000 * 1000 * 1000},
};

template <size_t N>
const Unit* FindUnit(const Unit (&units)[N], std::string_view name) {
  for (const Unit& unit : units) {
    if (unit.name == name) return &unit;
  }
  return nullptr;
}

size_t CountDigits(std::string_view text, size_t from) {
  size_t end = from;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  return end - from;
}

}  // namespace

absl::StatusOr<uint64_t> ParseSize(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid size ", JsonString(text), ": ", Av(why)));
  };
  if (text.empty())
    return bad("empty; expected bytes or a number with a unit, like \"64M\"");
  if (text.front() == '-') return bad("a size cannot be negative");
  const size_t digits = CountDigits(text, 0);
  if (digits == 0) return bad("expected digits first, like \"64M\"");
  if (digits < text.size() && text[digits] == '.') {
    return bad("fractions are not allowed; use a smaller unit, like \"1536K\"");
  }
  const Unit* unit = FindUnit(kSizeUnits, text.substr(digits));
  if (unit == nullptr) {
    return bad(absl::StrCat("unknown unit ", JsonString(text.substr(digits)),
                            " (K, M, G, KiB, MiB, GiB are powers of 1024; KB, "
                            "MB, GB powers of 1000)"));
  }
  absl::StatusOr<uint64_t> count = ParseDigits(text.substr(0, digits));
  if (!count.ok()) return bad("more than 2^64-1 bytes");
  if (*count > std::numeric_limits<uint64_t>::max() / unit->scale) {
    return bad("more than 2^64-1 bytes");
  }
  return *count * unit->scale;
}

absl::StatusOr<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration ", JsonString(text), ": ", Av(why)));
  };
  if (text.empty())
    return bad("empty; expected a number with a unit, like \"2s\"");
  if (text.front() == '-') return bad("a duration cannot be negative");
  const size_t whole_digits = CountDigits(text, 0);
  if (whole_digits == 0) return bad("expected digits first, like \"2s\"");
  size_t end = whole_digits;
  size_t frac_digits = 0;
  if (end < text.size() && text[end] == '.') {
    frac_digits = CountDigits(text, end + 1);
    if (frac_digits == 0)
      return bad("expected digits after '.', like \"1.5s\"");
    if (frac_digits > 9) return bad("at most 9 digits after '.'");
    end += 1 + frac_digits;
  }
  const std::string_view unit_name = text.substr(end);
  if (unit_name.empty()) return bad("add a unit: 2s, 250ms");
  const Unit* unit = FindUnit(kDurationUnits, unit_name);
  if (unit == nullptr) {
    return bad(absl::StrCat("unknown unit ", JsonString(unit_name),
                            " (expected ns, us, ms, s, m or h)"));
  }
  // The fraction in nanoseconds: frac / 10^digits units, exactly.
  uint64_t frac_ns = 0;
  if (frac_digits > 0) {
    uint64_t power = 1;
    for (size_t i = 0; i < frac_digits; ++i) power *= 10;
    const uint64_t frac =
        *ParseDigits(text.substr(whole_digits + 1, frac_digits));
    // s, m and h are multiples of 10^9, so the first branch is exact and
    // cannot overflow; the others have scale <= 10^6 and frac < 10^9.
    if (unit->scale % power == 0) {
      frac_ns = frac * (unit->scale / power);
    } else if (frac * unit->scale % power != 0) {
      return bad("finer than a nanosecond");
    } else {
      frac_ns = frac * unit->scale / power;
    }
  }
  absl::StatusOr<uint64_t> whole = ParseDigits(text.substr(0, whole_digits));
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (!whole.ok() || *whole > (kMax - frac_ns) / unit->scale) {
    return bad("too long (more than about 292 years)");
  }
  return std::chrono::nanoseconds(
      static_cast<int64_t>(*whole * unit->scale + frac_ns));
}

absl::StatusOr<ServeConfig> ParseServeConfig(std::string_view json,
                                             const std::string& base_dir) {
  if (json.size() > kMaxConfigBytes) {
    return Invalid("config", absl::StrCat("is ", json.size(),
                                          " bytes, more than the 1 MiB limit"));
  }
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  element root;
  if (const auto error = parser.parse(padded).get(root); error) {
    return Invalid("config", absl::StrCat("not valid JSON: ",
                                          simdjson::error_message(error)));
  }
  ServeConfig config;
  const std::vector<Field> fields = {
      Assign("listen", &config.listen, ReadString),
      Assign("workers", &config.workers, IntegerIn(0, 1024)),
      Assign("header_timeout", &config.header_timeout,
             DurationReader(/*allow_zero=*/false)),
      Assign("idle_timeout", &config.idle_timeout,
             DurationReader(/*allow_zero=*/false)),
      Assign("shutdown_grace", &config.shutdown_grace,
             DurationReader(/*allow_zero=*/true)),
      Assign("access_log", &config.access_log, PathReader(base_dir, {"-", ""})),
      Field{"routes",
            [&](element v, const std::string&) {
              return ReadRoutes(v, base_dir, &config.routes);
            }},
  };
  if (absl::Status s = ReadFields(root, "", fields); !s.ok()) return s;
  if (absl::Status s = CheckListen(config.listen); !s.ok()) return s;
  if (config.routes.empty()) {
    return Invalid("routes",
                   "at least one route is required, like "
                   "{\"/fn\": {\"module\": \"fn.wasm\"}}");
  }
  return config;
}

absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path) {
  const auto fail = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read config ", JsonString(path), ": ", Av(why)));
  };
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return fail(std::generic_category().message(errno));
  std::string text(kMaxConfigBytes + 1, '\0');
  const size_t got = std::fread(text.data(), 1, text.size(), file);
  const int read_errno = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (read_errno != 0) return fail(std::generic_category().message(read_errno));
  if (got > kMaxConfigBytes) return fail("larger than the 1 MiB limit");
  text.resize(got);
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return ParseServeConfig(text, base_dir.empty() ? "." : base_dir);
}

const char* ToString(Contract contract) {
  switch (contract) {
    case Contract::kJson:
      return "json";
    case Contract::kCgi:
      return "cgi";
  }
  return "unknown";
}

const char* ToString(PolicyName policy) {
  switch (policy) {
    case PolicyName::kStandard:
      return "standard";
    case PolicyName::kStrict:
      return "strict";
    case PolicyName::kParanoid:
      return "paranoid";
  }
  return "unknown";
}

}  // namespace wsbx::serve
