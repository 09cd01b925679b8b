// Immediates of the instructions in text_ops.h (typed references, GC and
// exception handling): type, field, tag and label indices, cast types, and
// try_table's handlers. Indices other than labels resolve in resolve.cc.
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "text/parser.h"
#include "text/text_ops.h"

namespace wsbx::text {

// `(catch x l)`, `(catch_ref x l)`, `(catch_all l)`, `(catch_all_ref l)`.
absl::Status Parser::ParseCatches(Instr& in) {
  constexpr std::string_view kKinds[] = {"catch", "catch_ref", "catch_all",
                                         "catch_all_ref"};
  while (Peek().kind == TokenKind::kLParen) {
    int kind = -1;
    for (int k = 0; k < 4; ++k) {
      if (PeekLParenKeyword(kKinds[k])) kind = k;
    }
    if (kind < 0) return absl::OkStatus();
    Next();
    Next();
    Catch c;
    c.kind = static_cast<uint8_t>(kind);
    if (kind < 2) {
      WSBX_ASSIGN_OR_RETURN(c.tag, ParseIndex());
    }
    Ref label;
    WSBX_RETURN_IF_ERROR(ParseLabelRef(label));
    c.label = label.index;
    in.catches.push_back(std::move(c));
    WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseTextOpImmediates(Instr& in) {
  switch (in.text_op->imm) {
    case TextImm::kNone:
    case TextImm::kTryTable:  // read as a block, by ParseLabelAndType
      return absl::OkStatus();
    case TextImm::kType:
    case TextImm::kTag: {
      WSBX_ASSIGN_OR_RETURN(in.a, ParseIndex());
      return absl::OkStatus();
    }
    case TextImm::kTypeField:
    case TextImm::kTypeData:
    case TextImm::kTypeElem:
    case TextImm::kTypeType: {
      WSBX_ASSIGN_OR_RETURN(in.a, ParseIndex());
      WSBX_ASSIGN_OR_RETURN(in.b, ParseIndex());
      return absl::OkStatus();
    }
    case TextImm::kTypeCount: {
      WSBX_ASSIGN_OR_RETURN(in.a, ParseIndex());
      WSBX_ASSIGN_OR_RETURN(uint32_t n, ParseU32());
      in.bits = n;
      return absl::OkStatus();
    }
    case TextImm::kCast: {
      WSBX_ASSIGN_OR_RETURN(ValType t, ParseRefType());
      in.types.push_back(std::move(t));
      return absl::OkStatus();
    }
    case TextImm::kBrOnCast: {
      WSBX_RETURN_IF_ERROR(ParseLabelRef(in.a));
      for (int i = 0; i < 2; ++i) {
        WSBX_ASSIGN_OR_RETURN(ValType t, ParseRefType());
        in.types.push_back(std::move(t));
      }
      return absl::OkStatus();
    }
    case TextImm::kLabel:
      return ParseLabelRef(in.a);
  }
  return absl::OkStatus();
}

}  // namespace wsbx::text
