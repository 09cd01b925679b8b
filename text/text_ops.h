// Instructions the text reader encodes but the engine does not implement:
// typed function references, GC and exception handling (3.0). They are kept
// out of runtime/opcodes.def on purpose: every row there is decoded,
// validated and compiled, and these must stay unknown opcodes to the engine.
#ifndef WSBX_TEXT_TEXT_OPS_H_
#define WSBX_TEXT_TEXT_OPS_H_

#include <cstdint>
#include <string_view>

namespace wsbx::text {

// What follows the mnemonic, in text and binary alike.
enum class TextImm : uint8_t {
  kNone,
  kType,       // typeidx
  kTypeField,  // typeidx fieldidx (field names are per struct type)
  kTypeCount,  // typeidx u32 (array.new_fixed)
  kTypeData,   // typeidx dataidx
  kTypeElem,   // typeidx elemidx
  kTypeType,   // typeidx typeidx (array.copy)
  kCast,       // reftype; the nullable form is the next opcode
  kBrOnCast,   // flags byte, labelidx, heaptype, heaptype
  kLabel,      // labelidx
  kTag,        // tagidx
  kTryTable,   // blocktype vec(catch)
};

struct TextOpInfo {
  std::string_view text;
  uint8_t prefix;  // 0 or 0xFB
  uint32_t code;
  TextImm imm;
};

// The entry for a mnemonic, or null.
const TextOpInfo* FindTextOp(std::string_view mnemonic);

}  // namespace wsbx::text

#endif  // WSBX_TEXT_TEXT_OPS_H_
