// Binary encoder for a resolved TextModule (spec chapter 5): sections in
// their required order, empty ones left out, LEB128 numbers at their
// shortest, and no custom (name) sections.
#ifndef WSBX_TEXT_BINARY_WRITER_H_
#define WSBX_TEXT_BINARY_WRITER_H_

#include <cstdint>
#include <vector>

#include "text/text_module.h"

namespace wsbx::text {

// `m` must have gone through ResolveModule.
std::vector<uint8_t> WriteBinary(const TextModule& m);

}  // namespace wsbx::text

#endif  // WSBX_TEXT_BINARY_WRITER_H_
