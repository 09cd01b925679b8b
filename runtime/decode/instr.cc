// Immediate decoding for every ImmKind of the opcode table.
#include "runtime/decode/instr.h"

#include <array>
#include <optional>

#include "absl/strings/str_format.h"
#include "runtime/status_macros.h"

namespace wsbx {
namespace {

absl::Status ReadValType(Reader& r, ValType* out) {
  uint32_t at = r.offset();
  uint8_t b;
  WSBX_ASSIGN_OR_RETURN(b, r.ReadByte());
  if (!IsValTypeByte(b)) {
    return Reader::ErrorAt(at, absl::StrFormat("malformed value type 0x%02x", b));
  }
  *out = static_cast<ValType>(b);
  return absl::OkStatus();
}

absl::Status ReadZeroByte(Reader& r) {
  uint32_t at = r.offset();
  uint8_t b;
  WSBX_ASSIGN_OR_RETURN(b, r.ReadByte());
  if (b != 0) return Reader::ErrorAt(at, "zero byte expected");
  return absl::OkStatus();
}

absl::Status ReadBlockType(Reader& r, BlockType* out) {
  uint32_t at = r.offset();
  if (r.remaining() == 0) return r.Error("unexpected end");
  uint8_t first = r.data()[r.pos()];
  if (first == 0x40) {
    (void)r.ReadByte();
    out->kind = BlockType::Kind::kEmpty;
    return absl::OkStatus();
  }
  if (IsValTypeByte(first)) {
    (void)r.ReadByte();
    out->kind = BlockType::Kind::kValue;
    out->value = static_cast<ValType>(first);
    return absl::OkStatus();
  }
  int64_t index;
  WSBX_ASSIGN_OR_RETURN(index, r.ReadS33());
  if (index < 0) return Reader::ErrorAt(at, "malformed block type");
  out->kind = BlockType::Kind::kIndex;
  out->index = static_cast<uint32_t>(index);
  return absl::OkStatus();
}

// A memory index: a u32 in 3.0, the reserved zero byte in 2.0.
absl::Status ReadMemIndex(Reader& r, bool memory_indices, uint32_t* out) {
  if (!memory_indices) {
    *out = 0;
    return ReadZeroByte(r);
  }
  WSBX_ASSIGN_OR_RETURN(*out, r.ReadU32());
  return absl::OkStatus();
}

// memarg (spec 5.4.7): flags (alignment, bit 6: a memory index follows),
// the index, the offset.
absl::Status ReadMemArg(Reader& r, bool memory_indices, Instr* out) {
  const uint32_t at = r.offset();
  WSBX_ASSIGN_OR_RETURN(out->a, r.ReadU32());
  out->mem = 0;
  if (memory_indices && (out->a & 0x40) != 0) {
    out->a &= ~uint32_t{0x40};
    WSBX_ASSIGN_OR_RETURN(out->mem, r.ReadU32());
  }
  if (!memory_indices) {
    WSBX_ASSIGN_OR_RETURN(out->b, r.ReadU32());
    out->bits = out->b;
    return absl::OkStatus();
  }
  if (out->a >= 0x80) return Reader::ErrorAt(at, "malformed memop flags");
  // 3.0: a u64 offset (a 32-bit memory's must be below 2^32, which the
  // validator checks).
  WSBX_ASSIGN_OR_RETURN(out->bits, r.ReadU64());
  out->b = static_cast<uint32_t>(out->bits);
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadInstr(Reader& r, Instr* out, uint32_t max_br_table,
                       bool memory_indices) {
  if (ReadInstrFast(r, out)) return absl::OkStatus();
  out->offset = r.offset();
  uint8_t byte;
  WSBX_ASSIGN_OR_RETURN(byte, r.ReadByte());
  uint8_t prefix = 0;
  uint32_t code = byte;
  if (byte == 0xFC || byte == 0xFD) {
    prefix = byte;
    WSBX_ASSIGN_OR_RETURN(code, r.ReadU32());
  }
  std::optional<Opcode> op = LookupOpcode(prefix, code);
  if (!op) {
    return Reader::ErrorAt(
        out->offset,
        prefix ? absl::StrFormat("illegal opcode 0x%02x 0x%x", prefix, code)
               : absl::StrFormat("illegal opcode 0x%02x", code));
  }
  out->op = *op;
  switch (GetOpcodeInfo(*op).imm) {
    case ImmKind::kNone:
      break;
    case ImmKind::kBlockType:
      return ReadBlockType(r, &out->block);
    case ImmKind::kLabel: case ImmKind::kFunc: case ImmKind::kLocal:
    case ImmKind::kGlobal: case ImmKind::kTable: case ImmKind::kData:
    case ImmKind::kElem: {
      WSBX_ASSIGN_OR_RETURN(out->a, r.ReadU32());
      break;
    }
    case ImmKind::kBrTable: {
      uint32_t count;
      WSBX_ASSIGN_OR_RETURN(count, r.ReadU32());
      if (count > max_br_table) return r.Error("br_table has too many targets");
      // Each target takes at least one byte: reject impossible counts before
      // allocating.
      if (count > r.remaining()) return r.Error("unexpected end");
      out->targets.resize(count + 1);
      for (uint32_t i = 0; i <= count; ++i) {
        WSBX_ASSIGN_OR_RETURN(out->targets[i], r.ReadU32());
      }
      break;
    }
    case ImmKind::kMemArg:
      return ReadMemArg(r, memory_indices, out);
    case ImmKind::kCallIndirect: case ImmKind::kTableInit:
    case ImmKind::kTableCopy: {
      WSBX_ASSIGN_OR_RETURN(out->a, r.ReadU32());
      WSBX_ASSIGN_OR_RETURN(out->b, r.ReadU32());
      break;
    }
    case ImmKind::kSelectT: {
      uint32_t count;
      WSBX_ASSIGN_OR_RETURN(count, r.ReadU32());
      // 2.0 allows exactly one type; other counts are invalid (not
      // malformed), so record the count in `a` for the validator.
      out->a = count;
      if (count > r.remaining()) return r.Error("unexpected end");
      for (uint32_t i = 0; i < count; ++i) {
        WSBX_RETURN_IF_ERROR(ReadValType(r, &out->type));
      }
      break;
    }
    case ImmKind::kMemIndex:
      return ReadMemIndex(r, memory_indices, &out->mem);
    case ImmKind::kMemoryInit: {
      WSBX_ASSIGN_OR_RETURN(out->a, r.ReadU32());
      return ReadMemIndex(r, memory_indices, &out->mem);
    }
    case ImmKind::kMemoryCopy: {
      WSBX_RETURN_IF_ERROR(ReadMemIndex(r, memory_indices, &out->mem));
      return ReadMemIndex(r, memory_indices, &out->b);
    }
    case ImmKind::kI32: {
      int32_t v;
      WSBX_ASSIGN_OR_RETURN(v, r.ReadS32());
      out->bits = static_cast<uint64_t>(static_cast<int64_t>(v));
      break;
    }
    case ImmKind::kI64: {
      int64_t v;
      WSBX_ASSIGN_OR_RETURN(v, r.ReadS64());
      out->bits = static_cast<uint64_t>(v);
      break;
    }
    case ImmKind::kF32: {
      WSBX_ASSIGN_OR_RETURN(out->bits, r.ReadFixed32());
      break;
    }
    case ImmKind::kF64: {
      WSBX_ASSIGN_OR_RETURN(out->bits, r.ReadFixed64());
      break;
    }
    case ImmKind::kV128: case ImmKind::kShuffle: {
      WSBX_ASSIGN_OR_RETURN(out->bits, r.ReadFixed64());
      WSBX_ASSIGN_OR_RETURN(out->hi, r.ReadFixed64());
      break;
    }
    case ImmKind::kMemArgLane: {
      WSBX_RETURN_IF_ERROR(ReadMemArg(r, memory_indices, out));
      WSBX_ASSIGN_OR_RETURN(out->lane, r.ReadByte());
      break;
    }
    case ImmKind::kLane: {
      WSBX_ASSIGN_OR_RETURN(out->lane, r.ReadByte());
      break;
    }
    case ImmKind::kRefType: {
      uint32_t at = r.offset();
      WSBX_RETURN_IF_ERROR(ReadValType(r, &out->type));
      if (!IsRefType(out->type)) return Reader::ErrorAt(at, "malformed reference type");
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace wsbx
