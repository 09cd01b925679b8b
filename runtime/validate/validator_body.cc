// Function body validation (spec 3.3, appendix "Validation Algorithm"): one
// forward pass over the body with an operand-type stack and a control stack,
// both plain vectors, so nesting depth never costs host stack. kUnknown on
// the operand stack is the spec's "Unknown" type of a polymorphic stack.
#include "runtime/validate/validator_body.h"

#include <algorithm>
#include <array>
#include <span>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "runtime/opcodes.h"
#include "runtime/decode/reader.h"
#include "runtime/status_macros.h"

namespace wsbx {
namespace {

constexpr ValType kUnknown = static_cast<ValType>(0);

constexpr std::string_view kMissingEnd =
    "unexpected end of section or function: END opcode expected";
constexpr std::string_view kTrailingBytes =
    "section size mismatch: bytes after the function's final END";

// Stable storage for one-type block signatures: kSingletons[b] == ValType(b),
// so a frame can point at it whatever the vector of frames does.
constexpr std::array<ValType, 256> MakeSingletons() {
  std::array<ValType, 256> a{};
  for (int i = 0; i < 256; ++i) a[i] = static_cast<ValType>(i);
  return a;
}
constexpr std::array<ValType, 256> kSingletons = MakeSingletons();

// The fixed stack effect of an opcode, parsed at compile time from the
// opcode table's "params>results" signature.
struct FixedSig {
  bool fixed = false;  // false for "*": typed by hand
  // Typed by the signature alone: no immediate to check (Step sends these
  // straight to StepSimple).
  bool plain = false;
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  std::array<ValType, 4> params{};
  std::array<ValType, 4> results{};
};

constexpr ValType SigCharType(char c) {
  switch (c) {
    case 'i':
      return ValType::kI32;
    case 'I':
      return ValType::kI64;
    case 'f':
      return ValType::kF32;
    case 'F':
      return ValType::kF64;
    default:
      return ValType::kV128;
  }
}

constexpr FixedSig ParseSig(std::string_view sig) {
  FixedSig s;
  if (sig == "*") return s;
  s.fixed = true;
  size_t arrow = sig.find('>');
  for (size_t k = 0; k < arrow && s.num_params < 4; ++k) {
    s.params[s.num_params++] = SigCharType(sig[k]);
  }
  for (size_t k = arrow + 1; k < sig.size() && s.num_results < 4; ++k) {
    s.results[s.num_results++] = SigCharType(sig[k]);
  }
  return s;
}

constexpr std::array<FixedSig, kOpcodeCount> MakeFixedSigs() {
  std::array<FixedSig, kOpcodeCount> t{};
  int i = 0;
#define WSBX_OP(name, prefix, code, text, imm, sig)                       \
  t[i] = ParseSig(sig);                                                   \
  t[i].plain =                                                            \
      t[i].fixed &&                                                       \
      (ImmKind::imm == ImmKind::kNone || ImmKind::imm == ImmKind::kI32 || \
       ImmKind::imm == ImmKind::kI64 || ImmKind::imm == ImmKind::kF32 ||  \
       ImmKind::imm == ImmKind::kF64 || ImmKind::imm == ImmKind::kV128);  \
  ++i;
#include "runtime/opcodes.def"
#undef WSBX_OP
  return t;
}
constexpr std::array<FixedSig, kOpcodeCount> kFixedSigs = MakeFixedSigs();

// Operands a select without a type accepts: number and vector types (spec
// 3.3.4), or the unknown type of a polymorphic stack.
bool IsNumOrUnknown(ValType t) {
  return t == kUnknown || t == ValType::kI32 || t == ValType::kI64 ||
         t == ValType::kF32 || t == ValType::kF64 || t == ValType::kV128;
}

absl::string_view TypeName(ValType t) {
  std::string_view name = t == kUnknown ? "any" : ValTypeName(t);
  return absl::string_view(name.data(), name.size());
}

}  // namespace

bool BodyValidator::GrowRecord() {
  if (record_.size() == kMaxRecorded) return false;
  // The first growth makes room for the module's longest body (an
  // instruction takes at least one byte), so that it is the only one.
  size_t n = 2 * record_.size();
  if (record_.empty()) {
    for (const FunctionBody& b : module_.bodies) {
      n = std::max<size_t>(n, b.code_end - b.code_offset);
    }
  }
  record_.resize(std::clamp<size_t>(n, 16, kMaxRecorded));
  return true;
}

void TypeStack::Grow() {
  data_.resize(data_.size() < 16 ? 16 : 2 * data_.size());
}

BodyValidator::BodyValidator(const Module& module, const Limits& limits,
                             const std::vector<bool>& refs)
    : module_(module), limits_(limits), refs_(refs) {}

absl::Status BodyValidator::Error(std::string_view what) const {
  return absl::InvalidArgumentError(absl::StrFormat(
      "at offset 0x%x: function %u: %s", in_->offset, func_index_, what));
}

absl::Status BodyValidator::Mismatch(ValType expect, ValType actual) const {
  if (actual == kUnknown) {
    return Error(absl::StrCat("type mismatch: expected ", TypeName(expect),
                              " but the stack is empty"));
  }
  return Error(absl::StrCat("type mismatch: expected ", TypeName(expect),
                            ", got ", TypeName(actual)));
}

// ReadInstr reports "at offset 0x..: what"; name the function after the
// offset so every body error reads the same way.
absl::Status BodyValidator::WrapReadError(const absl::Status& s) const {
  absl::string_view msg = s.message();
  size_t colon = msg.find(": ");
  if (msg.substr(0, 10) != "at offset " || colon == absl::string_view::npos) {
    return absl::Status(s.code(),
                        absl::StrFormat("function %u: %s", func_index_, msg));
  }
  return absl::Status(
      s.code(), absl::StrCat(msg.substr(0, colon + 2), "function ", func_index_,
                             ": ", msg.substr(colon + 2)));
}

inline bool BodyValidator::StepFast() {
  const Opcode op = in_->op;
  const uint32_t x = in_->a;
  switch (op) {
    case Opcode::kLocalGet:
      if (x >= locals_.size()) return false;
      vals_.push_back(locals_[x]);
      return true;
    case Opcode::kLocalSet:
    case Opcode::kLocalTee:
      if (x >= locals_.size() || vals_.size() <= ctrls_.back().height ||
          vals_.back() != locals_[x]) {
        return false;
      }
      if (op == Opcode::kLocalSet) vals_.pop_back();
      return true;
    case Opcode::kSelect: {  // two operands of one numeric type, then i32
      const size_t n = vals_.size();
      if (n < ctrls_.back().height + size_t{3} ||
          vals_[n - 1] != ValType::kI32 || vals_[n - 2] != vals_[n - 3] ||
          vals_[n - 2] == kUnknown || !IsNumOrUnknown(vals_[n - 2])) {
        return false;
      }
      vals_.Drop(2);
      return true;
    }
    default: {
      const FixedSig& sig = kFixedSigs[static_cast<int>(op)];
      const size_t n = vals_.size();
      if (!sig.plain || n < ctrls_.back().height + size_t{sig.num_params} ||
          !std::equal(sig.params.begin(), sig.params.begin() + sig.num_params,
                      vals_.end() - sig.num_params)) {
        return false;
      }
      if (sig.num_params > 0 && sig.num_results == 1) {
        vals_.ReplaceTop(sig.num_params, sig.results[0]);  // no room needed
      } else {
        vals_.Drop(sig.num_params);
        PushList(sig.results.data(), sig.num_results);
      }
      return true;
    }
  }
}

absl::Status BodyValidator::Validate(uint32_t func_index, bool record) {
  func_index_ = func_index;
  in_ = &scratch_;
  recorded_ = 0;
  const FunctionBody& body =
      module_.bodies[func_index - module_.num_imported_funcs];
  const FuncType& type = module_.FuncTypeOf(func_index);
  in_->offset = body.code_offset;
  if (body.code_offset > body.code_end ||
      body.code_end > module_.bytes.size()) {
    return Error("function body lies outside the module bytes");
  }
  // Locals (spec 3.4.1): parameters first, then the declared runs.
  uint64_t total = type.params.size();
  for (const LocalDecl& d : body.locals) {
    total += d.count;
    if (total > limits_.max_locals) return Error("too many locals");
    if (!IsValTypeByte(static_cast<uint8_t>(d.type))) {
      return Error("malformed value type");
    }
  }
  locals_.assign(type.params.begin(), type.params.end());
  for (const LocalDecl& d : body.locals)
    locals_.insert(locals_.end(), d.count, d.type);

  vals_.clear();
  ctrls_.clear();
  ctrls_.push_back(Frame{Opcode::kBlock, 0,
                         static_cast<uint32_t>(type.results.size()), nullptr,
                         type.results.data(), 0, false});
  Reader r(std::span<const uint8_t>(module_.bytes.data() + body.code_offset,
                                    body.code_end - body.code_offset),
           body.code_offset);
  while (!ctrls_.empty()) {
    if (record) {
      // Decoded in place, so a br_table reuses the storage of its slot.
      if (recorded_ < record_.size() || GrowRecord()) {
        in_ = &record_[recorded_++];
      } else {  // too long to keep: drop it
        record = false;
        recorded_ = 0;
        in_ = &scratch_;
      }
    }
    if (r.at_end()) {
      in_->offset = r.offset();
      return Error(kMissingEnd);
    }
    if (!ReadInstrFast(r, in_)) {
      absl::Status s = ReadInstr(r, in_, limits_.max_br_table_size,
                                 limits_.max_memories > 1);
      if (!s.ok()) return WrapReadError(s);
    }
    if (!StepFast()) WSBX_RETURN_IF_ERROR(Step());
    if (vals_.size() > limits_.value_stack_slots) {
      return Error("operand stack deeper than the value stack limit");
    }
  }
  if (!r.at_end()) {
    in_->offset = r.offset();
    return Error(kTrailingBytes);
  }
  return absl::OkStatus();
}

absl::Status BodyValidator::CheckWellFormed(uint32_t func_index) {
  func_index_ = func_index;
  in_ = &scratch_;
  const FunctionBody& body =
      module_.bodies[func_index - module_.num_imported_funcs];
  in_->offset = body.code_offset;
  if (body.code_offset > body.code_end ||
      body.code_end > module_.bytes.size()) {
    return Error("function body lies outside the module bytes");
  }
  Reader r(std::span<const uint8_t>(module_.bytes.data() + body.code_offset,
                                    body.code_end - body.code_offset),
           body.code_offset);
  uint64_t depth = 1;
  while (depth > 0) {
    if (r.at_end()) {
      in_->offset = r.offset();
      return Error(kMissingEnd);
    }
    absl::Status s = ReadInstr(r, in_, limits_.max_br_table_size,
                                 limits_.max_memories > 1);
    if (!s.ok()) return WrapReadError(s);
    switch (in_->op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf:
        ++depth;
        break;
      case Opcode::kEnd:
        --depth;
        break;
      case Opcode::kMemoryInit:
      case Opcode::kDataDrop:
        // An index past every segment is left to validation ("unknown data
        // segment"), as CheckDataIndex orders the two.
        if (!module_.data_count.has_value() && in_->a < module_.datas.size()) {
          return Error("data count section required");
        }
        break;
      default:
        break;
    }
  }
  if (!r.at_end()) {
    in_->offset = r.offset();
    return Error(kTrailingBytes);
  }
  return absl::OkStatus();
}

// ---- Operand and control stack primitives (appendix, "Validation
// Algorithm": push_val/pop_val/pop_vals/push_ctrl/unreachable).

absl::Status BodyValidator::PopAny(ValType* out) {
  const Frame& f = ctrls_.back();
  if (vals_.size() == f.height) {
    if (f.unreachable) {
      *out = kUnknown;
      return absl::OkStatus();
    }
    return Mismatch(kUnknown, kUnknown);
  }
  *out = vals_.back();
  vals_.pop_back();
  return absl::OkStatus();
}

absl::Status BodyValidator::PopSlow(ValType expect) {
  const Frame& f = ctrls_.back();
  if (vals_.size() == f.height) {
    if (f.unreachable) return absl::OkStatus();
    return Mismatch(expect, kUnknown);
  }
  ValType actual = vals_.back();
  if (actual != expect && actual != kUnknown && expect != kUnknown) {
    return Mismatch(expect, actual);
  }
  vals_.pop_back();
  return absl::OkStatus();
}

absl::Status BodyValidator::PopListSlow(const ValType* types, uint32_t count) {
  for (uint32_t i = count; i > 0; --i) {
    WSBX_RETURN_IF_ERROR(Pop(types[i - 1]));
  }
  return absl::OkStatus();
}

absl::Status BodyValidator::CheckList(const ValType* types, uint32_t count) {
  const Frame& f = ctrls_.back();
  size_t avail = vals_.size() - f.height;
  for (uint32_t i = 0; i < count; ++i) {
    ValType expect = types[count - 1 - i];
    if (i >= avail) {
      if (f.unreachable) return absl::OkStatus();
      return Mismatch(expect, kUnknown);
    }
    ValType actual = vals_[vals_.size() - 1 - i];
    if (actual != expect && actual != kUnknown) return Mismatch(expect, actual);
  }
  return absl::OkStatus();
}

void BodyValidator::PushFrame(Opcode opcode, const FuncType* type,
                              const ValType* single, uint32_t num_single) {
  Frame f{opcode,  0,      num_single,
          nullptr, single, static_cast<uint32_t>(vals_.size()),
          false};
  if (type != nullptr) {
    f.num_params = static_cast<uint32_t>(type->params.size());
    f.params = type->params.data();
    f.num_results = static_cast<uint32_t>(type->results.size());
    f.results = type->results.data();
  }
  ctrls_.push_back(f);
}

void BodyValidator::SetUnreachable() {
  Frame& f = ctrls_.back();
  vals_.Truncate(f.height);
  f.unreachable = true;
}

absl::Status BodyValidator::CheckLabel(uint32_t depth) {
  if (depth >= ctrls_.size()) {
    return Error(absl::StrCat("unknown label ", depth));
  }
  return absl::OkStatus();
}

absl::Status BodyValidator::CheckTable(uint32_t index) {
  if (index >= module_.tables.size()) {
    return Error(absl::StrCat("unknown table ", index));
  }
  return absl::OkStatus();
}

// The address type of a memory or table (memory64/table64: i64).
ValType BodyValidator::MemoryAddr(uint32_t index) const {
  return module_.memories[index].limits.is64 ? ValType::kI64 : ValType::kI32;
}
ValType BodyValidator::TableAddr(uint32_t index) const {
  return module_.tables[index].limits.is64 ? ValType::kI64 : ValType::kI32;
}

absl::Status BodyValidator::CheckMemory(uint32_t index) {
  if (index >= module_.memories.size()) {
    return Error(absl::StrCat("unknown memory ", index));
  }
  return absl::OkStatus();
}

// memory.init and data.drop (spec 3.3.7, 5.5.16): the index must name a
// segment, and the data count section must be present so that a one-pass
// consumer knows the segment count before the code section. (When both
// fail, the unknown index is the more useful report.)
absl::Status BodyValidator::CheckDataIndex(uint32_t index) {
  uint64_t count = module_.data_count.value_or(module_.datas.size());
  if (index >= count) {
    return Error(absl::StrCat("unknown data segment ", index));
  }
  if (!module_.data_count.has_value()) {
    return Error("data count section required");
  }
  return absl::OkStatus();
}

// ---- Instructions.

absl::Status BodyValidator::Step() {
  switch (in_->op) {
    case Opcode::kUnreachable:
    case Opcode::kNop:
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf:
    case Opcode::kElse:
    case Opcode::kEnd:
      return StepControl();
    case Opcode::kBr:
    case Opcode::kBrIf:
    case Opcode::kBrTable:
    case Opcode::kReturn:
      return StepBranch();
    case Opcode::kCall:
    case Opcode::kCallIndirect:
    case Opcode::kReturnCall:
    case Opcode::kReturnCallIndirect:
      return StepCall();
    case Opcode::kDrop:
    case Opcode::kSelect:
    case Opcode::kSelectT:
    case Opcode::kLocalGet:
    case Opcode::kLocalSet:
    case Opcode::kLocalTee:
    case Opcode::kGlobalGet:
    case Opcode::kGlobalSet:
      return StepVariable();
    case Opcode::kTableGet:
    case Opcode::kTableSet:
    case Opcode::kTableInit:
    case Opcode::kElemDrop:
    case Opcode::kTableCopy:
    case Opcode::kTableGrow:
    case Opcode::kTableSize:
    case Opcode::kTableFill:
      return StepTable();
    case Opcode::kMemorySize:
    case Opcode::kMemoryGrow:
    case Opcode::kMemoryInit:
    case Opcode::kDataDrop:
    case Opcode::kMemoryCopy:
    case Opcode::kMemoryFill:
      return StepBulkMemory();
    case Opcode::kRefNull:
    case Opcode::kRefIsNull:
    case Opcode::kRefFunc:
      return StepReference();
    default:
      switch (GetOpcodeInfo(in_->op).imm) {
        case ImmKind::kMemArg:
          return StepMemory();
        case ImmKind::kMemArgLane:
          WSBX_RETURN_IF_ERROR(CheckLane(SimdLaneCount(in_->op)));
          return StepMemory();
        case ImmKind::kLane:
          WSBX_RETURN_IF_ERROR(CheckLane(SimdLaneCount(in_->op)));
          return StepSimple();
        case ImmKind::kShuffle:
          // Shuffle lanes index the 32 bytes of both operands (spec 3.3.3).
          for (int i = 0; i < 8; ++i) {
            if (((in_->bits >> (8 * i)) & 0xFF) >= 32 ||
                ((in_->hi >> (8 * i)) & 0xFF) >= 32) {
              return Error("invalid lane index");
            }
          }
          return StepSimple();
        default:
          return StepSimple();
      }
  }
}

absl::Status BodyValidator::StepSimple() {
  const FixedSig& sig = kFixedSigs[static_cast<int>(in_->op)];
  if (!sig.fixed) {
    return Error("instruction has no typing rule");
  }
  WSBX_RETURN_IF_ERROR(PopList(sig.params.data(), sig.num_params));
  PushList(sig.results.data(), sig.num_results);
  return absl::OkStatus();
}

absl::Status BodyValidator::StepControl() {
  switch (in_->op) {
    case Opcode::kUnreachable:
      SetUnreachable();
      return absl::OkStatus();
    case Opcode::kNop:
      return absl::OkStatus();
    case Opcode::kElse:
      return Else();
    case Opcode::kEnd:
      return EndBlock();
    default:
      return BeginBlock();
  }
}

// block, loop, if (spec 3.3.8): the block type names its parameters and
// results; a type index must be in range.
absl::Status BodyValidator::BeginBlock() {
  const FuncType* type = nullptr;
  const ValType* single = nullptr;
  uint32_t num_single = 0;
  const BlockType& bt = in_->block;
  if (bt.kind == BlockType::Kind::kValue) {
    single = &kSingletons[static_cast<uint8_t>(bt.value)];
    num_single = 1;
  } else if (bt.kind == BlockType::Kind::kIndex) {
    if (bt.index >= module_.types.size()) {
      return Error(absl::StrCat("unknown type ", bt.index));
    }
    type = &module_.types[bt.index];
  }
  if (in_->op == Opcode::kIf) WSBX_RETURN_IF_ERROR(Pop(ValType::kI32));
  if (type != nullptr) {
    WSBX_RETURN_IF_ERROR(PopList(type->params.data(),
                                 static_cast<uint32_t>(type->params.size())));
  }
  // ctrls_ holds the function's own frame besides the nested blocks.
  if (ctrls_.size() > limits_.max_control_depth) {
    return Error("control structures nested too deeply");
  }
  PushFrame(in_->op, type, single, num_single);
  if (type != nullptr) {
    PushList(type->params.data(), static_cast<uint32_t>(type->params.size()));
  }
  return absl::OkStatus();
}

absl::Status BodyValidator::Else() {
  Frame& f = ctrls_.back();
  if (f.opcode != Opcode::kIf) return Error("else without matching if");
  WSBX_RETURN_IF_ERROR(PopList(f.results, f.num_results));
  if (vals_.size() != f.height) {
    return Error("type mismatch: values remain on the stack at else");
  }
  f.opcode = Opcode::kElse;
  f.unreachable = false;
  PushList(f.params, f.num_params);
  return absl::OkStatus();
}

absl::Status BodyValidator::EndBlock() {
  const Frame f = ctrls_.back();
  WSBX_RETURN_IF_ERROR(PopList(f.results, f.num_results));
  if (vals_.size() != f.height) {
    return Error("type mismatch: values remain on the stack at end of block");
  }
  // An if without else behaves as if its else passed the parameters on.
  if (f.opcode == Opcode::kIf &&
      !std::equal(f.params, f.params + f.num_params, f.results,
                  f.results + f.num_results)) {
    return Error("type mismatch: if without else must return its parameters");
  }
  ctrls_.pop_back();
  PushList(f.results, f.num_results);
  return absl::OkStatus();
}

absl::Status BodyValidator::StepBranch() {
  switch (in_->op) {
    case Opcode::kBr: {
      WSBX_RETURN_IF_ERROR(CheckLabel(in_->a));
      const Frame& target = LabelFrame(in_->a);
      WSBX_RETURN_IF_ERROR(PopList(LabelTypes(target), LabelArity(target)));
      SetUnreachable();
      return absl::OkStatus();
    }
    case Opcode::kBrIf: {
      WSBX_RETURN_IF_ERROR(Pop(ValType::kI32));
      WSBX_RETURN_IF_ERROR(CheckLabel(in_->a));
      const Frame& target = LabelFrame(in_->a);
      WSBX_RETURN_IF_ERROR(PopList(LabelTypes(target), LabelArity(target)));
      PushList(LabelTypes(target), LabelArity(target));
      return absl::OkStatus();
    }
    case Opcode::kBrTable:
      return BrTable();
    default: {  // return
      const Frame& fn = ctrls_.front();
      WSBX_RETURN_IF_ERROR(PopList(fn.results, fn.num_results));
      SetUnreachable();
      return absl::OkStatus();
    }
  }
}

// br_table (spec 3.3.8): every target must take the default's arity and
// accept the operands; checking in place is equivalent to the appendix's
// pop-then-push and needs no temporary vector.
absl::Status BodyValidator::BrTable() {
  WSBX_RETURN_IF_ERROR(Pop(ValType::kI32));
  const std::vector<uint32_t>& targets = in_->targets;
  uint32_t def = targets.back();
  WSBX_RETURN_IF_ERROR(CheckLabel(def));
  uint32_t arity = LabelArity(LabelFrame(def));
  for (size_t i = 0; i + 1 < targets.size(); ++i) {
    WSBX_RETURN_IF_ERROR(CheckLabel(targets[i]));
    const Frame& target = LabelFrame(targets[i]);
    if (LabelArity(target) != arity) {
      return Error("type mismatch: br_table targets differ in arity");
    }
    WSBX_RETURN_IF_ERROR(CheckList(LabelTypes(target), arity));
  }
  const Frame& target = LabelFrame(def);
  WSBX_RETURN_IF_ERROR(PopList(LabelTypes(target), arity));
  SetUnreachable();
  return absl::OkStatus();
}

// call and call_indirect (spec 3.3.8); return_call and
// return_call_indirect also need the callee's results to be the function's,
// and end the block like return.
absl::Status BodyValidator::StepCall() {
  const FuncType* type;
  const bool tail = in_->op == Opcode::kReturnCall ||
                    in_->op == Opcode::kReturnCallIndirect;
  if (in_->op == Opcode::kCall || in_->op == Opcode::kReturnCall) {
    if (in_->a >= module_.func_types.size()) {
      return Error(absl::StrCat("unknown function ", in_->a));
    }
    type = &module_.FuncTypeOf(in_->a);
  } else {
    WSBX_RETURN_IF_ERROR(CheckTable(in_->b));
    if (module_.tables[in_->b].elem != ValType::kFuncRef) {
      return Error("type mismatch: call_indirect needs a funcref table");
    }
    if (in_->a >= module_.types.size()) {
      return Error(absl::StrCat("unknown type ", in_->a));
    }
    type = &module_.types[in_->a];
    WSBX_RETURN_IF_ERROR(Pop(TableAddr(in_->b)));
  }
  WSBX_RETURN_IF_ERROR(
      PopList(type->params.data(), static_cast<uint32_t>(type->params.size())));
  if (tail) {
    const Frame& fn = ctrls_.front();
    if (!std::equal(type->results.begin(), type->results.end(), fn.results,
                    fn.results + fn.num_results)) {
      const std::string_view op = GetOpcodeInfo(in_->op).text;
      return Error(absl::StrCat(
          "type mismatch: ", absl::string_view(op.data(), op.size()),
          " callee's results differ from the function's"));
    }
    SetUnreachable();
    return absl::OkStatus();
  }
  PushList(type->results.data(), static_cast<uint32_t>(type->results.size()));
  return absl::OkStatus();
}

// select without a type is for numeric operands only (spec 3.3.4).
absl::Status BodyValidator::Select() {
  WSBX_RETURN_IF_ERROR(Pop(ValType::kI32));
  ValType t1, t2;
  WSBX_RETURN_IF_ERROR(PopAny(&t1));
  WSBX_RETURN_IF_ERROR(PopAny(&t2));
  if (!IsNumOrUnknown(t1) || !IsNumOrUnknown(t2)) {
    return Error("type mismatch: select without a type needs numeric operands");
  }
  if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) return Mismatch(t1, t2);
  Push(t1 == kUnknown ? t2 : t1);
  return absl::OkStatus();
}

absl::Status BodyValidator::StepVariable() {
  const uint32_t x = in_->a;
  switch (in_->op) {
    case Opcode::kDrop: {
      ValType t;
      return PopAny(&t);
    }
    case Opcode::kSelect:
      return Select();
    case Opcode::kSelectT:
      if (x != 1) return Error("invalid result arity for select");
      WSBX_RETURN_IF_ERROR(Pop(ValType::kI32));
      WSBX_RETURN_IF_ERROR(Pop(in_->type));
      WSBX_RETURN_IF_ERROR(Pop(in_->type));
      Push(in_->type);
      return absl::OkStatus();
    case Opcode::kLocalGet:
    case Opcode::kLocalSet:
    case Opcode::kLocalTee:
      if (x >= locals_.size()) return Error(absl::StrCat("unknown local ", x));
      if (in_->op != Opcode::kLocalGet) WSBX_RETURN_IF_ERROR(Pop(locals_[x]));
      if (in_->op != Opcode::kLocalSet) Push(locals_[x]);
      return absl::OkStatus();
    default: {  // global.get, global.set
      if (x >= module_.global_types.size()) {
        return Error(absl::StrCat("unknown global ", x));
      }
      const GlobalType& g = module_.global_types[x];
      if (in_->op == Opcode::kGlobalGet) {
        Push(g.type);
        return absl::OkStatus();
      }
      if (!g.mutable_) return Error("global is immutable");
      return Pop(g.type);
    }
  }
}

absl::Status BodyValidator::StepTable() {
  const uint32_t x = in_->a;
  if (in_->op == Opcode::kElemDrop || in_->op == Opcode::kTableInit) {
    // table.init names the table second; its table is checked first.
    if (in_->op == Opcode::kTableInit) {
      WSBX_RETURN_IF_ERROR(CheckTable(in_->b));
    }
    if (x >= module_.elems.size()) {
      return Error(absl::StrCat("unknown elem segment ", x));
    }
    if (in_->op == Opcode::kElemDrop) return absl::OkStatus();
    if (module_.elems[x].type != module_.tables[in_->b].elem) {
      return Error("type mismatch: element segment and table types differ");
    }
    WSBX_RETURN_IF_ERROR(Pop(ValType::kI32));
    WSBX_RETURN_IF_ERROR(Pop(ValType::kI32));
    return Pop(TableAddr(in_->b));
  }
  WSBX_RETURN_IF_ERROR(CheckTable(x));
  const ValType elem = module_.tables[x].elem;
  const ValType at = TableAddr(x);
  switch (in_->op) {
    case Opcode::kTableGet:
      WSBX_RETURN_IF_ERROR(Pop(at));
      Push(elem);
      return absl::OkStatus();
    case Opcode::kTableSet:
      WSBX_RETURN_IF_ERROR(Pop(elem));
      return Pop(at);
    case Opcode::kTableGrow:
      WSBX_RETURN_IF_ERROR(Pop(at));
      WSBX_RETURN_IF_ERROR(Pop(elem));
      Push(at);
      return absl::OkStatus();
    case Opcode::kTableFill:
      WSBX_RETURN_IF_ERROR(Pop(at));
      WSBX_RETURN_IF_ERROR(Pop(elem));
      return Pop(at);
    case Opcode::kTableCopy: {
      WSBX_RETURN_IF_ERROR(CheckTable(in_->b));
      if (module_.tables[in_->b].elem != elem) {
        return Error(
            "type mismatch: table.copy between tables of different types");
      }
      // table64: the length has the narrower of the two address types.
      const ValType src = TableAddr(in_->b);
      const ValType n =
          at == ValType::kI64 && src == ValType::kI64 ? ValType::kI64
                                                      : ValType::kI32;
      WSBX_RETURN_IF_ERROR(Pop(n));
      WSBX_RETURN_IF_ERROR(Pop(src));
      return Pop(at);
    }
    default:  // table.size
      Push(at);
      return absl::OkStatus();
  }
}

// Loads and stores (spec 3.3.7): a memory must exist and the alignment may
// not exceed the access width.
absl::Status BodyValidator::StepMemory() {
  WSBX_RETURN_IF_ERROR(CheckMemory(in_->mem));
  const ValType at = MemoryAddr(in_->mem);
  if (at == ValType::kI32 && in_->bits > UINT32_MAX) {
    return Error("offset out of range");
  }
  uint32_t size = MemoryAccessSize(in_->op);
  uint32_t natural = size >= 8 ? 3 : size >= 4 ? 2 : size >= 2 ? 1 : 0;
  if (size == 16) natural = 4;
  if (in_->a > natural) {
    return Error("alignment must not be larger than natural");
  }
  if (at == ValType::kI32) return StepSimple();
  // memory64: the address (the first operand) is an i64.
  const FixedSig& sig = kFixedSigs[static_cast<int>(in_->op)];
  std::array<ValType, 4> params = sig.params;
  params[0] = at;
  WSBX_RETURN_IF_ERROR(PopList(params.data(), sig.num_params));
  PushList(sig.results.data(), sig.num_results);
  return absl::OkStatus();
}

// Lane immediates (spec 3.3.3): the index must name one of the shape's lanes.
absl::Status BodyValidator::CheckLane(uint32_t lanes) {
  if (in_->lane >= lanes) {
    return Error(absl::StrCat("invalid lane index ", in_->lane));
  }
  return absl::OkStatus();
}

// memory.size/grow/fill/copy/init and data.drop: operands that are
// addresses or lengths in a memory take its address type (memory64).
absl::Status BodyValidator::StepBulkMemory() {
  if (in_->op != Opcode::kDataDrop) WSBX_RETURN_IF_ERROR(CheckMemory(in_->mem));
  if (in_->op == Opcode::kMemoryCopy) WSBX_RETURN_IF_ERROR(CheckMemory(in_->b));
  if (in_->op == Opcode::kMemoryInit || in_->op == Opcode::kDataDrop) {
    WSBX_RETURN_IF_ERROR(CheckDataIndex(in_->a));
  }
  if (in_->op == Opcode::kDataDrop) return absl::OkStatus();
  const ValType at = MemoryAddr(in_->mem);
  const ValType i32 = ValType::kI32;
  switch (in_->op) {
    case Opcode::kMemorySize:
      Push(at);
      return absl::OkStatus();
    case Opcode::kMemoryGrow:
      WSBX_RETURN_IF_ERROR(Pop(at));
      Push(at);
      return absl::OkStatus();
    case Opcode::kMemoryFill:  // d, value, n
      WSBX_RETURN_IF_ERROR(Pop(at));
      WSBX_RETURN_IF_ERROR(Pop(i32));
      return Pop(at);
    case Opcode::kMemoryInit:  // d, s, n: the segment side is i32
      WSBX_RETURN_IF_ERROR(Pop(i32));
      WSBX_RETURN_IF_ERROR(Pop(i32));
      return Pop(at);
    default: {  // memory.copy d, s, n: n of the narrower address type
      const ValType src = MemoryAddr(in_->b);
      const ValType n = at == ValType::kI64 && src == ValType::kI64
                            ? ValType::kI64 : i32;
      WSBX_RETURN_IF_ERROR(Pop(n));
      WSBX_RETURN_IF_ERROR(Pop(src));
      return Pop(at);
    }
  }
}

absl::Status BodyValidator::StepReference() {
  switch (in_->op) {
    case Opcode::kRefNull:
      Push(in_->type);
      return absl::OkStatus();
    case Opcode::kRefIsNull: {
      ValType t;
      WSBX_RETURN_IF_ERROR(PopAny(&t));
      if (t != kUnknown && !IsRefType(t)) {
        return Error(absl::StrCat("type mismatch: expected a reference, got ",
                                  TypeName(t)));
      }
      Push(ValType::kI32);
      return absl::OkStatus();
    }
    default: {  // ref.func (spec 3.3.2): x must be declared in C.refs
      const uint32_t x = in_->a;
      if (x >= module_.func_types.size()) {
        return Error(absl::StrCat("unknown function ", x));
      }
      if (!refs_[x]) return Error("undeclared function reference");
      Push(ValType::kFuncRef);
      return absl::OkStatus();
    }
  }
}

}  // namespace wsbx
