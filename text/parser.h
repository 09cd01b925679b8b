// Parser from tokens to a TextModule (spec 6.4-6.6), expanding every
// abbreviation as it reads. Fields in parser.cc, types in parser_types.cc,
// instructions in parser_instr.cc and parser_gc.cc; indices are left for
// ResolveModule (resolve.cc), except labels, which are lexically scoped and
// resolved while parsing.
#ifndef WSBX_TEXT_PARSER_H_
#define WSBX_TEXT_PARSER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "text/lexer.h"
#include "text/text_module.h"

namespace wsbx::text {

// Parses a whole source's tokens: `(module id? field*)` or `field*`.
absl::StatusOr<TextModule> ParseModule(const std::vector<Token>& tokens);

// Fills every Ref::index and TypeUse::index, appending the types implicit
// type uses need. Errors name the reference's line:col.
absl::Status ResolveModule(TextModule& m);

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, TextModule& m)
      : toks_(tokens), m_(m) {}

  absl::Status ParseFields();

 private:
  // Token access.
  const Token& Peek(size_t ahead = 0) const;
  bool PeekLParenKeyword(std::string_view kw, size_t ahead = 0) const;
  bool PeekKeyword(std::string_view kw) const;
  const Token& Next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  absl::Status Expect(TokenKind kind, std::string_view what);
  absl::Status ExpectKeyword(std::string_view kw);
  absl::Status ExpectLParenKeyword(std::string_view kw);
  absl::Status Unexpected(std::string_view expected) const;
  absl::Status ParseName(std::string* out);
  absl::StatusOr<uint32_t> ParseU32();
  absl::StatusOr<uint64_t> ParseU64();
  bool PeekIndex() const;
  absl::StatusOr<Ref> ParseIndex();
  absl::Status BindName(Space space, uint32_t index);
  absl::Status BindId(Space space, const Token& id, uint32_t index);

  // Types (parser_types.cc).
  bool PeekValType() const;
  bool PeekRefType(size_t ahead) const;
  absl::StatusOr<ValType> ParseValType();
  absl::StatusOr<ValType> ParseRefType();
  absl::StatusOr<ValType> ParseHeapType();
  absl::Status ParseParams(FuncSig& sig, std::vector<std::string>* names);
  absl::Status ParseResults(std::vector<ValType>& results);
  absl::Status ParseTypeUse(TypeUse& use, bool named_params);
  void NoteImplicitUse(TypeUse& use);
  bool PeekFieldType() const;
  absl::StatusOr<FieldType> ParseFieldType();
  absl::Status ParseStructFields(TypeDef& t);
  absl::Status ParseCompType(TypeDef& t);
  absl::Status ParseTypeDef();
  absl::Status ParseTagField();
  absl::StatusOr<Limits> ParseLimits(bool is64);

  // Module fields.
  absl::Status ParseField();
  absl::Status ParseTypeField();
  absl::Status ParseImportField();
  absl::Status ParseExportField();
  absl::Status ParseInlineExports(Space kind, uint32_t index);
  absl::Status ParseInlineImport(std::optional<ImportName>& import);
  absl::Status NoteImport(Space kind, uint32_t index);
  absl::Status ParseFuncField();
  absl::Status ParseFuncDesc(Func& f);
  absl::Status ParseTableField();
  absl::Status ParseTableType(Table& t);
  absl::Status ParseInlineElem(uint32_t table);
  absl::Status ParseMemoryField();
  absl::Status ParseGlobalField();
  absl::Status ParseGlobalType(Global& g);
  absl::Status ParseStartField();
  absl::Status ParseElemField();
  absl::Status ParseElemList(Elem& e, bool allow_bare_indices);
  absl::Status ParseElemExprs(Elem& e);
  absl::Status ParseDataField();
  absl::Status ParseOffset(Expr& offset);
  absl::Status ParseStrings(std::string& out);

  // Instructions (parser_instr.cc).
  bool PeekInstr() const;
  bool PeekFoldedInstr() const;
  // Nesting (blocks, folded instructions) is kept on an explicit stack of
  // frames, not on the host's: no input can overflow it.
  struct Frame {
    enum Kind : uint8_t {
      kFlatBlock,    // block/loop/if ... end; stage 1 after an if's else
      kFoldedBlock,  // (block ...), (loop ...)
      kFoldedIf,     // (if ...): stage 0 condition, 1 then, 2 else
      kFoldedPlain,  // (op folded*)
    };
    Kind kind = kFlatBlock;
    Opcode op = Opcode::kNop;
    uint8_t stage = 0;
    Expr pending;       // the instruction written after its operands
    std::string label;  // kFoldedIf: its label, out of scope in the condition
  };
  absl::Status ParseInstrs(Expr& out);
  absl::Status ParseFolded(Expr& out);  // exactly one folded instruction
  absl::Status RunFrames(Expr& out, std::vector<Frame>& stack, bool sequence);
  absl::StatusOr<bool> Step(Expr& out, std::vector<Frame>& stack);
  absl::Status ParsePlain(Expr& out, std::vector<Frame>& stack);
  absl::Status OpenFolded(Expr& out, std::vector<Frame>& stack);
  absl::Status CloseFrame(Expr& out, std::vector<Frame>& stack);
  absl::Status CloseFoldedIfPart(Expr& out, std::vector<Frame>& stack);
  void EndBlock(Expr& out, std::vector<Frame>& stack);
  absl::Status ParseOperator(Expr& out);
  absl::Status ParseLabelAndType(Instr& in);
  Instr& EmitBlock(Expr& out, Opcode op, const Token& at);
  Opcode BlockOpcode(const Token& t) const;
  absl::Status ParseEndLabel();
  absl::Status ParseImmediates(Instr& in);
  absl::Status ParseLabelRef(Ref& out);
  absl::Status ParseMemArg(Instr& in, bool with_lane);
  absl::Status ParseV128Const(Instr& in);
  absl::Status ParseShuffle(Instr& in);
  absl::Status ParseConst(Instr& in);
  absl::Status ParseOptionalIndex(Ref& out);
  absl::Status ParseTwoIndices(Instr& in, bool first_optional);
  // Instructions of text_ops.h (parser_gc.cc).
  absl::Status ParseTextOpImmediates(Instr& in);
  absl::Status ParseCatches(Instr& in);

  // Labels (parser_instr.cc): the scope stack and its name index.
  void PushLabel(std::string label);
  std::string PopLabel();
  void ClearLabels();

  // Levels of nesting allowed; deeper input is an error rather than an
  // ever-growing frame and label stack.
  static constexpr size_t kMaxNesting = 10000;
  absl::Status CheckNesting(const Token& at, size_t depth) const;

  const std::vector<Token>& toks_;
  TextModule& m_;
  size_t pos_ = 0;
  bool seen_definition_ = false;       // imports must precede definitions
  std::vector<std::string> labels_;    // innermost last; "" when unnamed
  // For each label name, its positions in labels_ (innermost last): a
  // lookup costs the same at any depth.
  std::unordered_map<std::string, std::vector<uint32_t>> label_positions_;
};

}  // namespace wsbx::text

#endif  // WSBX_TEXT_PARSER_H_
