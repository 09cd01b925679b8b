// Tests of the json and cgi contracts (contract.cc) and of the encodings
// they rest on (encoding.cc): RFC 4648 vectors, UTF-8 edge cases, JSON
// quoting checked against simdjson, and every error path of both response
// decoders, hostile sizes included.
#include "serve/contract.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "serve/encoding.h"

namespace wsbx::serve {
namespace {

using namespace std::string_literals;
using Env = std::vector<std::pair<std::string, std::string>>;

// The message of a decoder's error; a decoder that wrongly succeeds gives
// a text no test expects.
template <typename T>
std::string ErrorOf(const absl::StatusOr<T>& result) {
  if (result.ok()) return "(no error)";
  CHECK(absl::IsInvalidArgument(result.status()));
  return std::string(result.status().message());
}

#define CHECK_ERROR_CONTAINS(result, fragment)           \
  do {                                                   \
    const std::string message_ = ErrorOf(result);        \
    INFO("message: ", message_);                         \
    CHECK(message_.find(fragment) != std::string::npos); \
  } while (0)

std::string AllBytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

// ------------------------------------------------------------ base64 ---

TEST_CASE("Base64 matches the RFC 4648 section 10 test vectors") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& vector : vectors) {
    // Named copies: clang 14 cannot capture structured bindings (CAPTURE).
    const auto& plain = vector.first;
    const auto& encoded = vector.second;
    CAPTURE(plain);
    CHECK(Base64Encode(plain) == encoded);
    const absl::StatusOr<std::string> decoded = Base64Decode(encoded);
    REQUIRE(decoded.ok());
    CHECK(*decoded == plain);
  }
}

TEST_CASE("Base64 round-trips every byte value and every tail length") {
  const std::string bytes = AllBytes();
  CHECK(Base64Encode(bytes).size() == 344);  // ceil(256 / 3) * 4
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const std::string part = bytes.substr(256 - n);
    const absl::StatusOr<std::string> decoded =
        Base64Decode(Base64Encode(part));
    REQUIRE(decoded.ok());
    CHECK(*decoded == part);
  }
}

TEST_CASE("Base64Decode rejects what is not canonical base64") {
  CHECK_ERROR_CONTAINS(Base64Decode("Zg="), "not a multiple of 4");
  // Only the canonical form: bits left over by the padding are zero.
  CHECK_ERROR_CONTAINS(Base64Decode("Zh=="), "non-zero bits before the padding");
  CHECK_ERROR_CONTAINS(Base64Decode("Zm9="), "non-zero bits before the padding");
  CHECK(Base64Decode("Zm8=").value() == "fo");
  CHECK_ERROR_CONTAINS(Base64Decode("Zm9v\n"), "not a multiple of 4");
  CHECK_ERROR_CONTAINS(Base64Decode("Zm 9"), "invalid character at offset 2");
  CHECK_ERROR_CONTAINS(Base64Decode("Zm9-"), "invalid character at offset 3");
  CHECK_ERROR_CONTAINS(Base64Decode("Zm9_"), "invalid character");
  CHECK_ERROR_CONTAINS(Base64Decode("Zg=a"), "invalid character at offset 2");
  CHECK_ERROR_CONTAINS(Base64Decode("Z==="), "invalid character at offset 1");
  CHECK_ERROR_CONTAINS(Base64Decode("===="), "invalid character at offset 0");
  // Padding belongs only at the very end.
  CHECK_ERROR_CONTAINS(Base64Decode("Zg==Zg=="),
                       "invalid character at offset 2");
  CHECK_ERROR_CONTAINS(Base64Decode("Zm9v\xC3\xA9=="),
                       "invalid character at offset 4");
}

// ------------------------------------------------------------- UTF-8 ---

TEST_CASE("IsValidUtf8 accepts well-formed UTF-8 up to U+10FFFF") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ASCII"));
  CHECK(IsValidUtf8("nul\0inside"s));
  CHECK(IsValidUtf8("\xC2\x80"));          // U+0080, smallest 2-byte
  CHECK(IsValidUtf8("caf\xC3\xA9"));       // é
  CHECK(IsValidUtf8("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  CHECK(IsValidUtf8("\xE2\x82\xAC"));      // €
  CHECK(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below surrogates
  CHECK(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
  CHECK(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  CHECK(IsValidUtf8("\xF0\x9F\x98\x80"));  // emoji
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST_CASE(
    "IsValidUtf8 rejects overlong forms, surrogates and too-large code "
    "points") {
  // Overlong encodings (RFC 3629 section 3).
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));
  CHECK_FALSE(IsValidUtf8("\xC1\xBF"));
  CHECK_FALSE(IsValidUtf8("\xE0\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xE0\x9F\xBF"));
  CHECK_FALSE(IsValidUtf8("\xF0\x80\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));
  // UTF-16 surrogates U+D800..U+DFFF.
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));
  CHECK_FALSE(IsValidUtf8("\xED\xBF\xBF"));
  CHECK_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair
  // Beyond U+10FFFF, and lead bytes that cannot start a sequence.
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xFF"));
  // Broken sequences.
  CHECK_FALSE(IsValidUtf8("\x80"));
  CHECK_FALSE(IsValidUtf8("ok\xBF"));
  CHECK_FALSE(IsValidUtf8("\xE2\x82"));  // truncated at the end
  CHECK_FALSE(
      IsValidUtf8("\xC3"
                  "A"));  // continuation missing
  CHECK_FALSE(IsValidUtf8("\xF0\x9F\x98"));
}

// -------------------------------------------------------- JSON quoting ---

TEST_CASE("JsonString escapes quotes, backslashes and control characters") {
  CHECK(JsonString("") == "\"\"");
  CHECK(JsonString("plain") == "\"plain\"");
  CHECK(JsonString("a\"b\\c") == R"("a\"b\\c")");
  CHECK(JsonString("\n\r\t") == R"("\n\r\t")");
  CHECK(JsonString("\x01\x1F") == R"("\u0001\u001f")");
  CHECK(JsonString("nul\0"s) == R"("nul\u0000")");
  CHECK(JsonString("\x7F") == R"("\u007f")");
  CHECK(JsonString("/</script>") == "\"/</script>\"");
  CHECK(JsonString("caf\xC3\xA9 \xF0\x9F\x98\x80") ==
        "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST_CASE("JsonString replaces bytes that are not UTF-8 with U+FFFD") {
  CHECK(JsonString("a\xFF"
                   "b") ==
        "\"a\xEF\xBF\xBD"
        "b\"");
  CHECK(JsonString("\xED\xA0\x80") ==
        "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(JsonString("\xC3") == "\"\xEF\xBF\xBD\"");
}

TEST_CASE(
    "AppendJsonString appends, and what it writes parses back unchanged") {
  std::string text;
  for (int c = 0; c < 0x80; ++c) text.push_back(static_cast<char>(c));
  text += "\xC3\xA9\xE2\x82\xAC\xF4\x8F\xBF\xBF";
  std::string out = "[";
  AppendJsonString(out, text);
  out += "]";
  CHECK(out.front() == '[');
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE(parser.parse(simdjson::padded_string(out)).get(root) ==
          simdjson::SUCCESS);
  std::string_view parsed;
  REQUIRE(root.at(0).get_string().get(parsed) == simdjson::SUCCESS);
  CHECK(parsed == text);
}

// ------------------------------------------------------- json request ---

HttpRequest SampleRequest() {
  HttpRequest r;
  r.method = "POST";
  r.target = "/fn/items?id=7";
  r.path = "/fn/items";
  r.query = "id=7";
  r.route = "/fn";
  r.body = "say \"hi\"\n";
  return r;
}

TEST_CASE("EncodeJsonRequest writes method, uri, grouped headers and body") {
  HttpRequest r = SampleRequest();
  r.headers = {{"Accept", "text/html"},
               {"X-Tag", "1"},
               {"x-tag", "2"},
               {"ACCEPT", "*/*"},
               {"Host", "example.org"}};
  CHECK(
      EncodeJsonRequest(r) ==
      R"({"method":"POST","uri":"/fn/items?id=7","headers":{)"
      R"("Accept":["text/html","*/*"],"X-Tag":["1","2"],"Host":["example.org"]},)"
      R"("body":"say \"hi\"\n"})");
}

TEST_CASE("EncodeJsonRequest with no headers and no body") {
  HttpRequest r;
  r.method = "GET";
  r.target = "/";
  CHECK(EncodeJsonRequest(r) ==
        R"({"method":"GET","uri":"/","headers":{},"body":""})");
}

TEST_CASE("EncodeJsonRequest sends a body that is not UTF-8 as base64") {
  HttpRequest r = SampleRequest();
  r.body = AllBytes();
  const std::string json = EncodeJsonRequest(r);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE(parser.parse(simdjson::padded_string(json)).get(root) ==
          simdjson::SUCCESS);
  bool base64 = false;
  REQUIRE(root["body_base64"].get_bool().get(base64) == simdjson::SUCCESS);
  CHECK(base64);
  std::string_view body;
  REQUIRE(root["body"].get_string().get(body) == simdjson::SUCCESS);
  const absl::StatusOr<std::string> decoded = Base64Decode(body);
  REQUIRE(decoded.ok());
  CHECK(*decoded == r.body);
  // A UTF-8 body never carries the flag.
  CHECK(EncodeJsonRequest(SampleRequest()).find("body_base64") ==
        std::string::npos);
}

TEST_CASE(
    "EncodeJsonRequest output is valid JSON even for hostile header text") {
  HttpRequest r = SampleRequest();
  r.headers = {{"X-\"quoted\"", "line\r\nbreak\xFF"}};
  const std::string json = EncodeJsonRequest(r);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE(parser.parse(simdjson::padded_string(json)).get(root) ==
          simdjson::SUCCESS);
  std::string_view value;
  REQUIRE(root["headers"]["X-\"quoted\""].at(0).get_string().get(value) ==
          simdjson::SUCCESS);
  CHECK(value == "line\r\nbreak\xEF\xBF\xBD");
}

// ------------------------------------------------------ json response ---

TEST_CASE("DecodeJsonResponse reads status, headers and body") {
  const absl::StatusOr<HttpResponse> r = DecodeJsonResponse(
      R"( {"status":201,"headers":{"content-type":["text/plain"],)"
      R"("x-one":"v","x-many":["a","b"],"x-none":[]},"body":"hi\n"} )"
      "\n");
  REQUIRE(r.ok());
  CHECK(r->status == 201);
  const Headers expected = {{"content-type", "text/plain"},
                            {"x-one", "v"},
                            {"x-many", "a"},
                            {"x-many", "b"}};
  CHECK(r->headers == expected);
  CHECK(r->body == "hi\n");
}

TEST_CASE("DecodeJsonResponse defaults: status 200, no headers, empty body") {
  for (const char* text :
       {"{}", "\r\n\t {}\n",
        R"({"status":null,"headers":null,"body":null,"body_base64":null})"}) {
    CAPTURE(text);
    const absl::StatusOr<HttpResponse> r = DecodeJsonResponse(text);
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->headers.empty());
    CHECK(r->body.empty());
  }
}

TEST_CASE("DecodeJsonResponse ignores unknown members") {
  const absl::StatusOr<HttpResponse> r = DecodeJsonResponse(
      R"({"trace":{"a":[1,2,{"status":"no"}]},"status":204,"Status":"x"})");
  REQUIRE(r.ok());
  CHECK(r->status == 204);
}

TEST_CASE(
    "DecodeJsonResponse decodes a base64 body only when body_base64 is true") {
  absl::StatusOr<HttpResponse> r =
      DecodeJsonResponse(R"({"body":"AAEC/w==","body_base64":true})");
  REQUIRE(r.ok());
  CHECK(r->body == "\x00\x01\x02\xFF"s);
  // The flag may come before the body.
  r = DecodeJsonResponse(R"({"body_base64":true,"body":"aGk="})");
  REQUIRE(r.ok());
  CHECK(r->body == "hi");
  r = DecodeJsonResponse(R"({"body":"AAEC/w==","body_base64":false})");
  REQUIRE(r.ok());
  CHECK(r->body == "AAEC/w==");
  r = DecodeJsonResponse(R"({"body_base64":true})");
  REQUIRE(r.ok());
  CHECK(r->body.empty());
  // Base64 of all bytes, as the binary_body test guest sends it.
  const std::string all = AllBytes();
  r = DecodeJsonResponse(R"({"body_base64":true,"body":")" + Base64Encode(all) +
                         "\"}");
  REQUIRE(r.ok());
  CHECK(r->body == all);
}

TEST_CASE("DecodeJsonResponse keeps JSON escapes, NUL included, in the body") {
  const absl::StatusOr<HttpResponse> r =
      DecodeJsonResponse(R"({"body":"a\u0000b\u00e9\ud83d\ude00"})");
  REQUIRE(r.ok());
  CHECK(r->body == "a\0b\xC3\xA9\xF0\x9F\x98\x80"s);
}

TEST_CASE("DecodeJsonResponse rejects stdout that is not one JSON object") {
  CHECK(
      ErrorOf(DecodeJsonResponse("")) ==
      "response: stdout is empty or only whitespace, expected one JSON object");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(" \n "), "empty or only whitespace");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse("not json"), "not valid JSON");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":200)"),
                       "not valid JSON");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":200,})"),
                       "not valid JSON");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse("{\"body\":\"\xFF\"}"),
                       "not valid JSON");
  CHECK(ErrorOf(DecodeJsonResponse("[1]")) ==
        "response: expected one JSON object, got an array");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"("text")"), "got a string");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse("42"), "got an integer");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse("null"), "got null");
}

TEST_CASE("DecodeJsonResponse rejects bytes after the object") {
  CHECK(ErrorOf(DecodeJsonResponse("{} x")) ==
        "response: unexpected bytes after the JSON object, at offset 2 (stdout "
        "must hold exactly one object)");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse("{}{}"), "at offset 2");
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse("{\"status\":200}\n{\"status\":500}\n"),
      "unexpected bytes after the JSON object, at offset 14");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"body":"}{"} 1)"),
                       "at offset 13");
}

TEST_CASE("DecodeJsonResponse checks status") {
  CHECK(ErrorOf(DecodeJsonResponse(R"({"status":700})")) ==
        "response: status 700 is outside 100..599");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":99})"),
                       "status 99 is outside");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":600})"),
                       "status 600 is outside");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":-200})"),
                       "status -200 is outside");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":18446744073709551615})"),
                       "status 18446744073709551615 is outside");
  CHECK(ErrorOf(DecodeJsonResponse(R"({"status":200.5})")) ==
        "response: \"status\" must be an integer, got a non-integer number");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":2e2})"),
                       "must be an integer");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":"200"})"),
                       "must be an integer, got a string");
  CHECK(DecodeJsonResponse(R"({"status":100})")->status == 100);
  CHECK(DecodeJsonResponse(R"({"status":599})")->status == 599);
}

TEST_CASE(
    "DecodeJsonResponse checks the types of headers, body and body_base64") {
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":["a"]})"),
                       "\"headers\" must be an object, got an array");
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse(R"({"headers":{"x-a":1}})"),
      "header \"x-a\" must be a string or an array of strings, got an integer");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{"x-a":{"v":"1"}}})"),
                       "got an object");
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse(R"({"headers":{"x-a":["ok",true]}})"),
      "header \"x-a\" has a value that is a boolean, not a string");
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse(R"({"headers":{"x-a":[["nested"]]}})"),
      "is an array, not a string");
  CHECK(ErrorOf(DecodeJsonResponse(R"({"body":5})")) ==
        "response: \"body\" must be a string, got an integer");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"body":["a"]})"),
                       "\"body\" must be a string");
  CHECK(ErrorOf(DecodeJsonResponse(R"({"body_base64":"yes"})")) ==
        "response: \"body_base64\" must be a boolean, got a string");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"body_base64":1,"body":""})"),
                       "must be a boolean");
}

TEST_CASE("DecodeJsonResponse rejects a bad base64 body") {
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse(R"({"body":"@@@@","body_base64":true})"),
      "\"body_base64\" is true but \"body\" is not valid: base64: "
      "invalid character at offset 0");
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse(R"({"body":"abc","body_base64":true})"),
      "not a multiple of 4");
}

TEST_CASE("DecodeJsonResponse rejects a member given twice") {
  CHECK(ErrorOf(DecodeJsonResponse(R"({"status":200,"status":500})")) ==
        "response: \"status\" appears twice");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"status":null,"status":500})"),
                       "\"status\" appears twice");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"body":"a","body":"b"})"),
                       "\"body\" appears twice");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{},"headers":{}})"),
                       "\"headers\" appears twice");
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse(R"({"body_base64":true,"body_base64":false})"),
      "\"body_base64\" appears twice");
}

TEST_CASE(
    "DecodeJsonResponse rejects header names and values that could split a "
    "response") {
  CHECK(ErrorOf(DecodeJsonResponse(
            R"({"headers":{"x-a":"1\r\nSet-Cookie: s=1"}})")) ==
        "response: header \"x-a\" has control byte 0x0d at offset 1 of its "
        "value");
  CHECK_ERROR_CONTAINS(
      DecodeJsonResponse(R"({"headers":{"x-a":["ok","a\nb"]}})"),
      "control byte 0x0a at offset 1");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{"x-a":"\u0000"}})"),
                       "control byte 0x00 at offset 0");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{"x-a":"\u007f"}})"),
                       "control byte 0x7f");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{"bad name":"v"}})"),
                       "header name \"bad name\" is not an HTTP token");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{"":"v"}})"),
                       "header name \"\" is not an HTTP token");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{"x:y":"v"}})"),
                       "not an HTTP token");
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(R"({"headers":{"x\ny":"v"}})"),
                       "header name \"x\\ny\"");
  // HTAB, obs-text and an empty value are allowed.
  const absl::StatusOr<HttpResponse> r = DecodeJsonResponse(
      R"({"headers":{"x-a":"a\tb","x-b":"caf\u00e9","x-c":""}})");
  REQUIRE(r.ok());
  CHECK(r->headers ==
        Headers{{"x-a", "a\tb"}, {"x-b", "caf\xC3\xA9"}, {"x-c", ""}});
}

std::string JsonWithHeaderValues(int count) {
  std::string json = R"({"headers":{"x-many":[)";
  for (int i = 0; i < count; ++i) json += (i ? ",\"v\"" : "\"v\"");
  return json + "]}}";
}

TEST_CASE("DecodeJsonResponse caps header count and size") {
  const absl::StatusOr<HttpResponse> hundred =
      DecodeJsonResponse(JsonWithHeaderValues(100));
  REQUIRE(hundred.ok());
  CHECK(hundred->headers.size() == 100);
  CHECK(ErrorOf(DecodeJsonResponse(JsonWithHeaderValues(101))) ==
        "response: more than 100 header values");
  // The cap counts values across names too.
  std::string spread = R"({"headers":{)";
  for (int i = 0; i < 101; ++i)
    spread += (i ? ",\"x-" : "\"x-") + std::to_string(i) + "\":\"v\"";
  CHECK_ERROR_CONTAINS(DecodeJsonResponse(spread + "}}"),
                       "more than 100 header values");

  // name (3) + ": " (2) + value: exactly 8192 passes, one more fails.
  const std::string fits = std::string(8192 - 5, 'v');
  CHECK(DecodeJsonResponse(R"({"headers":{"x-a":")" + fits + "\"}}").ok());
  CHECK(
      ErrorOf(DecodeJsonResponse(R"({"headers":{"x-a":")" + fits + "v\"}}")) ==
      "response: header \"x-a\" is 8193 bytes, more than the limit of 8192");
  // A huge header name is quoted cut short in the message.
  const std::string long_name(10000, 'n');
  const std::string message = ErrorOf(
      DecodeJsonResponse(R"({"headers":{")" + long_name + R"(":"v"}})"));
  CHECK(message.find("more than the limit of 8192") != std::string::npos);
  CHECK(message.size() < 200);
}

// --------------------------------------------------- cgi environment ---

HttpRequest CgiRequest() {
  HttpRequest r = SampleRequest();
  r.target = "/fn/a/b%20c?x=1&y=2";
  r.path = "/fn/a/b%20c";
  r.query = "x=1&y=2";
  r.body = "name=wsbx";
  r.remote_addr = "192.0.2.7";
  r.remote_port = 51000;
  r.server_name = "example.org";
  r.server_port = 8080;
  r.headers = {{"Host", "example.org:8080"},
               {"Content-Type", "application/x-www-form-urlencoded"},
               {"Content-Length", "9"},
               {"User-Agent", "curl/8"},
               {"Accept", "text/html"},
               {"Cookie", "a=1"},
               {"Proxy", "http://evil.example/"},
               {"Authorization", "Bearer secret"},
               {"X_Real_IP", "10.0.0.1"},
               {"accept", "*/*"},
               {"cookie", "b=2"},
               {"X-Trace-Id", "t1"}};
  return r;
}

TEST_CASE("CgiEnvironment gives the RFC 3875 variables in order") {
  const Env expected = {
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"SERVER_SOFTWARE", "wsbx"},
      {"SERVER_NAME", "example.org"},
      {"SERVER_PORT", "8080"},
      {"REQUEST_METHOD", "POST"},
      {"SCRIPT_NAME", "/fn"},
      {"PATH_INFO", "/a/b%20c"},
      {"QUERY_STRING", "x=1&y=2"},
      {"REMOTE_ADDR", "192.0.2.7"},
      {"REMOTE_HOST", "192.0.2.7"},
      {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
      {"CONTENT_LENGTH", "9"},
      {"HTTP_HOST", "example.org:8080"},
      {"HTTP_USER_AGENT", "curl/8"},
      {"HTTP_ACCEPT", "text/html, */*"},
      {"HTTP_COOKIE", "a=1; b=2"},
      {"HTTP_X_TRACE_ID", "t1"},
  };
  CHECK(CgiEnvironment(CgiRequest()) == expected);
}

TEST_CASE(
    "CgiEnvironment never passes Proxy, Authorization or underscore names") {
  for (const auto& entry : CgiEnvironment(CgiRequest())) {
    const std::string& name = entry.first;
    const std::string& value = entry.second;
    CAPTURE(name);
    CHECK(name != "HTTP_PROXY");
    CHECK(name != "HTTP_AUTHORIZATION");
    CHECK(name != "HTTP_X_REAL_IP");
    CHECK(name != "HTTP_CONTENT_TYPE");
    CHECK(name != "HTTP_CONTENT_LENGTH");
    CHECK(value.find("secret") == std::string::npos);
  }
}

std::string EnvValue(const Env& env, std::string_view name) {
  for (const auto& [n, v] : env) {
    if (n == name) return v;
  }
  return "(unset)";
}

TEST_CASE("CgiEnvironment splits SCRIPT_NAME and PATH_INFO at the route") {
  struct Case {
    const char* route;
    const char* path;
    const char* script_name;
    const char* path_info;
  };
  const Case cases[] = {
      {"/fn", "/fn", "/fn", ""},
      {"/fn", "/fn/", "/fn", "/"},
      {"/fn", "/fn/x/y", "/fn", "/x/y"},
      {"/fn/", "/fn/x", "/fn", "/x"},
      {"/", "/", "", "/"},
      {"/", "/x", "", "/x"},
      {"", "/x", "", "/x"},
      // Not under the route: all of it is PATH_INFO.
      {"/fn", "/fnord", "", "/fnord"},
      {"/fn", "/other", "", "/other"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.route);
    CAPTURE(c.path);
    HttpRequest r;
    r.route = c.route;
    r.path = c.path;
    const Env env = CgiEnvironment(r);
    CHECK(EnvValue(env, "SCRIPT_NAME") == c.script_name);
    CHECK(EnvValue(env, "PATH_INFO") == c.path_info);
  }
}

TEST_CASE("CgiEnvironment sets CONTENT_* only for a body") {
  HttpRequest r = CgiRequest();
  r.body.clear();
  Env env = CgiEnvironment(r);
  CHECK(EnvValue(env, "CONTENT_TYPE") == "(unset)");
  CHECK(EnvValue(env, "CONTENT_LENGTH") == "(unset)");
  CHECK(EnvValue(env, "HTTP_CONTENT_LENGTH") == "(unset)");

  r = CgiRequest();
  r.headers.clear();
  r.body = std::string(70000, 'b');
  env = CgiEnvironment(r);
  CHECK(EnvValue(env, "CONTENT_TYPE") == "(unset)");
  CHECK(EnvValue(env, "CONTENT_LENGTH") == "70000");
}

TEST_CASE("CgiEnvironment reports the HTTP version and empty values") {
  HttpRequest r;
  r.method = "GET";
  r.version = 10;
  const Env env = CgiEnvironment(r);
  CHECK(EnvValue(env, "SERVER_PROTOCOL") == "HTTP/1.0");
  CHECK(EnvValue(env, "QUERY_STRING") == "");
  CHECK(EnvValue(env, "SERVER_PORT") == "0");
  CHECK(env.size() == 11);  // the fixed variables only
}

// ------------------------------------------------------ cgi response ---

TEST_CASE("DecodeCgiResponse reads a document response") {
  const absl::StatusOr<HttpResponse> r = DecodeCgiResponse(
      "Content-Type: text/plain\nX-A:   spaced \t\nX-Empty:\n\nhello\n");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->headers == Headers{{"Content-Type", "text/plain"},
                              {"X-A", "spaced"},
                              {"X-Empty", ""}});
  CHECK(r->body == "hello\n");
}

TEST_CASE(
    "DecodeCgiResponse takes CRLF lines and Status, and keeps the body as is") {
  const std::string body = "\r\n\r\nstill body\n\n" + AllBytes();
  const absl::StatusOr<HttpResponse> r = DecodeCgiResponse(
      "Status: 404 Not Found\r\ncontent-type: text/html\r\n\r\n" + body);
  REQUIRE(r.ok());
  CHECK(r->status == 404);
  CHECK(r->headers ==
        Headers{{"content-type", "text/html"}});  // Status consumed
  CHECK(r->body == body);

  const absl::StatusOr<HttpResponse> bare =
      DecodeCgiResponse("STATUS: 201\nContent-Type: a/b\n\n");
  REQUIRE(bare.ok());
  CHECK(bare->status == 201);
  CHECK(bare->body.empty());
}

TEST_CASE("DecodeCgiResponse answers a Location without Status with 302") {
  absl::StatusOr<HttpResponse> r =
      DecodeCgiResponse("Location: https://example.org/x\n\n");
  REQUIRE(r.ok());
  CHECK(r->status == 302);
  CHECK(r->headers == Headers{{"Location", "https://example.org/x"}});
  // A local redirect is answered to the client the same way.
  r = DecodeCgiResponse("location: /elsewhere\r\n\r\n");
  REQUIRE(r.ok());
  CHECK(r->status == 302);
  // Status wins, with or without a document.
  r = DecodeCgiResponse(
      "Status: 301 Moved\nLocation: /y\nContent-Type: text/html\n\nmoved");
  REQUIRE(r.ok());
  CHECK(r->status == 301);
  CHECK(r->body == "moved");
}

TEST_CASE("DecodeCgiResponse needs a blank line after the headers") {
  CHECK(ErrorOf(DecodeCgiResponse("")) ==
        "cgi response: no blank line ends the headers (output ends in line 1)");
  CHECK_ERROR_CONTAINS(
      DecodeCgiResponse("Content-Type: text/plain"),
      "no blank line ends the headers (output ends in line 1)");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Content-Type: text/plain\n"),
                       "output ends in line 2");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Content-Type: text/plain\r\nbody"),
                       "no blank line");
}

TEST_CASE("DecodeCgiResponse needs Content-Type or Location") {
  CHECK(
      ErrorOf(DecodeCgiResponse("X-A: 1\n\nbody")) ==
      "cgi response: neither Content-Type nor Location among the headers (RFC "
      "3875 section 6.2)");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("\nbody"),
                       "neither Content-Type nor Location");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Status: 204\n\n"),
                       "neither Content-Type");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("not json"), "no blank line");
}

TEST_CASE("DecodeCgiResponse rejects malformed header lines") {
  CHECK(ErrorOf(DecodeCgiResponse("Content-Type text/plain\n\n")) ==
        "cgi response: header line 1 has no ':': \"Content-Type text/plain\"");
  CHECK(
      ErrorOf(DecodeCgiResponse("Content-Type: text/plain\n  folded\n\n")) ==
      "cgi response: header line 2 starts with whitespace; continuation lines "
      "are not supported");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("\tX: y\n\n"),
                       "line 1 starts with whitespace");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Bad Name: x\nContent-Type: a/b\n\n"),
                       "header name \"Bad Name\" is not an HTTP token");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse(": x\n\n"),
                       "header name \"\" is not an HTTP token");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Content-Type : a/b\n\n"),
                       "not an HTTP token");
  CHECK(ErrorOf(DecodeCgiResponse(
            "Content-Type: a/b\nX-A: 1\rSet-Cookie: s\n\n")) ==
        "cgi response: header \"X-A\" has control byte 0x0d at offset 1 of its "
        "value");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Content-Type: a\0b\n\n"s),
                       "control byte 0x00");
  CHECK(ErrorOf(DecodeCgiResponse("Location:  \n\n")) ==
        "cgi response: empty Location in line 1");
}

TEST_CASE("DecodeCgiResponse checks Status") {
  CHECK(ErrorOf(DecodeCgiResponse("Status: abc\nContent-Type: a/b\n\n")) ==
        "cgi response: bad Status \"abc\": expected a 3-digit code and an "
        "optional reason phrase");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Status: 4040\nContent-Type: a/b\n\n"),
                       "bad Status");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Status: 40\nContent-Type: a/b\n\n"),
                       "bad Status");
  CHECK_ERROR_CONTAINS(
      DecodeCgiResponse("Status: 404Gone\nContent-Type: a/b\n\n"),
      "bad Status");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Status:\nContent-Type: a/b\n\n"),
                       "bad Status \"\"");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Status: -12\nContent-Type: a/b\n\n"),
                       "bad Status");
  CHECK(ErrorOf(DecodeCgiResponse("Status: 700 Nope\nContent-Type: a/b\n\n")) ==
        "cgi response: Status 700 is outside 100..599");
  CHECK_ERROR_CONTAINS(DecodeCgiResponse("Status: 099\nContent-Type: a/b\n\n"),
                       "Status 99 is outside");
  CHECK(ErrorOf(DecodeCgiResponse(
            "Status: 200\nContent-Type: a/b\nStatus: 500\n\n")) ==
        "cgi response: a second Status header in line 3");
}

std::string CgiWithHeaderLines(int count) {
  std::string out = "Content-Type: text/plain\n";
  for (int i = 1; i < count; ++i) out += "X-N: " + std::to_string(i) + "\n";
  return out + "\nbody";
}

TEST_CASE("DecodeCgiResponse caps header lines in number and length") {
  const absl::StatusOr<HttpResponse> hundred =
      DecodeCgiResponse(CgiWithHeaderLines(100));
  REQUIRE(hundred.ok());
  CHECK(hundred->headers.size() == 100);
  CHECK(hundred->body == "body");
  CHECK(ErrorOf(DecodeCgiResponse(CgiWithHeaderLines(101))) ==
        "cgi response: more than 100 header lines");

  // An 8192-byte line passes, with LF or CRLF; one more byte fails.
  const std::string fits = "X-Long: " + std::string(8192 - 8, 'v');
  CHECK(DecodeCgiResponse("Content-Type: a/b\n" + fits + "\n\n").ok());
  CHECK(DecodeCgiResponse("Content-Type: a/b\r\n" + fits + "\r\n\r\n").ok());
  CHECK(ErrorOf(DecodeCgiResponse("Content-Type: a/b\n" + fits + "v\n\n")) ==
        "cgi response: header line 2 is longer than 8192 bytes");
  CHECK_ERROR_CONTAINS(
      DecodeCgiResponse("Content-Type: a/b\r\n" + fits + "v\r\n\r\n"),
      "header line 2 is longer than 8192 bytes");
  // Megabytes without a newline are refused as one over-long line.
  CHECK(ErrorOf(DecodeCgiResponse(std::string(4 << 20, 'x'))) ==
        "cgi response: header line 1 is longer than 8192 bytes");
}

}  // namespace
}  // namespace wsbx::serve
