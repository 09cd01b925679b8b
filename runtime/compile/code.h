// The interpreter's internal code: what CompileModule produces and Execute
// runs. Each instruction is a handler address word followed by operand words;
// operands name frame slots (locals first, then the operand stack at the
// heights the validator guarantees), so no value stack pointer moves at run
// time. Branch offsets are relative to the branching instruction's first word.
#ifndef WSBX_RUNTIME_COMPILE_CODE_H_
#define WSBX_RUNTIME_COMPILE_CODE_H_

#include <cstdint>
#include <vector>

#include "runtime/opcodes.h"

namespace wsbx {

using CodeWord = uint64_t;

// Internal operations: every wasm opcode keeps its own id (so the opcode
// table drives the handler table), followed by operations that exist only in
// internal code. Operand layouts (32-bit fields packed lo|hi<<32 per word):
//   unary:  [h][src|dst]            binary: [h][a|b][dst]
//   load:   [h][addr|dst][offset]   store:  [h][addr|value][offset]
//   Enter:  [h][first_local|count][frame_slots][fuel][pool_slot|n][bits]*n
//           (zeroes the declared locals, then fills n constant slots)
//   Fuel:   [h][count]              Copy:   [h][dst|src]
//   CopyN:  [h][dst|src][count]     (count slots, ascending; dst < src)
//   Const:  [h][dst][bits]
//   BrTable: [h][index|n][rel_0][fuel_0]...[rel_n][fuel_n]  (n: default;
//            fuel_i is charged when entry i is taken)
//   Return: [h][first|count]
//   Call:   [h][argbase|func_index][rel to the callee's Enter]
//   CallImport: [h][argbase|func_index]
//   CallIndirect: [h][argbase|canonical type id][table|index_slot]
//   ReturnCall: [h][argbase|param_slots][func_index][rel to the callee's
//               Enter]
//   ReturnCallImport: [h][argbase|func_index][param_slots|result_slots]
//   ReturnCallIndirect: [h][argbase|canonical type id][table|index_slot]
//                       [param_slots|result_slots]
//   UseMemory: [h][index]  (memory registers to memory `index`; emitted
//              around an instruction on another memory than 0, then back)
//   MemoryCopyBetween: [h][d|s][n][dst_memory|src_memory]  (64-bit
//              operands: any copy with a 64-bit memory or two memories)
//   MemoryFill64 / MemoryInit64: [h][d|s][n|data][memory]  (s: the value
//              for fill)
//   MemoryGrow64: [h][delta|dst][memory]
//   Addr64: [h][src|dst][offset]  (dst = src + offset, a 32-bit address,
//           or an out-of-bounds trap)
//   Narrow64: [h][src|trap kind]  (traps unless src < 2^32)
//   TableGrow64: as TableGrow, with an i64 delta and result
//   Select: [h][a|b][cond|dst]
//   GlobalGetV128 / GlobalSetV128: as GlobalGet / GlobalSet, two slots
//   v128 values take two slots (low half first) and are named by the first.
//   other wasm ops: see the compiler's Emit* helpers.
//   Fused forms chosen by the compiler (each charges exactly the fuel of the
//   instructions it replaces, which the run's count already holds):
//   I32<op>Imm / I64<op>Imm: [h][a|dst][imm]  (binary op, constant b)
//   BrIfI32<cmp> / BrIfI64<cmp> (compare + br_if, operands [a|b]),
//   BrIfI32<cmp>Imm (compare with constant b, operands [a|imm]), like the
//   wasm BrIf (operand [cond]) and BrUnless, are never emitted:
//   they name the compare a branch tests, and the compiler emits the
//   charging form below.
//   I32AddShl: [h][a|x][dst|k]  (a + (x << k), a shifted index)
//   SelectI32<cmp>: [h][x|y][a|b][dst]  (i32 compare + select: dst =
//   a cmp b ? x : y); SelectI32<cmp>Imm: [h][x|y][a|imm][dst].
//   <load>Add / <store>Add: the load/store layout plus [imm]; the address
//   is the i32 sum of the addr slot and imm (an i32.add folded in).
//   Branches charge the run they land in when taken, and a conditional one
//   the run it falls through to otherwise, so no Fuel op is needed at a
//   label: JumpFuel: [h][rel][fuel];
//   BrFuel<form>: [h][operands][rel][fall_fuel][taken_fuel], operands as
//   named above (BrFuelIf: [cond] nonzero; BrFuelUnless: [cond] zero).
#define WSBX_IMM_BINOPS(X, P) \
  X(P##AddImm) X(P##SubImm) X(P##MulImm) X(P##AndImm) X(P##OrImm) \
  X(P##XorImm) X(P##ShlImm) X(P##ShrSImm) X(P##ShrUImm)
#define WSBX_CMP_NAMES(X, P, S) \
  X(P##Eq##S) X(P##Ne##S) X(P##LtS##S) X(P##LtU##S) X(P##GtS##S) \
  X(P##GtU##S) X(P##LeS##S) X(P##LeU##S) X(P##GeS##S) X(P##GeU##S)
#define WSBX_MEM_NAMES(X, S)                                            \
  X(I32Load##S) X(I64Load##S) X(F32Load##S) X(F64Load##S)               \
  X(I32Load8S##S) X(I32Load8U##S) X(I32Load16S##S) X(I32Load16U##S)     \
  X(I64Load8S##S) X(I64Load8U##S) X(I64Load16S##S) X(I64Load16U##S)     \
  X(I64Load32S##S) X(I64Load32U##S) X(I32Store##S) X(I64Store##S)       \
  X(F32Store##S) X(F64Store##S) X(I32Store8##S) X(I32Store16##S)        \
  X(I64Store8##S) X(I64Store16##S) X(I64Store32##S)
#define WSBX_INTERNAL_OPS(X)     \
  X(Enter)                       \
  X(Fuel)                        \
  X(Copy)                        \
  X(CopyN)                       \
  X(Const)                       \
  X(BrUnless)                    \
  X(CallImport)                  \
  X(ReturnCallImport)            \
  X(UseMemory)                   \
  X(MemoryCopyBetween)           \
  X(MemoryFill64)                \
  X(MemoryInit64)                \
  X(MemoryGrow64)                \
  X(Addr64)                      \
  X(Narrow64)                    \
  X(TableGrow64)                 \
  X(Exit)                        \
  X(GlobalGetV128)               \
  X(GlobalSetV128)               \
  WSBX_IMM_BINOPS(X, I32)        \
  WSBX_IMM_BINOPS(X, I64)        \
  WSBX_CMP_NAMES(X, I32, Imm)    \
  WSBX_CMP_NAMES(X, BrIfI32, )   \
  WSBX_CMP_NAMES(X, BrIfI64, )   \
  WSBX_CMP_NAMES(X, BrIfI32, Imm)   \
  X(JumpFuel)                    \
  X(BrFuelIf)                    \
  X(BrFuelUnless)                \
  WSBX_CMP_NAMES(X, BrFuelI32, ) \
  WSBX_CMP_NAMES(X, BrFuelI64, ) \
  WSBX_CMP_NAMES(X, BrFuelI32, Imm) \
  X(I32AddShl)                   \
  WSBX_MEM_NAMES(X, Add)         \
  WSBX_CMP_NAMES(X, SelectI32, ) \
  WSBX_CMP_NAMES(X, SelectI32, Imm) \
  WSBX_PAIRS(WSBX_PAIR_NAME, X)     \
  WSBX_TRIPLES(WSBX_TRIPLE_NAME, X)  \
  WSBX_QUADS(WSBX_QUAD_NAME, X)

// Pairs of instructions that one handler runs back to back, chosen by
// measuring which pairs the bench programs dispatch most: P(X, A, words of
// A, B, words of B (0: variable)). The compiler's last pass (pairs.cc)
// rewrites the handler word of each A followed by a B to the handler A##B,
// which runs both and goes on after B (a branch as A goes on to B only when
// it falls through). B's own word is left as it was, so a
// branch to B, or another pair starting at B, still runs B alone; nothing
// moves, and no branch needs patching.
#define WSBX_PAIRS(P, X)                     \
  P(X, I32AddShl, 3, I32Load, 3)             \
  P(X, I32AddShl, 3, I64Load, 3)             \
  P(X, Copy, 2, Copy, 2)                     \
  P(X, I32AddImm, 3, I32AddShl, 3)           \
  P(X, I32Store8, 3, I32AddImm, 3)           \
  P(X, I32AddImm, 3, I32AddImm, 3)           \
  P(X, I32Load8UAdd, 4, I32Store8, 3)        \
  P(X, I32AddImm, 3, I32Store8, 3)           \
  P(X, F64Mul, 3, F64Mul, 3)                 \
  P(X, F64Add, 3, F64Store, 3)               \
  P(X, F64Load, 3, F64Mul, 3)                \
  P(X, F64Sub, 3, F64Mul, 3)                 \
  P(X, I32AddImm, 3, Copy, 2)                \
  P(X, Copy, 2, I32AddImm, 3)                \
  P(X, I32Store8, 3, I32Add, 3)              \
  P(X, I64Add, 3, BrFuelI64LeU, 5)           \
  P(X, I32AddImm, 3, BrFuelI32NeImm, 5)      \
  P(X, I32AddImm, 3, BrFuelI32LtS, 5)        \
  P(X, I32AddImm, 3, I32Load8U, 3)           \
  P(X, I32Load8U, 3, BrTable, 0)             \
  P(X, I32WrapI64, 2, BrTable, 0)            \
  P(X, I64Load, 3, BrFuelI64GtU, 5)          \
  P(X, I32Load, 3, I32AddImm, 3)             \
  P(X, Copy, 2, JumpFuel, 3)                 \
  P(X, I32AddImm, 3, JumpFuel, 3)            \
  P(X, I32Load, 3, I32Load, 3)               \
  P(X, I32Mul, 3, I32Add, 3)                 \
  P(X, I32Store, 3, I32AddImm, 3)            \
  P(X, I32Load, 3, I32LoadAdd, 4)            \
  P(X, I32AddImm, 3, BrFuelIf, 5)            \
  P(X, I32AddImm, 3, I32LoadAdd, 4)          \
  P(X, I32LoadAdd, 4, I32Store, 3)           \
  P(X, I32LoadAdd, 4, I32ShlImm, 3)          \
  P(X, I32ShrUImm, 3, I32Or, 3)              \
  P(X, I32Or, 3, I32Store, 3)                \
  P(X, I32Add, 3, I32Load8U, 3)              \
  P(X, I32Load8U, 3, BrFuelIf, 5)            \
  P(X, I64AddImm, 3, BrFuelI64Ne, 5)         \
  P(X, I32WrapI64, 2, I32Add, 3)             \
  P(X, I32Add, 3, I32AddImm, 3)              \
  P(X, I32AddImm, 3, I32Add, 3)              \
  P(X, F64Mul, 3, F64Sub, 3)                 \
  P(X, F64Mul, 3, F64Add, 3)                 \
  P(X, F64Load, 3, F64Load, 3)               \
  P(X, F64Load, 3, F64Add, 3)                \
  P(X, F64Sub, 3, F64Store, 3)               \
  P(X, F64Store, 3, F64Load, 3)              \
  P(X, F64LoadAdd, 4, F64Sub, 3)             \
  P(X, I64Add, 3, I64Add, 3)                 \
  P(X, I64MulImm, 3, I64ShrUImm, 3)          \
  P(X, I64Xor, 3, I64Rotl, 3)                \
  P(X, BrFuelI32GeS, 5, Copy, 2)             \
  P(X, I32Load8U, 3, I32Store8, 3)           \
  P(X, I32AddImm, 3, BrFuelI32GtUImm, 5)     \
  P(X, Copy, 2, Call, 3)                     \
  P(X, I32Add, 3, Return, 2)                 \
  P(X, I64Store, 3, JumpFuel, 3)
#define WSBX_PAIR_NAME(X, a, la, b, lb) X(a##b)
// Triples, the same way (T(X, A, words, B, words, C, words)); the compiler
// tries them before pairs. Chiefly the dispatch step of interpreters
// written in C (advance, load the opcode, br_table), copy loops and calls.
#define WSBX_TRIPLES(T, X)                                 \
  T(X, I32AddImm, 3, I32WrapI64, 2, BrTable, 0)            \
  T(X, I32AddImm, 3, I32Load8U, 3, BrTable, 0)             \
  T(X, I32AddImm, 3, I32Load8UAdd, 4, I32Store8, 3)        \
  T(X, I32AddImm, 3, I32LoadAdd, 4, I32Store, 3)           \
  T(X, I32Load, 3, I32Mul, 3, I32Add, 3)                   \
  T(X, I32LoadAdd, 4, I32ShlImm, 3, I32ShrUImm, 3)         \
  T(X, I32Or, 3, I32Store, 3, I32AddImm, 3)               \
  T(X, Copy, 2, Copy, 2, Call, 3)                          \
  T(X, F64Load, 3, F64Add, 3, F64Store, 3)                 \
  T(X, I32AddImm, 3, F64Mul, 3, F64Mul, 3)
#define WSBX_TRIPLE_NAME(X, a, la, b, lb, c, lc) X(a##b##c)
// And quadruples, tried first: two indexed loads (a sort's compare), and a
// bytecode interpreter's operand fetch with its bounds check.
#define WSBX_QUADS(Q, X)                                                  \
  Q(X, I32AddShl, 3, I32Load, 3, I32AddShl, 3, I32Load, 3)                \
  Q(X, I32AddImm, 3, I32AddShl, 3, I64Load, 3, BrFuelI64GtU, 5)
#define WSBX_QUAD_NAME(X, a, la, b, lb, c, lc, d, ld) X(a##b##c##d)

enum class IOp : uint16_t {
#define WSBX_OP(name, prefix, code, text, imm, sig) k##name,
#include "runtime/opcodes.def"
#undef WSBX_OP
#define WSBX_IOP(name) k##name,
  WSBX_INTERNAL_OPS(WSBX_IOP)
#undef WSBX_IOP
      kCount
};
static_assert(static_cast<int>(IOp::kEnter) == kOpcodeCount,
              "internal ops must follow the wasm opcodes");

inline IOp ToIOp(Opcode op) { return static_cast<IOp>(op); }

// Per defined function: where its code starts and its frame shape.
struct FuncCode {
  uint32_t entry = 0;        // word index of its Enter instruction
  uint32_t num_params = 0;   // slots
  uint32_t num_results = 0;  // slots
  uint32_t frame_slots = 0;  // locals plus the maximum operand height
  uint32_t body_offset = 0;  // module offset of the body's first instruction
};

// An instruction that can trap or call (code_sites.h): 8 bytes per site.
struct CodeSite {
  uint32_t pos;     // word index of the instruction's handler word
  uint32_t offset;  // module offset of the wasm instruction's opcode byte
};

struct CompiledCode {
  std::vector<CodeWord> code;
  std::vector<FuncCode> funcs;  // indexed by defined-function index
  // In code order; trap reports map a pc back to the wasm binary with it.
  std::vector<CodeSite> sites;
};

// The interpreter's handler address for each IOp (computed-goto labels).
const void* const* HandlerTable();

inline uint64_t Pack(uint32_t lo, uint32_t hi) {
  return uint64_t{lo} | (uint64_t{hi} << 32);
}

}  // namespace wsbx

#endif  // WSBX_RUNTIME_COMPILE_CODE_H_
