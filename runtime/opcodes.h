// Opcode enumeration and per-opcode facts, generated from opcodes.def.
// Opcode values are dense indices, not encodings; use LookupOpcode() to map
// an encoding (prefix, code) to an Opcode.
#ifndef WSBX_RUNTIME_OPCODES_H_
#define WSBX_RUNTIME_OPCODES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wsbx {

// The kinds of immediate operand that follow an opcode in the binary format.
enum class ImmKind : uint8_t {
  kNone,
  kBlockType,     // s33 block type: empty (0x40), a value type, or a type index
  kLabel,         // u32 label depth
  kBrTable,       // vec(u32) labels, u32 default
  kFunc,          // u32 function index
  kCallIndirect,  // u32 type index, u32 table index
  kSelectT,       // vec(valtype), length 1 in 2.0
  kLocal,         // u32 local index
  kGlobal,        // u32 global index
  kTable,         // u32 table index
  kMemArg,        // u32 align (log2), u32 offset
  kMemIndex,      // a single 0x00 byte (memory index)
  kI32,           // s32
  kI64,           // s64
  kF32,           // 4 raw bytes
  kF64,           // 8 raw bytes
  kRefType,       // reftype byte
  kMemoryInit,    // u32 data index, 0x00
  kData,          // u32 data index
  kMemoryCopy,    // 0x00 0x00
  kTableInit,     // u32 element index, u32 table index
  kElem,          // u32 element index
  kTableCopy,     // u32 dst table, u32 src table
  kV128,          // 16 raw bytes (v128.const)
  kLane,          // one lane index byte
  kMemArgLane,    // memarg, then one lane index byte
  kShuffle,       // 16 lane index bytes (i8x16.shuffle)
};

enum class Opcode : uint16_t {
#define WSBX_OP(name, prefix, code, text, imm, sig) k##name,
#include "runtime/opcodes.def"
#undef WSBX_OP
};

inline constexpr int kOpcodeCount = 0
#define WSBX_OP(name, prefix, code, text, imm, sig) +1
#include "runtime/opcodes.def"
#undef WSBX_OP
    ;

struct OpcodeInfo {
  uint8_t prefix;         // 0, 0xFC or 0xFD
  uint32_t code;          // byte after the prefix (or the opcode byte itself)
  std::string_view text;  // text-format mnemonic
  ImmKind imm;
  std::string_view sig;   // "params>results" or "*" (see opcodes.def)
};

// Indexed by Opcode; inline so that per-instruction lookups cost no call.
inline constexpr std::array<OpcodeInfo, kOpcodeCount> kOpcodeInfos = {{
#define WSBX_OP(name, prefix, code, text, imm, sig) \
  {prefix, code, text, ImmKind::imm, sig},
#include "runtime/opcodes.def"
#undef WSBX_OP
}};

inline const OpcodeInfo& GetOpcodeInfo(Opcode op) {
  return kOpcodeInfos[static_cast<int>(op)];
}

// Plain numeric instructions (no immediate, one or two operands, one
// result: arithmetic, compares, conversions, most SIMD): the operand count;
// 0 for every other opcode.
inline constexpr std::array<uint8_t, kOpcodeCount> kPlainOperands = [] {
  std::array<uint8_t, kOpcodeCount> t{};
  for (int i = 0; i < kOpcodeCount; ++i) {
    const std::string_view sig = kOpcodeInfos[i].sig;
    if (kOpcodeInfos[i].imm == ImmKind::kNone && sig.size() >= 3 &&
        sig.size() <= 4 && sig[sig.size() - 2] == '>') {
      t[i] = static_cast<uint8_t>(sig.size() - 2);
    }
  }
  return t;
}();

// The feature (once a proposal, now standard) that brought an opcode in;
// kCore for the 1.0 instruction set. Derived from the encoding, so that no
// table row can be left unclassified: each group below has a contiguous
// range of codes.
enum class OpcodeFeature : uint8_t {
  kCore,
  kSignExtension,         // i32.extend8_s ... i64.extend32_s
  kSaturatingFloatToInt,  // 0xFC 0-7
  kBulkMemory,            // 0xFC 8-14
  kReferenceTypes,        // typed select, table.get/set, ref.*, 0xFC 15-17
  kSimd,                  // 0xFD below 0x100
  kRelaxedSimd,           // 0xFD 0x100 and above
  kTailCall,              // return_call, return_call_indirect
};

constexpr OpcodeFeature FeatureOfEncoding(uint8_t prefix, uint32_t code) {
  if (prefix == 0xFD) {
    return code >= 0x100 ? OpcodeFeature::kRelaxedSimd : OpcodeFeature::kSimd;
  }
  if (prefix == 0xFC) {
    return code <= 7    ? OpcodeFeature::kSaturatingFloatToInt
           : code <= 14 ? OpcodeFeature::kBulkMemory
                        : OpcodeFeature::kReferenceTypes;
  }
  if (code >= 0xC0 && code <= 0xC4) return OpcodeFeature::kSignExtension;
  if (code == 0x12 || code == 0x13) return OpcodeFeature::kTailCall;
  if (code == 0x1C || code == 0x25 || code == 0x26 ||
      (code >= 0xD0 && code <= 0xD2)) {
    return OpcodeFeature::kReferenceTypes;
  }
  return OpcodeFeature::kCore;
}

// Indexed by Opcode.
inline constexpr std::array<OpcodeFeature, kOpcodeCount> kOpcodeFeatures = [] {
  std::array<OpcodeFeature, kOpcodeCount> t{};
  for (int i = 0; i < kOpcodeCount; ++i) {
    t[i] = FeatureOfEncoding(kOpcodeInfos[i].prefix, kOpcodeInfos[i].code);
  }
  return t;
}();

// Maps a binary encoding to an opcode; nullopt for unknown encodings.
std::optional<Opcode> LookupOpcode(uint8_t prefix, uint32_t code);

// For memory access opcodes: the access width in bytes (1, 2, 4, 8 or 16),
// whose log2 is the maximum alignment the validator allows. 0 otherwise.
uint32_t MemoryAccessSize(Opcode op);

// For SIMD opcodes with a lane immediate (kLane, kMemArgLane): the number of
// lanes the index selects from (16, 8, 4 or 2). 0 otherwise.
uint32_t SimdLaneCount(Opcode op);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_OPCODES_H_
