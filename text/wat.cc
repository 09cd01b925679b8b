// WatToWasm: lex, parse, resolve, encode. Each stage reports its own
// errors with line:column; nothing here validates beyond what the text
// format itself requires (typing is the validator's job).
#include "text/wat.h"

#include "runtime/status_macros.h"
#include "text/binary_writer.h"
#include "text/lexer.h"
#include "text/parser.h"

namespace wsbx::text {

absl::StatusOr<std::vector<uint8_t>> WatToWasm(std::string_view text) {
  WSBX_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  WSBX_ASSIGN_OR_RETURN(TextModule module, ParseModule(tokens));
  WSBX_RETURN_IF_ERROR(ResolveModule(module));
  return WriteBinary(module);
}

}  // namespace wsbx::text
