// Internal to the body generator (body_gen.cc): the opcodes it writes, as
// tables of what each consumes and produces, so that choosing an
// instruction by result type keeps the body valid (encodings: spec 5.4).
#ifndef WSBX_FUZZ_GEN_OPCODES_H_
#define WSBX_FUZZ_GEN_OPCODES_H_

#include <cstdint>

#include "runtime/types.h"

namespace wsbx::fuzz::gen {

// Opcodes the generator writes itself (spec 5.4).
enum : uint8_t {
  kUnreachable = 0x00,
  kBlock = 0x02,
  kLoop = 0x03,
  kIf = 0x04,
  kElse = 0x05,
  kEnd = 0x0B,
  kBr = 0x0C,
  kBrIf = 0x0D,
  kBrTable = 0x0E,
  kReturn = 0x0F,
  kCall = 0x10,
  kCallIndirect = 0x11,
  kReturnCall = 0x12,
  kReturnCallIndirect = 0x13,
  kDrop = 0x1A,
  kSelect = 0x1B,
  kSelectTyped = 0x1C,
  kLocalGet = 0x20,
  kLocalSet = 0x21,
  kLocalTee = 0x22,
  kGlobalGet = 0x23,
  kGlobalSet = 0x24,
  kMemorySize = 0x3F,
  kMemoryGrow = 0x40,
  kI32Const = 0x41,
  kI64Const = 0x42,
  kF32Const = 0x43,
  kF64Const = 0x44,
  kI32Eqz = 0x45,
  kI32Ne = 0x47,
  kI32LtS = 0x48,
  kI32Add = 0x6A,
  kI32And = 0x71,
  kI32Shl = 0x74,
  kI64Add = 0x7C,
  kI64Shl = 0x86,
  kI64ExtendI32U = 0xAD,
  kSimdPrefix = 0xFD,
  kMiscPrefix = 0xFC,
};

constexpr ValType kNone = ValType::kFuncRef;  // no second operand
constexpr ValType I32 = ValType::kI32, I64 = ValType::kI64, F32 = ValType::kF32,
                  F64 = ValType::kF64, V128 = ValType::kV128;

// A numeric instruction: result, one to three operands, encoding, and for
// SIMD lane accesses the lane count of its immediate.
struct NumOp {
  ValType result;
  ValType a;
  ValType b;
  uint8_t prefix;  // 0, kMiscPrefix or kSimdPrefix
  uint32_t code;
  uint8_t lanes = 0;
  ValType c = kNone;  // third operand (v128 ternary operations)
};

constexpr NumOp kNumOps[] = {
    // i32 unary, binary (division traps), comparisons (spec 5.4.7).
    {I32, I32, kNone, 0, 0x45},
    {I32, I32, kNone, 0, 0x67},
    {I32, I32, kNone, 0, 0x68},
    {I32, I32, kNone, 0, 0x69},
    {I32, I32, kNone, 0, 0xC0},
    {I32, I32, kNone, 0, 0xC1},
    {I32, I32, I32, 0, 0x6A},
    {I32, I32, I32, 0, 0x6B},
    {I32, I32, I32, 0, 0x6C},
    {I32, I32, I32, 0, 0x6D},
    {I32, I32, I32, 0, 0x6E},
    {I32, I32, I32, 0, 0x6F},
    {I32, I32, I32, 0, 0x70},
    {I32, I32, I32, 0, 0x71},
    {I32, I32, I32, 0, 0x72},
    {I32, I32, I32, 0, 0x73},
    {I32, I32, I32, 0, 0x74},
    {I32, I32, I32, 0, 0x75},
    {I32, I32, I32, 0, 0x76},
    {I32, I32, I32, 0, 0x77},
    {I32, I32, I32, 0, 0x78},
    {I32, I32, I32, 0, 0x46},
    {I32, I32, I32, 0, 0x47},
    {I32, I32, I32, 0, 0x48},
    {I32, I32, I32, 0, 0x49},
    {I32, I32, I32, 0, 0x4A},
    {I32, I32, I32, 0, 0x4B},
    {I32, I32, I32, 0, 0x4C},
    {I32, I32, I32, 0, 0x4D},
    {I32, I32, I32, 0, 0x4E},
    {I32, I32, I32, 0, 0x4F},
    // i64.
    {I32, I64, kNone, 0, 0x50},
    {I32, I64, I64, 0, 0x51},
    {I32, I64, I64, 0, 0x52},
    {I32, I64, I64, 0, 0x53},
    {I32, I64, I64, 0, 0x54},
    {I32, I64, I64, 0, 0x55},
    {I32, I64, I64, 0, 0x56},
    {I32, I64, I64, 0, 0x57},
    {I32, I64, I64, 0, 0x58},
    {I32, I64, I64, 0, 0x59},
    {I32, I64, I64, 0, 0x5A},
    {I64, I64, kNone, 0, 0x79},
    {I64, I64, kNone, 0, 0x7A},
    {I64, I64, kNone, 0, 0x7B},
    {I64, I64, kNone, 0, 0xC2},
    {I64, I64, kNone, 0, 0xC3},
    {I64, I64, kNone, 0, 0xC4},
    {I64, I64, I64, 0, 0x7C},
    {I64, I64, I64, 0, 0x7D},
    {I64, I64, I64, 0, 0x7E},
    {I64, I64, I64, 0, 0x7F},
    {I64, I64, I64, 0, 0x80},
    {I64, I64, I64, 0, 0x81},
    {I64, I64, I64, 0, 0x82},
    {I64, I64, I64, 0, 0x83},
    {I64, I64, I64, 0, 0x84},
    {I64, I64, I64, 0, 0x85},
    {I64, I64, I64, 0, 0x86},
    {I64, I64, I64, 0, 0x87},
    {I64, I64, I64, 0, 0x88},
    {I64, I64, I64, 0, 0x89},
    {I64, I64, I64, 0, 0x8A},
    // f32 and f64: comparisons, unary, binary.
    {I32, F32, F32, 0, 0x5B},
    {I32, F32, F32, 0, 0x5C},
    {I32, F32, F32, 0, 0x5D},
    {I32, F32, F32, 0, 0x5E},
    {I32, F32, F32, 0, 0x5F},
    {I32, F32, F32, 0, 0x60},
    {I32, F64, F64, 0, 0x61},
    {I32, F64, F64, 0, 0x62},
    {I32, F64, F64, 0, 0x63},
    {I32, F64, F64, 0, 0x64},
    {I32, F64, F64, 0, 0x65},
    {I32, F64, F64, 0, 0x66},
    {F32, F32, kNone, 0, 0x8B},
    {F32, F32, kNone, 0, 0x8C},
    {F32, F32, kNone, 0, 0x8D},
    {F32, F32, kNone, 0, 0x8E},
    {F32, F32, kNone, 0, 0x8F},
    {F32, F32, kNone, 0, 0x90},
    {F32, F32, kNone, 0, 0x91},
    {F32, F32, F32, 0, 0x92},
    {F32, F32, F32, 0, 0x93},
    {F32, F32, F32, 0, 0x94},
    {F32, F32, F32, 0, 0x95},
    {F32, F32, F32, 0, 0x96},
    {F32, F32, F32, 0, 0x97},
    {F32, F32, F32, 0, 0x98},
    {F64, F64, kNone, 0, 0x99},
    {F64, F64, kNone, 0, 0x9A},
    {F64, F64, kNone, 0, 0x9B},
    {F64, F64, kNone, 0, 0x9C},
    {F64, F64, kNone, 0, 0x9D},
    {F64, F64, kNone, 0, 0x9E},
    {F64, F64, kNone, 0, 0x9F},
    {F64, F64, F64, 0, 0xA0},
    {F64, F64, F64, 0, 0xA1},
    {F64, F64, F64, 0, 0xA2},
    {F64, F64, F64, 0, 0xA3},
    {F64, F64, F64, 0, 0xA4},
    {F64, F64, F64, 0, 0xA5},
    {F64, F64, F64, 0, 0xA6},
    // Conversions, the trapping truncations among them.
    {I32, I64, kNone, 0, 0xA7},
    {I32, F32, kNone, 0, 0xA8},
    {I32, F32, kNone, 0, 0xA9},
    {I32, F64, kNone, 0, 0xAA},
    {I32, F64, kNone, 0, 0xAB},
    {I64, I32, kNone, 0, 0xAC},
    {I64, I32, kNone, 0, 0xAD},
    {I64, F32, kNone, 0, 0xAE},
    {I64, F32, kNone, 0, 0xAF},
    {I64, F64, kNone, 0, 0xB0},
    {I64, F64, kNone, 0, 0xB1},
    {F32, I32, kNone, 0, 0xB2},
    {F32, I32, kNone, 0, 0xB3},
    {F32, I64, kNone, 0, 0xB4},
    {F32, I64, kNone, 0, 0xB5},
    {F32, F64, kNone, 0, 0xB6},
    {F64, I32, kNone, 0, 0xB7},
    {F64, I32, kNone, 0, 0xB8},
    {F64, I64, kNone, 0, 0xB9},
    {F64, I64, kNone, 0, 0xBA},
    {F64, F32, kNone, 0, 0xBB},
    {I32, F32, kNone, 0, 0xBC},
    {I64, F64, kNone, 0, 0xBD},
    {F32, I32, kNone, 0, 0xBE},
    {F64, I64, kNone, 0, 0xBF},
    // Saturating truncations (0xFC prefix).
    {I32, F32, kNone, kMiscPrefix, 0},
    {I32, F32, kNone, kMiscPrefix, 1},
    {I32, F64, kNone, kMiscPrefix, 2},
    {I32, F64, kNone, kMiscPrefix, 3},
    {I64, F32, kNone, kMiscPrefix, 4},
    {I64, F32, kNone, kMiscPrefix, 5},
    {I64, F64, kNone, kMiscPrefix, 6},
    {I64, F64, kNone, kMiscPrefix, 7},
    // A few SIMD operations: splats, lane reads, bitwise and lane-wise
    // arithmetic, reductions to i32.
    {V128, I32, kNone, kSimdPrefix, 0x11},
    {V128, I64, kNone, kSimdPrefix, 0x12},
    {V128, F32, kNone, kSimdPrefix, 0x13},
    {V128, F64, kNone, kSimdPrefix, 0x14},
    {I32, V128, kNone, kSimdPrefix, 0x15, 16},
    {I32, V128, kNone, kSimdPrefix, 0x1B, 4},
    {I64, V128, kNone, kSimdPrefix, 0x1D, 2},
    {F32, V128, kNone, kSimdPrefix, 0x1F, 4},
    {F64, V128, kNone, kSimdPrefix, 0x21, 2},
    {V128, V128, I32, kSimdPrefix, 0x1C, 4},
    {V128, V128, kNone, kSimdPrefix, 0x4D},
    {V128, V128, V128, kSimdPrefix, 0x4E},
    {V128, V128, V128, kSimdPrefix, 0x50},
    {V128, V128, V128, kSimdPrefix, 0x51},
    {I32, V128, kNone, kSimdPrefix, 0x53},
    {I32, V128, kNone, kSimdPrefix, 0xA3},
    {V128, V128, V128, kSimdPrefix, 0x6E},
    {V128, V128, V128, kSimdPrefix, 0xAE},
    {V128, V128, V128, kSimdPrefix, 0xB1},
    {V128, V128, V128, kSimdPrefix, 0xB5},
    {V128, V128, V128, kSimdPrefix, 0xCE},
    {V128, V128, V128, kSimdPrefix, 0xE4},
    {V128, V128, V128, kSimdPrefix, 0xF2},
    // Relaxed SIMD (0x100-0x113): their one deterministic choice must be
    // the same in plain and optimized code.
    {V128, V128, V128, kSimdPrefix, 0x100},
    {V128, V128, kNone, kSimdPrefix, 0x101},
    {V128, V128, kNone, kSimdPrefix, 0x102},
    {V128, V128, kNone, kSimdPrefix, 0x103},
    {V128, V128, kNone, kSimdPrefix, 0x104},
    {V128, V128, V128, kSimdPrefix, 0x105, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x106, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x107, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x108, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x109, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x10A, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x10B, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x10C, 0, V128},
    {V128, V128, V128, kSimdPrefix, 0x10D},
    {V128, V128, V128, kSimdPrefix, 0x10E},
    {V128, V128, V128, kSimdPrefix, 0x10F},
    {V128, V128, V128, kSimdPrefix, 0x110},
    {V128, V128, V128, kSimdPrefix, 0x111},
    {V128, V128, V128, kSimdPrefix, 0x112},
    {V128, V128, V128, kSimdPrefix, 0x113, 0, V128},
};

// A load or store: type, encoding, and log2 of its natural alignment.
struct MemOp {
  ValType type;
  uint8_t prefix;
  uint8_t code;
  uint8_t align;
};

constexpr MemOp kLoads[] = {
    {I32, 0, 0x28, 2}, {I32, 0, 0x2C, 0}, {I32, 0, 0x2D, 0},
    {I32, 0, 0x2E, 1}, {I32, 0, 0x2F, 1}, {I64, 0, 0x29, 3},
    {I64, 0, 0x30, 0}, {I64, 0, 0x31, 0}, {I64, 0, 0x32, 1},
    {I64, 0, 0x33, 1}, {I64, 0, 0x34, 2}, {I64, 0, 0x35, 2},
    {F32, 0, 0x2A, 2}, {F64, 0, 0x2B, 3}, {V128, kSimdPrefix, 0x00, 4},
};
constexpr MemOp kStores[] = {
    {I32, 0, 0x36, 2}, {I32, 0, 0x3A, 0},
    {I32, 0, 0x3B, 1}, {I64, 0, 0x37, 3},
    {I64, 0, 0x3C, 0}, {I64, 0, 0x3D, 1},
    {I64, 0, 0x3E, 2}, {F32, 0, 0x38, 2},
    {F64, 0, 0x39, 3}, {V128, kSimdPrefix, 0x0B, 4},
};

}  // namespace wsbx::fuzz::gen

#endif  // WSBX_FUZZ_GEN_OPCODES_H_
