// ListSections: a walk over the section headers only (sections.h).
#include "runtime/decode/sections.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_format.h"
#include "runtime/decode/reader.h"
#include "runtime/status_macros.h"

namespace wsbx {

std::string_view SectionIdName(uint8_t id) {
  static constexpr std::string_view kNames[] = {
      "custom", "type",  "import",  "function", "table", "memory",    "global",
      "export", "start", "element", "code",     "data",  "data count"};
  return id < std::size(kNames) ? kNames[id] : "unknown";
}

absl::StatusOr<std::vector<SectionSpan>> ListSections(
    std::span<const uint8_t> bytes) {
  static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6D, 1, 0, 0, 0};
  if (bytes.size() < std::size(kHeader) ||
      !std::equal(std::begin(kHeader), std::end(kHeader), bytes.begin())) {
    return Reader::ErrorAt(0, "not a version 1 wasm binary");
  }
  Reader r(bytes.subspan(std::size(kHeader)), std::size(kHeader));
  std::vector<SectionSpan> out;
  while (!r.at_end()) {
    SectionSpan s;
    s.offset = r.offset();
    WSBX_ASSIGN_OR_RETURN(s.id, r.ReadByte());
    if (s.id > 12) {
      return Reader::ErrorAt(s.offset,
                             absl::StrFormat("malformed section id %u", s.id));
    }
    WSBX_ASSIGN_OR_RETURN(s.size, r.ReadU32());
    s.content_offset = r.offset();
    std::span<const uint8_t> content;
    WSBX_ASSIGN_OR_RETURN(content, r.ReadBytes(s.size));
    if (s.id == 0) {
      Reader name(content, s.content_offset);
      uint32_t length;
      WSBX_ASSIGN_OR_RETURN(length, name.ReadU32());
      std::span<const uint8_t> text;
      WSBX_ASSIGN_OR_RETURN(text, name.ReadBytes(length));
      s.name.assign(text.begin(), text.end());
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace wsbx
