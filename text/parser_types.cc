// Types of the text format (spec 6.4, 6.6.2): value, reference and heap
// types, type uses, and the type section's definitions with their 3.0
// forms (struct, array, sub, rec). Type indices stay symbolic until
// ResolveModule; struct field names are bound per type here.
#include <string_view>
#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "text/parser.h"

namespace wsbx::text {
namespace {

struct NamedHeap {
  std::string_view heap;    // `(ref null? heap)`
  std::string_view abbrev;  // its `...ref` keyword
  uint8_t code;
};
constexpr NamedHeap kHeaps[] = {
    {"func", "funcref", kHeapFunc},       {"extern", "externref", kHeapExtern},
    {"any", "anyref", kHeapAny},          {"eq", "eqref", kHeapEq},
    {"i31", "i31ref", kHeapI31},          {"struct", "structref", kHeapStruct},
    {"array", "arrayref", kHeapArray},    {"none", "nullref", kHeapNone},
    {"nofunc", "nullfuncref", kHeapNoFunc},
    {"noextern", "nullexternref", kHeapNoExtern},
    {"exn", "exnref", kHeapExn},          {"noexn", "nullexnref", kHeapNoExn},
};

const NamedHeap* FindAbbrev(const Token& t) {
  if (t.kind != TokenKind::kKeyword) return nullptr;
  for (const NamedHeap& h : kHeaps) {
    if (t.text == h.abbrev) return &h;
  }
  return nullptr;
}

}  // namespace

bool Parser::PeekRefType(size_t ahead) const {
  return PeekLParenKeyword("ref", ahead) || FindAbbrev(Peek(ahead)) != nullptr;
}

bool Parser::PeekValType() const {
  const Token& t = Peek();
  if (PeekRefType(0)) return true;
  if (t.kind != TokenKind::kKeyword) return false;
  return t.text == "i32" || t.text == "i64" || t.text == "f32" ||
         t.text == "f64" || t.text == "v128";
}

// An abstract heap type or a type index, as the heap of `(ref null ht)`.
absl::StatusOr<ValType> Parser::ParseHeapType() {
  if (PeekIndex()) {
    ValType t = ValType::RefTo(true, 0);
    WSBX_ASSIGN_OR_RETURN(t.type, ParseIndex());
    return t;
  }
  if (Peek().kind == TokenKind::kKeyword) {
    for (const NamedHeap& h : kHeaps) {
      if (Peek().text == h.heap) return (Next(), ValType::RefTo(true, h.code));
    }
  }
  return Unexpected("a heap type");
}

absl::StatusOr<ValType> Parser::ParseRefType() {
  if (const NamedHeap* h = FindAbbrev(Peek())) {
    Next();
    return ValType::RefTo(true, h->code);
  }
  if (!PeekLParenKeyword("ref")) return Unexpected("a reference type");
  Next();
  Next();
  const bool nullable = PeekKeyword("null");
  if (nullable) Next();
  WSBX_ASSIGN_OR_RETURN(ValType t, ParseHeapType());
  if (!nullable) t.code = kRefNonNull;
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  return t;
}

absl::StatusOr<ValType> Parser::ParseValType() {
  const std::string_view s = Peek().text;
  if (Peek().kind == TokenKind::kKeyword) {
    if (s == "i32") return (Next(), ValType::Num(kI32));
    if (s == "i64") return (Next(), ValType::Num(kI64));
    if (s == "f32") return (Next(), ValType::Num(kF32));
    if (s == "f64") return (Next(), ValType::Num(kF64));
    if (s == "v128") return (Next(), ValType::Num(kV128));
  }
  if (PeekRefType(0)) return ParseRefType();
  return Unexpected("a value type");
}

// `(param $x t)` or `(param t*)`, repeated; names parallel to params.
absl::Status Parser::ParseParams(FuncSig& sig, std::vector<std::string>* names) {
  std::unordered_set<std::string_view> seen;  // views of the tokens' names
  while (PeekLParenKeyword("param")) {
    Next();
    Next();
    if (Peek().kind == TokenKind::kId) {
      if (names == nullptr) return ErrorAt(Peek(), "unexpected parameter name");
      const Token& id = Next();
      if (!seen.insert(id.value).second) {
        return ErrorAt(id, absl::StrCat("duplicate identifier $", id.value));
      }
      WSBX_ASSIGN_OR_RETURN(ValType t, ParseValType());
      sig.params.push_back(std::move(t));
      names->push_back(id.value);
    } else {
      while (PeekValType()) {
        WSBX_ASSIGN_OR_RETURN(ValType t, ParseValType());
        sig.params.push_back(std::move(t));
        if (names != nullptr) names->emplace_back();
      }
    }
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseResults(std::vector<ValType>& results) {
  while (PeekLParenKeyword("result")) {
    Next();
    Next();
    while (PeekValType()) {
      WSBX_ASSIGN_OR_RETURN(ValType t, ParseValType());
      results.push_back(std::move(t));
    }
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  }
  return absl::OkStatus();
}

// typeuse (spec 6.6.3): `(type x)?` then inline params and results.
absl::Status Parser::ParseTypeUse(TypeUse& use, bool named_params) {
  use.line = Peek().line;
  use.col = Peek().col;
  if (PeekLParenKeyword("type")) {
    Next();
    Next();
    WSBX_ASSIGN_OR_RETURN(use.type, ParseIndex());
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  }
  WSBX_RETURN_IF_ERROR(
      ParseParams(use.sig, named_params ? &use.param_names : nullptr));
  WSBX_RETURN_IF_ERROR(ParseResults(use.sig.results));
  if (!named_params) use.param_names.assign(use.sig.params.size(), "");
  return absl::OkStatus();
}

// A type use without `(type x)` is matched to a type once all are known.
void Parser::NoteImplicitUse(TypeUse& use) {
  if (use.type) return;
  use.implicit_slot = static_cast<int>(m_.implicit_sigs.size());
  m_.implicit_sigs.push_back(use.sig);
}

// fieldtype: storagetype or `(mut storagetype)`; storage adds i8, i16.
absl::StatusOr<FieldType> Parser::ParseFieldType() {
  FieldType f;
  const bool is_mut = PeekLParenKeyword("mut");
  if (is_mut) {
    Next();
    Next();
    f.is_mutable = true;
  }
  if (PeekKeyword("i8")) {
    Next();
    f.type = ValType::Num(kI8);
  } else if (PeekKeyword("i16")) {
    Next();
    f.type = ValType::Num(kI16);
  } else {
    WSBX_ASSIGN_OR_RETURN(f.type, ParseValType());
  }
  if (is_mut) WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  return f;
}

bool Parser::PeekFieldType() const {
  return PeekValType() || PeekKeyword("i8") || PeekKeyword("i16") ||
         PeekLParenKeyword("mut");
}

// `(field $f ft)` or `(field ft*)`, repeated.
absl::Status Parser::ParseStructFields(TypeDef& t) {
  while (PeekLParenKeyword("field")) {
    Next();
    Next();
    if (Peek().kind == TokenKind::kId) {
      const Token& id = Next();
      const uint32_t index = static_cast<uint32_t>(t.fields.size());
      if (!t.field_names.emplace(id.value, index).second) {
        return ErrorAt(id, absl::StrCat("duplicate field identifier $", id.value));
      }
      WSBX_ASSIGN_OR_RETURN(FieldType f, ParseFieldType());
      t.fields.push_back(std::move(f));
    } else {
      while (PeekFieldType()) {
        WSBX_ASSIGN_OR_RETURN(FieldType f, ParseFieldType());
        t.fields.push_back(std::move(f));
      }
    }
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  }
  return absl::OkStatus();
}

// comptype: `(func ...)`, `(struct field*)` or `(array fieldtype)`.
absl::Status Parser::ParseCompType(TypeDef& t) {
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "'(func', '(struct' or '(array'"));
  if (PeekKeyword("func")) {
    Next();
    std::vector<std::string> names;
    WSBX_RETURN_IF_ERROR(ParseParams(t.sig, &names));
    WSBX_RETURN_IF_ERROR(ParseResults(t.sig.results));
  } else if (PeekKeyword("struct")) {
    Next();
    t.kind = CompKind::kStruct;
    WSBX_RETURN_IF_ERROR(ParseStructFields(t));
  } else if (PeekKeyword("array")) {
    Next();
    t.kind = CompKind::kArray;
    WSBX_ASSIGN_OR_RETURN(FieldType f, ParseFieldType());
    t.fields.push_back(std::move(f));
  } else {
    return Unexpected("'func', 'struct' or 'array'");
  }
  return Expect(TokenKind::kRParen, "')'");
}

// `(type $t? subtype)`, subtype being `(sub final? x* comptype)` or a
// comptype alone (final, no supertypes).
absl::Status Parser::ParseTypeDef() {
  WSBX_RETURN_IF_ERROR(ExpectLParenKeyword("type"));
  const uint32_t index = static_cast<uint32_t>(m_.types.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kType, index));
  TypeDef t;
  if (PeekLParenKeyword("sub")) {
    Next();
    Next();
    t.is_final = PeekKeyword("final");
    if (t.is_final) Next();
    while (PeekIndex()) {
      WSBX_ASSIGN_OR_RETURN(Ref super, ParseIndex());
      t.supers.push_back(std::move(super));
    }
    WSBX_RETURN_IF_ERROR(ParseCompType(t));
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  } else {
    WSBX_RETURN_IF_ERROR(ParseCompType(t));
  }
  m_.types.push_back(std::move(t));
  return Expect(TokenKind::kRParen, "')'");
}

// `(type ...)` alone or `(rec (type ...)*)`.
absl::Status Parser::ParseTypeField() {
  RecGroup g;
  g.first = static_cast<uint32_t>(m_.types.size());
  if (PeekLParenKeyword("rec")) {
    Next();
    Next();
    g.explicit_rec = true;
    while (PeekLParenKeyword("type")) WSBX_RETURN_IF_ERROR(ParseTypeDef());
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  } else {
    WSBX_RETURN_IF_ERROR(ParseTypeDef());
  }
  g.count = static_cast<uint32_t>(m_.types.size()) - g.first;
  m_.rec_groups.push_back(g);
  return absl::OkStatus();
}

absl::Status Parser::ExpectLParenKeyword(std::string_view kw) {
  if (!PeekLParenKeyword(kw)) {
    return Unexpected(absl::StrCat("'(", std::string(kw), "'"));
  }
  Next();
  Next();
  return absl::OkStatus();
}

// `(tag $t? (export ...)* (import ...)? typeuse)`.
absl::Status Parser::ParseTagField() {
  Next();
  Next();
  const uint32_t index = static_cast<uint32_t>(m_.tags.size());
  WSBX_RETURN_IF_ERROR(BindName(Space::kTag, index));
  WSBX_RETURN_IF_ERROR(ParseInlineExports(Space::kTag, index));
  Tag tag;
  WSBX_RETURN_IF_ERROR(ParseInlineImport(tag.import));
  if (tag.import) WSBX_RETURN_IF_ERROR(NoteImport(Space::kTag, index));
  WSBX_RETURN_IF_ERROR(ParseTypeUse(tag.type, true));
  NoteImplicitUse(tag.type);
  m_.tags.push_back(std::move(tag));
  return Expect(TokenKind::kRParen, "')'");
}

}  // namespace wsbx::text
