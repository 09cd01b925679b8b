// Public entry points of the text-format reader: one module in the
// WebAssembly text format to its binary encoding, from source text or from
// tokens already lexed (a .wast script's). The rest of text/ is internal to
// this component, except the lexer that produces those tokens.
#ifndef WSBX_TEXT_WAT_H_
#define WSBX_TEXT_WAT_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "text/lexer.h"

namespace wsbx::text {

// Parses one module in the text format (a whole file: `(module ...)` or the
// module fields alone, as the spec allows) and returns its binary encoding.
// Errors: absl::InvalidArgumentError with "LINE:COL: what" (1-based).
absl::StatusOr<std::vector<uint8_t>> WatToWasm(std::string_view text);

// The same for a module's tokens: `(module id? field*)` or `field*`, without
// the final kEof (a span that ends in one is fine too). Errors carry the
// tokens' own positions, so a module cut out of a larger source reports
// lines of that source.
absl::StatusOr<std::vector<uint8_t>> TokensToWasm(
    std::span<const Token> tokens);

}  // namespace wsbx::text

#endif  // WSBX_TEXT_WAT_H_
