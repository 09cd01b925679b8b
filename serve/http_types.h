// The HTTP request and response as the serve component passes them between
// the network side (server.cc), the contracts (contract.h), the job queue
// (jobs.h) and the route runner (runner.h). Plain data, no Beast types, so
// every part but the server is testable without a socket.
#ifndef WSBX_SERVE_HTTP_TYPES_H_
#define WSBX_SERVE_HTTP_TYPES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wsbx::serve {

// Header names keep the case the client sent; lookups ignore case. A name
// may repeat (each occurrence is one entry, in arrival order).
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;   // "GET"
  std::string target;   // the request target as sent: "/fn/a?x=1"
  std::string path;     // the target's path, percent-decoding NOT applied
  std::string query;    // after '?', without it; empty when none
  Headers headers;
  std::string body;
  int version = 11;     // 10 or 11 (HTTP/1.0, HTTP/1.1)
  std::string remote_addr;  // "127.0.0.1"
  uint16_t remote_port = 0;
  std::string server_name;  // the Host header without port, else the listen address
  uint16_t server_port = 0;
  std::string route;        // the route path that matched, e.g. "/fn"
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
};

// Case-insensitive header lookup: the first value, or nullptr.
const std::string* FindHeader(const Headers& headers, const std::string& name);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_HTTP_TYPES_H_
