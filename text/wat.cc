// WatToWasm: lex, parse, resolve, encode. Each stage reports its own
// errors with line:column; nothing here validates beyond what the text
// format itself requires (typing is the validator's job).
#include "text/wat.h"

#include <utility>

#include "runtime/status_macros.h"
#include "text/binary_writer.h"
#include "text/lexer.h"
#include "text/parser.h"

namespace wsbx::text {
namespace {

absl::StatusOr<std::vector<uint8_t>> Encode(const std::vector<Token>& tokens) {
  WSBX_ASSIGN_OR_RETURN(TextModule module, ParseModule(tokens));
  WSBX_RETURN_IF_ERROR(ResolveModule(module));
  return WriteBinary(module);
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> WatToWasm(std::string_view text) {
  WSBX_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  return Encode(tokens);
}

absl::StatusOr<std::vector<uint8_t>> TokensToWasm(
    std::span<const Token> tokens) {
  // The parser reads up to a kEof token; it stands where the module ends.
  std::vector<Token> own(tokens.begin(), tokens.end());
  if (own.empty() || own.back().kind != TokenKind::kEof) {
    Token eof;
    if (!own.empty()) {
      eof.line = own.back().line;
      eof.col = own.back().col + static_cast<uint32_t>(own.back().text.size());
    }
    own.push_back(std::move(eof));
  }
  return Encode(own);
}

}  // namespace wsbx::text
