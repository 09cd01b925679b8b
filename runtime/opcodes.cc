// Opcode encoding tables and per-opcode facts, built from opcodes.def (the
// facts table itself, kOpcodeInfos, is in opcodes.h).
#include "runtime/opcodes.h"

#include <array>

namespace wsbx {
namespace {

constexpr uint16_t kNoOpcode = 0xFFFF;

struct EncodingTables {
  std::array<uint16_t, 256> single;
  std::array<uint16_t, 32> fc;
  std::array<uint16_t, 512> fd;
};

constexpr EncodingTables BuildTables() {
  EncodingTables t{};
  for (auto& x : t.single) x = kNoOpcode;
  for (auto& x : t.fc) x = kNoOpcode;
  for (auto& x : t.fd) x = kNoOpcode;
  for (int i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfos[i];
    if (info.prefix == 0) t.single[info.code] = static_cast<uint16_t>(i);
    if (info.prefix == 0xFC) t.fc[info.code] = static_cast<uint16_t>(i);
    if (info.prefix == 0xFD) t.fd[info.code] = static_cast<uint16_t>(i);
  }
  return t;
}

constexpr EncodingTables kTables = BuildTables();

// Every opcode must be reachable from its own encoding (no duplicates).
constexpr bool AllEncodingsDistinct() {
  for (int i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfos[i];
    uint16_t found = info.prefix == 0      ? kTables.single[info.code]
                     : info.prefix == 0xFC ? kTables.fc[info.code]
                                           : kTables.fd[info.code];
    if (found != i) return false;
  }
  return true;
}
static_assert(AllEncodingsDistinct(), "opcodes.def has a duplicate encoding");

}  // namespace

std::optional<Opcode> LookupOpcode(uint8_t prefix, uint32_t code) {
  uint16_t found = kNoOpcode;
  if (prefix == 0 && code < kTables.single.size()) found = kTables.single[code];
  if (prefix == 0xFC && code < kTables.fc.size()) found = kTables.fc[code];
  if (prefix == 0xFD && code < kTables.fd.size()) found = kTables.fd[code];
  if (found == kNoOpcode) return std::nullopt;
  return static_cast<Opcode>(found);
}

uint32_t MemoryAccessSize(Opcode op) {
  switch (op) {
    case Opcode::kI32Load8S: case Opcode::kI32Load8U:
    case Opcode::kI64Load8S: case Opcode::kI64Load8U:
    case Opcode::kI32Store8: case Opcode::kI64Store8:
      return 1;
    case Opcode::kI32Load16S: case Opcode::kI32Load16U:
    case Opcode::kI64Load16S: case Opcode::kI64Load16U:
    case Opcode::kI32Store16: case Opcode::kI64Store16:
      return 2;
    case Opcode::kI32Load: case Opcode::kF32Load: case Opcode::kI64Load32S:
    case Opcode::kI64Load32U: case Opcode::kI32Store: case Opcode::kF32Store:
    case Opcode::kI64Store32:
      return 4;
    case Opcode::kI64Load: case Opcode::kF64Load: case Opcode::kI64Store:
    case Opcode::kF64Store:
      return 8;
    // SIMD: the width of the memory access, not of the vector.
    case Opcode::kV128Load8Splat: case Opcode::kV128Load8Lane:
    case Opcode::kV128Store8Lane:
      return 1;
    case Opcode::kV128Load16Splat: case Opcode::kV128Load16Lane:
    case Opcode::kV128Store16Lane:
      return 2;
    case Opcode::kV128Load32Splat: case Opcode::kV128Load32Zero:
    case Opcode::kV128Load32Lane: case Opcode::kV128Store32Lane:
      return 4;
    case Opcode::kV128Load8x8S: case Opcode::kV128Load8x8U:
    case Opcode::kV128Load16x4S: case Opcode::kV128Load16x4U:
    case Opcode::kV128Load32x2S: case Opcode::kV128Load32x2U:
    case Opcode::kV128Load64Splat: case Opcode::kV128Load64Zero:
    case Opcode::kV128Load64Lane: case Opcode::kV128Store64Lane:
      return 8;
    case Opcode::kV128Load: case Opcode::kV128Store:
      return 16;
    default:
      return 0;
  }
}

uint32_t SimdLaneCount(Opcode op) {
  const OpcodeInfo& info = GetOpcodeInfo(op);
  if (info.imm == ImmKind::kMemArgLane) return 16 / MemoryAccessSize(op);
  if (info.imm != ImmKind::kLane) return 0;
  // The lane shape is the mnemonic's prefix: i8x16, i16x8, i32x4, f64x2...
  std::string_view shape = info.text.substr(0, info.text.find('.'));
  std::string_view count = shape.substr(shape.find('x') + 1);
  return count == "16" ? 16 : count == "8" ? 8 : count == "4" ? 4 : 2;
}

}  // namespace wsbx
