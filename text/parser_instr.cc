// Instructions of the text format (spec 6.5), flat and folded. Mnemonics
// and immediate kinds come from runtime/opcodes.def, and for instructions
// the engine lacks from text_ops.h: a mnemonic maps to its opcode(s), and
// the immediate kind says what to parse after it.
// Nesting is kept on an explicit stack of frames, bounded by kMaxNesting.
#include <bit>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "text/parser.h"
#include "text/text_ops.h"

namespace wsbx::text {
namespace {

// Mnemonic to opcodes; a few mnemonics (select) name two encodings that
// differ by their immediates.
const std::unordered_map<std::string_view, std::vector<Opcode>>& Mnemonics() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, std::vector<Opcode>>;
    for (int i = 0; i < kOpcodeCount; ++i) {
      (*t)[kOpcodeInfos[i].text].push_back(static_cast<Opcode>(i));
    }
    return t;
  }();
  return *table;
}

const std::vector<Opcode>* FindMnemonic(const Token& t) {
  if (t.kind != TokenKind::kKeyword) return nullptr;
  if (t.text == "else" || t.text == "end") return nullptr;
  auto it = Mnemonics().find(t.text);
  return it == Mnemonics().end() ? nullptr : &it->second;
}

const TextOpInfo* FindText(const Token& t) {
  if (t.kind != TokenKind::kKeyword) return nullptr;
  return FindTextOp(t.text);
}

bool IsTryTable(const Token& t) {
  const TextOpInfo* op = FindText(t);
  return op != nullptr && op->imm == TextImm::kTryTable;
}

// Appends an instruction built in place: no Instr temporary on the stack
// of the recursive parse functions.
Instr& Emit(Expr& out, Opcode op) {
  Instr& in = out.emplace_back();
  in.op = op;
  return in;
}

// An empty else branch is left out, as wabt does: `if bt ... end` is valid
// exactly when `if bt ... else end` is (the branch must map params to
// results unchanged either way, spec 3.3.8).
void DropEmptyElse(Expr& out) {
  if (out.back().op == Opcode::kElse) out.pop_back();
}

uint32_t Log2(uint32_t v) {
  uint32_t r = 0;
  while (v > 1) v >>= 1, ++r;
  return r;
}

// The lane shapes of v128.const: lane count and width in bits.
struct Shape {
  std::string_view name;
  int lanes;
  int bits;
  bool is_float;
};
constexpr Shape kShapes[] = {
    {"i8x16", 16, 8, false}, {"i16x8", 8, 16, false}, {"i32x4", 4, 32, false},
    {"i64x2", 2, 64, false}, {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true},
};

void StoreLane(Instr& in, int lane, int bits, uint64_t v) {
  const int byte = lane * bits / 8;
  for (int k = 0; k < bits / 8; ++k) {
    const uint64_t b = (v >> (8 * k)) & 0xFF;
    const int at = byte + k;
    if (at < 8) {
      in.bits |= b << (8 * at);
    } else {
      in.hi |= b << (8 * (at - 8));
    }
  }
}

}  // namespace

absl::Status Parser::CheckNesting(const Token& at, size_t depth) const {
  if (depth < kMaxNesting) return absl::OkStatus();
  return ErrorAt(at, absl::StrCat("nesting deeper than ", kMaxNesting));
}

void Parser::PushLabel(std::string label) {
  if (!label.empty()) {
    label_positions_[label].push_back(static_cast<uint32_t>(labels_.size()));
  }
  labels_.push_back(std::move(label));
}

std::string Parser::PopLabel() {
  std::string label = std::move(labels_.back());
  labels_.pop_back();
  if (!label.empty()) {
    auto it = label_positions_.find(label);
    it->second.pop_back();
    if (it->second.empty()) label_positions_.erase(it);
  }
  return label;
}

void Parser::ClearLabels() {
  labels_.clear();
  label_positions_.clear();
}

bool Parser::PeekInstr() const {
  return FindMnemonic(Peek()) != nullptr || FindText(Peek()) != nullptr;
}

bool Parser::PeekFoldedInstr() const {
  return Peek().kind == TokenKind::kLParen &&
         (FindMnemonic(Peek(1)) != nullptr || FindText(Peek(1)) != nullptr);
}

absl::Status Parser::ParseInstrs(Expr& out) {
  std::vector<Frame> stack;
  return RunFrames(out, stack, true);
}

absl::Status Parser::ParseFolded(Expr& out) {
  std::vector<Frame> stack;
  WSBX_RETURN_IF_ERROR(OpenFolded(out, stack));
  return RunFrames(out, stack, false);
}

// Until the stack is empty and, for a sequence, until the top level ends.
absl::Status Parser::RunFrames(Expr& out, std::vector<Frame>& stack,
                               bool sequence) {
  while (sequence || !stack.empty()) {
    WSBX_ASSIGN_OR_RETURN(const bool more, Step(out, stack));
    if (more) continue;
    if (stack.empty()) return absl::OkStatus();
    WSBX_RETURN_IF_ERROR(CloseFrame(out, stack));
  }
  return absl::OkStatus();
}

// One instruction of the innermost level (or of the top level when the
// stack is empty), opening a frame for a block or folded instruction.
// False where that level's content ends: operands of a folded instruction
// or of an if's condition are folded instructions only.
absl::StatusOr<bool> Parser::Step(Expr& out, std::vector<Frame>& stack) {
  if (PeekFoldedInstr()) {
    WSBX_RETURN_IF_ERROR(OpenFolded(out, stack));
    return true;
  }
  if (!stack.empty() && (stack.back().kind == Frame::kFoldedPlain ||
                         (stack.back().kind == Frame::kFoldedIf &&
                          stack.back().stage == 0))) {
    return false;
  }
  if (PeekInstr()) {
    WSBX_RETURN_IF_ERROR(ParsePlain(out, stack));
    return true;
  }
  if (Peek().kind == TokenKind::kKeyword &&
      !(Peek().text == "end" || Peek().text == "else")) {
    return ErrorAt(Peek(), absl::StrCat("unknown operator ",
                                        std::string(Peek().text)));
  }
  return false;
}

absl::Status Parser::ParseEndLabel() {
  if (Peek().kind != TokenKind::kId) return absl::OkStatus();
  if (labels_.empty() || labels_.back() != Peek().value) {
    return ErrorAt(Peek(), "mismatching label");
  }
  Next();
  return absl::OkStatus();
}

// label? blocktype, and try_table's handlers, then pushes the label: the
// handlers' labels are those around the try_table (spec 6.5.2).
absl::Status Parser::ParseLabelAndType(Instr& in) {
  std::string label;
  if (Peek().kind == TokenKind::kId) label = Next().value;
  WSBX_RETURN_IF_ERROR(ParseTypeUse(in.block, false));
  if (!in.block.type && in.block.sig.params.empty() &&
      in.block.sig.results.size() <= 1) {
    in.inline_block = true;
  } else {
    NoteImplicitUse(in.block);
  }
  if (in.text_op != nullptr) WSBX_RETURN_IF_ERROR(ParseCatches(in));
  PushLabel(std::move(label));
  return absl::OkStatus();
}

// A block-like instruction's first Instr: try_table nests as a block.
Instr& Parser::EmitBlock(Expr& out, Opcode op, const Token& at) {
  Instr& in = Emit(out, op);
  if (IsTryTable(at)) in.text_op = FindText(at);
  return in;
}

// A plain instruction; a block, loop or if opens a frame closed by `end`.
absl::Status Parser::ParsePlain(Expr& out, std::vector<Frame>& stack) {
  const Opcode op = BlockOpcode(Peek());
  if (op != Opcode::kBlock && op != Opcode::kLoop && op != Opcode::kIf) {
    return ParseOperator(out);
  }
  WSBX_RETURN_IF_ERROR(CheckNesting(Peek(), stack.size()));
  const Token& at = Next();
  Frame& f = stack.emplace_back();
  f.kind = Frame::kFlatBlock;
  f.op = op;
  return ParseLabelAndType(EmitBlock(out, op, at));
}

// block, loop, if (and try_table, as kBlock); kNop for other instructions.
Opcode Parser::BlockOpcode(const Token& t) const {
  if (IsTryTable(t)) return Opcode::kBlock;
  const std::vector<Opcode>* ops = FindMnemonic(t);
  return ops == nullptr ? Opcode::kNop : (*ops)[0];
}

// `(block ...)`, `(loop ...)`, `(if label? bt folded* (then ...) (else ...)?)`
// or `(op folded*)`, up to its first nested instruction.
absl::Status Parser::OpenFolded(Expr& out, std::vector<Frame>& stack) {
  WSBX_RETURN_IF_ERROR(CheckNesting(Peek(), stack.size()));
  Next();  // (
  const Opcode op = BlockOpcode(Peek());
  Frame& f = stack.emplace_back();
  f.op = op;
  if (op == Opcode::kBlock || op == Opcode::kLoop) {
    const Token& at = Next();
    f.kind = Frame::kFoldedBlock;
    return ParseLabelAndType(EmitBlock(out, op, at));
  }
  if (op == Opcode::kIf) {
    Next();
    f.kind = Frame::kFoldedIf;
    WSBX_RETURN_IF_ERROR(ParseLabelAndType(Emit(f.pending, op)));
    // The condition is outside the block: its label is not in scope there.
    f.label = PopLabel();
    return absl::OkStatus();
  }
  f.kind = Frame::kFoldedPlain;
  return ParseOperator(f.pending);  // written after its operands
}

// Where the innermost level's content ends: moves to an if's next part, or
// writes the level's end and leaves it.
absl::Status Parser::CloseFrame(Expr& out, std::vector<Frame>& stack) {
  Frame& f = stack.back();
  switch (f.kind) {
    case Frame::kFlatBlock:
      if (f.op == Opcode::kIf && f.stage == 0 && PeekKeyword("else")) {
        Next();
        WSBX_RETURN_IF_ERROR(ParseEndLabel());
        Emit(out, Opcode::kElse);
        f.stage = 1;
        return absl::OkStatus();
      }
      if (f.stage == 1) DropEmptyElse(out);
      WSBX_RETURN_IF_ERROR(ExpectKeyword("end"));
      WSBX_RETURN_IF_ERROR(ParseEndLabel());
      EndBlock(out, stack);
      return absl::OkStatus();
    case Frame::kFoldedBlock:
      EndBlock(out, stack);
      return Expect(TokenKind::kRParen, "')'");
    case Frame::kFoldedIf:
      return CloseFoldedIfPart(out, stack);
    case Frame::kFoldedPlain:
      for (Instr& in : f.pending) out.push_back(std::move(in));
      stack.pop_back();
      return Expect(TokenKind::kRParen, "')'");
  }
  return absl::OkStatus();
}

// A folded if's condition, `(then ...)` or `(else ...)` has ended.
absl::Status Parser::CloseFoldedIfPart(Expr& out, std::vector<Frame>& stack) {
  Frame& f = stack.back();
  if (f.stage == 0) {
    PushLabel(std::move(f.label));
    out.push_back(std::move(f.pending.back()));
    if (!PeekLParenKeyword("then")) return Unexpected("'(then'");
    Next();
    Next();
    f.stage = 1;
    return absl::OkStatus();
  }
  if (f.stage == 2) DropEmptyElse(out);
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  if (f.stage == 1 && PeekLParenKeyword("else")) {
    Next();
    Next();
    Emit(out, Opcode::kElse);
    f.stage = 2;
    return absl::OkStatus();
  }
  EndBlock(out, stack);
  return Expect(TokenKind::kRParen, "')'");
}

void Parser::EndBlock(Expr& out, std::vector<Frame>& stack) {
  Emit(out, Opcode::kEnd);
  PopLabel();
  stack.pop_back();
}

// A non-block instruction: its mnemonic and immediates.
absl::Status Parser::ParseOperator(Expr& out) {
  if (const TextOpInfo* text_op = FindText(Peek())) {
    Next();
    Instr& in = Emit(out, Opcode::kNop);
    in.text_op = text_op;
    return ParseTextOpImmediates(in);
  }
  const std::vector<Opcode>& ops = *FindMnemonic(Peek());
  Next();
  Opcode op = ops[0];
  // Of two encodings, the one with a type list is chosen by `(result`.
  if (ops.size() > 1 && PeekLParenKeyword("result")) {
    for (Opcode o : ops) {
      if (GetOpcodeInfo(o).imm == ImmKind::kSelectT) op = o;
    }
  }
  return ParseImmediates(Emit(out, op));
}

absl::Status Parser::ParseLabelRef(Ref& out) {
  out.line = Peek().line;
  out.col = Peek().col;
  if (Peek().kind == TokenKind::kId) {
    auto it = label_positions_.find(Peek().value);
    if (it == label_positions_.end()) {
      return ErrorAt(Peek(), absl::StrCat("unknown label $", Peek().value));
    }
    out.index = static_cast<uint32_t>(labels_.size() - 1 - it->second.back());
    Next();
    return absl::OkStatus();
  }
  WSBX_ASSIGN_OR_RETURN(out.index, ParseU32());
  return absl::OkStatus();
}

absl::Status Parser::ParseOptionalIndex(Ref& out) {
  out.line = Peek().line;
  out.col = Peek().col;
  if (!PeekIndex()) return absl::OkStatus();
  WSBX_ASSIGN_OR_RETURN(out, ParseIndex());
  return absl::OkStatus();
}

// `memidx? offset=n? align=n?`, then a lane index for the lane forms. A
// number first is a memory index unless it is the lane index itself.
absl::Status Parser::ParseMemArg(Instr& in, bool with_lane) {
  const bool nat_is_memory =
      Peek().kind == TokenKind::kNat &&
      (!with_lane || Peek(1).kind == TokenKind::kNat ||
       (Peek(1).kind == TokenKind::kKeyword &&
        (Peek(1).text.starts_with("offset=") ||
         Peek(1).text.starts_with("align="))));
  in.a.line = Peek().line;
  in.a.col = Peek().col;
  if (Peek().kind == TokenKind::kId || nat_is_memory) {
    WSBX_ASSIGN_OR_RETURN(in.a, ParseIndex());
  }
  if (Peek().kind == TokenKind::kKeyword && Peek().text.starts_with("offset=")) {
    std::optional<uint64_t> v = ParseUnsigned(Peek().text.substr(7), 64);
    if (!v) return ErrorAt(Peek(), "malformed memory offset");
    in.offset = *v;
    Next();
  }
  in.align_log2 = Log2(MemoryAccessSize(in.op));
  if (Peek().kind == TokenKind::kKeyword && Peek().text.starts_with("align=")) {
    // Any power of two reads (3.0 text format of memarg); one past natural
    // alignment is the validator's to refuse.
    std::optional<uint64_t> v = ParseUnsigned(Peek().text.substr(6), 64);
    if (!v || *v == 0 || (*v & (*v - 1)) != 0) {
      return ErrorAt(Peek(), "alignment must be a power of two");
    }
    in.align_log2 = static_cast<uint32_t>(std::countr_zero(*v));
    Next();
  }
  if (!with_lane) return absl::OkStatus();
  if (Peek().kind != TokenKind::kNat) return Unexpected("a lane index");
  std::optional<uint64_t> lane = ParseUnsigned(Peek().text, 8);
  if (!lane) return ErrorAt(Peek(), "malformed lane index");
  in.lane = static_cast<uint8_t>(*lane);
  Next();
  return absl::OkStatus();
}

absl::Status Parser::ParseConst(Instr& in) {
  const Token& t = Peek();
  const ImmKind imm = GetOpcodeInfo(in.op).imm;
  const bool is_int = t.kind == TokenKind::kNat || t.kind == TokenKind::kInt;
  if (!is_int && t.kind != TokenKind::kFloat) return Unexpected("a number");
  std::optional<uint64_t> v;
  switch (imm) {
    case ImmKind::kI32: if (is_int) v = ParseInteger(t.text, 32); break;
    case ImmKind::kI64: if (is_int) v = ParseInteger(t.text, 64); break;
    case ImmKind::kF32: v = ParseF32(t.text); break;
    default: v = ParseF64(t.text); break;
  }
  if (!v) return ErrorAt(t, "constant out of range");
  // i32 immediates are sign-extended s32 values.
  in.bits = imm == ImmKind::kI32 ? static_cast<uint64_t>(static_cast<int64_t>(
                                       static_cast<int32_t>(*v)))
                                 : *v;
  Next();
  return absl::OkStatus();
}

absl::Status Parser::ParseV128Const(Instr& in) {
  const Shape* shape = nullptr;
  for (const Shape& s : kShapes) {
    if (PeekKeyword(s.name)) shape = &s;
  }
  if (shape == nullptr) return Unexpected("a vector shape");
  Next();
  for (int lane = 0; lane < shape->lanes; ++lane) {
    const Token& t = Peek();
    const bool is_int = t.kind == TokenKind::kNat || t.kind == TokenKind::kInt;
    if (!is_int && t.kind != TokenKind::kFloat) return Unexpected("a lane value");
    std::optional<uint64_t> v;
    if (!shape->is_float) {
      if (is_int) v = ParseInteger(t.text, shape->bits);
    } else if (shape->bits == 32) {
      v = ParseF32(t.text);
    } else {
      v = ParseF64(t.text);
    }
    if (!v) return ErrorAt(t, "constant out of range");
    StoreLane(in, lane, shape->bits, *v);
    Next();
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseShuffle(Instr& in) {
  for (int lane = 0; lane < 16; ++lane) {
    if (Peek().kind != TokenKind::kNat) return Unexpected("a lane index");
    std::optional<uint64_t> v = ParseUnsigned(Peek().text, 8);
    if (!v) return ErrorAt(Peek(), "malformed lane index");
    StoreLane(in, lane, 8, *v);
    Next();
  }
  return absl::OkStatus();
}

// Instructions with one or two index immediates of which the first may be
// left out (memory.init, table.init) or both may be (memory/table.copy).
absl::Status Parser::ParseTwoIndices(Instr& in, bool first_optional) {
  std::vector<Ref> refs;
  while (refs.size() < 2 && PeekIndex()) {
    WSBX_ASSIGN_OR_RETURN(Ref r, ParseIndex());
    refs.push_back(std::move(r));
  }
  if (first_optional) {
    // memory.init / table.init: `x? y`; y goes first in the encoding.
    if (refs.empty()) return Unexpected("an index");
    in.a = refs.back();
    if (refs.size() == 2) in.b = refs[0];
    return absl::OkStatus();
  }
  if (refs.size() == 1) return Unexpected("a second index");
  if (refs.size() == 2) {
    in.a = refs[0];
    in.b = refs[1];
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseImmediates(Instr& in) {
  switch (GetOpcodeInfo(in.op).imm) {
    case ImmKind::kNone:
    case ImmKind::kBlockType:
      return absl::OkStatus();
    case ImmKind::kLabel:
      return ParseLabelRef(in.a);
    case ImmKind::kBrTable:
      while (PeekIndex()) {
        Ref r;
        WSBX_RETURN_IF_ERROR(ParseLabelRef(r));
        in.targets.push_back(r.index);
      }
      if (in.targets.empty()) return Unexpected("a label");
      return absl::OkStatus();
    case ImmKind::kFunc: case ImmKind::kLocal: case ImmKind::kGlobal:
    case ImmKind::kElem: case ImmKind::kData: {
      WSBX_ASSIGN_OR_RETURN(in.a, ParseIndex());
      return absl::OkStatus();
    }
    case ImmKind::kTable: case ImmKind::kMemIndex:
      return ParseOptionalIndex(in.a);
    case ImmKind::kCallIndirect:
      WSBX_RETURN_IF_ERROR(ParseOptionalIndex(in.b));
      WSBX_RETURN_IF_ERROR(ParseTypeUse(in.block, false));
      NoteImplicitUse(in.block);
      return absl::OkStatus();
    case ImmKind::kSelectT:
      return ParseResults(in.types);
    case ImmKind::kMemArg:
      return ParseMemArg(in, false);
    case ImmKind::kMemArgLane:
      return ParseMemArg(in, true);
    case ImmKind::kI32: case ImmKind::kI64: case ImmKind::kF32:
    case ImmKind::kF64:
      return ParseConst(in);
    case ImmKind::kRefType: {
      WSBX_ASSIGN_OR_RETURN(ValType t, ParseHeapType());
      in.types.push_back(std::move(t));
      return absl::OkStatus();
    }
    case ImmKind::kMemoryInit: case ImmKind::kTableInit:
      return ParseTwoIndices(in, true);
    case ImmKind::kMemoryCopy: case ImmKind::kTableCopy:
      return ParseTwoIndices(in, false);
    case ImmKind::kV128:
      return ParseV128Const(in);
    case ImmKind::kShuffle:
      return ParseShuffle(in);
    case ImmKind::kLane: {
      if (Peek().kind != TokenKind::kNat) return Unexpected("a lane index");
      std::optional<uint64_t> v = ParseUnsigned(Peek().text, 8);
      if (!v) return ErrorAt(Peek(), "malformed lane index");
      in.lane = static_cast<uint8_t>(*v);
      Next();
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace wsbx::text
