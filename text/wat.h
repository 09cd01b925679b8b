// Public entry point of the text-format reader: one module in the
// WebAssembly text format to its binary encoding. The rest of text/ is
// internal to this component.
#ifndef WSBX_TEXT_WAT_H_
#define WSBX_TEXT_WAT_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace wsbx::text {

// Parses one module in the text format (a whole file: `(module ...)` or the
// module fields alone, as the spec allows) and returns its binary encoding.
// Errors: absl::InvalidArgumentError with "LINE:COL: what" (1-based).
absl::StatusOr<std::vector<uint8_t>> WatToWasm(std::string_view text);

}  // namespace wsbx::text

#endif  // WSBX_TEXT_WAT_H_
