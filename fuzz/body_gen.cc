// Generates function bodies that validate by construction and are dense in
// the shapes the optimizing compiler rewrites: local.get/set/tee chains,
// constants dropped before other work, select on a tee'd condition, values
// carried by br/br_if/br_table out of nested blocks, call results stored to
// locals while temporaries follow, loads and stores at edge offsets, and
// operations that trap. Loops count down a local the body never writes
// otherwise, so they end even without the fuel limit.
#include "fuzz/body_gen.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "fuzz/gen_opcodes.h"
#include "runtime/tests/wasm_bytes.h"

namespace wsbx::fuzz {
namespace {

// The opcode tables (gen_opcodes.h) are this file's vocabulary.
using namespace gen;
using testing::AppendS64;
using testing::AppendU32;

// An entry of `table`; past its end, a small number or random bits.
template <typename T, size_t N>
T PickEdge(Entropy& e, const T (&table)[N]) {
  uint32_t k = e.Below(N + 2);
  if (k < N) return table[k];
  if (k == N) return e.Below(16);
  if constexpr (sizeof(T) == 8) return e.U64();
  return e.U32();
}

// Where functions leave their locals on return (StoreLocals); inside the
// first page, which every generated memory has.
constexpr uint32_t kLocalsArea = 0x8000;

// Loop counters: one reserved i32 local per level of counted-loop nesting.
constexpr uint32_t kLoopCounters = 3;

// Generates one body; see GenerateBody.
class BodyGen {
 public:
  BodyGen(Entropy& entropy, const GenOptions& options, ModuleShape& shape,
          uint32_t func_index)
      : e_(entropy),
        o_(options),
        m_(shape),
        func_index_(func_index),
        type_(shape.func_type(func_index)) {}

  Bytes Generate();

 private:
  struct Label {
    Types types;  // what a branch to it carries
    bool loop;    // only the counted back edge targets loops
  };
  // Counts nesting while it lives.
  struct Nest {
    explicit Nest(BodyGen* g) : g(g) { ++g->depth_; }
    ~Nest() { --g->depth_; }
    BodyGen* g;
  };

  bool Spent() const {
    return instrs_ >= o_.max_body_instrs || depth_ >= o_.max_depth;
  }
  void Op(uint8_t op) {
    out_.push_back(op);
    ++instrs_;
  }
  void Prefixed(uint8_t prefix, uint32_t code) {
    Op(prefix);
    AppendU32(out_, code);
  }
  void U32(uint32_t v) { AppendU32(out_, v); }
  void I32Const(int32_t v) {
    Op(kI32Const);
    AppendS64(out_, v);
  }
  ValType PickType() {
    static constexpr ValType kTypes[] = {I32, I64, F32, F64, V128};
    return kTypes[e_.Below(m_.simd ? 5 : 4)];
  }
  Types PickTypes(uint32_t max) {
    Types types(e_.Below(max + 1));
    for (ValType& t : types) t = PickType();
    return types;
  }
  // A local of type t (writable: not a loop counter), or -1.
  int64_t PickLocal(ValType t, bool writable) const;
  uint32_t Pick(uint32_t n) { return e_.Below(n); }
  // Whether a call may go to any function; mostly calls go to later
  // functions (or the import) only, so that recursion is the exception
  // and most calls return instead of exhausting the stack.
  bool Callees() { return Pick(8) == 7; }
  // Relative depth of labels_[i].
  uint32_t Depth(size_t i) const {
    return static_cast<uint32_t>(labels_.size() - 1 - i);
  }
  // Index into labels_ of a branchable label, optionally of given types.
  int64_t PickLabel(const Types* types);

  void Expr(ValType t);
  void Leaf(ValType t);
  // By value: generating the values may grow labels_ and the type table.
  void Values(const Types types) {
    for (ValType t : types) Expr(t);
  }
  void Operand(ValType t);
  void ShiftAdd(ValType t);
  bool ImmOp(ValType t);
  bool ReadThenWrite(ValType t);
  bool CopyChain(ValType t);
  void Cond();
  bool Numeric(ValType t);
  bool Tee(ValType t);
  bool Select(ValType t);
  bool Load(ValType t);
  void Address();
  uint32_t PickMemory();
  void Address(uint32_t mem);
  void MemArg(uint8_t natural_align, uint32_t mem);
  bool Call(ValType t, bool indirect);
  void EmitCall(uint32_t func, bool indirect, bool tail = false);
  bool TailCall();
  bool Branch(ValType t);
  void Stash(ValType t);
  void StashAll(const Types& types) {
    for (auto it = types.rbegin(); it != types.rend(); ++it) Stash(*it);
  }

  void StoreLocals();
  void Stmts();
  void Stmt();
  bool Store();
  bool BranchIfStmt();
  void Block(uint8_t kind, const Types& params, const Types& results);
  void Arm(const Types& params, const Types& results);
  void BlockType(const Types& params, const Types& results);
  bool CountedLoop(const Types& results);

  Entropy& e_;
  const GenOptions& o_;
  ModuleShape& m_;
  const uint32_t func_index_;
  const FuncType type_;  // a copy: block types grow the type table
  Types locals_;         // params, declared locals, then the loop counters
  uint32_t first_counter_ = 0;
  uint32_t loop_depth_ = 0;
  std::vector<Label> labels_;
  uint32_t depth_ = 0;
  uint32_t instrs_ = 0;
  ValType last_copy_type_ = I32;  // what CopyChain last left
  Bytes out_;
};

Bytes BodyGen::Generate() {
  locals_ = type_.params;
  Types declared = PickTypes(o_.max_locals);
  locals_.insert(locals_.end(), declared.begin(), declared.end());
  first_counter_ = static_cast<uint32_t>(locals_.size());
  locals_.insert(locals_.end(), kLoopCounters, I32);
  declared.insert(declared.end(), kLoopCounters, I32);

  Bytes entry;
  AppendU32(entry, static_cast<uint32_t>(declared.size()));
  for (ValType t : declared) {
    AppendU32(entry, 1);
    entry.push_back(static_cast<uint8_t>(t));
  }
  // The body proper sits in a block, so that branches out of it still
  // reach the epilogue (only return skips it).
  labels_.push_back({type_.results, false});
  Op(kBlock);
  BlockType({}, type_.results);
  labels_.push_back({type_.results, false});
  Stmts();
  Values(type_.results);
  Op(kEnd);
  labels_.pop_back();
  StoreLocals();
  out_.push_back(kEnd);
  entry.insert(entry.end(), out_.begin(), out_.end());
  return entry;
}

int64_t BodyGen::PickLocal(ValType t, bool writable) const {
  uint32_t end = writable ? first_counter_ : locals_.size();
  std::vector<uint32_t> fits;
  for (uint32_t i = 0; i < end; ++i) {
    if (locals_[i] == t) fits.push_back(i);
  }
  if (fits.empty()) return -1;
  return fits[e_.Below(static_cast<uint32_t>(fits.size()))];
}

int64_t BodyGen::PickLabel(const Types* types) {
  std::vector<uint32_t> fits;
  for (uint32_t i = 0; i < labels_.size(); ++i) {
    if (labels_[i].loop) continue;
    if (types != nullptr && labels_[i].types != *types) continue;
    fits.push_back(i);
  }
  if (fits.empty()) return -1;
  return fits[Pick(static_cast<uint32_t>(fits.size()))];
}

// One value of type t. Choice 0 is a leaf, so spent input ends recursion.
// Arithmetic is weighted up: it is what the optimizer rewrites most.
void BodyGen::Expr(ValType t) {
  if (Spent()) return Leaf(t);
  Nest nest(this);
  bool done = false;
  switch (Pick(20)) {
    case 1:
    case 2:
    case 3:
    case 4:
      done = Numeric(t);
      break;
    case 5:
    case 6:
      done = ImmOp(t) || Numeric(t);
      break;
    case 7:
      done = Tee(t);
      break;
    case 8:
      done = Select(t);
      break;
    case 9:
      done = Load(t);
      break;
    case 10:
      done = Call(t, false);
      break;
    case 11:
      done = Call(t, true);
      break;
    case 12:
      done = e_.Flip() && CountedLoop({t});
      if (!done) {
        static constexpr uint8_t kKinds[] = {kBlock, kIf, kLoop};
        uint8_t kind = kKinds[Pick(3)];
        Block(kind, kind == kLoop ? Types{} : PickTypes(1), {t});
        done = true;
      }
      break;
    case 13:
      // A statement between this value's producers and its consumer.
      Stmt();
      Expr(t);
      done = true;
      break;
    case 14:
      done = Branch(t);
      break;
    case 15:
      if (t == I32) {
        if (Pick(4) == 0) {
          Expr(I32);
          Op(kMemoryGrow);
        } else {
          Op(kMemorySize);
        }
        out_.push_back(0);
        done = true;
      }
      break;
    case 16:
      // A constant computed and thrown away first.
      AppendConst(e_, PickType(), out_);
      ++instrs_;
      Op(kDrop);
      Expr(t);
      done = true;
      break;
    case 17:
      if (t == I32 || t == I64) {
        ShiftAdd(t);
        done = true;
      }
      break;
    case 18:
      done = ReadThenWrite(t);
      break;
    case 19:
      done = CopyChain(t);
      break;
    default:
      break;
  }
  if (!done) Leaf(t);
}

void BodyGen::Leaf(ValType t) {
  switch (Pick(3)) {
    case 1:
      if (int64_t local = PickLocal(t, false); local >= 0) {
        Op(kLocalGet);
        return U32(static_cast<uint32_t>(local));
      }
      break;
    case 2:
      for (uint32_t i = 0; i < m_.globals.size(); ++i) {
        uint32_t g = (i + Pick(8)) % m_.globals.size();
        if (m_.globals[g].type == t) {
          Op(kGlobalGet);
          return U32(g);
        }
      }
      break;
    default:
      break;
  }
  AppendConst(e_, t, out_);
  ++instrs_;
}

// An i32 condition, most often a comparison or a tee.
void BodyGen::Cond() {
  if (Spent()) return Leaf(I32);
  switch (Pick(4)) {
    case 1:
      if (Tee(I32)) return;
      break;
    case 2: {
      Nest nest(this);
      ValType t = PickType();
      if (t == V128) t = I32;
      static constexpr uint8_t kCompareBase[] = {0x46, 0x51, 0x5B, 0x61};
      static constexpr uint8_t kCompareCount[] = {10, 10, 6, 6};
      uint32_t k = t == I32 ? 0 : t == I64 ? 1 : t == F32 ? 2 : 3;
      Operand(t);
      Operand(t);
      return Op(kCompareBase[k] + Pick(kCompareCount[k]));
    }
    default:
      break;
  }
  Expr(I32);
}

// An operand: a local or a constant as often as a computed value, since
// the optimizer folds both into the instruction that uses them.
void BodyGen::Operand(ValType t) {
  switch (Pick(4)) {
    case 1:
      if (int64_t local = PickLocal(t, false); local >= 0) {
        Op(kLocalGet);
        return U32(static_cast<uint32_t>(local));
      }
      break;
    case 2:
      AppendConst(e_, t, out_);
      ++instrs_;
      return;
    default:
      break;
  }
  Expr(t);
}

// x op constant for the integer operations that have an immediate form
// (arithmetic, bitwise, shifts, comparisons).
bool BodyGen::ImmOp(ValType t) {
  static constexpr uint8_t kI32Ops[] = {
      0x6A, 0x6B, 0x6C, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x46,
      0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
  static constexpr uint8_t kI64Ops[] = {0x7C, 0x7D, 0x7E, 0x83, 0x84,
                                        0x85, 0x86, 0x87, 0x88};
  if (t != I32 && t != I64) return false;
  Operand(t);
  if (t == I32 && Pick(3) == 0) {
    I32Const(static_cast<int32_t>(Pick(8)) - 2);
  } else {
    AppendConst(e_, t, out_);
    ++instrs_;
  }
  if (t == I32) {
    Op(kI32Ops[Pick(std::size(kI32Ops))]);
  } else {
    Op(kI64Ops[Pick(std::size(kI64Ops))]);
  }
  return true;
}

// a + (x << k), the indexing shape the compiler fuses.
void BodyGen::ShiftAdd(ValType t) {
  const bool wide = t == I64;
  const bool shifted_first = e_.Flip();
  if (!shifted_first) Operand(t);
  Operand(t);
  if (wide) {
    Op(kI64Const);
    AppendS64(out_, Pick(64));
  } else {
    I32Const(static_cast<int32_t>(Pick(32)));
  }
  Op(wide ? kI64Shl : kI32Shl);
  if (shifted_first) Operand(t);
  Op(wide ? kI64Add : kI32Add);
}

// A value passed through locals: local.get a, then local.set b and
// local.get b, or local.tee b, repeated: the copies the compiler aliases.
bool BodyGen::CopyChain(ValType t) {
  int64_t from = PickLocal(t, false);
  if (from < 0 || PickLocal(t, true) < 0) return false;
  last_copy_type_ = t;
  Op(kLocalGet);
  U32(static_cast<uint32_t>(from));
  const uint32_t links = 1 + Pick(3);
  for (uint32_t i = 0; i < links; ++i) {
    const uint32_t to = static_cast<uint32_t>(PickLocal(t, true));
    if (e_.Flip()) {
      Op(kLocalTee);
      U32(to);
    } else {
      Op(kLocalSet);
      U32(to);
      Op(kLocalGet);
      U32(to);
    }
  }
  return true;
}

// x op (x = e): the first operand must still be the old value of x when
// the second has written x.
bool BodyGen::ReadThenWrite(ValType t) {
  std::vector<const NumOp*> fits;
  for (const NumOp& op : kNumOps) {
    if (op.result == t && op.a == t && op.b == t) fits.push_back(&op);
  }
  int64_t local = PickLocal(t, true);
  if (fits.empty() || local < 0) return false;
  const NumOp& op = *fits[Pick(static_cast<uint32_t>(fits.size()))];
  Op(kLocalGet);
  U32(static_cast<uint32_t>(local));
  Operand(t);
  Op(kLocalTee);
  U32(static_cast<uint32_t>(local));
  if (op.c != kNone) Operand(op.c);
  if (op.prefix == 0) {
    Op(static_cast<uint8_t>(op.code));
  } else {
    Prefixed(op.prefix, op.code);
  }
  return true;
}

bool BodyGen::Numeric(ValType t) {
  std::vector<const NumOp*> fits;
  for (const NumOp& op : kNumOps) {
    if (op.result != t) continue;
    if (!m_.simd && (op.a == V128 || op.b == V128)) continue;
    fits.push_back(&op);
  }
  if (fits.empty()) return false;
  const NumOp& op = *fits[Pick(static_cast<uint32_t>(fits.size()))];
  Operand(op.a);
  if (op.b != kNone) Operand(op.b);
  if (op.c != kNone) Operand(op.c);
  if (op.prefix == 0) {
    Op(static_cast<uint8_t>(op.code));
  } else {
    Prefixed(op.prefix, op.code);
  }
  if (op.lanes != 0) out_.push_back(static_cast<uint8_t>(Pick(op.lanes)));
  return true;
}

bool BodyGen::Tee(ValType t) {
  int64_t local = PickLocal(t, true);
  if (local < 0) return false;
  Expr(t);
  Op(kLocalTee);
  U32(static_cast<uint32_t>(local));
  return true;
}

bool BodyGen::Select(ValType t) {
  Operand(t);
  Operand(t);
  Cond();
  if (e_.Flip()) {
    Op(kSelectTyped);
    U32(1);
    out_.push_back(static_cast<uint8_t>(t));
  } else {
    Op(kSelect);
  }
  return true;
}

// Addresses near zero, near the end of memory, or computed (most often
// masked into the first page, as compiled code does). Rarely out of bounds.
void BodyGen::Address() {
  switch (Pick(9)) {
    case 1:
    case 2:
      Expr(I32);
      I32Const(0xFFFF);
      return Op(kI32And);
    case 3:
      return I32Const(static_cast<int32_t>(m_.memory_pages * 65536 - Pick(20)));
    case 4:
    case 5: {
      int64_t local = PickLocal(I32, false);
      if (local < 0) break;
      Op(kLocalGet);
      U32(static_cast<uint32_t>(local));
      I32Const(static_cast<int32_t>(Pick(64)));
      return Op(kI32Add);
    }
    case 6:
      return Expr(I32);
    case 7: {
      // An array element: base + (index << k), the index a small local.
      int64_t local = PickLocal(I32, false);
      if (local < 0) break;
      I32Const(static_cast<int32_t>(Pick(256)));
      Op(kLocalGet);
      U32(static_cast<uint32_t>(local));
      I32Const(static_cast<int32_t>(Pick(4)));
      Op(kI32Shl);
      return Op(kI32Add);
    }
    default:
      break;
  }
  I32Const(static_cast<int32_t>(Pick(256)));
}

// Alignment up to the natural one; offsets mostly small, sometimes near a
// page boundary, rarely anywhere.
// The memory of the next load or store: with a second memory, a quarter of
// the accesses use it.
uint32_t BodyGen::PickMemory() {
  return m_.memories > 1 && Pick(4) == 0 ? 1 : 0;
}

// An address for memory `mem`: an i32 expression, which a 64-bit memory
// takes zero-extended or, now and then, as any i64 expression.
void BodyGen::Address(uint32_t mem) {
  if (!m_.Is64(mem)) return Address();
  if (Pick(8) == 0) return Expr(I64);
  Address();
  Op(kI64ExtendI32U);
}

void BodyGen::MemArg(uint8_t natural_align, uint32_t mem) {
  if (mem != 0) {
    U32(Pick(natural_align + 1u) | 0x40);  // flag bit 6: an index follows
    U32(mem);
  } else {
    U32(Pick(natural_align + 1u));
  }
  switch (Pick(8)) {
    case 1:
    case 2:
    case 3:
      return U32(Pick(32));
    case 4:
      return U32(65536 - Pick(24));
    case 5:
      // A 64-bit memory's offset may be any u64 (a signed LEB128 of the
      // same bits has another encoding, so write it unsigned).
      if (m_.Is64(mem)) {
        uint64_t v = e_.U64();
        do {
          uint8_t byte = v & 0x7F;
          v >>= 7;
          out_.push_back(static_cast<uint8_t>(byte | (v != 0 ? 0x80 : 0)));
        } while (v != 0);
        return;
      }
      return U32(e_.U32());
    default:
      return U32(0);
  }
}

bool BodyGen::Load(ValType t) {
  std::vector<const MemOp*> fits;
  for (const MemOp& op : kLoads) {
    if (op.type == t) fits.push_back(&op);
  }
  if (fits.empty()) return false;
  const MemOp& op = *fits[Pick(static_cast<uint32_t>(fits.size()))];
  const uint32_t mem = PickMemory();
  Address(mem);
  if (op.prefix == 0) {
    Op(op.code);
  } else {
    Prefixed(op.prefix, op.code);
  }
  MemArg(op.align, mem);
  return true;
}

bool BodyGen::Store() {
  ValType t = PickType();
  std::vector<const MemOp*> fits;
  for (const MemOp& op : kStores) {
    if (op.type == t) fits.push_back(&op);
  }
  const MemOp& op = *fits[Pick(static_cast<uint32_t>(fits.size()))];
  const uint32_t mem = PickMemory();
  Address(mem);
  Expr(t);
  if (op.prefix == 0) {
    Op(op.code);
  } else {
    Prefixed(op.prefix, op.code);
  }
  MemArg(op.align, mem);
  return true;
}

// Arguments, then the call; call_indirect picks a table slot that holds
// `func` most of the time, any slot (maybe null or out of range) otherwise.
void BodyGen::EmitCall(uint32_t func, bool indirect, bool tail) {
  Values(m_.func_type(func).params);
  if (!indirect) {
    Op(tail ? kReturnCall : kCall);
    return U32(func);
  }
  std::vector<uint32_t> slots;
  for (uint32_t i = 0; i < m_.table_slots.size(); ++i) {
    if (m_.table_slots[i] == func) slots.push_back(i);
  }
  if (!slots.empty() && Pick(4) != 3) {
    I32Const(static_cast<int32_t>(slots[Pick(slots.size())]));
  } else if (e_.Flip()) {
    Expr(I32);
  } else {
    I32Const(static_cast<int32_t>(Pick(m_.table_slots.size() + 2)));
  }
  Op(tail ? kReturnCallIndirect : kCallIndirect);
  U32(m_.func_types[func]);
  U32(0);
}

// return_call or return_call_indirect of a function whose results are this
// function's (the callees a call may pick: later functions and imports,
// sometimes any, so recursion stays rare and fuel bounds it).
bool BodyGen::TailCall() {
  const bool any = Callees();
  std::vector<uint32_t> fits;
  for (uint32_t f = 0; f < m_.func_types.size(); ++f) {
    if (!any && f <= func_index_ && f >= m_.imported_funcs) continue;
    if (m_.func_type(f).results == type_.results) fits.push_back(f);
  }
  if (fits.empty()) return false;
  EmitCall(fits[Pick(static_cast<uint32_t>(fits.size()))], e_.Flip(), true);
  return true;
}

// A call whose last result is t; earlier results go to locals or are
// dropped, with the last one parked in a local meanwhile.
bool BodyGen::Call(ValType t, bool indirect) {
  const bool any = Callees();
  std::vector<uint32_t> fits;
  for (uint32_t f = 0; f < m_.func_types.size(); ++f) {
    const Types& results = m_.func_type(f).results;
    if (!any && f <= func_index_ && f >= m_.imported_funcs) continue;
    if (!results.empty() && results.back() == t) fits.push_back(f);
  }
  if (fits.empty()) return false;
  uint32_t func = fits[Pick(static_cast<uint32_t>(fits.size()))];
  const Types results = m_.func_type(func).results;
  int64_t park = PickLocal(t, true);
  if (results.size() > 1 && park < 0) return false;
  EmitCall(func, indirect);
  if (results.size() == 1) return true;
  Op(kLocalSet);
  U32(static_cast<uint32_t>(park));
  StashAll(Types(results.begin(), results.end() - 1));
  Op(kLocalGet);
  U32(static_cast<uint32_t>(park));
  return true;
}

// Leaves the flow: a value stays on the stack for br_if, the rest make the
// stack polymorphic, which any expected type accepts.
bool BodyGen::Branch(ValType t) {
  switch (Pick(8)) {
    case 0:
    case 1: {
      Types want{t};
      int64_t label = PickLabel(&want);
      if (label < 0) return false;
      Expr(t);
      Cond();
      Op(kBrIf);
      U32(Depth(label));
      return true;
    }
    case 2:
    case 3: {
      int64_t label = PickLabel(nullptr);
      Values(labels_[label].types);
      Op(kBr);
      U32(Depth(label));
      return true;
    }
    case 4:
    case 5: {
      int64_t label = PickLabel(nullptr);
      const Types types = labels_[label].types;
      std::vector<uint32_t> targets(Pick(4));
      for (uint32_t& target : targets) target = Depth(PickLabel(&types));
      Values(types);
      Expr(I32);
      Op(kBrTable);
      U32(static_cast<uint32_t>(targets.size()));
      for (uint32_t target : targets) U32(target);
      U32(Depth(label));
      return true;
    }
    case 6:
      if (TailCall()) return true;
      Values(type_.results);
      Op(kReturn);
      return true;
    default:
      if (Pick(4) == 0) {
        Op(kUnreachable);
      } else {
        Values(type_.results);
        Op(kReturn);
      }
      return true;
  }
}

// Makes the final locals observable: stores the first 16 into a 256-byte
// area of memory owned by this function, which the comparison then reads.
void BodyGen::StoreLocals() {
  const uint32_t base = kLocalsArea + (func_index_ % 64) * 256;
  for (uint32_t i = 0; i < locals_.size() && i < 16; ++i) {
    const MemOp* store = nullptr;
    for (const MemOp& op : kStores) {
      if (op.type == locals_[i] &&
          (store == nullptr || op.align > store->align)) {
        store = &op;
      }
    }
    I32Const(static_cast<int32_t>(base + 16 * i));
    Op(kLocalGet);
    U32(i);
    if (store->prefix == 0) {
      Op(store->code);
    } else {
      Prefixed(store->prefix, store->code);
    }
    U32(0);  // alignment 1, offset 0
    U32(0);
  }
}

// Consumes a value of type t: into a local, or dropped.
void BodyGen::Stash(ValType t) {
  int64_t local = Pick(4) != 0 ? PickLocal(t, true) : -1;
  if (local < 0) return Op(kDrop);
  Op(kLocalSet);
  U32(static_cast<uint32_t>(local));
}

void BodyGen::Stmts() {
  while (!Spent() && Pick(4) != 0) Stmt();
}

// Net stack effect zero.
void BodyGen::Stmt() {
  if (Spent()) return;
  Nest nest(this);
  switch (Pick(13)) {
    case 1:
    case 10:
    case 11:
      if (int64_t local = PickLocal(PickType(), true); local >= 0) {
        Expr(locals_[local]);
        Op(kLocalSet);
        return U32(static_cast<uint32_t>(local));
      }
      break;
    case 12:
      // A plain copy between locals.
      if (CopyChain(PickType())) return Stash(last_copy_type_);
      break;
    case 2:
      for (uint32_t g = 0; g < m_.globals.size(); ++g) {
        uint32_t global = (g + Pick(8)) % m_.globals.size();
        if (!m_.globals[global].mutable_) continue;
        Expr(m_.globals[global].type);
        Op(kGlobalSet);
        return U32(global);
      }
      break;
    case 3:
      Store();
      return;
    case 4: {
      static constexpr uint8_t kKinds[] = {kBlock, kIf, kLoop};
      uint8_t kind = kKinds[Pick(3)];
      Types params = kind == kLoop ? Types{} : PickTypes(1);
      // Now and then a wide block, whose branches move many values at once.
      Types results = PickTypes(Pick(8) == 0 ? 7 : 2);
      Block(kind, params, results);
      return StashAll(results);
    }
    case 5: {
      Types results = PickTypes(1);
      if (CountedLoop(results)) return StashAll(results);
      break;
    }
    case 6: {
      bool indirect = e_.Flip();
      std::vector<uint32_t> fits;
      const bool any = Callees();
      for (uint32_t f = 0; f < m_.func_types.size(); ++f) {
        if (any || f > func_index_ || f < m_.imported_funcs) fits.push_back(f);
      }
      if (fits.empty()) break;
      uint32_t func = fits[Pick(static_cast<uint32_t>(fits.size()))];
      EmitCall(func, indirect);
      return StashAll(m_.func_type(func).results);
    }
    case 7:
      if (BranchIfStmt()) return;
      break;
    case 8:
      Cond();
      Op(kIf);
      out_.push_back(0x40);
      labels_.push_back({{}, false});
      Stmts();
      if (e_.Flip()) {
        Op(kElse);
        Stmts();
      }
      labels_.pop_back();
      return Op(kEnd);
    case 9:
      if (Pick(4) != 0) break;
      Expr(I32);
      Op(kMemoryGrow);
      out_.push_back(0);
      return Op(kDrop);
    default:
      break;
  }
  // The default statement: a constant dropped.
  AppendConst(e_, PickType(), out_);
  ++instrs_;
  Op(kDrop);
}

// br_if to a label with its values, which stay when the branch is not taken.
bool BodyGen::BranchIfStmt() {
  int64_t label = PickLabel(nullptr);
  if (label < 0) return false;
  const Types types = labels_[label].types;
  Values(types);
  Cond();
  Op(kBrIf);
  U32(Depth(label));
  StashAll(types);
  return true;
}

void BodyGen::BlockType(const Types& params, const Types& results) {
  if (params.empty() && results.empty()) return out_.push_back(0x40);
  if (params.empty() && results.size() == 1) {
    return out_.push_back(static_cast<uint8_t>(results[0]));
  }
  AppendS64(out_, m_.types.Intern(FuncType{params, results}));
}

// block, if (with else when needed) or loop (entered once, its label never
// targeted) from params to results.
void BodyGen::Block(uint8_t kind, const Types& params, const Types& results) {
  Values(params);
  if (kind == kIf) Cond();
  Op(kind);
  BlockType(params, results);
  labels_.push_back({kind == kLoop ? params : results, kind == kLoop});
  Arm(params, results);
  if (kind == kIf && (params != results || e_.Flip())) {
    Op(kElse);
    Arm(params, results);
  }
  labels_.pop_back();
  Op(kEnd);
}

void BodyGen::Arm(const Types& params, const Types& results) {
  StashAll(params);
  Stmts();
  Values(results);
}

// A loop run 1..4 times by a counter local, in the shapes compilers emit:
// count down to zero, count up to a bound, or (without results) a test at
// the top that leaves an enclosing block and an unconditional back edge.
// False when every counter is in use.
bool BodyGen::CountedLoop(const Types& results) {
  if (loop_depth_ >= kLoopCounters) return false;
  const uint32_t counter = first_counter_ + loop_depth_;
  const int32_t trips = static_cast<int32_t>(1 + Pick(4));
  const uint32_t shape = results.empty() ? Pick(3) : Pick(2);
  I32Const(shape == 1 ? 0 : trips);
  Op(kLocalSet);
  U32(counter);
  if (shape == 2) {
    Op(kBlock);
    out_.push_back(0x40);
    labels_.push_back({{}, false});
  }
  Op(kLoop);
  BlockType({}, results);
  labels_.push_back({{}, true});
  ++loop_depth_;
  if (shape == 2) {
    Op(kLocalGet);
    U32(counter);
    Op(kI32Eqz);
    Op(kBrIf);
    U32(1);
  }
  Stmts();
  Op(kLocalGet);
  U32(counter);
  I32Const(shape == 1 ? 1 : -1);
  Op(kI32Add);
  if (shape == 2) {
    Op(kLocalSet);
    U32(counter);
    Op(kBr);
    U32(0);
  } else {
    Op(kLocalTee);
    U32(counter);
    if (shape == 1) {
      I32Const(trips);
      Op(Pick(2) == 0 ? kI32LtS : kI32Ne);
    }
    Op(kBrIf);
    U32(0);
  }
  --loop_depth_;
  Values(results);
  labels_.pop_back();
  Op(kEnd);
  if (shape == 2) {
    labels_.pop_back();
    Op(kEnd);
  }
  return true;
}

}  // namespace

uint32_t TypeTable::Intern(const FuncType& type) {
  auto it = std::find(types_.begin(), types_.end(), type);
  if (it != types_.end()) return static_cast<uint32_t>(it - types_.begin());
  types_.push_back(type);
  return static_cast<uint32_t>(types_.size() - 1);
}

void AppendConst(Entropy& entropy, ValType t, Bytes& out) {
  static constexpr uint32_t kI32s[] = {
      0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 2, 31, 32, 255, 65536};
  static constexpr uint64_t kI64s[] = {
      0, 1, ~0ull, 1ull << 63, (1ull << 63) - 1, 63, 64, 1ull << 32};
  static constexpr uint32_t kF32s[] = {
      0,          0x80000000, 0x3F800000, 0xBFC00000, 0x7FC00000, 0xFFC00000,
      0x7F800000, 0xFF800000, 0x4F000000, 0xCF000000, 0x4F800000, 1};
  static constexpr uint64_t kF64s[] = {0,
                                       1ull << 63,
                                       0x3FF0000000000000,
                                       0xBFF8000000000000,
                                       0x7FF8000000000000,
                                       0xFFF8000000000000,
                                       0x7FF0000000000000,
                                       0xFFF0000000000000,
                                       0x41E0000000000000,
                                       0xC1E0000000000000,
                                       0x43E0000000000000,
                                       1};
  switch (t) {
    case I32:
      out.push_back(kI32Const);
      return AppendS64(out, static_cast<int32_t>(PickEdge(entropy, kI32s)));
    case I64:
      out.push_back(kI64Const);
      return AppendS64(out, static_cast<int64_t>(PickEdge(entropy, kI64s)));
    case F32: {
      out.push_back(kF32Const);
      uint32_t bits = PickEdge(entropy, kF32s);
      for (int i = 0; i < 4; ++i) out.push_back(bits >> (8 * i));
      return;
    }
    case F64: {
      out.push_back(kF64Const);
      uint64_t bits = PickEdge(entropy, kF64s);
      for (int i = 0; i < 8; ++i) out.push_back(bits >> (8 * i));
      return;
    }
    default: {
      out.push_back(kSimdPrefix);
      AppendU32(out, 0x0C);  // v128.const
      for (int i = 0; i < 16; ++i) out.push_back(entropy.Byte());
      return;
    }
  }
}

Bytes GenerateBody(Entropy& entropy, const GenOptions& options,
                   ModuleShape& shape, uint32_t func_index) {
  return BodyGen(entropy, options, shape, func_index).Generate();
}

}  // namespace wsbx::fuzz
