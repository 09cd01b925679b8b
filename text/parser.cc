// Module fields of the text format (spec 6.6): types, imports, functions,
// tables, memories, globals, exports, start, elem and data segments, with
// their inline import/export/elem/data abbreviations expanded in text order.
#include "text/parser.h"

#include <string_view>
#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"

namespace wsbx::text {

const Token& Parser::Peek(size_t ahead) const {
  const size_t i = pos_ + ahead;
  return i < toks_.size() ? toks_[i] : toks_.back();
}

bool Parser::PeekKeyword(std::string_view kw) const {
  return Peek().kind == TokenKind::kKeyword && Peek().text == kw;
}

bool Parser::PeekLParenKeyword(std::string_view kw, size_t ahead) const {
  return Peek(ahead).kind == TokenKind::kLParen &&
         Peek(ahead + 1).kind == TokenKind::kKeyword &&
         Peek(ahead + 1).text == kw;
}

absl::Status Parser::Unexpected(std::string_view expected) const {
  const Token& t = Peek();
  if (t.kind == TokenKind::kEof) {
    return ErrorAt(t, absl::StrCat("unexpected end of input, expected ",
                                   std::string(expected)));
  }
  return ErrorAt(t, absl::StrCat("unexpected token '", std::string(t.text),
                                 "', expected ", std::string(expected)));
}

absl::Status Parser::Expect(TokenKind kind, std::string_view what) {
  if (Peek().kind != kind) return Unexpected(what);
  Next();
  return absl::OkStatus();
}

absl::Status Parser::ExpectKeyword(std::string_view kw) {
  if (!PeekKeyword(kw)) return Unexpected(absl::StrCat("'", std::string(kw), "'"));
  Next();
  return absl::OkStatus();
}

absl::Status Parser::ParseName(std::string* out) {
  if (Peek().kind != TokenKind::kString) return Unexpected("a string");
  if (!IsValidUtf8(Peek().value)) return ErrorAt(Peek(), "malformed UTF-8 encoding");
  *out = Next().value;
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> Parser::ParseU32() {
  if (Peek().kind != TokenKind::kNat) return Unexpected("a natural number");
  std::optional<uint64_t> v = ParseUnsigned(Peek().text, 32);
  if (!v) return ErrorAt(Peek(), "number out of range");
  Next();
  return static_cast<uint32_t>(*v);
}

absl::StatusOr<uint64_t> Parser::ParseU64() {
  if (Peek().kind != TokenKind::kNat) return Unexpected("a natural number");
  std::optional<uint64_t> v = ParseUnsigned(Peek().text, 64);
  if (!v) return ErrorAt(Peek(), "number out of range");
  Next();
  return *v;
}

bool Parser::PeekIndex() const {
  return Peek().kind == TokenKind::kNat || Peek().kind == TokenKind::kId;
}

absl::StatusOr<Ref> Parser::ParseIndex() {
  Ref r;
  r.line = Peek().line;
  r.col = Peek().col;
  if (Peek().kind == TokenKind::kId) {
    r.name = Next().value;
    return r;
  }
  if (Peek().kind != TokenKind::kNat) return Unexpected("an index");
  WSBX_ASSIGN_OR_RETURN(r.index, ParseU32());
  return r;
}

absl::Status Parser::BindId(Space space, const Token& id, uint32_t index) {
  auto [it, added] = m_.names[static_cast<int>(space)].emplace(id.value, index);
  if (!added) {
    return ErrorAt(id, absl::StrCat("duplicate identifier $", id.value));
  }
  return absl::OkStatus();
}

// An optional `$id` naming the entry `index` of `space`.
absl::Status Parser::BindName(Space space, uint32_t index) {
  if (Peek().kind != TokenKind::kId) return absl::OkStatus();
  const Token& id = Next();
  return BindId(space, id, index);
}

// Both address types read u64 numbers (3.0 text format of limits): a
// 32-bit limit past 2^32 is the validator's to refuse, not a text error.
absl::StatusOr<Limits> Parser::ParseLimits(bool is64) {
  Limits l;
  l.is64 = is64;
  WSBX_ASSIGN_OR_RETURN(l.min, ParseU64());
  if (Peek().kind == TokenKind::kNat) {
    WSBX_ASSIGN_OR_RETURN(l.max, ParseU64());
  }
  return l;
}

// ---- Fields ---------------------------------------------------------------

absl::Status Parser::ParseFields() {
  const bool wrapped = PeekLParenKeyword("module");
  if (wrapped) {
    Next();
    Next();
    if (Peek().kind == TokenKind::kId) Next();
  }
  while (Peek().kind == TokenKind::kLParen) {
    WSBX_RETURN_IF_ERROR(ParseField());
  }
  if (wrapped) WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  if (Peek().kind != TokenKind::kEof) return Unexpected("a module field");
  return absl::OkStatus();
}

absl::Status Parser::ParseField() {
  const Token& kw = Peek(1);
  if (kw.kind != TokenKind::kKeyword) {
    Next();
    return Unexpected("a module field");
  }
  const std::string_view k = kw.text;
  if (k == "type") return ParseTypeField();
  if (k == "import") return ParseImportField();
  if (k == "export") return ParseExportField();
  if (k == "func") return ParseFuncField();
  if (k == "table") return ParseTableField();
  if (k == "memory") return ParseMemoryField();
  if (k == "global") return ParseGlobalField();
  if (k == "start") return ParseStartField();
  if (k == "elem") return ParseElemField();
  if (k == "data") return ParseDataField();
  if (k == "tag") return ParseTagField();
  if (k == "rec") return ParseTypeField();
  Next();
  return Unexpected("a module field");
}

absl::Status Parser::NoteImport(Space kind, uint32_t index) {
  if (seen_definition_) {
    return ErrorAt(Peek(), "import after a function, table, memory or global definition");
  }
  m_.imports.push_back({kind, index});
  return absl::OkStatus();
}

// `(import "m" "n" (func|table|memory|global id? desc))`.
absl::Status Parser::ParseImportField() {
  const Token& start = Peek();
  Next();
  Next();
  ImportName name;
  WSBX_RETURN_IF_ERROR(ParseName(&name.module));
  WSBX_RETURN_IF_ERROR(ParseName(&name.name));
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "an import description"));
  if (seen_definition_) {
    return ErrorAt(start, "import after a function, table, memory or global definition");
  }
  const std::string_view k = Peek().text;
  if (PeekKeyword("func")) {
    Next();
    Func f;
    f.import = std::move(name);
    WSBX_RETURN_IF_ERROR(BindName(Space::kFunc, m_.funcs.size()));
    WSBX_RETURN_IF_ERROR(ParseFuncDesc(f));
    WSBX_RETURN_IF_ERROR(NoteImport(Space::kFunc, m_.funcs.size()));
    m_.funcs.push_back(std::move(f));
  } else if (PeekKeyword("tag")) {
    Next();
    Tag tag;
    tag.import = std::move(name);
    WSBX_RETURN_IF_ERROR(BindName(Space::kTag, m_.tags.size()));
    WSBX_RETURN_IF_ERROR(ParseTypeUse(tag.type, true));
    NoteImplicitUse(tag.type);
    WSBX_RETURN_IF_ERROR(NoteImport(Space::kTag, m_.tags.size()));
    m_.tags.push_back(std::move(tag));
  } else if (k == "table" || k == "memory" || k == "global") {
    Next();
    if (k == "table") {
      Table t;
      t.import = std::move(name);
      WSBX_RETURN_IF_ERROR(BindName(Space::kTable, m_.tables.size()));
      WSBX_RETURN_IF_ERROR(ParseTableType(t));
      WSBX_RETURN_IF_ERROR(NoteImport(Space::kTable, m_.tables.size()));
      m_.tables.push_back(std::move(t));
    } else if (k == "memory") {
      Memory mem;
      mem.import = std::move(name);
      WSBX_RETURN_IF_ERROR(BindName(Space::kMemory, m_.memories.size()));
      const bool is64 = PeekKeyword("i64");
      if (is64 || PeekKeyword("i32")) Next();
      WSBX_ASSIGN_OR_RETURN(mem.limits, ParseLimits(is64));
      WSBX_RETURN_IF_ERROR(NoteImport(Space::kMemory, m_.memories.size()));
      m_.memories.push_back(std::move(mem));
    } else {
      Global g;
      g.import = std::move(name);
      WSBX_RETURN_IF_ERROR(BindName(Space::kGlobal, m_.globals.size()));
      WSBX_RETURN_IF_ERROR(ParseGlobalType(g));
      WSBX_RETURN_IF_ERROR(NoteImport(Space::kGlobal, m_.globals.size()));
      m_.globals.push_back(std::move(g));
    }
  } else {
    return Unexpected("an import description");
  }
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  return Expect(TokenKind::kRParen, "')'");
}

// `(export "n" (func|table|memory|global x))`.
absl::Status Parser::ParseExportField() {
  Next();
  Next();
  Export e;
  WSBX_RETURN_IF_ERROR(ParseName(&e.name));
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "an export description"));
  const std::string_view k = Peek().text;
  if (k == "func") e.kind = Space::kFunc;
  else if (k == "table") e.kind = Space::kTable;
  else if (k == "memory") e.kind = Space::kMemory;
  else if (k == "global") e.kind = Space::kGlobal;
  else if (k == "tag") e.kind = Space::kTag;
  else return Unexpected("an export description");
  Next();
  WSBX_ASSIGN_OR_RETURN(e.ref, ParseIndex());
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  m_.exports.push_back(std::move(e));
  return absl::OkStatus();
}

absl::Status Parser::ParseInlineExports(Space kind, uint32_t index) {
  while (PeekLParenKeyword("export")) {
    Next();
    Next();
    Export e;
    e.kind = kind;
    e.ref.index = index;
    WSBX_RETURN_IF_ERROR(ParseName(&e.name));
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
    m_.exports.push_back(std::move(e));
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseInlineImport(std::optional<ImportName>& import) {
  if (!PeekLParenKeyword("import")) {
    seen_definition_ = true;
    return absl::OkStatus();
  }
  if (seen_definition_) {
    return ErrorAt(Peek(), "import after a function, table, memory or global definition");
  }
  Next();
  Next();
  ImportName name;
  WSBX_RETURN_IF_ERROR(ParseName(&name.module));
  WSBX_RETURN_IF_ERROR(ParseName(&name.name));
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  import = std::move(name);
  return absl::OkStatus();
}

// A function's type use and, for definitions, locals and body.
absl::Status Parser::ParseFuncDesc(Func& f) {
  WSBX_RETURN_IF_ERROR(ParseTypeUse(f.type, true));
  NoteImplicitUse(f.type);
  if (f.import) return absl::OkStatus();
  while (PeekLParenKeyword("local")) {
    Next();
    Next();
    if (Peek().kind == TokenKind::kId) {
      const Token& id = Next();
      WSBX_ASSIGN_OR_RETURN(ValType t, ParseValType());
      f.locals.push_back(std::move(t));
      f.local_names.push_back(id.value);
    } else {
      while (PeekValType()) {
        WSBX_ASSIGN_OR_RETURN(ValType t, ParseValType());
        f.locals.push_back(std::move(t));
        f.local_names.emplace_back();
      }
    }
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  }
  ClearLabels();
  return ParseInstrs(f.body);
}

absl::Status Parser::ParseFuncField() {
  Next();
  Next();
  const uint32_t index = static_cast<uint32_t>(m_.funcs.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kFunc, index));
  WSBX_RETURN_IF_ERROR(ParseInlineExports(Space::kFunc, index));
  Func f;
  WSBX_RETURN_IF_ERROR(ParseInlineImport(f.import));
  if (f.import) WSBX_RETURN_IF_ERROR(NoteImport(Space::kFunc, index));
  WSBX_RETURN_IF_ERROR(ParseFuncDesc(f));
  m_.funcs.push_back(std::move(f));
  return Expect(TokenKind::kRParen, "')'");
}

// tabletype: (i32|i64)? limits reftype.
absl::Status Parser::ParseTableType(Table& t) {
  const bool is64 = PeekKeyword("i64");
  if (is64 || PeekKeyword("i32")) Next();
  WSBX_ASSIGN_OR_RETURN(t.limits, ParseLimits(is64));
  WSBX_ASSIGN_OR_RETURN(t.ref_type, ParseRefType());
  return absl::OkStatus();
}

absl::Status Parser::ParseTableField() {
  Next();
  Next();
  const uint32_t index = static_cast<uint32_t>(m_.tables.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kTable, index));
  WSBX_RETURN_IF_ERROR(ParseInlineExports(Space::kTable, index));
  Table t;
  WSBX_RETURN_IF_ERROR(ParseInlineImport(t.import));
  if (t.import) {
    WSBX_RETURN_IF_ERROR(NoteImport(Space::kTable, index));
    WSBX_RETURN_IF_ERROR(ParseTableType(t));
    m_.tables.push_back(std::move(t));
    return Expect(TokenKind::kRParen, "')'");
  }
  // Abbreviation: `(table (i32|i64)? reftype (elem ...))`.
  const bool inline64 = PeekKeyword("i64");
  const size_t type_at = (inline64 || PeekKeyword("i32")) ? 1 : 0;
  const bool is_reftype = PeekRefType(type_at);
  if (!is_reftype) {
    WSBX_RETURN_IF_ERROR(ParseTableType(t));
    // 3.0: `(table tabletype expr)`, every slot set to the expression.
    ClearLabels();
    WSBX_RETURN_IF_ERROR(ParseInstrs(t.init));
    m_.tables.push_back(std::move(t));
    return Expect(TokenKind::kRParen, "')'");
  }
  if (type_at) Next();
  t.limits.is64 = inline64;
  WSBX_ASSIGN_OR_RETURN(t.ref_type, ParseRefType());
  m_.tables.push_back(std::move(t));
  WSBX_RETURN_IF_ERROR(ParseInlineElem(index));
  return Expect(TokenKind::kRParen, "')'");
}

// `(elem x*)` or `(elem expr*)` inside a table: an active segment at 0 and
// the table's size fixed to the number of entries.
absl::Status Parser::ParseInlineElem(uint32_t table) {
  if (!PeekLParenKeyword("elem")) return Unexpected("'(elem'");
  Next();
  Next();
  Elem e;
  e.mode = Mode::kActive;
  e.table.index = table;
  e.ref_type = m_.tables[table].ref_type;
  Instr zero;
  zero.op = m_.tables[table].limits.is64 ? Opcode::kI64Const : Opcode::kI32Const;
  e.offset.push_back(zero);
  if (Peek().kind == TokenKind::kLParen) {
    WSBX_RETURN_IF_ERROR(ParseElemExprs(e));
  } else {
    e.ref_type = kRefFunc;  // `func x*` (3.0 text format of elem)
    while (PeekIndex()) {
      Instr in;
      in.op = Opcode::kRefFunc;
      WSBX_ASSIGN_OR_RETURN(in.a, ParseIndex());
      e.items.push_back({std::move(in)});
    }
  }
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  Limits& l = m_.tables[table].limits;
  l.min = e.items.size();
  l.max = e.items.size();
  m_.elems.push_back(std::move(e));
  return absl::OkStatus();
}

absl::Status Parser::ParseMemoryField() {
  Next();
  Next();
  const uint32_t index = static_cast<uint32_t>(m_.memories.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kMemory, index));
  WSBX_RETURN_IF_ERROR(ParseInlineExports(Space::kMemory, index));
  Memory mem;
  WSBX_RETURN_IF_ERROR(ParseInlineImport(mem.import));
  if (mem.import) WSBX_RETURN_IF_ERROR(NoteImport(Space::kMemory, index));
  const bool is64 = PeekKeyword("i64");
  if (is64 || PeekKeyword("i32")) Next();
  if (!mem.import && PeekLParenKeyword("data")) {
    // Abbreviation: `(memory (data "..."))`, sized to fit the bytes.
    Next();
    Next();
    Data d;
    d.mode = Mode::kActive;
    d.memory.index = index;
    Instr zero;
    zero.op = is64 ? Opcode::kI64Const : Opcode::kI32Const;
    d.offset.push_back(zero);
    WSBX_RETURN_IF_ERROR(ParseStrings(d.bytes));
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
    const uint64_t pages = (d.bytes.size() + 65535) / 65536;
    mem.limits.is64 = is64;
    mem.limits.min = pages;
    mem.limits.max = pages;
    m_.datas.push_back(std::move(d));
  } else {
    WSBX_ASSIGN_OR_RETURN(mem.limits, ParseLimits(is64));
  }
  m_.memories.push_back(std::move(mem));
  return Expect(TokenKind::kRParen, "')'");
}

absl::Status Parser::ParseGlobalType(Global& g) {
  if (PeekLParenKeyword("mut")) {
    Next();
    Next();
    g.is_mutable = true;
    WSBX_ASSIGN_OR_RETURN(g.type, ParseValType());
    return Expect(TokenKind::kRParen, "')'");
  }
  WSBX_ASSIGN_OR_RETURN(g.type, ParseValType());
  return absl::OkStatus();
}

absl::Status Parser::ParseGlobalField() {
  Next();
  Next();
  const uint32_t index = static_cast<uint32_t>(m_.globals.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kGlobal, index));
  WSBX_RETURN_IF_ERROR(ParseInlineExports(Space::kGlobal, index));
  Global g;
  WSBX_RETURN_IF_ERROR(ParseInlineImport(g.import));
  if (g.import) WSBX_RETURN_IF_ERROR(NoteImport(Space::kGlobal, index));
  WSBX_RETURN_IF_ERROR(ParseGlobalType(g));
  if (!g.import) {
    ClearLabels();
    WSBX_RETURN_IF_ERROR(ParseInstrs(g.init));
  }
  m_.globals.push_back(std::move(g));
  return Expect(TokenKind::kRParen, "')'");
}

absl::Status Parser::ParseStartField() {
  Next();
  Next();
  if (m_.start) return ErrorAt(Peek(), "multiple start sections");
  WSBX_ASSIGN_OR_RETURN(m_.start, ParseIndex());
  return Expect(TokenKind::kRParen, "')'");
}

// `(offset expr)` or a single folded instruction.
absl::Status Parser::ParseOffset(Expr& offset) {
  ClearLabels();
  if (PeekLParenKeyword("offset")) {
    Next();
    Next();
    WSBX_RETURN_IF_ERROR(ParseInstrs(offset));
    return Expect(TokenKind::kRParen, "')'");
  }
  if (!PeekFoldedInstr()) return Unexpected("an offset expression");
  return ParseFolded(offset);
}

// Element expressions: `(item expr)` or a single folded instruction each.
absl::Status Parser::ParseElemExprs(Elem& e) {
  while (Peek().kind == TokenKind::kLParen) {
    Expr item;
    ClearLabels();
    if (PeekLParenKeyword("item")) {
      Next();
      Next();
      WSBX_RETURN_IF_ERROR(ParseInstrs(item));
      WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
    } else if (PeekFoldedInstr()) {
      WSBX_RETURN_IF_ERROR(ParseFolded(item));
    } else {
      return Unexpected("an element expression");
    }
    e.items.push_back(std::move(item));
  }
  return absl::OkStatus();
}

// elemlist: `func x*`, `reftype elemexpr*`, or (active 2.0 form) `x*`.
absl::Status Parser::ParseElemList(Elem& e, bool allow_bare_indices) {
  const bool bare = allow_bare_indices && (PeekIndex() ||
                                           Peek().kind == TokenKind::kRParen);
  if (PeekKeyword("func") || bare) {
    if (!bare) Next();
    e.ref_type = kRefFunc;  // `func x*` abbreviates `(ref func) (ref.func x)*`
    while (PeekIndex()) {
      Instr in;
      in.op = Opcode::kRefFunc;
      WSBX_ASSIGN_OR_RETURN(in.a, ParseIndex());
      e.items.push_back({std::move(in)});
    }
    return absl::OkStatus();
  }
  WSBX_ASSIGN_OR_RETURN(e.ref_type, ParseRefType());
  return ParseElemExprs(e);
}

absl::Status Parser::ParseElemField() {
  Next();
  Next();
  const uint32_t index = static_cast<uint32_t>(m_.elems.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kElem, index));
  Elem e;
  if (PeekKeyword("declare")) {
    Next();
    e.mode = Mode::kDeclarative;
    WSBX_RETURN_IF_ERROR(ParseElemList(e, false));
  } else if (PeekLParenKeyword("table") || PeekLParenKeyword("offset") ||
             PeekFoldedInstr() || PeekIndex()) {
    e.mode = Mode::kActive;
    e.table.line = Peek().line;
    e.table.col = Peek().col;
    if (PeekLParenKeyword("table")) {
      Next();
      Next();
      WSBX_ASSIGN_OR_RETURN(e.table, ParseIndex());
      WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
    } else if (PeekIndex()) {
      WSBX_ASSIGN_OR_RETURN(e.table, ParseIndex());  // 1.0 `(elem x (...) ...)`
    }
    WSBX_RETURN_IF_ERROR(ParseOffset(e.offset));
    WSBX_RETURN_IF_ERROR(ParseElemList(e, true));
  } else {
    e.mode = Mode::kPassive;
    WSBX_RETURN_IF_ERROR(ParseElemList(e, false));
  }
  m_.elems.push_back(std::move(e));
  return Expect(TokenKind::kRParen, "')'");
}

absl::Status Parser::ParseStrings(std::string& out) {
  while (Peek().kind == TokenKind::kString) out += Next().value;
  return absl::OkStatus();
}

absl::Status Parser::ParseDataField() {
  Next();
  Next();
  const uint32_t index = static_cast<uint32_t>(m_.datas.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kData, index));
  Data d;
  if (Peek().kind != TokenKind::kString && Peek().kind != TokenKind::kRParen) {
    d.mode = Mode::kActive;
    d.memory.line = Peek().line;
    d.memory.col = Peek().col;
    if (PeekLParenKeyword("memory")) {
      Next();
      Next();
      WSBX_ASSIGN_OR_RETURN(d.memory, ParseIndex());
      WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
    } else if (PeekIndex()) {
      WSBX_ASSIGN_OR_RETURN(d.memory, ParseIndex());  // 1.0 `(data x (...))`
    }
    WSBX_RETURN_IF_ERROR(ParseOffset(d.offset));
  }
  WSBX_RETURN_IF_ERROR(ParseStrings(d.bytes));
  m_.datas.push_back(std::move(d));
  return Expect(TokenKind::kRParen, "')'");
}

absl::StatusOr<TextModule> ParseModule(const std::vector<Token>& tokens) {
  TextModule m;
  Parser p(tokens, m);
  WSBX_RETURN_IF_ERROR(p.ParseFields());
  return m;
}

}  // namespace wsbx::text
