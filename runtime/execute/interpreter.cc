// Runs internal code (code.h) with computed-goto dispatch: each instruction
// word holds its handler's label address. pc, the frame pointer, the current
// Instance and memory 0's base and size live in locals; they are reloaded
// after calls, returns and memory.grow. Wasm calls push a Frame on the
// ExecContext, never a host stack frame.
#include "runtime/execute/interpreter.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "runtime/execute/backtrace.h"
#include "runtime/execute/budget.h"
#include "runtime/compile/code.h"
#include "runtime/execute/exec_context.h"
#include "runtime/execute/numeric.h"
#include "runtime/execute/simd.h"

namespace wsbx {
namespace {

static_assert(std::endian::native == std::endian::little,
              "memory access assumes a little-endian host");

// Slot accessors: i32/f32 live in the low half, zero-extended.
inline uint32_t U32(uint64_t v) { return static_cast<uint32_t>(v); }
inline int32_t S32(uint64_t v) { return static_cast<int32_t>(v); }
inline uint64_t U64(uint64_t v) { return v; }
inline int64_t S64(uint64_t v) { return static_cast<int64_t>(v); }
inline float F32(uint64_t v) { return num::F32(v); }
inline double F64(uint64_t v) { return num::F64(v); }
inline uint64_t R32(uint32_t v) { return v; }
inline uint64_t R64(uint64_t v) { return v; }
inline uint64_t RF32(float f) { return num::Bits(f); }
inline uint64_t RF64(double d) { return num::Bits(d); }

MemoryInstance* Memory0(const Instance* inst) {
  return inst->memories.empty() ? nullptr : inst->memories[0];
}

// Calls a host function with the argument slots at args[0..n); results are
// written back over them. Scratch space for results and any nested Execute
// lies above the arguments.
TrapKind CallHost(ExecContext* ctx, Store* store, Instance* caller,
                  FunctionInstance* callee, uint64_t* args) {
  size_t np = SlotCount(callee->type->params);
  size_t nr = SlotCount(callee->type->results);
  uint64_t* scratch = args + np;
  if (ABSL_PREDICT_FALSE(static_cast<size_t>(ctx->stack_end - scratch) < nr)) {
    return TrapKind::kCallStackExhausted;
  }
  HostContext hc;
  hc.store = store;
  hc.caller = caller;
  hc.memory = caller ? Memory0(caller) : nullptr;
  uint64_t* saved_top = ctx->top;
  ctx->top = scratch + nr;
  TrapKind kind = callee->host(hc, std::span<const uint64_t>(args, np),
                               std::span<uint64_t>(scratch, nr));
  ctx->top = saved_top;
  if (kind != TrapKind::kNone) {
    ctx->has_message = !hc.trap_message.empty();
    ctx->message = std::move(hc.trap_message);
    ctx->exit_code = hc.exit_code;
    return kind;
  }
  for (size_t i = 0; i < nr; ++i) args[i] = scratch[i];
  return TrapKind::kNone;
}

// Runs op(offset, length) over [0, n) in chunks of `chunk`, from the end
// down when `backwards` (an overlapping copy to a higher address), and stops
// with kTimeout between chunks once the deadline has passed. Without a
// deadline it is one call.
template <typename Op>
TrapKind Chunked(const ExecContext* ctx, uint64_t n, uint64_t chunk,
                 bool backwards, Op op) {
  if (n == 0) return TrapKind::kNone;
  if (!ctx->deadline || n <= chunk) {
    op(0, n);
    return TrapKind::kNone;
  }
  for (uint64_t done = 0; done < n; done += chunk) {
    if (TrapKind t = CheckDeadline(ctx); t != TrapKind::kNone) return t;
    uint64_t len = std::min(chunk, n - done);
    op(backwards ? n - done - len : done, len);
  }
  return TrapKind::kNone;
}

constexpr uint64_t kChunkElems = kBulkChunkBytes / sizeof(RefBits);

// offset + n > size, for 64-bit operands that may be near 2^64.
inline bool OutOfRange(uint64_t offset, uint64_t n, uint64_t size) {
  return offset > size || n > size - offset;
}

// The interpreter loop. Called with table_out set, it only hands out the
// handler table (its labels are local to this function).
TrapKind Run(ExecContext* ctx, Store* store, const CodeWord* pc, uint64_t* fp,
             Instance* inst, const void* const** table_out) {
  static const void* const kHandlers[] = {
#define WSBX_OP(name, prefix, code, text, imm, sig) &&L_##name,
#include "runtime/opcodes.def"
#undef WSBX_OP
#define WSBX_IOP(name) &&L_##name,
      WSBX_INTERNAL_OPS(WSBX_IOP)
#undef WSBX_IOP
  };
  static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) ==
                static_cast<size_t>(IOp::kCount));
  if (table_out != nullptr) {
    *table_out = kHandlers;
    return TrapKind::kNone;
  }

  Frame* const frames = ctx->frames.get();
  uint64_t* const stack_base = ctx->stack.get();
  uint64_t* const stack_end = ctx->stack_end;
  MemoryInstance* mem0 = nullptr;
  uint8_t* mem = nullptr;
  uint64_t mem_size = 0;
  TrapKind trap = TrapKind::kNone;
  FunctionInstance* callee = nullptr;
  uint32_t argbase = 0;
  uint64_t tail_shape = 0;  // a tail call's param_slots|result_slots

// The empty asm asks for memory 0's base and size in registers at every
// dispatch, so GCC keeps them there instead of reloading them from the stack
// in each load and store handler.
#define NEXT()                                            \
  do {                                                    \
    __asm__("" : "+r"(mem), "+r"(mem_size));              \
    goto* reinterpret_cast<void*>(pc[0]);                 \
  } while (0)
#define LO(w) static_cast<uint32_t>(pc[w])
#define HI(w) static_cast<uint32_t>(pc[w] >> 32)
#define TRAP(kind)             \
  do {                         \
    trap = TrapKind::kind;     \
    goto trap_exit;            \
  } while (0)
#define RELOAD_MEM()                              \
  do {                                            \
    mem0 = Memory0(inst);                         \
    mem = mem0 ? mem0->base() : nullptr;          \
    mem_size = mem0 ? mem0->size_bytes() : 0;     \
  } while (0)
#define CHARGE(n) CHARGE_AT(0, n)
// Trapping bodies of pair handlers move pc to their own instruction first
// (`o` words on), so the trap report names it: only on the trap's path.
#define CHARGE_AT(o, n)                                   \
  do {                                                    \
    const int64_t charge = static_cast<int64_t>(n);       \
    ctx->fuel -= charge;                                  \
    if (ABSL_PREDICT_FALSE(ctx->fuel < 0)) {              \
      trap = FuelSlowPath(ctx, charge);                   \
      if (trap != TrapKind::kNone) {                      \
        pc += o;                                          \
        goto trap_exit;                                   \
      }                                                   \
    }                                                     \
  } while (0)
#define CHECK_TRAP(expr)                                  \
  do {                                                    \
    trap = (expr);                                        \
    if (ABSL_PREDICT_FALSE(trap != TrapKind::kNone)) goto trap_exit; \
  } while (0)

// Instruction bodies by shape, reading the instruction's operand words at
// pc[o + 1] on: single handlers run one at o = 0, pair handlers (below) run
// two in a row, the second at the first one's length. They leave pc alone,
// except that a branch taken jumps and dispatches itself.
#define UN_BODY(o, get, put, expr) \
  {                                \
    auto a = get(fp[LO(o + 1)]);   \
    fp[HI(o + 1)] = put(expr);     \
  }
#define BIN_BODY(o, get, put, expr) \
  {                                 \
    auto a = get(fp[LO(o + 1)]);    \
    auto b = get(fp[HI(o + 1)]);    \
    fp[pc[o + 2]] = put(expr);      \
  }
#define IMM_BODY(o, get, put, expr) \
  {                                 \
    auto a = get(fp[LO(o + 1)]);    \
    auto b = get(pc[o + 2]);        \
    fp[HI(o + 1)] = put(expr);      \
  }
#define LOAD_BODY(o, T, put, addr)                         \
  {                                                        \
    uint64_t ea = uint64_t{addr} + pc[o + 2];              \
    if (ABSL_PREDICT_FALSE(ea + sizeof(T) > mem_size)) {   \
      pc += o;                                             \
      TRAP(kMemoryOutOfBounds);                            \
    }                                                      \
    fp[HI(o + 1)] = put(num::Load<T>(mem + ea));           \
  }
#define STORE_BODY(o, T, addr)                                 \
  {                                                            \
    uint64_t ea = uint64_t{addr} + pc[o + 2];                  \
    if (ABSL_PREDICT_FALSE(ea + sizeof(T) > mem_size)) {       \
      pc += o;                                                 \
      TRAP(kMemoryOutOfBounds);                                \
    }                                                          \
    num::Store<T>(mem + ea, static_cast<T>(fp[HI(o + 1)]));    \
  }
// A conditional branch charges the run it lands in or falls through to.
#define BRFUEL_BODY(o, get, b_expr, cmp)            \
  {                                                 \
    auto a = get(fp[LO(o + 1)]);                    \
    auto b = get(b_expr);                           \
    if (a cmp b) {                                  \
      CHARGE_AT(o, pc[o + 4]);                      \
      pc += o + static_cast<int64_t>(pc[o + 2]);    \
      NEXT();                                       \
    }                                               \
    CHARGE_AT(o, pc[o + 3]);                        \
  }
#define JUMP_FUEL_BODY(o)                        \
  {                                              \
    CHARGE_AT(o, pc[o + 2]);                     \
    pc += o + static_cast<int64_t>(pc[o + 1]);   \
    NEXT();                                      \
  }
#define BR_TABLE_BODY(o)                                        \
  {                                                             \
    uint32_t i = U32(fp[LO(o + 1)]);                            \
    const uint32_t n = HI(o + 1);                               \
    if (i > n) i = n;                                           \
    const CodeWord* entry = pc + o + 2 + 2 * size_t{i};         \
    CHARGE_AT(o, entry[1]);                                     \
    pc += o + static_cast<int64_t>(entry[0]);                   \
    NEXT();                                                     \
  }
#define COPY_BODY(o) fp[LO(o + 1)] = fp[HI(o + 1)];
#define RETURN_BODY(o) RETURN_VALUES(LO(o + 1), HI(o + 1))
// Moves n result slots from `first` to the frame's start and returns.
#define RETURN_VALUES(first, count)                                      \
  {                                                                      \
    const uint64_t* results = fp + (first);                              \
    for (uint32_t i = 0, n = (count); i < n; ++i) fp[i] = results[i];    \
    const Frame& f = frames[--ctx->depth];                               \
    pc = f.ret_pc;                                                       \
    fp = stack_base + f.fp_slot;                                         \
    if (f.inst != inst) {                                                \
      inst = f.inst;                                                     \
      RELOAD_MEM();                                                      \
    } else if (mem0 != nullptr) {                                        \
      mem_size = mem0->size_bytes(); /* the callee may have grown it */  \
    }                                                                    \
    NEXT();                                                              \
  }
// Every function's code starts with Enter, so a call goes straight there.
#define CALL_BODY(o)                                          \
  {                                                           \
    if (ABSL_PREDICT_FALSE(ctx->depth >= ctx->max_depth)) {   \
      pc += o;                                                \
      TRAP(kCallStackExhausted);                              \
    }                                                         \
    Frame& f = frames[ctx->depth++];                          \
    f.ret_pc = pc + o + 3;                                    \
    f.fp_slot = static_cast<uint32_t>(fp - stack_base);       \
    f.inst = inst;                                            \
    f.func_index = HI(o + 1);                                 \
    fp += LO(o + 1);                                          \
    pc += o + static_cast<int64_t>(pc[o + 2]);                \
    goto L_Enter;                                             \
  }
#define ADD_SHL_BODY(o) \
  fp[LO(o + 2)] = R32(U32(fp[LO(o + 1)]) + (U32(fp[HI(o + 1)]) << HI(o + 2)));
// A single handler: one body at o = 0, then the next instruction.
#define SINGLE(name, words, body) \
  L_##name: {                     \
    body                          \
    pc += words;                  \
    NEXT();                       \
  }

  RELOAD_MEM();
  NEXT();

  // ---- Control and internal operations ----
L_Enter: {
  if (ABSL_PREDICT_FALSE(static_cast<uint64_t>(stack_end - fp) < pc[2])) {
    TRAP(kCallStackExhausted);
  }
  uint64_t* locals = fp + LO(1);
  // Small frames (the usual case) are zeroed inline, not through memset.
  switch (const uint32_t n = HI(1)) {
    default: std::memset(locals, 0, size_t{n} * sizeof(uint64_t)); break;
    case 6: locals[5] = 0; [[fallthrough]];
    case 5: locals[4] = 0; [[fallthrough]];
    case 4: locals[3] = 0; [[fallthrough]];
    case 3: locals[2] = 0; [[fallthrough]];
    case 2: locals[1] = 0; [[fallthrough]];
    case 1: locals[0] = 0; [[fallthrough]];
    case 0: break;
  }
  uint64_t* pool = fp + LO(4);
  const uint32_t pooled = HI(4);
  for (uint32_t i = 0; i < pooled; ++i) pool[i] = pc[5 + i];
  CHARGE(pc[3] + HI(1) / kFuelLocalsPerUnit);  // run plus zeroing
  pc += 5 + pooled;
  NEXT();
}
L_Fuel:
  CHARGE(pc[1]);
  pc += 2;
  NEXT();
SINGLE(Copy, 2, COPY_BODY(0))
L_CopyN: {
  // A branch's values moved down to its label's height: charged per slot
  // like other bulk work, so a wide block arity costs what it moves.
  const uint32_t n = static_cast<uint32_t>(pc[2]);
  CHARGE(n / kFuelSlotsPerUnit);
  uint64_t* dst = fp + LO(1);
  const uint64_t* src = fp + HI(1);
  for (uint32_t i = 0; i < n; ++i) dst[i] = src[i];
  pc += 3;
  NEXT();
}
L_Const:
  fp[pc[1]] = pc[2];
  pc += 3;
  NEXT();
L_JumpFuel:
  JUMP_FUEL_BODY(0)
L_BrTable:
  BR_TABLE_BODY(0)
L_Select:
  fp[HI(2)] = U32(fp[LO(2)]) != 0 ? fp[LO(1)] : fp[HI(1)];
  pc += 3;
  NEXT();
L_Unreachable:
  TRAP(kUnreachable);
L_Return:
  RETURN_BODY(0)
L_Exit:
  return TrapKind::kNone;
L_Call:
  CALL_BODY(0)
L_CallImport:
  callee = inst->funcs[HI(1)];
  argbase = LO(1);
  pc += 2;
  goto call_function;
// Sets callee from the table entry [table|index_slot] at pc[2], checked
// against the canonical type id in HI(1).
#define LOOKUP_INDIRECT_CALLEE()                                   \
  {                                                                \
    TableInstance* table = inst->tables[LO(2)];                    \
    uint32_t i = U32(fp[HI(2)]);                                   \
    if (ABSL_PREDICT_FALSE(i >= table->size())) TRAP(kUndefinedElement); \
    RefBits ref = table->data()[i];                                \
    /* A reference becomes a function only through the Store's    \
       checked lookup: null and bits that name no function both    \
       come back as nullptr. */                                    \
    callee = ctx->func_refs.Lookup(ref);                           \
    if (ABSL_PREDICT_FALSE(callee == nullptr)) {                   \
      if (ref != kNullRef) TRAP(kInvalidReference);                \
      ctx->has_message = true;                                     \
      ctx->message = absl::StrCat("uninitialized element ", i);    \
      TRAP(kUninitializedElement);                                 \
    }                                                              \
    if (ABSL_PREDICT_FALSE(callee->type_id != HI(1))) {            \
      TRAP(kIndirectCallTypeMismatch);                             \
    }                                                              \
  }
L_CallIndirect:
  LOOKUP_INDIRECT_CALLEE()
  argbase = LO(1);
  pc += 3;
  goto call_function;

  // Tail calls: the frame record of this activation (frames[depth - 1])
  // keeps the caller's return point and instance and now names the callee;
  // the arguments move down to the frame's first slots (ascending, never
  // onto a later argument: argbase is at least the number of locals).
L_ReturnCall: {
  const uint64_t* args = fp + LO(1);
  for (uint32_t i = 0, n = HI(1); i < n; ++i) fp[i] = args[i];
  frames[ctx->depth - 1].func_index = static_cast<uint32_t>(pc[2]);
  pc += static_cast<int64_t>(pc[3]);
  goto L_Enter;
}
L_ReturnCallImport:
  callee = inst->funcs[HI(1)];
  argbase = LO(1);
  tail_shape = pc[2];
  goto tail_call_function;
L_ReturnCallIndirect:
  LOOKUP_INDIRECT_CALLEE()
  argbase = LO(1);
  tail_shape = pc[3];
  goto tail_call_function;
tail_call_function: {
  if (callee->host) {
    trap = CallHost(ctx, store, inst, callee, fp + argbase);
    if (ABSL_PREDICT_FALSE(trap != TrapKind::kNone)) goto trap_exit;
    if (ABSL_PREDICT_FALSE(ctx->deadline.has_value())) {
      CHECK_TRAP(CheckDeadline(ctx));
    }
    RETURN_VALUES(argbase, static_cast<uint32_t>(tail_shape >> 32))
  }
  const uint64_t* args = fp + argbase;
  for (uint32_t i = 0, n = static_cast<uint32_t>(tail_shape); i < n; ++i) {
    fp[i] = args[i];
  }
  frames[ctx->depth - 1].func_index = callee->func_index;
  inst = callee->instance;
  pc = callee->entry;
  RELOAD_MEM();
  goto L_Enter;
}
call_function: {
  // pc already points after the call instruction.
  if (callee->host) {
    trap = CallHost(ctx, store, inst, callee, fp + argbase);
    if (ABSL_PREDICT_FALSE(trap != TrapKind::kNone)) goto trap_after_call;
    // Host work is not counted as fuel: look at the clock after it instead.
    if (ABSL_PREDICT_FALSE(ctx->deadline.has_value())) {
      trap = CheckDeadline(ctx);
      if (ABSL_PREDICT_FALSE(trap != TrapKind::kNone)) goto trap_after_call;
    }
    RELOAD_MEM();
    NEXT();
  }
  if (ABSL_PREDICT_FALSE(ctx->depth >= ctx->max_depth)) {
    trap = TrapKind::kCallStackExhausted;
    goto trap_after_call;
  }
  Frame& f = frames[ctx->depth++];
  f.ret_pc = pc;
  f.fp_slot = static_cast<uint32_t>(fp - stack_base);
  f.inst = inst;
  f.func_index = callee->func_index;
  inst = callee->instance;
  fp += argbase;
  pc = callee->entry;
  RELOAD_MEM();
  goto L_Enter;
}

  // Wasm opcodes that never appear in internal code: the compiler resolves
  // them into slots, copies and jumps.
  // Branches that do not charge when taken only name a compare for the
  // compiler, which emits the charging forms (BrFuel*, JumpFuel).
#define NOT_EMITTED(name) L_##name:
L_Nop: L_Block: L_Loop: L_If: L_Else: L_End: L_Br: L_Drop: L_SelectT:
L_LocalGet: L_LocalSet: L_LocalTee: L_I32Const: L_I64Const: L_F32Const:
L_F64Const: L_RefNull: L_BrIf: L_BrUnless:
  WSBX_CMP_NAMES(NOT_EMITTED, BrIfI32, )
  WSBX_CMP_NAMES(NOT_EMITTED, BrIfI64, )
  WSBX_CMP_NAMES(NOT_EMITTED, BrIfI32, Imm)
#undef NOT_EMITTED
  assert(false && "instruction not emitted by the compiler");
  TRAP(kUnreachable);

  // ---- Variables and references ----
L_GlobalGet:
  fp[LO(1)] = inst->globals[HI(1)]->bits;
  pc += 2;
  NEXT();
L_GlobalSet:
  inst->globals[HI(1)]->bits = fp[LO(1)];
  pc += 2;
  NEXT();
L_RefFunc:
  fp[LO(1)] = inst->funcs[HI(1)]->ref;
  pc += 2;
  NEXT();
L_RefIsNull:
  fp[HI(1)] = fp[LO(1)] == kNullRef ? 1 : 0;
  pc += 2;
  NEXT();

  // ---- Memory ----
#define LOAD_AT(name, T, put, addr, len) \
  SINGLE(name, len, LOAD_BODY(0, T, put, addr))
#define STORE_AT(name, T, addr, len) \
  SINGLE(name, len, STORE_BODY(0, T, addr))
  // Each load/store also has a form with an i32.add of a constant folded
  // into its address (wrapping at 32 bits like the add it replaces).
#define LOAD_OP(name, T, put)                                     \
  LOAD_AT(name, T, put, U32(fp[LO(1)]), 3)                        \
  LOAD_AT(name##Add, T, put, U32(fp[LO(1)] + pc[3]), 4)
#define STORE_OP(name, T)                                         \
  STORE_AT(name, T, U32(fp[LO(1)]), 3)                            \
  STORE_AT(name##Add, T, U32(fp[LO(1)] + pc[3]), 4)
  LOAD_OP(I32Load, uint32_t, R32)
  LOAD_OP(I64Load, uint64_t, R64)
  LOAD_OP(F32Load, uint32_t, R32)
  LOAD_OP(F64Load, uint64_t, R64)
  LOAD_OP(I32Load8S, int8_t, R32)
  LOAD_OP(I32Load8U, uint8_t, R32)
  LOAD_OP(I32Load16S, int16_t, R32)
  LOAD_OP(I32Load16U, uint16_t, R32)
  LOAD_OP(I64Load8S, int8_t, R64)
  LOAD_OP(I64Load8U, uint8_t, R64)
  LOAD_OP(I64Load16S, int16_t, R64)
  LOAD_OP(I64Load16U, uint16_t, R64)
  LOAD_OP(I64Load32S, int32_t, R64)
  LOAD_OP(I64Load32U, uint32_t, R64)
  STORE_OP(I32Store, uint32_t)
  STORE_OP(I64Store, uint64_t)
  STORE_OP(F32Store, uint32_t)
  STORE_OP(F64Store, uint64_t)
  STORE_OP(I32Store8, uint8_t)
  STORE_OP(I32Store16, uint16_t)
  STORE_OP(I64Store8, uint8_t)
  STORE_OP(I64Store16, uint16_t)
  STORE_OP(I64Store32, uint32_t)
#undef LOAD_OP
#undef STORE_OP
#undef LOAD_AT
#undef STORE_AT

L_MemorySize:
  fp[pc[1]] = mem_size / kPageSize;
  pc += 2;
  NEXT();
L_MemoryGrow: {
  uint64_t delta = U32(fp[LO(1)]);
  int64_t old = mem0 ? mem0->Grow(delta) : -1;
  fp[HI(1)] = R32(static_cast<uint32_t>(old));
  RELOAD_MEM();
  if (old >= 0) CHARGE(delta * kFuelPerPage);
  pc += 2;
  NEXT();
}
// memory.fill and memory.init on a memory at `base` of `size` bytes, with
// the operands already read (32-bit ones zero-extended).
#define FILL_BODY(base, size, d, n, value)                                \
  {                                                                      \
    if (ABSL_PREDICT_FALSE(OutOfRange(d, n, size))) {                    \
      TRAP(kMemoryOutOfBounds);                                          \
    }                                                                    \
    CHARGE(BulkFuel(n, kFuelBytesPerUnit));                              \
    uint8_t* const to = (base) + (d);                                    \
    const uint8_t byte = static_cast<uint8_t>(value);                    \
    CHECK_TRAP(Chunked(ctx, n, kBulkChunkBytes, false,                   \
                       [to, byte](uint64_t at, uint64_t len) {           \
                         std::memset(to + at, byte, len);                \
                       }));                                              \
  }
#define INIT_BODY(base, size, d, s, n, seg)                               \
  {                                                                      \
    const Module& mod = *inst->module;                                   \
    const DataSegment& data = mod.datas[seg];                            \
    const uint64_t len = inst->data_dropped[seg] ? 0 : data.data_size;   \
    if (ABSL_PREDICT_FALSE(OutOfRange(s, n, len) ||                      \
                           OutOfRange(d, n, size))) {                    \
      TRAP(kMemoryOutOfBounds);                                          \
    }                                                                    \
    CHARGE(BulkFuel(n, kFuelBytesPerUnit));                              \
    uint8_t* const to = (base) + (d);                                    \
    const uint8_t* const from = mod.bytes.data() + data.data_offset + s; \
    CHECK_TRAP(Chunked(ctx, n, kBulkChunkBytes, false,                   \
                       [to, from](uint64_t at, uint64_t len) {           \
                         std::memcpy(to + at, from + at, len);           \
                       }));                                              \
  }
L_MemoryFill: {
  const uint64_t d = U32(fp[LO(1)]);
  const uint64_t n = U32(fp[pc[2]]);
  FILL_BODY(mem, mem_size, d, n, fp[HI(1)])
  pc += 3;
  NEXT();
}
L_MemoryCopy: {
  uint64_t d = U32(fp[LO(1)]);
  uint64_t s = U32(fp[HI(1)]);
  uint64_t n = U32(fp[pc[2]]);
  if (ABSL_PREDICT_FALSE(d + n > mem_size || s + n > mem_size)) {
    TRAP(kMemoryOutOfBounds);
  }
  CHARGE(BulkFuel(n, kFuelBytesPerUnit));
  uint8_t* const to = mem + d;
  const uint8_t* const from = mem + s;
  CHECK_TRAP(Chunked(ctx, n, kBulkChunkBytes, d > s,
                     [to, from](uint64_t at, uint64_t len) {
                       std::memmove(to + at, from + at, len);
                     }));
  pc += 3;
  NEXT();
}
L_MemoryInit: {
  const uint64_t d = U32(fp[LO(1)]);
  const uint64_t s = U32(fp[HI(1)]);
  const uint64_t n = U32(fp[LO(2)]);
  INIT_BODY(mem, mem_size, d, s, n, HI(2))
  pc += 3;
  NEXT();
}
L_UseMemory:
  mem0 = inst->memories[pc[1]];
  mem = mem0->base();
  mem_size = mem0->size_bytes();
  pc += 2;
  NEXT();
  // 64-bit operands (an i32 operand is zero-extended in its slot): the
  // bounds checks cannot overflow.
L_MemoryCopyBetween: {
  MemoryInstance* const dst_mem = inst->memories[LO(3)];
  MemoryInstance* const src_mem = inst->memories[HI(3)];
  const uint64_t d = fp[LO(1)];
  const uint64_t s = fp[HI(1)];
  const uint64_t n = fp[pc[2]];
  if (ABSL_PREDICT_FALSE(OutOfRange(d, n, dst_mem->size_bytes()) ||
                         OutOfRange(s, n, src_mem->size_bytes()))) {
    TRAP(kMemoryOutOfBounds);
  }
  CHARGE(BulkFuel(n, kFuelBytesPerUnit));
  uint8_t* const to = dst_mem->base() + d;
  const uint8_t* const from = src_mem->base() + s;
  // Both indices may name one memory (imported twice): then it is an
  // overlapping copy like memory.copy's.
  CHECK_TRAP(Chunked(ctx, n, kBulkChunkBytes, dst_mem == src_mem && d > s,
                     [to, from](uint64_t at, uint64_t len) {
                       std::memmove(to + at, from + at, len);
                     }));
  pc += 4;
  NEXT();
}
L_MemoryFill64: {
  MemoryInstance* const m = inst->memories[pc[3]];
  const uint64_t d = fp[LO(1)];
  const uint64_t n = fp[LO(2)];
  FILL_BODY(m->base(), m->size_bytes(), d, n, fp[HI(1)])
  pc += 4;
  NEXT();
}
L_MemoryInit64: {
  MemoryInstance* const m = inst->memories[pc[3]];
  const uint64_t d = fp[LO(1)];
  const uint64_t s = U32(fp[HI(1)]);
  const uint64_t n = U32(fp[LO(2)]);
  INIT_BODY(m->base(), m->size_bytes(), d, s, n, HI(2))
  pc += 4;
  NEXT();
}
L_MemoryGrow64: {
  MemoryInstance* const m = inst->memories[pc[2]];
  const uint64_t delta = fp[LO(1)];
  const int64_t old = m->Grow(delta);  // -1 (all ones as an i64) on failure
  fp[HI(1)] = static_cast<uint64_t>(old);
  RELOAD_MEM();
  if (old >= 0) CHARGE(delta * kFuelPerPage);
  pc += 3;
  NEXT();
}
L_Addr64: {
  const uint64_t a = fp[LO(1)];
  const uint64_t ea = a + pc[2];
  // No memory holds more than 4 GiB: an address of 2^32 or more (or one
  // that wrapped) is out of bounds for every access.
  if (ABSL_PREDICT_FALSE(ea < a || ea > UINT32_MAX)) TRAP(kMemoryOutOfBounds);
  fp[HI(1)] = ea;
  pc += 3;
  NEXT();
}
L_Narrow64:
  if (ABSL_PREDICT_FALSE(fp[LO(1)] > UINT32_MAX)) {
    trap = static_cast<TrapKind>(HI(1));
    goto trap_exit;
  }
  pc += 2;
  NEXT();
L_DataDrop:
  inst->data_dropped[pc[1]] = true;
  pc += 2;
  NEXT();

  // ---- Tables ----
L_TableGet: {
  TableInstance* t = inst->tables[pc[2]];
  uint32_t i = U32(fp[LO(1)]);
  if (ABSL_PREDICT_FALSE(i >= t->size())) TRAP(kTableOutOfBounds);
  fp[HI(1)] = t->data()[i];
  pc += 3;
  NEXT();
}
L_TableSet: {
  TableInstance* t = inst->tables[pc[2]];
  uint32_t i = U32(fp[LO(1)]);
  if (ABSL_PREDICT_FALSE(i >= t->size())) TRAP(kTableOutOfBounds);
  t->data()[i] = fp[HI(1)];
  pc += 3;
  NEXT();
}
L_TableSize:
  fp[LO(1)] = inst->tables[HI(1)]->size();
  pc += 2;
  NEXT();
L_TableGrow: {
  TableInstance* t = inst->tables[HI(2)];
  uint32_t delta = U32(fp[HI(1)]);
  int64_t old = t->Grow(delta, fp[LO(1)]);
  fp[LO(2)] = R32(static_cast<uint32_t>(old));
  if (old >= 0) CHARGE(BulkFuel(delta, kFuelElemsPerUnit));
  pc += 3;
  NEXT();
}
L_TableGrow64: {
  TableInstance* t = inst->tables[HI(2)];
  const uint64_t delta = fp[HI(1)];
  const int64_t old =
      delta > UINT32_MAX ? -1 : t->Grow(static_cast<uint32_t>(delta), fp[LO(1)]);
  fp[LO(2)] = static_cast<uint64_t>(old);
  if (old >= 0) CHARGE(BulkFuel(delta, kFuelElemsPerUnit));
  pc += 3;
  NEXT();
}
L_TableFill: {
  TableInstance* t = inst->tables[HI(2)];
  uint64_t i = U32(fp[LO(1)]);
  uint64_t n = U32(fp[LO(2)]);
  if (ABSL_PREDICT_FALSE(i + n > t->size())) TRAP(kTableOutOfBounds);
  CHARGE(BulkFuel(n, kFuelElemsPerUnit));
  const RefBits v = fp[HI(1)];
  RefBits* const elems = t->data() + i;
  CHECK_TRAP(Chunked(ctx, n, kChunkElems, false,
                     [elems, v](uint64_t at, uint64_t len) {
                       std::fill_n(elems + at, len, v);
                     }));
  pc += 3;
  NEXT();
}
L_TableInit: {
  uint64_t d = U32(fp[LO(1)]);
  uint64_t s = U32(fp[HI(1)]);
  uint64_t n = U32(fp[LO(2)]);
  const std::vector<RefBits>& seg = inst->elem_segments[HI(2)];
  TableInstance* t = inst->tables[pc[3]];
  if (ABSL_PREDICT_FALSE(s + n > seg.size() || d + n > t->size())) {
    TRAP(kTableOutOfBounds);
  }
  CHARGE(BulkFuel(n, kFuelElemsPerUnit));
  RefBits* const to = t->data() + d;
  const RefBits* const from = seg.data() + s;
  CHECK_TRAP(Chunked(ctx, n, kChunkElems, false,
                     [to, from](uint64_t at, uint64_t len) {
                       std::copy_n(from + at, len, to + at);
                     }));
  pc += 4;
  NEXT();
}
L_TableCopy: {
  uint64_t d = U32(fp[LO(1)]);
  uint64_t s = U32(fp[HI(1)]);
  uint64_t n = U32(fp[pc[2]]);
  TableInstance* dst = inst->tables[LO(3)];
  TableInstance* src = inst->tables[HI(3)];
  if (ABSL_PREDICT_FALSE(d + n > dst->size() || s + n > src->size())) {
    TRAP(kTableOutOfBounds);
  }
  CHARGE(BulkFuel(n, kFuelElemsPerUnit));
  RefBits* const to = dst->data() + d;
  const RefBits* const from = src->data() + s;
  CHECK_TRAP(Chunked(ctx, n, kChunkElems, to > from,
                     [to, from](uint64_t at, uint64_t len) {
                       std::memmove(to + at, from + at, len * sizeof(RefBits));
                     }));
  pc += 4;
  NEXT();
}
L_ElemDrop:
  std::vector<RefBits>().swap(inst->elem_segments[pc[1]]);
  pc += 2;
  NEXT();

  // ---- Numeric ----
#define UNOP(name, get, put, expr) \
  SINGLE(name, 2, UN_BODY(0, get, put, expr))
#define BINOP(name, get, put, expr) \
  SINGLE(name, 3, BIN_BODY(0, get, put, expr))
#define DIVOP(name, T, put, fn)                                   \
  L_##name: {                                                     \
    T r;                                                          \
    trap = num::fn<T>(static_cast<T>(fp[LO(1)]),                  \
                      static_cast<T>(fp[HI(1)]), &r);             \
    if (ABSL_PREDICT_FALSE(trap != TrapKind::kNone)) goto trap_exit; \
    fp[pc[2]] = put(r);                                           \
    pc += 3;                                                      \
    NEXT();                                                       \
  }
#define TRUNCOP(name, I, get, put)                                \
  L_##name: {                                                     \
    I r;                                                          \
    trap = num::TruncToInt<I>(get(fp[LO(1)]), &r);                     \
    if (ABSL_PREDICT_FALSE(trap != TrapKind::kNone)) goto trap_exit; \
    fp[HI(1)] = put(r);                                           \
    pc += 2;                                                      \
    NEXT();                                                       \
  }

  UNOP(I32Eqz, U32, R32, a == 0)
  BINOP(I32Eq, U32, R32, a == b)
  BINOP(I32Ne, U32, R32, a != b)
  BINOP(I32LtS, S32, R32, a < b)
  BINOP(I32LtU, U32, R32, a < b)
  BINOP(I32GtS, S32, R32, a > b)
  BINOP(I32GtU, U32, R32, a > b)
  BINOP(I32LeS, S32, R32, a <= b)
  BINOP(I32LeU, U32, R32, a <= b)
  BINOP(I32GeS, S32, R32, a >= b)
  BINOP(I32GeU, U32, R32, a >= b)
  UNOP(I64Eqz, U64, R32, a == 0)
  BINOP(I64Eq, U64, R32, a == b)
  BINOP(I64Ne, U64, R32, a != b)
  BINOP(I64LtS, S64, R32, a < b)
  BINOP(I64LtU, U64, R32, a < b)
  BINOP(I64GtS, S64, R32, a > b)
  BINOP(I64GtU, U64, R32, a > b)
  BINOP(I64LeS, S64, R32, a <= b)
  BINOP(I64LeU, U64, R32, a <= b)
  BINOP(I64GeS, S64, R32, a >= b)
  BINOP(I64GeU, U64, R32, a >= b)
  BINOP(F32Eq, F32, R32, a == b)
  BINOP(F32Ne, F32, R32, a != b)
  BINOP(F32Lt, F32, R32, a < b)
  BINOP(F32Gt, F32, R32, a > b)
  BINOP(F32Le, F32, R32, a <= b)
  BINOP(F32Ge, F32, R32, a >= b)
  BINOP(F64Eq, F64, R32, a == b)
  BINOP(F64Ne, F64, R32, a != b)
  BINOP(F64Lt, F64, R32, a < b)
  BINOP(F64Gt, F64, R32, a > b)
  BINOP(F64Le, F64, R32, a <= b)
  BINOP(F64Ge, F64, R32, a >= b)

  UNOP(I32Clz, U32, R32, std::countl_zero(a))
  UNOP(I32Ctz, U32, R32, std::countr_zero(a))
  UNOP(I32Popcnt, U32, R32, std::popcount(a))
  BINOP(I32Add, U32, R32, a + b)
  BINOP(I32Sub, U32, R32, a - b)
  BINOP(I32Mul, U32, R32, a * b)
  DIVOP(I32DivS, int32_t, R32, DivS)
  DIVOP(I32DivU, uint32_t, R32, DivU)
  DIVOP(I32RemS, int32_t, R32, RemS)
  DIVOP(I32RemU, uint32_t, R32, RemU)
  BINOP(I32And, U32, R32, a & b)
  BINOP(I32Or, U32, R32, a | b)
  BINOP(I32Xor, U32, R32, a ^ b)
  BINOP(I32Shl, U32, R32, num::Shl(a, b))
  BINOP(I32ShrS, U32, R32, num::ShrS(a, b))
  BINOP(I32ShrU, U32, R32, num::ShrU(a, b))
  BINOP(I32Rotl, U32, R32, num::Rotl(a, b))
  BINOP(I32Rotr, U32, R32, num::Rotr(a, b))

  UNOP(I64Clz, U64, R64, std::countl_zero(a))
  UNOP(I64Ctz, U64, R64, std::countr_zero(a))
  UNOP(I64Popcnt, U64, R64, std::popcount(a))
  BINOP(I64Add, U64, R64, a + b)
  BINOP(I64Sub, U64, R64, a - b)
  BINOP(I64Mul, U64, R64, a * b)
  DIVOP(I64DivS, int64_t, R64, DivS)
  DIVOP(I64DivU, uint64_t, R64, DivU)
  DIVOP(I64RemS, int64_t, R64, RemS)
  DIVOP(I64RemU, uint64_t, R64, RemU)
  BINOP(I64And, U64, R64, a & b)
  BINOP(I64Or, U64, R64, a | b)
  BINOP(I64Xor, U64, R64, a ^ b)
  BINOP(I64Shl, U64, R64, num::Shl(a, b))
  BINOP(I64ShrS, U64, R64, num::ShrS(a, b))
  BINOP(I64ShrU, U64, R64, num::ShrU(a, b))
  BINOP(I64Rotl, U64, R64, num::Rotl(a, b))
  BINOP(I64Rotr, U64, R64, num::Rotr(a, b))

  UNOP(F32Abs, U64, R64, num::F32Abs(a))
  UNOP(F32Neg, U64, R64, num::F32Neg(a))
  UNOP(F32Ceil, F32, RF32, num::Ceil(a))
  UNOP(F32Floor, F32, RF32, num::Floor(a))
  UNOP(F32Trunc, F32, RF32, num::Trunc(a))
  UNOP(F32Nearest, F32, RF32, num::Nearest(a))
  UNOP(F32Sqrt, F32, RF32, std::sqrt(a))
  BINOP(F32Add, F32, RF32, a + b)
  BINOP(F32Sub, F32, RF32, a - b)
  BINOP(F32Mul, F32, RF32, a * b)
  BINOP(F32Div, F32, RF32, a / b)
  BINOP(F32Min, F32, RF32, num::Min(a, b))
  BINOP(F32Max, F32, RF32, num::Max(a, b))
  BINOP(F32Copysign, U64, R64, num::F32Copysign(a, b))

  UNOP(F64Abs, U64, R64, num::F64Abs(a))
  UNOP(F64Neg, U64, R64, num::F64Neg(a))
  UNOP(F64Ceil, F64, RF64, num::Ceil(a))
  UNOP(F64Floor, F64, RF64, num::Floor(a))
  UNOP(F64Trunc, F64, RF64, num::Trunc(a))
  UNOP(F64Nearest, F64, RF64, num::Nearest(a))
  UNOP(F64Sqrt, F64, RF64, std::sqrt(a))
  BINOP(F64Add, F64, RF64, a + b)
  BINOP(F64Sub, F64, RF64, a - b)
  BINOP(F64Mul, F64, RF64, a * b)
  BINOP(F64Div, F64, RF64, a / b)
  BINOP(F64Min, F64, RF64, num::Min(a, b))
  BINOP(F64Max, F64, RF64, num::Max(a, b))
  BINOP(F64Copysign, U64, R64, num::F64Copysign(a, b))

  UNOP(I32WrapI64, U64, R32, static_cast<uint32_t>(a))
  TRUNCOP(I32TruncF32S, int32_t, F32, R32)
  TRUNCOP(I32TruncF32U, uint32_t, F32, R32)
  TRUNCOP(I32TruncF64S, int32_t, F64, R32)
  TRUNCOP(I32TruncF64U, uint32_t, F64, R32)
  UNOP(I64ExtendI32S, S32, R64, static_cast<int64_t>(a))
  UNOP(I64ExtendI32U, U32, R64, a)
  TRUNCOP(I64TruncF32S, int64_t, F32, R64)
  TRUNCOP(I64TruncF32U, uint64_t, F32, R64)
  TRUNCOP(I64TruncF64S, int64_t, F64, R64)
  TRUNCOP(I64TruncF64U, uint64_t, F64, R64)
  UNOP(F32ConvertI32S, S32, RF32, static_cast<float>(a))
  UNOP(F32ConvertI32U, U32, RF32, static_cast<float>(a))
  UNOP(F32ConvertI64S, S64, RF32, static_cast<float>(a))
  UNOP(F32ConvertI64U, U64, RF32, static_cast<float>(a))
  UNOP(F32DemoteF64, F64, RF32, static_cast<float>(a))
  UNOP(F64ConvertI32S, S32, RF64, static_cast<double>(a))
  UNOP(F64ConvertI32U, U32, RF64, static_cast<double>(a))
  UNOP(F64ConvertI64S, S64, RF64, static_cast<double>(a))
  UNOP(F64ConvertI64U, U64, RF64, static_cast<double>(a))
  UNOP(F64PromoteF32, F32, RF64, static_cast<double>(a))
  UNOP(I32ReinterpretF32, U32, R32, a)
  UNOP(I64ReinterpretF64, U64, R64, a)
  UNOP(F32ReinterpretI32, U32, R32, a)
  UNOP(F64ReinterpretI64, U64, R64, a)

  UNOP(I32Extend8S, U32, R32, static_cast<int8_t>(a))
  UNOP(I32Extend16S, U32, R32, static_cast<int16_t>(a))
  UNOP(I64Extend8S, U64, R64, static_cast<int8_t>(a))
  UNOP(I64Extend16S, U64, R64, static_cast<int16_t>(a))
  UNOP(I64Extend32S, U64, R64, static_cast<int32_t>(a))

  UNOP(I32TruncSatF32S, F32, R32, num::TruncSat<int32_t>(a))
  UNOP(I32TruncSatF32U, F32, R32, num::TruncSat<uint32_t>(a))
  UNOP(I32TruncSatF64S, F64, R32, num::TruncSat<int32_t>(a))
  UNOP(I32TruncSatF64U, F64, R32, num::TruncSat<uint32_t>(a))
  UNOP(I64TruncSatF32S, F32, R64, num::TruncSat<int64_t>(a))
  UNOP(I64TruncSatF32U, F32, R64, num::TruncSat<uint64_t>(a))
  UNOP(I64TruncSatF64S, F64, R64, num::TruncSat<int64_t>(a))
  UNOP(I64TruncSatF64U, F64, R64, num::TruncSat<uint64_t>(a))
#include "runtime/execute/interp_fused.inc"
#include "runtime/execute/interp_simd.inc"

// pc is past the call that trapped: the report looks before it.
trap_after_call:
  ctx->trap_after_call = true;
trap_exit:
  ctx->trap_inst = inst;
  ctx->trap_pc = pc;
  return trap;
#undef NEXT
#undef LO
#undef HI
#undef TRAP
#undef RELOAD_MEM
#undef CHARGE
#undef CHARGE_AT
#undef CHECK_TRAP
}

TrapKind HostTrap(ExecContext* ctx, TrapKind kind, Trap* trap) {
  ctx->trap_inst = nullptr;
  FillTrap(ctx, kind, ctx->depth, trap);
  return kind;
}

}  // namespace

const void* const* HandlerTable() {
  const void* const* table = nullptr;
  Run(nullptr, nullptr, nullptr, nullptr, nullptr, &table);
  return table;
}

std::unique_ptr<ExecContext, ExecContextDeleter> NewExecContext(
    const Limits& limits) {
  std::unique_ptr<ExecContext, ExecContextDeleter> ctx(new ExecContext);
  ctx->limits = limits;
  // Not value-initialised: pages are only touched as the stack grows.
  // Frames name slots with 32 bits, which bounds the stack at 32 GiB.
  const uint64_t slots = std::min<uint64_t>(limits.value_stack_slots,
                                            UINT32_MAX);
  ctx->stack.reset(new uint64_t[slots]);
  ctx->stack_end = ctx->stack.get() + slots;
  ctx->top = ctx->stack.get();
  ctx->max_depth = limits.max_call_depth;
  ctx->frames.reset(new Frame[limits.max_call_depth + 1]);
  ctx->exit_stub[0] =
      reinterpret_cast<uintptr_t>(HandlerTable()[static_cast<int>(IOp::kExit)]);
  return ctx;
}

void ExecContextDeleter::operator()(ExecContext* ctx) const { delete ctx; }

TrapKind Execute(Store& store, FunctionInstance* func,
                 std::span<const uint64_t> args, std::span<uint64_t> results,
                 Trap* trap) {
  ExecContext* ctx = &store.exec();
  assert(store.Owns(func));  // callers refuse another Store's functions
  const FuncType& type = *func->type;
  assert(args.size() == SlotCount(type.params));
  assert(results.size() == SlotCount(type.results));
  if (func->host) {
    uint64_t* base = ctx->top;
    size_t need = std::max(args.size(), results.size());
    if (static_cast<size_t>(ctx->stack_end - base) < need) {
      return HostTrap(ctx, TrapKind::kCallStackExhausted, trap);
    }
    std::copy(args.begin(), args.end(), base);
    TrapKind kind = CallHost(ctx, &store, nullptr, func, base);
    if (kind != TrapKind::kNone) return HostTrap(ctx, kind, trap);
    std::copy(base, base + results.size(), results.begin());
    return TrapKind::kNone;
  }
  if (ctx->reentry >= ctx->limits.max_host_reentry ||
      ctx->depth >= ctx->max_depth) {
    return HostTrap(ctx, TrapKind::kCallStackExhausted, trap);
  }
  Instance* inst = func->instance;
  const Module& m = *inst->module;
  if (m.code == nullptr) {
    ctx->has_message = true;
    ctx->message = "module was not compiled";
    return HostTrap(ctx, TrapKind::kHostError, trap);
  }
  const FuncCode& fc = m.code->funcs[func->func_index - m.num_imported_funcs];
  uint64_t* base = ctx->top;
  if (static_cast<uint64_t>(ctx->stack_end - base) < fc.frame_slots) {
    return HostTrap(ctx, TrapKind::kCallStackExhausted, trap);
  }
  std::copy(args.begin(), args.end(), base);
  const uint32_t base_depth = ctx->depth;
  ctx->frames[ctx->depth++] =
      Frame{ctx->exit_stub, inst, static_cast<uint32_t>(base - ctx->stack.get()),
            func->func_index};
  ++ctx->reentry;
  TrapKind kind = Run(ctx, &store, m.code->code.data() + fc.entry, base, inst,
                      nullptr);
  --ctx->reentry;
  ctx->top = base;
  if (kind == TrapKind::kNone) {
    assert(ctx->depth == base_depth);
    std::copy(base, base + results.size(), results.begin());
    return kind;
  }
  FillTrap(ctx, kind, base_depth, trap);
  ctx->depth = base_depth;
  return kind;
}

}  // namespace wsbx
