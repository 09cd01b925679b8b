// The two ways a route's guest sees a request and answers it.
//   json: the request as one JSON object on stdin
//         {"method","uri","headers":{name:[values]},"body"} and the response
//         as one JSON object on stdout {"status","headers","body"}; a body
//         that is not valid UTF-8 travels base64 with "body_base64": true
//         (both directions).
//   cgi:  RFC 3875 meta-variables (and the route's env grants) as the
//         environment, the body on stdin, a CGI response on stdout
//         (header lines, a blank line, the body; Status:, Location:).
// A response the guest got wrong is a ContractError: the route answers 502.
#ifndef WSBX_SERVE_CONTRACT_H_
#define WSBX_SERVE_CONTRACT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "serve/http_types.h"

namespace wsbx::serve {

// json contract
// Request: {"method","uri" (the target as sent),"headers","body"}; repeated
// header names (compared case-insensitively) share one array under the
// first spelling. Texts that are not UTF-8 in method, uri or headers carry
// U+FFFD instead (encoding.h); the body goes base64 instead.
std::string EncodeJsonRequest(const HttpRequest& request);
// Response: stdout holds exactly one JSON object (whitespace around it
// allowed). Every member is optional, and null counts as absent: "status"
// an integer in 100..599 (default 200), "headers" an object whose values
// are a string or an array of strings, "body" a string, "body_base64" a
// boolean. Unknown members are ignored; a known one given twice is an
// error. Header names must be HTTP tokens and values free of control bytes
// (no CR/LF: no injected headers); at most 100 header values of at most
// 8 KiB each (name + ": " + value).
// Errors (absl::InvalidArgumentError) say what was wrong: not one JSON
// object, status outside 100..599 or not an integer, a member of the wrong
// type, a bad header, bad base64, trailing bytes after the object.
absl::StatusOr<HttpResponse> DecodeJsonResponse(std::string_view stdout_bytes);

// cgi contract: the RFC 3875 section 4.1 variables for `request`
// (GATEWAY_INTERFACE, SERVER_PROTOCOL, SERVER_SOFTWARE, SERVER_NAME,
// SERVER_PORT, REQUEST_METHOD, SCRIPT_NAME = the route, PATH_INFO = the
// rest of the path, QUERY_STRING, REMOTE_ADDR, REMOTE_HOST, CONTENT_TYPE and
// CONTENT_LENGTH when there is a body, HTTP_* for the other headers; never
// Proxy as HTTP_PROXY), in that order. Departures from RFC 3875, on
// purpose: PATH_INFO stays percent-encoded as sent (decoding would confuse
// "%2F" with "/" and cannot carry "%00" in an environment string);
// Authorization is not passed (section 4.1.18 allows it); headers whose
// names hold anything but letters, digits and '-' are dropped, so that
// "X_Real_IP" cannot pose as "X-Real-IP". REMOTE_HOST is REMOTE_ADDR (no
// DNS lookups). Repeated headers are joined with ", " ("; " for Cookie).
std::vector<std::pair<std::string, std::string>> CgiEnvironment(
    const HttpRequest& request);
// A document response (Content-Type, optional Status), a local or client
// redirect (Location; 302 unless Status says otherwise, and a local
// redirect is answered to the client too), header lines ended by LF or
// CRLF, then a blank line and the body. Status is consumed; every other
// header passes through. Same header checks and caps as the json
// contract (100 header lines of at most 8 KiB). Errors: no blank line
// ending the headers, a malformed header line (no ':', a continuation
// line, a control byte), neither Content-Type nor Location, a bad or
// repeated Status line, too many or too long lines.
absl::StatusOr<HttpResponse> DecodeCgiResponse(std::string_view stdout_bytes);

}  // namespace wsbx::serve

#endif  // WSBX_SERVE_CONTRACT_H_
