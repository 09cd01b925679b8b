// The section layout of a wasm binary (spec 5.5.2): each section's id, where
// it starts and how large it is, in file order, and custom sections' names.
// For tools that show a module's structure (`wsbx inspect`); the decoder
// does not need it. Only the framing is read, not the contents.
#ifndef WSBX_RUNTIME_DECODE_SECTIONS_H_
#define WSBX_RUNTIME_DECODE_SECTIONS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace wsbx {

struct SectionSpan {
  uint8_t id = 0;
  uint32_t offset = 0;          // of the id byte
  uint32_t content_offset = 0;  // first byte after the size
  uint32_t size = 0;            // the declared size: content bytes
  std::string name;             // custom sections only
};

// "type", "import", ..., "data count" ("custom" for 0, "unknown" past 12).
std::string_view SectionIdName(uint8_t id);

// The sections of `bytes`, which must start with the magic and version.
// Errors (with the offset) for a bad header, an unknown id, a size past the
// end, or a custom section whose name does not fit in it; the order of the
// sections and their contents are the decoder's to check.
absl::StatusOr<std::vector<SectionSpan>> ListSections(
    std::span<const uint8_t> bytes);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_DECODE_SECTIONS_H_
