// One decoded instruction with its immediates, read from a body or constant
// expression by ReadInstr. Shared by the decoder, validator, compiler and
// disassembler so immediates are parsed in exactly one place.
#ifndef WSBX_RUNTIME_DECODE_INSTR_H_
#define WSBX_RUNTIME_DECODE_INSTR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "runtime/opcodes.h"
#include "runtime/decode/reader.h"
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
  // offset b (all 64 bits in `bits`). kTableInit: element a, table b. kTableCopy: dst a, src b.
  // kMemoryInit: data a. The memory of a memory instruction is `mem`
  // (kMemoryCopy: the destination; the source in b).
  uint32_t a = 0;
  uint32_t b = 0;
  uint32_t mem = 0;
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
// With `memory_indices` (Wasm 3.0, multiple memories) memory instructions
// may name a memory: memarg flags with bit 6 set are followed by the index,
// and the 2.0 reserved zero bytes are u32 indices; without, they are read
// as 2.0 has them (a validated module decodes the same either way).
absl::Status ReadInstr(Reader& r, Instr* out, uint32_t max_br_table,
                       bool memory_indices = true);

namespace instr_internal {

// How ReadInstrFast reads a single-byte opcode's immediates.
enum class Fast : uint8_t {
  kSlow,       // prefixed, unknown, or immediates left to ReadInstr
  kNone,       // no immediate
  kIndex,      // one u32 into `a`
  kTwo,        // two u32s into `a` and `b` (call_indirect)
  kMemArg,     // memarg flags below 0x40 (memory 0) into `a`, offset `b`
  kS32,        // s32 into `bits`, sign-extended
  kS64,        // s64 into `bits`
  kBlockType,  // empty or a single value type
};

struct ByteOp {
  Fast fast = Fast::kSlow;
  Opcode op{};
};

constexpr Fast FastKind(ImmKind imm) {
  switch (imm) {
    case ImmKind::kNone:
      return Fast::kNone;
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
      return Fast::kIndex;
    case ImmKind::kMemArg:
      return Fast::kMemArg;
    case ImmKind::kCallIndirect:
      return Fast::kTwo;
    case ImmKind::kI32:
      return Fast::kS32;
    case ImmKind::kI64:
      return Fast::kS64;
    case ImmKind::kBlockType:
      return Fast::kBlockType;
    default:
      return Fast::kSlow;
  }
}

// Single-byte opcodes by their byte, built from the opcode table.
constexpr std::array<ByteOp, 256> MakeByteOps() {
  std::array<ByteOp, 256> t{};
#define WSBX_OP(name, prefix, code, text, imm, sig) \
  if (prefix == 0) t[code] = {FastKind(ImmKind::imm), Opcode::k##name};
#include "runtime/opcodes.def"
#undef WSBX_OP
  return t;
}
inline constexpr std::array<ByteOp, 256> kByteOps = MakeByteOps();

// A LEB128 of at most 5 bytes at p[0..] within `left` bytes: its length,
// or 0 when it is longer or runs past the end. `*value` gets its 7-35 bits.
// Linkers pad relocated indices and addresses to 5 bytes, so that length is
// common. Up to 4 bytes an encoding is never over-long nor out of range for
// a u32, s32 or s64; Fits32 checks a fifth byte as Reader does.
inline size_t ShortLeb(const uint8_t* p, size_t left, uint64_t* value) {
  if (left >= 1 && p[0] < 0x80) {
    *value = p[0];
    return 1;
  }
  uint64_t v = 0;
  const size_t max = left < 5 ? left : 5;
  for (size_t i = 0; i < max; ++i) {
    v |= uint64_t{p[i] & 0x7Fu} << (7 * i);
    if (p[i] < 0x80) {
      *value = v;
      return i + 1;
    }
  }
  return 0;
}

// Whether a value ShortLeb read in `len` bytes is a valid u32 (or, with
// `is_signed`, s32): a fifth byte may not carry bits beyond bit 31 (s32:
// they must all repeat the sign bit).
inline bool Fits32(uint64_t v, size_t len, bool is_signed) {
  if (len < 5) return true;
  const uint64_t high = v >> 31;  // bits 31-34
  return is_signed ? high == 0 || high == 0xF : high <= 1;
}

// The value of a signed LEB128 of `len` bytes (bit 7 * len - 1 the sign).
inline uint64_t SignExtend(uint64_t v, size_t len) {
  const int unused = 64 - 7 * static_cast<int>(len);
  return static_cast<uint64_t>(static_cast<int64_t>(v << unused) >> unused);
}

}  // namespace instr_internal

// The common shapes of ReadInstr, inline for the loops that decode bodies:
// a single-byte opcode whose immediates are LEB128s of at most 5 bytes (or
// a block type that is empty or one value type). Returns false, having
// consumed nothing, when ReadInstr must decide (and report any error).
inline bool ReadInstrFast(Reader& r, Instr* out) {
  using instr_internal::Fast;
  const size_t left = r.remaining();
  if (left == 0) return false;
  const uint8_t* p = r.data().data() + r.pos();
  const instr_internal::ByteOp& e = instr_internal::kByteOps[p[0]];
  size_t n = 1;
  if (e.fast == Fast::kNone) {  // the commonest kinds first, without a table
    out->op = e.op;
    out->offset = r.offset();
    r.Advance(1);
    return true;
  }
  if (e.fast == Fast::kIndex && left >= 2 && p[1] < 0x80) {
    out->a = p[1];
    out->op = e.op;
    out->offset = r.offset();
    r.Advance(2);
    return true;
  }
  if (e.fast == Fast::kS32 && left >= 2 && p[1] < 0x80) {
    out->bits = instr_internal::SignExtend(p[1], 1);
    out->op = e.op;
    out->offset = r.offset();
    r.Advance(2);
    return true;
  }
  switch (e.fast) {
    case Fast::kSlow:
      return false;
    case Fast::kNone:
      break;
    case Fast::kIndex: {
      uint64_t v;
      const size_t len = instr_internal::ShortLeb(p + 1, left - 1, &v);
      if (len == 0 || !instr_internal::Fits32(v, len, false)) return false;
      out->a = static_cast<uint32_t>(v);
      n += len;
      break;
    }
    case Fast::kTwo:
    case Fast::kMemArg: {
      uint64_t v, w;
      const size_t len = instr_internal::ShortLeb(p + 1, left - 1, &v);
      if (len == 0 || !instr_internal::Fits32(v, len, false)) return false;
      if (e.fast == Fast::kMemArg) {
        if (v >= 0x40) return false;  // a memory index follows
        out->mem = 0;
      }
      const size_t len2 =
          instr_internal::ShortLeb(p + 1 + len, left - 1 - len, &w);
      if (len2 == 0 || !instr_internal::Fits32(w, len2, false)) return false;
      out->a = static_cast<uint32_t>(v);
      out->b = static_cast<uint32_t>(w);
      out->bits = w;  // memarg: the offset, also in b
      n += len + len2;
      break;
    }
    case Fast::kS32:
    case Fast::kS64: {
      uint64_t v;
      const size_t len = instr_internal::ShortLeb(p + 1, left - 1, &v);
      if (len == 0) return false;
      if (e.fast == Fast::kS32 && !instr_internal::Fits32(v, len, true)) {
        return false;
      }
      out->bits = instr_internal::SignExtend(v, len);
      n += len;
      break;
    }
    case Fast::kBlockType:
      if (left < 2) return false;
      if (p[1] == 0x40) {
        out->block.kind = BlockType::Kind::kEmpty;
      } else if (IsValTypeByte(p[1])) {
        out->block.kind = BlockType::Kind::kValue;
        out->block.value = static_cast<ValType>(p[1]);
      } else {
        return false;
      }
      n = 2;
      break;
  }
  out->op = e.op;
  out->offset = r.offset();
  r.Advance(n);
  return true;
}

}  // namespace wsbx

#endif  // WSBX_RUNTIME_DECODE_INSTR_H_
