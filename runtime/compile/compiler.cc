// Translates validated function bodies into internal code (code.h) in one
// pass per body. The operand stack exists only at compile time: each value
// gets the frame slot given by its stack height, so every instruction names
// its operands directly. Within a straight-line run, local.get only records
// an alias (consumers read the local's slot) and local.set may retarget the
// producing instruction; aliases are materialised at every control point.
// Forward branches are patched when their block ends; code after an
// unconditional branch is skipped up to its else/end. A v128 takes two
// consecutive slots (low half first); `upper_` marks the second ones so that
// untyped instructions (drop, select, local.set) know the width of a value.
#include "runtime/compile/compiler.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "runtime/decode/body_instrs.h"
#include "runtime/compile/code.h"
#include "runtime/compile/code_sites.h"
#include "runtime/decode/instr.h"
#include "runtime/compile/pairs.h"
#include "runtime/status_macros.h"
#include "runtime/store/type_registry.h"
#include "runtime/value.h"

namespace wsbx {
namespace {

constexpr uint32_t kNoWord = UINT32_MAX;
// fuel_word_ of a run no instruction charges on entry: only branches do.
constexpr uint32_t kVirtualRun = UINT32_MAX - 1;
// Distinct constants used inside loops that get a frame slot, written once
// by Enter, so that reading them costs no instruction.
constexpr size_t kMaxPooledConstants = 16;
// Branches moving more slots than this use one CopyN instead of Copies.
constexpr uint32_t kMaxSingleCopies = 4;

// The slot bits of a constant instruction (ref.null is 0).
uint64_t ConstBits(const Instr& in) {
  if (in.op == Opcode::kI32Const || in.op == Opcode::kF32Const) {
    return static_cast<uint32_t>(in.bits);
  }
  if (in.op == Opcode::kI64Const || in.op == Opcode::kF64Const) return in.bits;
  return 0;
}

// A branch offset still to be written: `word` gets target - `instr`. A
// forward branch to a label also has a `fuel` word: what it charges when
// taken, the count of the run from the label on.
struct Fixup {
  uint32_t instr;
  uint32_t word;
  uint32_t fuel = kNoWord;
};

struct CallFixup {
  Fixup at;
  uint32_t callee;  // defined-function index
};

// Stable storage for one-type block signatures: kSingleTypes[b] == ValType(b).
constexpr std::array<ValType, 256> MakeSingleTypes() {
  std::array<ValType, 256> a{};
  for (int i = 0; i < 256; ++i) a[i] = static_cast<ValType>(i);
  return a;
}
constexpr std::array<ValType, 256> kSingleTypes = MakeSingleTypes();

uint32_t SlotsOf(ValType t) { return t == ValType::kV128 ? 2 : 1; }
uint32_t SlotsOf(std::span<const ValType> types) {
  uint32_t n = 0;
  for (ValType t : types) n += SlotsOf(t);
  return n;
}

// The value type of one character of an opcode table signature.
ValType SigType(char c) {
  switch (c) {
    case 'i': return ValType::kI32;
    case 'I': return ValType::kI64;
    case 'f': return ValType::kF32;
    case 'F': return ValType::kF64;
    default: return ValType::kV128;
  }
}

struct Label {
  enum Kind : uint8_t { kBlock, kLoop, kIf, kFunc };
  Kind kind = kBlock;
  bool unreachable = false;
  uint32_t height = 0;  // slot of the block's first parameter
  uint32_t num_params = 0;   // slots
  uint32_t num_results = 0;  // slots
  std::span<const ValType> param_types;
  std::span<const ValType> result_types;
  uint32_t loop_start = 0;      // kLoop: the branch target
  // kLoop: the count of the run holding loop_start when the loop opened, and
  // once that run has ended, the count from loop_start to its end (what a
  // backward branch charges).
  uint64_t loop_snapshot = 0;
  uint64_t loop_fuel = 0;
  bool loop_fuel_known = false;
  Fixup else_fixup{0, kNoWord};  // kIf: the branch to the else arm
  std::vector<Fixup> fixups;     // forward branches to the end
};

// Number of parameters and results of a "params>results" signature.
void SigArity(std::string_view sig, uint32_t* params, uint32_t* results) {
  // The one '>' is nearly always second to last (one result).
  size_t gt =
      sig.size() >= 2 && sig[sig.size() - 2] == '>' ? sig.size() - 2 : 0;
  while (gt < sig.size() && sig[gt] != '>') ++gt;
  assert(gt < sig.size());
  *params = static_cast<uint32_t>(gt);
  *results = static_cast<uint32_t>(sig.size() - gt - 1);
}

// Compare opcodes in table order (eq, ne, lt_s, lt_u, gt_s, gt_u, le_s,
// le_u, ge_s, ge_u); the fused families in code.h use the same order.
constexpr int kCmpCount = 10;
constexpr std::array<int, kCmpCount> kNegatedCmp = {1, 0, 8, 9, 6, 7,
                                                     4, 5, 2, 3};
static_assert(static_cast<int>(IOp::kI32GeU) - static_cast<int>(IOp::kI32Eq) ==
              kCmpCount - 1);
static_assert(static_cast<int>(IOp::kI64GeU) - static_cast<int>(IOp::kI64Eq) ==
              kCmpCount - 1);
static_assert(static_cast<int>(IOp::kBrIfI32GeUImm) -
                  static_cast<int>(IOp::kBrIfI32EqImm) == kCmpCount - 1);

IOp CmpOp(IOp base, int index) {
  return static_cast<IOp>(static_cast<int>(base) + index);
}
// Index of a compare within its family, or -1.
int CmpIndex(IOp op, IOp family) {
  int i = static_cast<int>(op) - static_cast<int>(family);
  return i >= 0 && i < kCmpCount ? i : -1;
}

// The form of a conditional jump that also charges fuel when taken (every
// conditional branch to a label: the run from the label on).
IOp ChargingForm(IOp op) {
  if (op == IOp::kBrIf) return IOp::kBrFuelIf;
  if (op == IOp::kBrUnless) return IOp::kBrFuelUnless;
  int i;
  if ((i = CmpIndex(op, IOp::kBrIfI32Eq)) >= 0) {
    return CmpOp(IOp::kBrFuelI32Eq, i);
  }
  if ((i = CmpIndex(op, IOp::kBrIfI64Eq)) >= 0) {
    return CmpOp(IOp::kBrFuelI64Eq, i);
  }
  i = CmpIndex(op, IOp::kBrIfI32EqImm);
  assert(i >= 0);
  return CmpOp(IOp::kBrFuelI32EqImm, i);
}

// Core loads run from i32.load to i64.load32_u, then the stores to
// i64.store32, in the same order as their fused forms (code.h).
constexpr int kLastCoreLoad =
    static_cast<int>(Opcode::kI64Load32U) - static_cast<int>(Opcode::kI32Load);
constexpr int kLastCoreMemOp =
    static_cast<int>(Opcode::kI64Store32) - static_cast<int>(Opcode::kI32Load);
static_assert(kLastCoreLoad == 13 && kLastCoreMemOp == 22);
static_assert(static_cast<int>(IOp::kI64Store32Add) -
                  static_cast<int>(IOp::kI32LoadAdd) == kLastCoreMemOp);

// A conditional jump's two handler choices and its operand word.
struct CondJump {
  IOp if_true;   // jumps when the condition holds
  IOp if_false;  // jumps when it does not
  uint64_t operand;
};

// What the compiler remembers of an instruction it emitted for the value
// in stack slot `slot`, pushed in the slot's epoch `epoch` (see Holds).
struct Producer {
  uint32_t end = kNoWord;  // Pos() right after it
  uint32_t word = 0;       // the word holding its destination slot
  int shift = 0;           // where in `word`
  uint32_t slot = 0;
  uint32_t epoch = 0;
};
struct LastInstr {
  uint32_t pos = kNoWord;
  uint32_t end = kNoWord;  // Pos() right after it
  IOp op = IOp::kCount;
  uint32_t slot = 0;
  uint32_t epoch = 0;
};

class FunctionCompiler {
 public:
  // `type_ids` holds the canonical id of each of the module's types.
  FunctionCompiler(const Module& module, std::span<const uint32_t> type_ids,
                   std::vector<CodeWord>& code, const void* const* handlers,
                   std::vector<CodeSite>& sites,
                   std::vector<CallFixup>& call_fixups, bool plain)
      : module_(module),
        type_ids_(type_ids),
        code_(code),
        sites_(sites),
        handlers_(handlers),
        call_fixups_(call_fixups),
        plain_(plain) {
    for (const MemoryType& m : module.memories) {
      special_memory_ |= m.limits.is64;
    }
    special_memory_ |= module.memories.size() > 1;
  }

  // Compiles one body from the instructions the validator kept, or when
  // `kept` is empty from its bytes. One FunctionCompiler serves every body
  // of a module, so its vectors are allocated once.
  absl::Status Compile(const FunctionBody& body, std::span<const Instr> kept,
                       FuncCode* out);

 private:
  uint32_t Pos() const { return static_cast<uint32_t>(code_.size()); }
  uint32_t Op(IOp op) {
    uint32_t at = Pos();
    const void* handler = handlers_[static_cast<int>(op)];
    code_.push_back(reinterpret_cast<uintptr_t>(handler));
    instrs_.push_back({at, op});
    if (IsCodeSite(op)) sites_.push_back({at, wasm_offset_});
    return at;
  }
  // Removes the instructions from `pos` on (a fused form replaces them).
  void Truncate(uint32_t pos) {
    code_.resize(pos);
    while (!instrs_.empty() && instrs_.back().pos >= pos) instrs_.pop_back();
    while (!sites_.empty() && sites_.back().pos >= pos) sites_.pop_back();
  }
  uint32_t Word(uint64_t w) {
    code_.push_back(w);
    return Pos() - 1;
  }
  void Patch(const Fixup& f, uint32_t target) {
    code_[f.word] = static_cast<uint64_t>(int64_t{target} - int64_t{f.instr});
  }
  // Every change of the stack height goes through here. Slots pushed never
  // carry aliases and hold scalars until PushType says otherwise; slots
  // popped start a new epoch, so no record of what was emitted for the
  // values they held (Producer, LastInstr) can match a later value.
  void SetHeight(uint32_t h) {
    if (h > alias_.size()) GrowSlots(h);
    for (uint32_t i = h; i < h_; ++i) ++epoch_[i];
    for (uint32_t i = h_; i < h; ++i) {
      alias_[i] = kNoWord;
      upper_[i] = 0;
    }
    h_ = h;
    if (h_ > max_h_) max_h_ = h_;
  }
  // Out of line: SetHeight, called for every push, stays small. Slots at
  // and above the height hold stale values until SetHeight reaches them.
  ABSL_ATTRIBUTE_NOINLINE void GrowSlots(uint32_t h) {
    const size_t n = std::max<size_t>(h, 2 * alias_.size());
    alias_.resize(n, kNoWord);
    upper_.resize(n, 0);
    epoch_.resize(n, 0);
  }
  void Push(uint32_t n = 1) { SetHeight(h_ + n); }
  void PushType(ValType t) {
    SetHeight(h_ + SlotsOf(t));
    if (t == ValType::kV128) upper_[h_ - 1] = 1;
  }
  void PushTypes(std::span<const ValType> types) {
    for (ValType t : types) PushType(t);
  }
  void Pop(uint32_t n = 1) {
    assert(h_ >= n);
    SetHeight(h_ - n);
  }
  // Slots taken by the value on top of the stack.
  uint32_t TopWidth() const { return upper_[h_ - 1] ? 2 : 1; }
  // The slot that holds the value at stack slot `slot` right now (for a
  // v128, both halves are aliased together, so this names its low half).
  uint32_t Src(uint32_t slot) const {
    return alias_[slot] != kNoWord ? alias_[slot] : slot;
  }
  // Takes the top value: returns where to read it and pops it.
  uint32_t PopSrc() {
    uint32_t w = TopWidth();
    uint32_t src = Src(h_ - w);
    Pop(w);
    return src;
  }
  // Pops one value and pushes the result slot (unary shapes).
  void Replace() {
    Pop();
    Push();
  }
  void MaterializeAll();
  // Aliases of the local at `slot` (`width` slots) are copied out before it
  // is written.
  bool MaterializeLocal(uint32_t slot, uint32_t width);
  // Records the instruction just emitted as the producer of `slot` (whose
  // number sits at `shift` in `word`); callers that append more words after
  // `word` set producer_.end again once the instruction is complete.
  void Produced(uint32_t word, int shift, uint32_t slot) {
    producer_ = {Pos(), word, shift, slot, EpochOf(slot)};
  }
  // A record of the instruction that wrote stack slot `slot`, made before
  // the value is pushed there (so the slot may lie beyond the vectors).
  LastInstr Record(uint32_t pos, IOp op, uint32_t slot) {
    return {pos, Pos(), op, slot, EpochOf(slot)};
  }
  uint32_t EpochOf(uint32_t slot) {
    if (slot >= epoch_.size()) GrowSlots(slot + 1);
    return epoch_[slot];
  }
  // True when the value now in stack slot `slot` is the one the recorded
  // instruction wrote there and nothing has been emitted since: only then
  // may that instruction be rewritten or removed. Every consumer asks this
  // before popping; plain code never rewrites anything.
  template <typename R>
  bool Holds(const R& r, uint32_t slot) const {
    return !plain_ && r.end == Pos() && r.slot == slot &&
           r.epoch == epoch_[slot] && alias_[slot] == kNoWord;
  }
  void SetLocal(uint32_t local, bool tee);
  // local.get: the pushed value aliases the local's slots.
  // Plain code copies the local into its stack slots instead.
  void PushLocal(uint32_t index) {
    const ValType t = local_type_[index];
    const uint32_t first = h_;
    PushType(t);
    for (uint32_t i = 0; i < SlotsOf(t); ++i) {
      if (plain_) {
        Op(IOp::kCopy);
        Word(Pack(first + i, local_slot_[index] + i));
      } else {
        alias_[first + i] = local_slot_[index] + i;
      }
    }
  }
  // Fuel is charged per straight-line run: a run starts after a branch or
  // at a label nothing falls into, and ends at the next branch, return or
  // unreachable (runtime/execute/budget.h says what costs fuel). Labels reached by
  // falling through do not end the run: its count goes on, and every branch
  // to such a label charges the run's count from the label on itself, so
  // no Fuel instruction is needed there. A run's count lives in the word
  // that charges it on entry (Enter's, or a conditional branch's
  // fall-through word), or in virtual_count_ for a run entered only by
  // branches. A call does not end a run: the code after it is charged with
  // the code before it, which is exact whenever the call returns.
  void OpenRun(uint32_t word) {
    fuel_word_ = word;
    if (word == kVirtualRun) {
      virtual_count_ = 0;
    } else {
      code_[word] = 0;
    }
  }
  uint64_t RunCount() const {
    return fuel_word_ == kVirtualRun ? virtual_count_ : code_[fuel_word_];
  }
  // No producer or constant may be fused or retargeted across a label or a
  // branch (its slot may be a branch's destination).
  void EndFusion() {
    producer_.end = kNoWord;
    last_const_.end = kNoWord;
    last_cmp_.end = kNoWord;
    last_imm_.end = kNoWord;
  }
  // Ends the current run: branches to labels inside it learn their charge.
  void CloseRun() {
    if (fuel_word_ != kNoWord) {
      const uint64_t total = RunCount();
      for (const auto& [word, snapshot] : pending_fuel_) {
        code_[word] = total - snapshot;
      }
      for (uint32_t i : run_loops_) {
        Label& loop = labels_[i];
        loop.loop_fuel = total - loop.loop_snapshot;
        loop.loop_fuel_known = true;
      }
    }
    pending_fuel_.clear();
    run_loops_.clear();
    fuel_word_ = kNoWord;
    EndFusion();
  }
  // A label branches land at: the run falling into it goes on; without one,
  // a run opens that only the branches charge.
  void EnterLabel() {
    EndFusion();
    zero_locals_end_ = zero_locals_begin_;  // control may arrive from anywhere
    if (fuel_word_ == kNoWord) OpenRun(kVirtualRun);
  }
  // The branch whose taken-fuel word is `word` lands here: it charges the
  // rest of the current run, known when the run ends.
  void ChargeFromHere(uint32_t word) {
    pending_fuel_.emplace_back(word, RunCount());
  }
  // Charges one instruction to the current run. Only unreachable code could
  // find no run open; a Fuel op then opens one.
  void CountInstr(Opcode op) {
    if (op == Opcode::kBlock || op == Opcode::kLoop || op == Opcode::kElse ||
        op == Opcode::kEnd) {
      return;
    }
    if (fuel_word_ == kNoWord) {
      Op(IOp::kFuel);
      OpenRun(Word(0));
    }
    if (fuel_word_ == kVirtualRun) {
      ++virtual_count_;
    } else {
      ++code_[fuel_word_];
    }
  }
  void SetUnreachable() { labels_.back().unreachable = true; }
  void BlockTypes(const BlockType& bt, std::span<const ValType>* params,
                  std::span<const ValType>* results);
  void SetupLocals(const FuncType& type, const FunctionBody& body);
  void CompileSimd(const Instr& in);
  void CompileGlobal(const Instr& in);

  void ScanLoopConstants(BodyInstrs instrs);
  // True when the value in stack slot `slot` (read from `src`) is a known
  // constant: a pooled one, or the Const just emitted, which is removed.
  bool TakeConstant(uint32_t slot, uint32_t src, uint64_t* bits);
  // The condition on top of the stack, popped: a compare just emitted is
  // removed and fused into the jump.
  CondJump PopCondition();
  // The condition of a one-slot select, popped. When an i32 compare just
  // computed it, the compare is removed and *fused / *operands receive the
  // SelectI32<cmp> form and its compare operand word; else *fused is kCount.
  uint32_t PopSelectCondition(IOp* fused, uint64_t* operands);
  // When the value in stack slot `slot` was just computed by `op` (the last
  // instruction, [h][src|slot][imm]), removes it and returns its src and imm.
  bool TakeImmOp(IOp op, uint32_t slot, uint32_t* src, uint32_t* imm);
  // A plain numeric instruction: no immediate, `params` operands, a result.
  void CompilePlain(const Instr& in, uint32_t params);
  void CompileBinary(const Instr& in);
  absl::Status CompileInstr(const Instr& in);
  void CompileControl(const Instr& in);
  void CompileEnd();
  void CompileVariable(const Instr& in);
  void CompileMemory(const Instr& in);
  void CompileBulkAndTable(const Instr& in);
  void CompileCall(const Instr& in);
  void CompileTailCall(const Instr& in);
  absl::Status CompileOnMemory(const Instr& in, const OpcodeInfo& info);
  // table64: traps with `kind` when the i64 operand `depth` values below
  // the top is 2^32 or more (no table is that large), so the 32-bit
  // handlers can run.
  void Narrow64(uint32_t depth, TrapKind kind);
  void CompileBrTable(const Instr& in);

  // Branch to the label `depth` levels out, moving its values into place.
  void EmitBranch(uint32_t depth);
  // True when a branch to `depth` is a single jump with no value moves.
  bool IsPlainJump(uint32_t depth) const;
  // Points the branch at `instr` (offset word `word`, taken-fuel word
  // `fuel`) at `label`: a loop's start, whose run has ended, or the label's
  // end, patched when it is reached.
  void EmitJumpTo(Label& label, uint32_t instr, uint32_t word, uint32_t fuel);
  void EmitReturn();

  const Module& module_;
  std::span<const uint32_t> type_ids_;
  std::vector<CodeWord>& code_;
  // Trap and call sites of the code (code_sites.h), each tagged with
  // wasm_offset_: the wasm instruction being compiled when it is emitted,
  // so a fused form names the last instruction it absorbs (the one that
  // can trap: a load, not the add folded into its address).
  std::vector<CodeSite>& sites_;
  uint32_t wasm_offset_ = 0;
  const void* const* handlers_;
  std::vector<CallFixup>& call_fixups_;
  const bool plain_;  // CompileMode::kPlain: no aliases, fusion or groups
  bool in_memory_ = false;  // compiling between UseMemory switches
  // Some memory is not memory 0 with 32-bit addresses: memory instructions
  // take CompileOnMemory's path.
  bool special_memory_ = false;
  std::vector<Label> labels_;
  uint32_t h_ = 0;
  uint32_t max_h_ = 0;
  uint32_t skip_depth_ = 0;
  uint32_t fuel_word_ = kNoWord;   // the current run's count, or kVirtualRun
  uint64_t virtual_count_ = 0;
  // Taken-fuel words of branches into the current run, with the run's count
  // where they land.
  std::vector<std::pair<uint32_t, uint64_t>> pending_fuel_;
  std::vector<uint32_t> run_loops_;  // labels_ indexes of loops starting in it
  std::vector<InstrStart> instrs_;   // this function's instructions
  // Until the first label, the declared locals' slots [begin, end) hold
  // zero unless written_ (indexed from begin) says otherwise.
  uint32_t zero_locals_begin_ = 0;
  uint32_t zero_locals_end_ = 0;
  std::vector<uint8_t> written_;
  uint32_t stack_base_ = 0;        // first operand-stack slot
  uint32_t pool_base_ = 0;         // first constant-pool slot
  std::vector<uint64_t> pool_;     // pooled constant bits
  std::vector<bool> is_loop_;      // ScanLoopConstants: per open block
  Instr scratch_;                  // a body decoded here: its instruction
  std::vector<uint32_t> alias_;    // per slot: the aliased local or kNoWord
  std::vector<uint8_t> upper_;     // per slot: 1 for the high half of a v128
  std::vector<uint32_t> epoch_;    // per slot: bumped each time it is popped
  std::vector<uint32_t> local_slot_;  // per local index: its first slot
  std::vector<ValType> local_type_;   // per local index
  // The last instruction emitted that wrote a stack slot, while it is still
  // the last one: its destination field can be redirected to a local.
  Producer producer_;
  // The last Const emitted (its value may become an immediate operand) and
  // the last compare (it may fuse with a following br_if or if).
  LastInstr last_const_;
  LastInstr last_cmp_;
  LastInstr last_imm_;  // the last I32AddImm or I32ShlImm
};

void FunctionCompiler::MaterializeAll() {
  for (uint32_t slot = stack_base_; slot < h_; ++slot) {
    if (alias_[slot] == kNoWord) continue;
    Op(IOp::kCopy);
    Word(Pack(slot, alias_[slot]));
    alias_[slot] = kNoWord;
  }
}

bool FunctionCompiler::MaterializeLocal(uint32_t local, uint32_t width) {
  bool any = false;
  for (uint32_t slot = stack_base_; slot < h_; ++slot) {
    if (alias_[slot] < local || alias_[slot] >= local + width) continue;
    Op(IOp::kCopy);
    Word(Pack(slot, alias_[slot]));
    alias_[slot] = kNoWord;
    any = true;
  }
  return any;
}

void FunctionCompiler::SetLocal(uint32_t index, bool tee) {
  const uint32_t local = local_slot_[index];
  const ValType type = local_type_[index];
  const uint32_t width = SlotsOf(type);
  uint32_t slot = h_ - width;
  if (alias_[slot] == local) {  // local.set x of local.get x
    if (!tee) Pop(width);
    return;
  }
  // Declared locals start at zero: storing a constant zero into one that
  // nothing has written yet, before any label, changes nothing.
  if (width == 1 && local >= zero_locals_begin_ && local < zero_locals_end_ &&
      !written_[local - zero_locals_begin_] && Holds(last_const_, slot) &&
      code_[last_const_.pos + 2] == 0) {
    assert(code_[last_const_.pos + 1] == slot);
    Truncate(last_const_.pos);
    last_const_.end = kNoWord;
    producer_.end = kNoWord;
    Pop(width);
    if (tee) {
      PushType(type);
      alias_[slot] = local;
    }
    return;
  }
  for (uint32_t i = local; i < local + width; ++i) {
    if (i >= zero_locals_begin_ && i < zero_locals_end_) {
      written_[i - zero_locals_begin_] = 1;
    }
  }
  uint32_t src = Src(slot);
  bool retarget = Holds(producer_, slot);
  Pop(width);
  // Materialised aliases must read the old value: no retargeting then.
  if (MaterializeLocal(local, width)) retarget = false;
  if (retarget) {
    uint64_t mask = uint64_t{0xFFFFFFFF} << producer_.shift;
    code_[producer_.word] = (code_[producer_.word] & ~mask) |
                            (uint64_t{local} << producer_.shift);
  } else {
    for (uint32_t i = 0; i < width; ++i) {
      Op(IOp::kCopy);
      Word(Pack(local + i, src + i));
    }
  }
  producer_.end = kNoWord;
  if (tee) {
    PushType(type);
    for (uint32_t i = 0; i < width; ++i) alias_[slot + i] = local + i;
  }
}

void FunctionCompiler::BlockTypes(const BlockType& bt,
                                  std::span<const ValType>* params,
                                  std::span<const ValType>* results) {
  switch (bt.kind) {
    case BlockType::Kind::kEmpty:
      *params = *results = {};
      return;
    case BlockType::Kind::kValue:
      *params = {};
      *results = {&kSingleTypes[static_cast<uint8_t>(bt.value)], 1};
      return;
    case BlockType::Kind::kIndex: {
      const FuncType& t = module_.types[bt.index];
      *params = t.params;
      *results = t.results;
      return;
    }
  }
}

// Parameters take the first slots, then the declared locals, each one or
// two slots wide.
void FunctionCompiler::SetupLocals(const FuncType& type,
                                   const FunctionBody& body) {
  local_type_.assign(type.params.begin(), type.params.end());
  for (const LocalDecl& d : body.locals) {
    local_type_.insert(local_type_.end(), d.count, d.type);
  }
  local_slot_.resize(local_type_.size());
  uint32_t slot = 0;
  for (size_t i = 0; i < local_type_.size(); ++i) {
    local_slot_[i] = slot;
    slot += SlotsOf(local_type_[i]);
  }
}

absl::Status FunctionCompiler::Compile(const FunctionBody& body,
                                       std::span<const Instr> kept,
                                       FuncCode* out) {
  const FuncType& type = module_.types[body.type_index];
  const uint32_t num_params = SlotsOf(type.params);
  const uint32_t num_results = SlotsOf(type.results);
  out->entry = Pos();
  out->body_offset = body.code_offset;
  out->num_params = num_params;
  out->num_results = num_results;
  // The previous body's state (its vectors keep their storage).
  labels_.clear();
  instrs_.clear();
  pending_fuel_.clear();
  run_loops_.clear();
  skip_depth_ = 0;
  fuel_word_ = kNoWord;
  EndFusion();
  ScanLoopConstants(BodyInstrs(module_, body, kept, &scratch_));
  SetupLocals(type, body);
  const uint32_t local_slots =
      SlotsOf(std::span<const ValType>(local_type_).subspan(type.params.size()));
  pool_base_ = num_params + local_slots;
  zero_locals_begin_ = num_params;
  zero_locals_end_ = pool_base_;
  written_.assign(local_slots, 0);
  const uint32_t pool_size = static_cast<uint32_t>(pool_.size());
  h_ = max_h_ = stack_base_ = pool_base_ + pool_size;
  if (alias_.size() < h_) GrowSlots(h_);
  std::fill_n(alias_.begin(), h_, kNoWord);
  std::fill_n(upper_.begin(), h_, 0);
  // Enter's traps (stack, fuel) are reported at the body's first byte.
  wasm_offset_ = body.code_offset;
  Op(IOp::kEnter);
  Word(Pack(num_params, local_slots));
  uint32_t frame_word = Word(0);
  OpenRun(Word(0));
  Word(Pack(pool_base_, pool_size));
  for (uint64_t bits : pool_) Word(bits);

  Label func;
  func.kind = Label::kFunc;
  func.height = h_;
  func.num_results = num_results;
  func.result_types = type.results;
  labels_.push_back(std::move(func));

  // The scan is done with scratch_: the walk may take it over.
  BodyInstrs instrs(module_, body, kept, &scratch_);
  const Instr* next;
  while (!labels_.empty() && (next = instrs.Next()) != nullptr) {
    const Instr& in = *next;
    if (labels_.back().unreachable) {
      Opcode op = in.op;
      if (op == Opcode::kBlock || op == Opcode::kLoop || op == Opcode::kIf) {
        ++skip_depth_;
        continue;
      }
      if (skip_depth_ > 0 || (op != Opcode::kEnd && op != Opcode::kElse)) {
        if (op == Opcode::kEnd) --skip_depth_;
        continue;
      }
    }
    wasm_offset_ = in.offset;
    CountInstr(in.op);
    WSBX_RETURN_IF_ERROR(CompileInstr(in));
  }
  if (!labels_.empty() || instrs.Next() != nullptr) {
    return Reader::ErrorAt(body.code_end, "function body does not end cleanly");
  }
  out->frame_slots = max_h_;
  code_[frame_word] = max_h_;
  if (!plain_) FusePairs(instrs_, handlers_, code_);
  return absl::OkStatus();
}

bool IsMemoryImm(ImmKind imm) {
  return imm == ImmKind::kMemArg || imm == ImmKind::kMemArgLane ||
         imm == ImmKind::kMemIndex || imm == ImmKind::kMemoryInit ||
         imm == ImmKind::kMemoryCopy;
}

// A memory instruction in a module with several memories or a 64-bit one.
// Memory 0 with 32-bit addresses compiles as always. Another memory: the
// instruction runs as it would on memory 0 with the interpreter's memory
// registers switched to it around it (UseMemory), so code that only uses
// memory 0 pays nothing. 64-bit addresses: a load or store first turns
// address + offset into a 32-bit address in the address's stack slot
// (Addr64 traps when it is 2^32 or more: a memory holds at most 4 GiB), then
// runs with offset 0; bulk operations and memory.grow have 64-bit handlers
// that name their memories.
absl::Status FunctionCompiler::CompileOnMemory(const Instr& in,
                                               const OpcodeInfo& info) {
  const bool is64 = module_.memories[in.mem].limits.is64;
  if (in.op == Opcode::kMemoryCopy &&
      (in.mem != in.b || is64 || module_.memories[in.b].limits.is64)) {
    MaterializeAll();
    Op(IOp::kMemoryCopyBetween);  // d, s, n; memories dst, src
    Word(Pack(h_ - 3, h_ - 2));
    Word(h_ - 1);
    Word(Pack(in.mem, in.b));
    Pop(3);
    return absl::OkStatus();
  }
  if (is64 && (in.op == Opcode::kMemoryGrow || in.op == Opcode::kMemoryFill ||
               in.op == Opcode::kMemoryInit)) {
    MaterializeAll();
    if (in.op == Opcode::kMemoryGrow) {
      Op(IOp::kMemoryGrow64);
      Word(Pack(h_ - 1, h_ - 1));
      Word(in.mem);
      return absl::OkStatus();
    }
    Op(in.op == Opcode::kMemoryFill ? IOp::kMemoryFill64 : IOp::kMemoryInit64);
    Word(Pack(h_ - 3, h_ - 2));
    Word(Pack(h_ - 1, in.a));
    Word(in.mem);
    Pop(3);
    return absl::OkStatus();
  }
  Instr at_zero = in;
  if (is64 && (info.imm == ImmKind::kMemArg ||
               info.imm == ImmKind::kMemArgLane)) {
    // The address sits below the stored value or the v128 lane operand.
    uint32_t above = 0;
    if (info.imm == ImmKind::kMemArgLane) {
      above = 2;
    } else if (GetOpcodeInfo(in.op).sig.back() == '>') {
      above = TopWidth();
    }
    const uint32_t slot = h_ - 1 - above;
    Op(IOp::kAddr64);
    Word(Pack(Src(slot), slot));
    Word(in.bits);
    alias_[slot] = kNoWord;
    ++epoch_[slot];
    at_zero.b = 0;
    at_zero.bits = 0;
  }
  if (in.mem != 0) {
    Op(IOp::kUseMemory);
    Word(in.mem);
  }
  in_memory_ = true;
  absl::Status st = CompileInstr(at_zero);
  in_memory_ = false;
  WSBX_RETURN_IF_ERROR(st);
  if (in.mem != 0) {
    Op(IOp::kUseMemory);
    Word(0);
  }
  producer_.end = kNoWord;  // its result is not the last word any more
  last_imm_.end = kNoWord;
  last_cmp_.end = kNoWord;
  return absl::OkStatus();
}


absl::Status FunctionCompiler::CompileInstr(const Instr& in) {
  if (in.op == Opcode::kLocalGet) {  // the commonest instruction: no call
    PushLocal(in.a);
    return absl::OkStatus();
  }
  if (const uint32_t params = kPlainOperands[static_cast<int>(in.op)]) {
    CompilePlain(in, params);  // the next commonest skip the dispatch
    return absl::OkStatus();
  }
  const OpcodeInfo& info = GetOpcodeInfo(in.op);
  if (ABSL_PREDICT_FALSE(special_memory_) && !in_memory_ &&
      IsMemoryImm(info.imm)) {
    return CompileOnMemory(in, info);
  }
  switch (in.op) {
    case Opcode::kUnreachable: case Opcode::kNop: case Opcode::kBlock:
    case Opcode::kLoop: case Opcode::kIf: case Opcode::kElse:
    case Opcode::kBr: case Opcode::kBrIf: case Opcode::kReturn:
    case Opcode::kDrop: case Opcode::kSelect: case Opcode::kSelectT:
      CompileControl(in);
      return absl::OkStatus();
    case Opcode::kEnd:
      CompileEnd();
      return absl::OkStatus();
    case Opcode::kBrTable:
      CompileBrTable(in);
      return absl::OkStatus();
    case Opcode::kCall: case Opcode::kCallIndirect:
      CompileCall(in);
      return absl::OkStatus();
    case Opcode::kReturnCall: case Opcode::kReturnCallIndirect:
      CompileTailCall(in);
      return absl::OkStatus();
    case Opcode::kLocalSet: case Opcode::kLocalTee:
    case Opcode::kGlobalGet: case Opcode::kGlobalSet:
    case Opcode::kI32Const: case Opcode::kI64Const: case Opcode::kF32Const:
    case Opcode::kF64Const: case Opcode::kRefNull: case Opcode::kRefFunc:
      CompileVariable(in);
      return absl::OkStatus();
    default:
      break;
  }
  if (info.imm == ImmKind::kMemArg || in.op == Opcode::kMemorySize ||
      in.op == Opcode::kMemoryGrow) {
    CompileMemory(in);
    return absl::OkStatus();
  }
  if (info.prefix == 0xFD &&
      (info.imm != ImmKind::kNone || info.sig == "vvv>v")) {
    CompileSimd(in);
    return absl::OkStatus();
  }
  if (info.sig == std::string_view("*", 1) || info.imm != ImmKind::kNone) {
    CompileBulkAndTable(in);
    return absl::OkStatus();
  }
  // Plain numeric instruction: its signature gives the operand count.
  uint32_t params, results;
  SigArity(info.sig, &params, &results);
  assert(results == 1);
  CompilePlain(in, params);
  return absl::OkStatus();
}

void FunctionCompiler::CompilePlain(const Instr& in, uint32_t params) {
  if (params == 1) {
    uint32_t a = PopSrc();
    Op(ToIOp(in.op));
    uint32_t w = Word(Pack(a, h_));
    Produced(w, 32, h_);
    if (in.op == Opcode::kI32Eqz) last_cmp_ = Record(w - 1, IOp::kI32Eqz, h_);
    PushType(SigType(GetOpcodeInfo(in.op).sig.back()));
  } else {
    assert(params == 2);
    CompileBinary(in);
  }
}

void FunctionCompiler::CompileCall(const Instr& in) {
  uint32_t type_index =
      in.op == Opcode::kCall ? module_.func_types[in.a] : in.a;
  const FuncType& type = module_.types[type_index];
  // The table index may stay an alias; the arguments must sit in their slots.
  if (in.op == Opcode::kCallIndirect && module_.tables[in.b].limits.is64) {
    Narrow64(0, TrapKind::kUndefinedElement);
  }
  uint32_t index_slot = in.op == Opcode::kCallIndirect ? PopSrc() : 0;
  MaterializeAll();
  producer_.end = kNoWord;
  uint32_t params = SlotsOf(type.params);
  uint32_t argbase = h_ - params;
  if (in.op == Opcode::kCallIndirect) {
    // Canonical ids are process-wide, so the code can hold the expected one.
    Op(IOp::kCallIndirect);
    Word(Pack(argbase, type_ids_[in.a]));
    Word(Pack(in.b, index_slot));
  } else if (in.a < module_.num_imported_funcs) {
    Op(IOp::kCallImport);
    Word(Pack(argbase, in.a));
  } else {
    uint32_t at = Op(IOp::kCall);
    Word(Pack(argbase, in.a));
    call_fixups_.push_back({{at, Word(0)}, in.a - module_.num_imported_funcs});
  }
  // The callee's frame starts at argbase; results land there.
  SetHeight(argbase);
  PushTypes(type.results);
}

// A tail call ends its run like return: the arguments are moved down to the
// frame's first slots and the callee's activation replaces this one, so
// the call and frame stacks do not grow. Only a call of a function of the
// same module knows the callee's Enter; imports and table entries are found
// at run time (a host callee is called, then its results returned).
void FunctionCompiler::CompileTailCall(const Instr& in) {
  const bool direct = in.op == Opcode::kReturnCall;
  uint32_t type_index = direct ? module_.func_types[in.a] : in.a;
  const FuncType& type = module_.types[type_index];
  if (!direct && module_.tables[in.b].limits.is64) {
    Narrow64(0, TrapKind::kUndefinedElement);
  }
  uint32_t index_slot = direct ? 0 : PopSrc();
  CloseRun();
  MaterializeAll();
  producer_.end = kNoWord;
  uint32_t params = SlotsOf(type.params);
  uint32_t argbase = h_ - params;
  if (!direct) {
    Op(IOp::kReturnCallIndirect);
    Word(Pack(argbase, type_ids_[in.a]));
    Word(Pack(in.b, index_slot));
    Word(Pack(params, SlotsOf(type.results)));
  } else if (in.a < module_.num_imported_funcs) {
    Op(IOp::kReturnCallImport);
    Word(Pack(argbase, in.a));
    Word(Pack(params, SlotsOf(type.results)));
  } else {
    uint32_t at = Op(IOp::kReturnCall);
    Word(Pack(argbase, params));
    Word(in.a);
    call_fixups_.push_back({{at, Word(0)}, in.a - module_.num_imported_funcs});
  }
  SetUnreachable();
}

void FunctionCompiler::CompileVariable(const Instr& in) {
  switch (in.op) {
    case Opcode::kLocalGet:
      PushLocal(in.a);
      return;
    case Opcode::kLocalSet: case Opcode::kLocalTee:
      SetLocal(in.a, in.op == Opcode::kLocalTee);
      return;
    case Opcode::kGlobalGet: case Opcode::kGlobalSet:
      CompileGlobal(in);
      return;
    case Opcode::kRefFunc:
      Op(IOp::kRefFunc);
      Word(Pack(h_, in.a));
      Push();
      return;
    default:
      break;
  }
  uint64_t bits = ConstBits(in);
  auto pooled = std::find(pool_.begin(), pool_.end(), bits);
  if (in.op != Opcode::kRefNull && pooled != pool_.end()) {
    Push();
    alias_[h_ - 1] = pool_base_ + static_cast<uint32_t>(pooled - pool_.begin());
    return;
  }
  uint32_t at = Op(IOp::kConst);
  Produced(Word(h_), 0, h_);
  Word(bits);
  producer_.end = Pos();
  last_const_ = Record(at, IOp::kConst, h_);
  Push();
}

void FunctionCompiler::CompileMemory(const Instr& in) {
  if (in.op == Opcode::kMemorySize) {
    Op(IOp::kMemorySize);
    Word(h_);
    Push();
    return;
  }
  if (in.op == Opcode::kMemoryGrow) {
    uint32_t delta = PopSrc();
    Op(IOp::kMemoryGrow);
    Word(Pack(delta, h_));
    Push();
    return;
  }
  uint32_t params, results;
  std::string_view sig = GetOpcodeInfo(in.op).sig;
  SigArity(sig, &params, &results);
  // A core load/store whose address was just computed by i32.add of a
  // constant takes the add in as a trailing immediate.
  const int core = static_cast<int>(in.op) - static_cast<int>(Opcode::kI32Load);
  const bool folds = core >= 0 && core <= kLastCoreMemOp;
  uint32_t base, imm;
  if (results == 1) {  // load: [addr|dst][offset]
    if (folds && TakeImmOp(IOp::kI32AddImm, h_ - 1, &base, &imm)) {
      Pop();
      Op(static_cast<IOp>(static_cast<int>(IOp::kI32LoadAdd) + core));
      Produced(Word(Pack(base, h_)), 32, h_);
      Word(in.b);
      Word(imm);
    } else {
      uint32_t addr = PopSrc();
      Op(ToIOp(in.op));
      Produced(Word(Pack(addr, h_)), 32, h_);
      Word(in.b);
    }
    PushType(SigType(sig.back()));
    producer_.end = Pos();  // the trailing words end it
    return;
  }
  // store: [addr|value][offset]
  uint32_t value = PopSrc();
  if (folds && TakeImmOp(IOp::kI32AddImm, h_ - 1, &base, &imm)) {
    Pop();
    Op(static_cast<IOp>(static_cast<int>(IOp::kI32StoreAdd) + core -
                        (kLastCoreLoad + 1)));
    Word(Pack(base, value));
    Word(in.b);
    Word(imm);
    return;
  }
  uint32_t addr = PopSrc();
  Op(ToIOp(in.op));
  Word(Pack(addr, value));
  Word(in.b);
}

void FunctionCompiler::Narrow64(uint32_t depth, TrapKind kind) {
  Op(IOp::kNarrow64);
  Word(Pack(Src(h_ - 1 - depth), static_cast<uint32_t>(kind)));
}

// Reference, table and bulk-memory instructions. Operands are popped in
// stack order; layouts are read back by the matching handlers.
void FunctionCompiler::CompileBulkAndTable(const Instr& in) {
  MaterializeAll();  // rare instructions: operands read from their slots
  // table64: each i64 index or length is checked to fit 32 bits first.
  auto is64 = [&](uint32_t table) {
    return module_.tables[table].limits.is64;
  };
  constexpr TrapKind kOob = TrapKind::kTableOutOfBounds;
  switch (in.op) {
    case Opcode::kTableGet:
      if (is64(in.a)) Narrow64(0, kOob);
      break;
    case Opcode::kTableSet:
      if (is64(in.a)) Narrow64(1, kOob);
      break;
    case Opcode::kTableFill:
      if (is64(in.a)) {
        Narrow64(0, kOob);
        Narrow64(2, kOob);
      }
      break;
    case Opcode::kTableInit:
      if (is64(in.b)) Narrow64(2, kOob);
      break;
    case Opcode::kTableCopy:  // n is i64 only when both tables are
      if (is64(in.a)) Narrow64(2, kOob);
      if (is64(in.b)) Narrow64(1, kOob);
      if (is64(in.a) && is64(in.b)) Narrow64(0, kOob);
      break;
    default:
      break;
  }
  switch (in.op) {
    case Opcode::kRefIsNull:
      Op(IOp::kRefIsNull);
      Word(Pack(h_ - 1, h_ - 1));
      return;
    case Opcode::kTableGet:
      Op(IOp::kTableGet);
      Word(Pack(h_ - 1, h_ - 1));
      Word(in.a);
      return;
    case Opcode::kTableSet:
      Op(IOp::kTableSet);
      Word(Pack(h_ - 2, h_ - 1));
      Word(in.a);
      Pop(2);
      return;
    case Opcode::kTableSize:
      Op(IOp::kTableSize);
      Word(Pack(h_, in.a));
      Push();
      return;
    case Opcode::kTableGrow:  // init, n -> old size
      Op(is64(in.a) ? IOp::kTableGrow64 : IOp::kTableGrow);
      Word(Pack(h_ - 2, h_ - 1));
      Word(Pack(h_ - 2, in.a));
      Pop();
      return;
    case Opcode::kTableFill:  // i, value, n
      Op(IOp::kTableFill);
      Word(Pack(h_ - 3, h_ - 2));
      Word(Pack(h_ - 1, in.a));
      Pop(3);
      return;
    case Opcode::kDataDrop: case Opcode::kElemDrop:
      Op(ToIOp(in.op));
      Word(in.a);
      return;
    default:
      break;
  }
  // Three-operand bulk instructions: d, s (or value), n.
  Op(ToIOp(in.op));
  Word(Pack(h_ - 3, h_ - 2));
  switch (in.op) {
    case Opcode::kMemoryInit:
      Word(Pack(h_ - 1, in.a));
      break;
    case Opcode::kMemoryCopy: case Opcode::kMemoryFill:
      Word(h_ - 1);
      break;
    case Opcode::kTableInit:  // elem a, table b
      Word(Pack(h_ - 1, in.a));
      Word(in.b);
      break;
    case Opcode::kTableCopy:  // dst table a, src table b
      Word(h_ - 1);
      Word(Pack(in.a, in.b));
      break;
    default:
      assert(false);
  }
  Pop(3);
}

void FunctionCompiler::CompileGlobal(const Instr& in) {
  const bool wide = module_.global_types[in.a].type == ValType::kV128;
  if (in.op == Opcode::kGlobalGet) {
    Op(wide ? IOp::kGlobalGetV128 : IOp::kGlobalGet);
    Produced(Word(Pack(h_, in.a)), 0, h_);
    PushType(module_.global_types[in.a].type);
    return;
  }
  uint32_t src = PopSrc();
  Op(wide ? IOp::kGlobalSetV128 : IOp::kGlobalSet);
  Word(Pack(src, in.a));
}

#include "runtime/compile/compiler_control.inc"
#include "runtime/compile/compiler_fuse.inc"
#include "runtime/compile/compiler_simd.inc"

}  // namespace

// Defined here rather than in compiler_bodies.inc: it holds types of this
// file's anonymous namespace.
struct BodyCompiler::State {
  State(Module& m, CompileMode mode)
      : module(m),
        compiled(std::make_shared<CompiledCode>()),
        type_ids(CanonicalTypeIds(m.types)),
        fc(m, type_ids, compiled->code, HandlerTable(), compiled->sites,
           call_fixups, mode == CompileMode::kPlain) {}
  Module& module;
  std::shared_ptr<CompiledCode> compiled;
  std::vector<uint32_t> type_ids;  // canonical id per module type index
  std::vector<CallFixup> call_fixups;
  FunctionCompiler fc;
};

#include "runtime/compile/compiler_bodies.inc"

}  // namespace wsbx
