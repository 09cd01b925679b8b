// The json and cgi contracts (contract.h): what a guest reads for a request,
// and how its stdout becomes an HttpResponse. Guest output is untrusted:
// sizes are capped and header names and values checked, so no guest can
// inject header lines (framing headers pass; session.cc drops them).
#include "serve/contract.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "serve/encoding.h"

namespace wsbx::serve {
namespace {

// A guest decides how many headers it writes; these bound the work and
// memory one response can cost the server (both contracts).
constexpr size_t kMaxResponseHeaders = 100;
constexpr size_t kMaxHeaderLineBytes = 8 * 1024;

// Debian's Abseil has its own string_view type, distinct from std's.
absl::string_view AbslView(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(AbslView(a), AbslView(b));
}

// Guest-chosen text quoted into an error message: escaped, and cut short so
// a hostile name cannot make the message (and the log line) huge.
std::string Quote(std::string_view text) {
  constexpr size_t kMaxQuoted = 64;
  std::string out = absl::StrCat(
      "\"", absl::CHexEscape(AbslView(text.substr(0, kMaxQuoted))), "\"");
  if (text.size() > kMaxQuoted) out += "...";
  return out;
}

// RFC 9110 section 5.6.2: token = 1*tchar.
bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Checks one response header from a guest. `where` names the contract
// ("response" or "cgi response"). RFC 9110 section 5.5 allows SP, HTAB,
// VCHAR and obs-text in a field value; any other control byte (CR and LF
// above all) would let a guest inject headers, so it is an error.
absl::Status CheckResponseHeader(std::string_view where, std::string_view name,
                                 std::string_view value) {
  if (!IsToken(name)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: header name %s is not an HTTP token (RFC 9110 section 5.6.2)",
        where, Quote(name)));
  }
  if (name.size() + value.size() + 2 > kMaxHeaderLineBytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: header %s is %d bytes, more than the limit of %d", where,
        Quote(name), name.size() + value.size() + 2, kMaxHeaderLineBytes));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: header %s has control byte 0x%02x at offset %d of its value",
          where, Quote(name), c, i));
    }
  }
  return absl::OkStatus();
}

// The request's headers with repeated names (compared case-insensitively)
// gathered under the first spelling, in order of first appearance.
struct HeaderGroup {
  std::string_view name;
  std::vector<std::string_view> values;
};

std::vector<HeaderGroup> GroupHeaders(const Headers& headers) {
  std::vector<HeaderGroup> groups;
  for (const auto& [name, value] : headers) {
    HeaderGroup* group = nullptr;
    for (HeaderGroup& g : groups) {
      if (EqualsIgnoreCase(g.name, name)) {
        group = &g;
        break;
      }
    }
    if (group == nullptr) group = &groups.emplace_back(HeaderGroup{name, {}});
    group->values.push_back(value);
  }
  return groups;
}

// ---------------------------------------------------------------- json ---

const char* JsonTypeName(simdjson::dom::element_type type) {
  using T = simdjson::dom::element_type;
  switch (type) {
    case T::ARRAY:
      return "an array";
    case T::OBJECT:
      return "an object";
    case T::INT64:
    case T::UINT64:
      return "an integer";
    case T::DOUBLE:
      return "a non-integer number";
    case T::STRING:
      return "a string";
    case T::BOOL:
      return "a boolean";
    case T::NULL_VALUE:
      return "null";
  }
  return "an unknown JSON type";
}

absl::Status WrongType(std::string_view key, std::string_view expected,
                       simdjson::dom::element value) {
  return absl::InvalidArgumentError(
      absl::StrFormat("response: \"%s\" must be %s, got %s", key, expected,
                      JsonTypeName(value.type())));
}

// Offset just past the object that opens `text` (after leading
// whitespace), found by matching braces outside strings; npos if the text
// does not start with a complete object. Lets a parse error that simdjson
// reports as a bad structure be named precisely as trailing bytes.
size_t EndOfLeadingObject(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || text[i] != '{') {
    return std::string_view::npos;
  }
  int depth = 0;
  bool in_string = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped byte cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

absl::Status JsonParseError(std::string_view text, simdjson::error_code error) {
  if (error == simdjson::EMPTY) {
    return absl::InvalidArgumentError(
        "response: stdout is empty or only whitespace, expected one JSON "
        "object");
  }
  if (error == simdjson::TAPE_ERROR) {
    const size_t end = EndOfLeadingObject(text);
    simdjson::dom::parser parser;
    simdjson::dom::element ignored;
    if (end != std::string_view::npos &&
        parser.parse(simdjson::padded_string(text.substr(0, end)))
                .get(ignored) == simdjson::SUCCESS) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "response: unexpected bytes after the JSON object, at offset %d "
          "(stdout must hold exactly one object)",
          end));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "response: stdout is not valid JSON: ", simdjson::error_message(error)));
}

absl::StatusOr<int> JsonStatus(simdjson::dom::element value) {
  using T = simdjson::dom::element_type;
  if (value.type() == T::UINT64) {
    // Only values beyond INT64_MAX are stored as UINT64.
    uint64_t status = 0;
    if (value.get_uint64().get(status) != simdjson::SUCCESS) {
      return WrongType("status", "an integer", value);
    }
    return absl::InvalidArgumentError(
        absl::StrFormat("response: status %d is outside 100..599", status));
  }
  int64_t status = 0;
  if (value.get_int64().get(status) != simdjson::SUCCESS) {
    return WrongType("status", "an integer", value);
  }
  if (status < 100 || status > 599) {
    return absl::InvalidArgumentError(
        absl::StrFormat("response: status %d is outside 100..599", status));
  }
  return static_cast<int>(status);
}

absl::Status AddJsonHeader(std::string_view name, std::string_view value,
                           Headers& headers) {
  if (headers.size() >= kMaxResponseHeaders) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "response: more than %d header values", kMaxResponseHeaders));
  }
  if (absl::Status s = CheckResponseHeader("response", name, value); !s.ok()) {
    return s;
  }
  headers.emplace_back(std::string(name), std::string(value));
  return absl::OkStatus();
}

// "headers": {name: "value" | ["value", ...]}, kept in the guest's order.
absl::Status JsonHeaders(simdjson::dom::element value, Headers& headers) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    return WrongType("headers", "an object", value);
  }
  for (const simdjson::dom::key_value_pair field : object) {
    std::string_view text;
    if (field.value.get_string().get(text) == simdjson::SUCCESS) {
      if (absl::Status s = AddJsonHeader(field.key, text, headers); !s.ok()) {
        return s;
      }
      continue;
    }
    simdjson::dom::array array;
    if (field.value.get_array().get(array) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "response: header %s must be a string or an array of strings, got %s",
          Quote(field.key), JsonTypeName(field.value.type())));
    }
    for (const simdjson::dom::element item : array) {
      if (item.get_string().get(text) != simdjson::SUCCESS) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "response: header %s has a value that is %s, not a string",
            Quote(field.key), JsonTypeName(item.type())));
      }
      if (absl::Status s = AddJsonHeader(field.key, text, headers); !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

// The members of the response object this contract reads; has_* is false
// for a member that is absent or null (Go encodes a nil map or slice as
// null). A member that appears twice is an error: JSON leaves its meaning
// open, and two readers of the same output must not disagree.
struct JsonMembers {
  simdjson::dom::element status, headers, body, body_base64;
  bool has_status = false, has_headers = false, has_body = false,
       has_body_base64 = false;
};

absl::StatusOr<JsonMembers> CollectMembers(simdjson::dom::object object) {
  JsonMembers m;
  struct Member {
    std::string_view key;
    simdjson::dom::element* value;
    bool* present;
  };
  const Member members[] = {
      {"status", &m.status, &m.has_status},
      {"headers", &m.headers, &m.has_headers},
      {"body", &m.body, &m.has_body},
      {"body_base64", &m.body_base64, &m.has_body_base64}};
  bool seen[std::size(members)] = {};
  for (const simdjson::dom::key_value_pair field : object) {
    // Unknown members are ignored, so guests may carry extra data and
    // later versions may add members.
    for (size_t i = 0; i < std::size(members); ++i) {
      if (field.key != members[i].key) continue;
      if (seen[i]) {
        return absl::InvalidArgumentError(
            absl::StrFormat("response: \"%s\" appears twice", field.key));
      }
      seen[i] = true;
      *members[i].value = field.value;
      *members[i].present = !field.value.is_null();
    }
  }
  return m;
}

// --------------------------------------------------------------- cgi ---

// Splits the request path into SCRIPT_NAME (the route) and PATH_INFO (the
// rest), both "" or starting with '/' as RFC 3875 sections 4.1.5 and
// 4.1.13 require: a route "/" gives SCRIPT_NAME "". A path outside the
// route (the server should not pass one) is all PATH_INFO.
std::pair<std::string, std::string> SplitScriptPath(std::string_view path,
                                                    std::string_view route) {
  while (!route.empty() && route.back() == '/') route.remove_suffix(1);
  if (path.starts_with(route) &&
      (path.size() == route.size() || path[route.size()] == '/')) {
    return {std::string(route), std::string(path.substr(route.size()))};
  }
  return {"", std::string(path)};
}

// The HTTP_* name for a request header, or "" when the header is not
// passed. Names with bytes other than letters, digits and '-' are dropped:
// "X_Real_IP" would otherwise arrive as the same HTTP_X_REAL_IP as
// "X-Real-IP" and could pass for a header a proxy vouches for.
std::string CgiHeaderVariable(std::string_view name) {
  // Content-Type and Content-Length have their own variables; Proxy would
  // become HTTP_PROXY, which HTTP clients read as their proxy ("httpoxy");
  // Authorization is withheld, as RFC 3875 section 4.1.18 permits and CGI
  // servers usually do, so credentials are not copied into every script's
  // environment.
  for (std::string_view skipped :
       {"Content-Type", "Content-Length", "Proxy", "Authorization"}) {
    if (EqualsIgnoreCase(name, skipped)) return "";
  }
  std::string variable = "HTTP_";
  for (const char c : name) {
    if (c == '-') {
      variable.push_back('_');
    } else if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      variable.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    } else {
      return "";
    }
  }
  return variable;
}

// Takes the next header line (without its LF or CRLF) from `text` at `pos`
// and moves `pos` past it. `line_number` counts from 1, for messages.
absl::StatusOr<std::string_view> NextCgiLine(std::string_view text, size_t& pos,
                                             int line_number) {
  // Look no further than one line's limit: a guest that never writes a
  // newline costs a bounded scan, not one over all of its output.
  const std::string_view window = text.substr(pos, kMaxHeaderLineBytes + 2);
  const size_t newline = window.find('\n');
  if (newline == std::string_view::npos) {
    if (window.size() > kMaxHeaderLineBytes) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "cgi response: header line %d is longer than %d bytes", line_number,
          kMaxHeaderLineBytes));
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "cgi response: no blank line ends the headers (output ends in line %d)",
        line_number));
  }
  std::string_view line = window.substr(0, newline);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > kMaxHeaderLineBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("cgi response: header line %d is longer than %d bytes",
                        line_number, kMaxHeaderLineBytes));
  }
  pos += newline + 1;
  return line;
}

absl::StatusOr<std::pair<std::string_view, std::string_view>> SplitCgiHeader(
    std::string_view line, int line_number) {
  if (line[0] == ' ' || line[0] == '\t') {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cgi response: header line %d starts with whitespace; continuation "
        "lines are not supported",
        line_number));
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrFormat("cgi response: header line %d has no ':': %s",
                        line_number, Quote(line)));
  }
  const std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (absl::Status s = CheckResponseHeader("cgi response", name, value);
      !s.ok()) {
    return s;
  }
  return std::make_pair(name, value);
}

// RFC 3875 section 6.3.3: Status: 3DIGIT [SP reason-phrase]. The reason
// phrase is dropped: HttpResponse carries the code only.
absl::StatusOr<int> CgiStatus(std::string_view value) {
  const bool well_formed = value.size() >= 3 && absl::ascii_isdigit(value[0]) &&
                           absl::ascii_isdigit(value[1]) &&
                           absl::ascii_isdigit(value[2]) &&
                           (value.size() == 3 || value[3] == ' ');
  if (!well_formed) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cgi response: bad Status %s: expected a 3-digit code and an optional "
        "reason phrase",
        Quote(value)));
  }
  const int status =
      (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
  if (status < 100 || status > 599) {
    return absl::InvalidArgumentError(
        absl::StrFormat("cgi response: Status %d is outside 100..599", status));
  }
  return status;
}

std::string Join(const std::vector<std::string_view>& parts,
                 std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

}  // namespace

std::string EncodeJsonRequest(const HttpRequest& request) {
  std::string out = "{\"method\":";
  AppendJsonString(out, request.method);
  out += ",\"uri\":";
  AppendJsonString(out, request.target);
  out += ",\"headers\":{";
  bool first = true;
  for (const HeaderGroup& group : GroupHeaders(request.headers)) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, group.name);
    out += ":[";
    for (size_t i = 0; i < group.values.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendJsonString(out, group.values[i]);
    }
    out.push_back(']');
  }
  out += "},\"body\":";
  if (IsValidUtf8(request.body)) {
    AppendJsonString(out, request.body);
  } else {
    AppendJsonString(out, Base64Encode(request.body));
    out += ",\"body_base64\":true";
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<HttpResponse> DecodeJsonResponse(std::string_view stdout_bytes) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(stdout_bytes);
  simdjson::dom::element root;
  if (const auto error = parser.parse(padded).get(root); error) {
    return JsonParseError(stdout_bytes, error);
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrFormat("response: expected one JSON object, got %s",
                        JsonTypeName(root.type())));
  }
  absl::StatusOr<JsonMembers> m = CollectMembers(object);
  if (!m.ok()) return m.status();

  HttpResponse response;  // status 200 unless the guest says otherwise
  if (m->has_status) {
    absl::StatusOr<int> status = JsonStatus(m->status);
    if (!status.ok()) return status.status();
    response.status = *status;
  }
  if (m->has_headers) {
    if (absl::Status s = JsonHeaders(m->headers, response.headers); !s.ok()) {
      return s;
    }
  }
  bool base64 = false;
  if (m->has_body_base64 &&
      m->body_base64.get_bool().get(base64) != simdjson::SUCCESS) {
    return WrongType("body_base64", "a boolean", m->body_base64);
  }
  if (m->has_body) {
    std::string_view body;
    if (m->body.get_string().get(body) != simdjson::SUCCESS) {
      return WrongType("body", "a string", m->body);
    }
    if (!base64) {
      response.body = std::string(body);
    } else if (absl::StatusOr<std::string> bytes = Base64Decode(body);
               bytes.ok()) {
      response.body = *std::move(bytes);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "response: \"body_base64\" is true but \"body\" is not valid: ",
          bytes.status().message()));
    }
  }
  return response;
}

std::vector<std::pair<std::string, std::string>> CgiEnvironment(
    const HttpRequest& request) {
  std::vector<std::pair<std::string, std::string>> env;
  env.emplace_back("GATEWAY_INTERFACE", "CGI/1.1");
  env.emplace_back("SERVER_PROTOCOL",
                   absl::StrFormat("HTTP/%d.%d", request.version / 10,
                                   request.version % 10));
  env.emplace_back("SERVER_SOFTWARE", "wsbx");
  env.emplace_back("SERVER_NAME", request.server_name);
  env.emplace_back("SERVER_PORT", absl::StrCat(request.server_port));
  env.emplace_back("REQUEST_METHOD", request.method);
  auto [script_name, path_info] = SplitScriptPath(request.path, request.route);
  env.emplace_back("SCRIPT_NAME", std::move(script_name));
  env.emplace_back("PATH_INFO", std::move(path_info));
  env.emplace_back("QUERY_STRING", request.query);
  env.emplace_back("REMOTE_ADDR", request.remote_addr);
  // RFC 3875 section 4.1.9: without a resolved host name, REMOTE_ADDR
  // stands in (no DNS lookup per request).
  env.emplace_back("REMOTE_HOST", request.remote_addr);
  if (!request.body.empty()) {
    if (const std::string* type = FindHeader(request.headers, "Content-Type")) {
      env.emplace_back("CONTENT_TYPE", *type);
    }
    env.emplace_back("CONTENT_LENGTH", absl::StrCat(request.body.size()));
  }
  for (const HeaderGroup& group : GroupHeaders(request.headers)) {
    std::string variable = CgiHeaderVariable(group.name);
    if (variable.empty()) continue;
    // Section 4.1.18: repeated fields become one value of the same
    // meaning; cookies are joined as one Cookie header would list them.
    const std::string_view separator =
        EqualsIgnoreCase(group.name, "Cookie") ? "; " : ", ";
    env.emplace_back(std::move(variable), Join(group.values, separator));
  }
  return env;
}

absl::StatusOr<HttpResponse> DecodeCgiResponse(std::string_view stdout_bytes) {
  HttpResponse response;
  bool has_status = false, has_location = false, has_type = false;
  size_t pos = 0;
  for (int line_number = 1;; ++line_number) {
    absl::StatusOr<std::string_view> line =
        NextCgiLine(stdout_bytes, pos, line_number);
    if (!line.ok()) return line.status();
    if (line->empty()) break;
    if (static_cast<size_t>(line_number) > kMaxResponseHeaders) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "cgi response: more than %d header lines", kMaxResponseHeaders));
    }
    auto header = SplitCgiHeader(*line, line_number);
    if (!header.ok()) return header.status();
    const auto [name, value] = *header;
    if (EqualsIgnoreCase(name, "Status")) {
      if (has_status) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "cgi response: a second Status header in line %d", line_number));
      }
      absl::StatusOr<int> status = CgiStatus(value);
      if (!status.ok()) return status.status();
      response.status = *status;
      has_status = true;
      continue;  // a CGI field for the server, not an HTTP header
    }
    if (EqualsIgnoreCase(name, "Location")) {
      if (value.empty()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "cgi response: empty Location in line %d", line_number));
      }
      has_location = true;
    }
    if (EqualsIgnoreCase(name, "Content-Type")) has_type = true;
    response.headers.emplace_back(std::string(name), std::string(value));
  }
  if (!has_type && !has_location) {
    return absl::InvalidArgumentError(
        "cgi response: neither Content-Type nor Location among the headers "
        "(RFC 3875 section 6.2)");
  }
  // Sections 6.2.3 and 6.2.4: a redirect without Status is a 302. A local
  // redirect (6.2.2, a path-only Location) is also answered this way: the
  // server does not re-dispatch requests internally.
  if (has_location && !has_status) response.status = 302;
  response.body = std::string(stdout_bytes.substr(pos));
  return response;
}

}  // namespace wsbx::serve
