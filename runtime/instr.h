// One decoded instruction with its immediates, read from a body or constant
// expression by ReadInstr. Shared by the decoder, validator, compiler and
// disassembler so immediates are parsed in exactly one place.
#ifndef WSBX_RUNTIME_INSTR_H_
#define WSBX_RUNTIME_INSTR_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "runtime/opcodes.h"
#include "runtime/reader.h"
#include "runtime/types.h"

namespace wsbx {

struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValue, kIndex };
  Kind kind = Kind::kEmpty;
  ValType value = ValType::kI32;  // kValue
  uint32_t index = 0;             // kIndex: a type index (unchecked here)
};

struct Instr {
  Opcode op = Opcode::kNop;
  uint32_t offset = 0;  // module offset of the opcode byte
  BlockType block;      // kBlockType
  // Index immediates: label, function, local, global, table, data or element
  // index in `a`. kCallIndirect: type a, table b. kMemArg: align (log2) a,
  // offset b. kTableInit: element a, table b. kTableCopy: dst a, src b.
  // kMemoryInit: data a.
  uint32_t a = 0;
  uint32_t b = 0;
  uint64_t bits = 0;  // kI32/kI64 value (sign-extended), kF32/kF64 raw bits
  // kV128 and kShuffle: the 16 immediate bytes, little-endian, in bits (bytes
  // 0-7) and hi (bytes 8-15). kLane, kMemArgLane: the lane index in `lane`.
  uint64_t hi = 0;
  uint8_t lane = 0;
  ValType type = ValType::kI32;  // kRefType, kSelectT
  std::vector<uint32_t> targets;  // kBrTable: labels then the default last
};

// Reads one instruction at the reader's position into *out, reusing
// out->targets' storage. Malformed encodings (unknown opcode, bad LEB128,
// non-zero reserved bytes, bad value type) are errors with the offset.
// `max_br_table` bounds the br_table target count before allocating.
absl::Status ReadInstr(Reader& r, Instr* out, uint32_t max_br_table);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_INSTR_H_
