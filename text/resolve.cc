// Index resolution (spec 6.6.1-6.6.2): after all fields are read, maps every
// symbolic reference to its index, applies the implicit type-use rule
// (spec 6.6.3) and checks inline signatures against explicit type uses.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "text/parser.h"
#include "text/text_ops.h"

namespace wsbx::text {
namespace {

constexpr const char* kSpaceNames[kSpaceCount] = {
    "function", "table", "memory", "global", "tag", "type", "elem segment",
    "data segment"};

absl::Status RefError(const Ref& r, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(r.line, ":", r.col, ": ", std::string(what)));
}

class Resolver {
 public:
  explicit Resolver(TextModule& m) : m_(m) {}
  absl::Status Run();

 private:
  absl::Status Resolve(Space space, Ref& r);
  absl::Status ResolveLocal(Ref& r);
  absl::Status ResolveTypeUse(TypeUse& use);
  absl::Status ResolveValType(ValType& t);
  absl::Status ResolveValTypes(std::vector<ValType>& types);
  absl::Status ResolveSig(FuncSig& sig);
  absl::Status ResolveTypeDefs();
  void MatchImplicitUses();
  absl::Status ResolveTextOp(Instr& in);
  absl::Status ResolveField(Instr& in);
  absl::Status ResolveExpr(Expr& e);
  absl::Status ResolveInstr(Instr& in);
  absl::Status ResolveFunc(Func& f);

  TextModule& m_;
  std::vector<uint32_t> implicit_types_;
  std::map<std::string, uint32_t> locals_;
};

absl::Status Resolver::Resolve(Space space, Ref& r) {
  if (r.name.empty()) return absl::OkStatus();
  const auto& names = m_.names[static_cast<int>(space)];
  auto it = names.find(r.name);
  if (it == names.end()) {
    return RefError(r, absl::StrCat("unknown ", kSpaceNames[static_cast<int>(space)],
                                    " $", r.name));
  }
  r.index = it->second;
  return absl::OkStatus();
}

absl::Status Resolver::ResolveLocal(Ref& r) {
  if (r.name.empty()) return absl::OkStatus();
  auto it = locals_.find(r.name);
  if (it == locals_.end()) return RefError(r, absl::StrCat("unknown local $", r.name));
  r.index = it->second;
  return absl::OkStatus();
}

absl::Status Resolver::ResolveValType(ValType& t) {
  if (!t.is_ref() || t.heap != 0) return absl::OkStatus();
  return Resolve(Space::kType, t.type);
}

absl::Status Resolver::ResolveValTypes(std::vector<ValType>& types) {
  for (ValType& t : types) WSBX_RETURN_IF_ERROR(ResolveValType(t));
  return absl::OkStatus();
}

absl::Status Resolver::ResolveSig(FuncSig& sig) {
  WSBX_RETURN_IF_ERROR(ResolveValTypes(sig.params));
  return ResolveValTypes(sig.results);
}

absl::Status Resolver::ResolveTypeDefs() {
  for (TypeDef& t : m_.types) {
    WSBX_RETURN_IF_ERROR(ResolveSig(t.sig));
    for (FieldType& f : t.fields) WSBX_RETURN_IF_ERROR(ResolveValType(f.type));
    for (Ref& super : t.supers) WSBX_RETURN_IF_ERROR(Resolve(Space::kType, super));
  }
  for (FuncSig& sig : m_.implicit_sigs) WSBX_RETURN_IF_ERROR(ResolveSig(sig));
  return absl::OkStatus();
}

// Implicit type uses, in text order: the first type that is a plain
// function type (final, no supertypes, alone in its recursion group) with
// the same signature, else a new one appended at the end of the module
// (spec 6.6.3). Indexed by signature, so that many types and many uses cost
// n log n, not n * m.
void Resolver::MatchImplicitUses() {
  using SigKey = std::pair<std::vector<ValType>, std::vector<ValType>>;
  std::map<SigKey, uint32_t> first_type;
  for (const RecGroup& g : m_.rec_groups) {
    if (g.count != 1) continue;
    const TypeDef& t = m_.types[g.first];
    if (t.kind != CompKind::kFunc || !t.is_final || !t.supers.empty()) continue;
    first_type.emplace(SigKey(t.sig.params, t.sig.results), g.first);
  }
  for (const FuncSig& sig : m_.implicit_sigs) {
    const uint32_t next = static_cast<uint32_t>(m_.types.size());
    auto [it, added] = first_type.emplace(SigKey(sig.params, sig.results), next);
    if (added) {
      TypeDef& t = m_.types.emplace_back();
      t.sig = sig;
      m_.rec_groups.push_back({next, 1, false});
    }
    implicit_types_.push_back(it->second);
  }
}

absl::Status Resolver::ResolveTypeUse(TypeUse& use) {
  WSBX_RETURN_IF_ERROR(ResolveSig(use.sig));
  if (!use.type) {
    use.index = implicit_types_[use.implicit_slot];
    return absl::OkStatus();
  }
  WSBX_RETURN_IF_ERROR(Resolve(Space::kType, *use.type));
  use.index = use.type->index;
  const bool has_inline = !use.sig.params.empty() || !use.sig.results.empty();
  if (use.index < m_.types.size() &&
      m_.types[use.index].kind == CompKind::kFunc) {
    if (has_inline && !(use.sig == m_.types[use.index].sig)) {
      return RefError(*use.type, "inline function type does not match the type use");
    }
    if (!has_inline) {
      use.sig = m_.types[use.index].sig;
      use.param_names.assign(use.sig.params.size(), "");
    }
  } else if (has_inline) {
    return RefError(*use.type, use.index < m_.types.size()
                                   ? "type use of a type that is not a function type"
                                   : "unknown type");
  }
  return absl::OkStatus();
}

absl::Status Resolver::ResolveInstr(Instr& in) {
  if (in.text_op != nullptr) WSBX_RETURN_IF_ERROR(ResolveTextOp(in));
  if (in.text_op != nullptr && in.op == Opcode::kNop) return absl::OkStatus();
  switch (GetOpcodeInfo(in.op).imm) {
    case ImmKind::kBlockType: {
      if (in.inline_block) return ResolveSig(in.block.sig);
      WSBX_RETURN_IF_ERROR(ResolveTypeUse(in.block));
      // A type that needs no index is written inline (as wabt does; both
      // encodings mean the same block type, spec 5.4.1).
      const uint32_t t = in.block.index;
      in.inline_block = t < m_.types.size() &&
                        m_.types[t].kind == CompKind::kFunc &&
                        m_.types[t].sig.params.empty() &&
                        m_.types[t].sig.results.size() <= 1;
      return absl::OkStatus();
    }
    case ImmKind::kSelectT:
    case ImmKind::kRefType:
      return ResolveValTypes(in.types);
    case ImmKind::kFunc:
      return Resolve(Space::kFunc, in.a);
    case ImmKind::kLocal:
      return ResolveLocal(in.a);
    case ImmKind::kGlobal:
      return Resolve(Space::kGlobal, in.a);
    case ImmKind::kTable:
      return Resolve(Space::kTable, in.a);
    case ImmKind::kCallIndirect:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kTable, in.b));
      return ResolveTypeUse(in.block);
    case ImmKind::kMemArg:
    case ImmKind::kMemArgLane:
      // Offsets past a 32-bit memory's range are the validator's to refuse
      // (3.0 validation of memory instructions); the text reads any u64.
      return Resolve(Space::kMemory, in.a);
    case ImmKind::kMemIndex:
      return Resolve(Space::kMemory, in.a);
    case ImmKind::kMemoryInit:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kData, in.a));
      return Resolve(Space::kMemory, in.b);
    case ImmKind::kData:
      return Resolve(Space::kData, in.a);
    case ImmKind::kMemoryCopy:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kMemory, in.a));
      return Resolve(Space::kMemory, in.b);
    case ImmKind::kTableInit:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kElem, in.a));
      return Resolve(Space::kTable, in.b);
    case ImmKind::kElem:
      return Resolve(Space::kElem, in.a);
    case ImmKind::kTableCopy:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kTable, in.a));
      return Resolve(Space::kTable, in.b);
    default:
      return absl::OkStatus();
  }
}

// A struct field by name is looked up in its struct type's own namespace.
absl::Status Resolver::ResolveField(Instr& in) {
  if (in.b.name.empty()) return absl::OkStatus();
  if (in.a.index >= m_.types.size()) return RefError(in.a, "unknown type");
  const auto& names = m_.types[in.a.index].field_names;
  auto it = names.find(in.b.name);
  if (it == names.end()) return RefError(in.b, absl::StrCat("unknown field $", in.b.name));
  in.b.index = it->second;
  return absl::OkStatus();
}

absl::Status Resolver::ResolveTextOp(Instr& in) {
  switch (in.text_op->imm) {
    case TextImm::kType:
    case TextImm::kTypeCount:
      return Resolve(Space::kType, in.a);
    case TextImm::kTypeField:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kType, in.a));
      return ResolveField(in);
    case TextImm::kTypeData:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kType, in.a));
      return Resolve(Space::kData, in.b);
    case TextImm::kTypeElem:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kType, in.a));
      return Resolve(Space::kElem, in.b);
    case TextImm::kTypeType:
      WSBX_RETURN_IF_ERROR(Resolve(Space::kType, in.a));
      return Resolve(Space::kType, in.b);
    case TextImm::kCast:
    case TextImm::kBrOnCast:
      return ResolveValTypes(in.types);
    case TextImm::kTag:
      return Resolve(Space::kTag, in.a);
    case TextImm::kTryTable:
      for (Catch& c : in.catches) WSBX_RETURN_IF_ERROR(Resolve(Space::kTag, c.tag));
      return absl::OkStatus();
    case TextImm::kNone:
    case TextImm::kLabel:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status Resolver::ResolveExpr(Expr& e) {
  for (Instr& in : e) WSBX_RETURN_IF_ERROR(ResolveInstr(in));
  return absl::OkStatus();
}

absl::Status Resolver::ResolveFunc(Func& f) {
  WSBX_RETURN_IF_ERROR(ResolveTypeUse(f.type));
  if (f.import) return absl::OkStatus();
  WSBX_RETURN_IF_ERROR(ResolveValTypes(f.locals));
  locals_.clear();
  uint32_t index = 0;
  auto bind = [&](const std::string& name) -> absl::Status {
    if (!name.empty() && !locals_.emplace(name, index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(f.type.line, ":", f.type.col, ": duplicate local $", name));
    }
    ++index;
    return absl::OkStatus();
  };
  for (const std::string& n : f.type.param_names) WSBX_RETURN_IF_ERROR(bind(n));
  for (const std::string& n : f.local_names) WSBX_RETURN_IF_ERROR(bind(n));
  return ResolveExpr(f.body);
}

absl::Status Resolver::Run() {
  WSBX_RETURN_IF_ERROR(ResolveTypeDefs());
  MatchImplicitUses();
  for (Func& f : m_.funcs) WSBX_RETURN_IF_ERROR(ResolveFunc(f));
  for (Table& t : m_.tables) {
    WSBX_RETURN_IF_ERROR(ResolveValType(t.ref_type));
    WSBX_RETURN_IF_ERROR(ResolveExpr(t.init));
  }
  for (Tag& t : m_.tags) WSBX_RETURN_IF_ERROR(ResolveTypeUse(t.type));
  for (Global& g : m_.globals) {
    WSBX_RETURN_IF_ERROR(ResolveValType(g.type));
    WSBX_RETURN_IF_ERROR(ResolveExpr(g.init));
  }
  for (Export& e : m_.exports) WSBX_RETURN_IF_ERROR(Resolve(e.kind, e.ref));
  if (m_.start) WSBX_RETURN_IF_ERROR(Resolve(Space::kFunc, *m_.start));
  for (Elem& e : m_.elems) {
    WSBX_RETURN_IF_ERROR(Resolve(Space::kTable, e.table));
    WSBX_RETURN_IF_ERROR(ResolveValType(e.ref_type));
    WSBX_RETURN_IF_ERROR(ResolveExpr(e.offset));
    for (Expr& item : e.items) WSBX_RETURN_IF_ERROR(ResolveExpr(item));
  }
  for (Data& d : m_.datas) {
    WSBX_RETURN_IF_ERROR(Resolve(Space::kMemory, d.memory));
    WSBX_RETURN_IF_ERROR(ResolveExpr(d.offset));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ResolveModule(TextModule& m) { return Resolver(m).Run(); }

}  // namespace wsbx::text
