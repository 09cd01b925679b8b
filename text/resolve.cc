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

namespace wsbx::text {
namespace {

constexpr const char* kSpaceNames[kSpaceCount] = {
    "function", "table", "memory", "global", "type", "elem segment",
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

absl::Status Resolver::ResolveTypeUse(TypeUse& use) {
  if (!use.type) {
    use.index = implicit_types_[use.implicit_slot];
    return absl::OkStatus();
  }
  WSBX_RETURN_IF_ERROR(Resolve(Space::kType, *use.type));
  use.index = use.type->index;
  const bool has_inline = !use.sig.params.empty() || !use.sig.results.empty();
  if (use.index < m_.types.size()) {
    if (has_inline && !(use.sig == m_.types[use.index])) {
      return RefError(*use.type, "inline function type does not match the type use");
    }
    if (!has_inline) {
      use.sig = m_.types[use.index];
      use.param_names.assign(use.sig.params.size(), "");
    }
  } else if (has_inline) {
    return RefError(*use.type, "unknown type");
  }
  return absl::OkStatus();
}

absl::Status Resolver::ResolveInstr(Instr& in) {
  switch (GetOpcodeInfo(in.op).imm) {
    case ImmKind::kBlockType: {
      if (in.inline_block) return absl::OkStatus();
      WSBX_RETURN_IF_ERROR(ResolveTypeUse(in.block));
      // A type that needs no index is written inline (as wabt does; both
      // encodings mean the same block type, spec 5.4.1).
      const uint32_t t = in.block.index;
      in.inline_block = t < m_.types.size() && m_.types[t].params.empty() &&
                        m_.types[t].results.size() <= 1;
      return absl::OkStatus();
    }
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

absl::Status Resolver::ResolveExpr(Expr& e) {
  for (Instr& in : e) WSBX_RETURN_IF_ERROR(ResolveInstr(in));
  return absl::OkStatus();
}

absl::Status Resolver::ResolveFunc(Func& f) {
  WSBX_RETURN_IF_ERROR(ResolveTypeUse(f.type));
  if (f.import) return absl::OkStatus();
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
  // Implicit type uses, in text order: the first matching type, else a new
  // one appended at the end of the module. Indexed by signature, so that
  // many types and many uses cost n log n, not n * m.
  using SigKey = std::pair<std::vector<uint8_t>, std::vector<uint8_t>>;
  std::map<SigKey, uint32_t> first_type;
  for (uint32_t i = 0; i < m_.types.size(); ++i) {
    first_type.emplace(SigKey(m_.types[i].params, m_.types[i].results), i);
  }
  for (const FuncSig& sig : m_.implicit_sigs) {
    const uint32_t next = static_cast<uint32_t>(m_.types.size());
    auto [it, added] = first_type.emplace(SigKey(sig.params, sig.results), next);
    if (added) m_.types.push_back(sig);
    implicit_types_.push_back(it->second);
  }
  for (Func& f : m_.funcs) WSBX_RETURN_IF_ERROR(ResolveFunc(f));
  for (Global& g : m_.globals) WSBX_RETURN_IF_ERROR(ResolveExpr(g.init));
  for (Export& e : m_.exports) WSBX_RETURN_IF_ERROR(Resolve(e.kind, e.ref));
  if (m_.start) WSBX_RETURN_IF_ERROR(Resolve(Space::kFunc, *m_.start));
  for (Elem& e : m_.elems) {
    WSBX_RETURN_IF_ERROR(Resolve(Space::kTable, e.table));
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
