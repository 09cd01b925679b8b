// Lexer for the WebAssembly text format (spec 6.3): splits a source into
// tokens with 1-based line:column positions, skipping white space, comments
// and annotations. LF, CR and CRLF each end a line. Numbers keep their text;
// they are typed by the parser.
#ifndef WSBX_TEXT_LEXER_H_
#define WSBX_TEXT_LEXER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace wsbx::text {

enum class TokenKind : uint8_t {
  kLParen,
  kRParen,
  kKeyword,   // starts with a lowercase letter (not a float keyword)
  kId,        // `$name` or `$"name"`; `value` holds the name without `$`
  kNat,       // unsigned integer: 123, 0x7f, 1_000
  kInt,       // signed integer: +1, -0x10
  kFloat,     // any float form, including inf, nan and nan:0x...
  kString,    // `value` holds the decoded bytes
  kReserved,  // any other run of id characters: always an error to parse
  kEof,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string_view text;  // the source text of the token
  std::string value;      // kId: the name; kString: the decoded bytes
  uint32_t line = 1;
  uint32_t col = 1;
};

// Tokenizes a whole source; the last token is always kEof. Errors (an
// unterminated string or comment, a bad escape, a stray character) are
// InvalidArgumentError "LINE:COL: what".
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view source);

// "LINE:COL: what" as an InvalidArgumentError.
absl::Status ErrorAt(const Token& at, std::string_view what);

// Number parsing from token text (spec 6.3.1 and 6.3.2). Integers: the
// result bits of an N-bit integer; signed forms take -2^(N-1)..2^N-1 as the
// spec's iN does (the unsigned range reinterpreted). nullopt when malformed
// or out of range.
std::optional<uint64_t> ParseUnsigned(std::string_view text, int bits);
std::optional<uint64_t> ParseInteger(std::string_view text, int bits);
// Floats (an integer token is also a float): the IEEE bits, rounded to
// nearest; nullopt when malformed or when the value rounds to infinity.
std::optional<uint32_t> ParseF32(std::string_view text);
std::optional<uint64_t> ParseF64(std::string_view text);

// True for well-formed UTF-8 (names must be, spec 6.3.4).
bool IsValidUtf8(std::string_view s);
// The length of the well-formed UTF-8 sequence at s[i] (1 for ASCII), 0
// when the bytes there are not one.
size_t Utf8Length(std::string_view s, size_t i);

}  // namespace wsbx::text

#endif  // WSBX_TEXT_LEXER_H_
