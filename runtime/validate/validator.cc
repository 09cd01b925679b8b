// Module-level validation (spec 3.2 types, 3.4 modules): index spaces,
// limits, constant expressions, segments, exports and the start function,
// then every body through BodyValidator. A module accepted here is trusted
// by the compiler and the instantiator without further checks.
#include "runtime/validate/validator.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "runtime/decode/reader.h"
#include "runtime/status_macros.h"
#include "runtime/validate/validator_body.h"

namespace wsbx {
namespace {

// The engine's names are std::string_view; this Abseil predates its alias.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

absl::Status Invalid(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

class ModuleValidator {
 public:
  ModuleValidator(const Module& m, const Limits& limits,
                  const ValidBodyFn* on_body)
      : m_(m), limits_(limits), on_body_(on_body) {}

  absl::Status Run() {
    WSBX_RETURN_IF_ERROR(CheckShape());
    absl::Status s = RunChecks();
    // A spent load budget (deadline, code cap) is reported as it is.
    if (s.ok() || absl::IsDeadlineExceeded(s) || absl::IsResourceExhausted(s)) {
      return s;
    }
    // Prefer a malformed body over an invalid construct, as a decoder that
    // reads every body before validation would report it.
    BodyValidator bodies(m_, limits_, refs_);
    for (size_t i = 0; i < m_.bodies.size(); ++i) {
      WSBX_RETURN_IF_ERROR(bodies.CheckWellFormed(m_.num_imported_funcs +
                                                  static_cast<uint32_t>(i)));
    }
    return s;
  }

 private:
  absl::Status RunChecks() {
    WSBX_RETURN_IF_ERROR(CheckTypes());
    WSBX_RETURN_IF_ERROR(CheckImports());
    WSBX_RETURN_IF_ERROR(CheckTablesAndMemories());
    CollectRefs();
    WSBX_RETURN_IF_ERROR(CheckGlobals());
    WSBX_RETURN_IF_ERROR(CheckElems());
    WSBX_RETURN_IF_ERROR(CheckDatas());
    WSBX_RETURN_IF_ERROR(CheckExports());
    WSBX_RETURN_IF_ERROR(CheckStart());
    BodyValidator bodies(m_, limits_, refs_);
    for (size_t i = 0; i < m_.bodies.size(); ++i) {
      const uint32_t index = static_cast<uint32_t>(i);
      WSBX_RETURN_IF_ERROR(
          bodies.Validate(m_.num_imported_funcs + index, on_body_ != nullptr));
      if (on_body_ != nullptr) {
        WSBX_RETURN_IF_ERROR((*on_body_)(index, bodies.recorded()));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckShape();
  absl::Status CheckTypes();
  absl::Status CheckImports();
  absl::Status CheckValType(ValType t, absl::string_view where);
  absl::Status CheckTableType(const TableType& t, absl::string_view where);
  absl::Status CheckMemoryType(const MemoryType& t, absl::string_view where);
  absl::Status CheckTablesAndMemories();
  void CollectRefs();
  absl::Status CheckConstExpr(const ConstExpr& e, ValType expected,
                              absl::string_view where,
                              uint64_t visible_globals);
  absl::Status CheckConstExpr(const ConstExpr& e, ValType expected,
                              absl::string_view where) {
    return CheckConstExpr(e, expected, where, m_.global_types.size());
  }
  absl::Status CheckGlobals();
  absl::Status CheckElems();
  absl::Status CheckDatas();
  absl::Status CheckExports();
  absl::Status CheckStart();

  const Module& m_;
  const Limits& limits_;
  const ValidBodyFn* on_body_;  // null: validation only
  std::vector<bool> refs_;
  std::vector<ValType> const_stack_;
};

// The decoder builds the index spaces; a Module filled by hand might not
// agree with itself, and the body validator indexes these vectors freely.
absl::Status ModuleValidator::CheckShape() {
  if (m_.num_imported_funcs > m_.func_types.size() ||
      m_.func_types.size() - m_.num_imported_funcs != m_.bodies.size() ||
      m_.num_imported_tables > m_.tables.size() ||
      m_.num_imported_memories > m_.memories.size() ||
      m_.num_imported_globals > m_.global_types.size() ||
      m_.global_types.size() - m_.num_imported_globals != m_.globals.size()) {
    return absl::InvalidArgumentError(
        "function and code section have inconsistent lengths");
  }
  if (m_.data_count.has_value() && *m_.data_count != m_.datas.size()) {
    return absl::InvalidArgumentError(
        "data count and data section have inconsistent lengths");
  }
  for (size_t i = 0; i < m_.globals.size(); ++i) {
    const GlobalType& t = m_.global_types[m_.num_imported_globals + i];
    if (t.type != m_.globals[i].type.type ||
        t.mutable_ != m_.globals[i].type.mutable_) {
      return absl::InvalidArgumentError("global types are inconsistent");
    }
  }
  for (size_t i = 0; i < m_.func_types.size(); ++i) {
    if (m_.func_types[i] >= m_.types.size()) {
      return Invalid(absl::StrCat("function ", i),
                     absl::StrCat("unknown type ", m_.func_types[i]));
    }
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::CheckValType(ValType t, absl::string_view where) {
  if (!IsValTypeByte(static_cast<uint8_t>(t))) {
    return Invalid(where, "malformed value type");
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::CheckTypes() {
  for (size_t i = 0; i < m_.types.size(); ++i) {
    const FuncType& t = m_.types[i];
    std::string where = absl::StrCat("type ", i);
    if (t.params.size() > limits_.max_params) {
      return Invalid(where, "too many parameters");
    }
    if (t.results.size() > limits_.max_results) {
      return Invalid(where, "too many results");
    }
    for (ValType v : t.params) WSBX_RETURN_IF_ERROR(CheckValType(v, where));
    for (ValType v : t.results) WSBX_RETURN_IF_ERROR(CheckValType(v, where));
  }
  return absl::OkStatus();
}

// Limits (spec 3.2.1 and 3.2.4-3.2.5): within the range, then min <= max.
absl::Status ModuleValidator::CheckTableType(const TableType& t,
                                             absl::string_view where) {
  if (!IsRefType(t.elem)) return Invalid(where, "malformed reference type");
  // table64 sizes are any u64; 32-bit tables hold at most 2^32-1.
  constexpr uint64_t kRange = 0xFFFFFFFFu;
  if (!t.limits.is64 &&
      (t.limits.min > kRange || (t.limits.max && *t.limits.max > kRange))) {
    return Invalid(where, "table size must be at most 2^32-1");
  }
  if (t.limits.max && t.limits.min > *t.limits.max) {
    return Invalid(where, "size minimum must not be greater than maximum");
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::CheckMemoryType(const MemoryType& t,
                                              absl::string_view where) {
  // memory64: at most 2^48 pages (the whole 64-bit space).
  const uint64_t max_pages = t.limits.is64 ? uint64_t{1} << 48 : kMaxPages;
  if (t.limits.min > max_pages ||
      (t.limits.max && *t.limits.max > max_pages)) {
    return Invalid(where, t.limits.is64
                              ? "memory size must be at most 2^48 pages"
                              : "memory size must be at most 65536 pages (4GiB)");
  }
  if (t.limits.max && t.limits.min > *t.limits.max) {
    return Invalid(where, "size minimum must not be greater than maximum");
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::CheckImports() {
  for (size_t i = 0; i < m_.imports.size(); ++i) {
    const Import& im = m_.imports[i];
    std::string where =
        absl::StrFormat("import %u (\"%s\" \"%s\")", i, im.module, im.name);
    switch (im.kind) {
      case ExternKind::kFunc:
        if (im.func_type >= m_.types.size()) {
          return Invalid(where, absl::StrCat("unknown type ", im.func_type));
        }
        break;
      case ExternKind::kTable:
        WSBX_RETURN_IF_ERROR(CheckTableType(im.table, where));
        break;
      case ExternKind::kMemory:
        WSBX_RETURN_IF_ERROR(CheckMemoryType(im.memory, where));
        break;
      case ExternKind::kGlobal:
        WSBX_RETURN_IF_ERROR(CheckValType(im.global.type, where));
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::CheckTablesAndMemories() {
  for (size_t i = 0; i < m_.tables.size(); ++i) {
    WSBX_RETURN_IF_ERROR(
        CheckTableType(m_.tables[i], absl::StrCat("table ", i)));
  }
  // Wasm 3.0 allows any number of memories; Limits::max_memories caps them
  // (1 keeps a module to what 2.0 allowed).
  if (m_.memories.size() > limits_.max_memories) {
    return absl::InvalidArgumentError(
        m_.memories.size() > 1 && limits_.max_memories <= 1
            ? std::string("multiple memories")
            : absl::StrCat("too many memories (", m_.memories.size(),
                           ", limit ", limits_.max_memories, ")"));
  }
  for (size_t i = 0; i < m_.memories.size(); ++i) {
    WSBX_RETURN_IF_ERROR(
        CheckMemoryType(m_.memories[i], absl::StrCat("memory ", i)));
  }
  for (size_t i = 0; i < m_.global_types.size(); ++i) {
    WSBX_RETURN_IF_ERROR(
        CheckValType(m_.global_types[i].type, absl::StrCat("global ", i)));
  }
  return absl::OkStatus();
}

// C.refs (spec 3.4.10): functions named by ref.func outside function bodies,
// i.e. in global initialisers and element segments, plus exported functions.
void ModuleValidator::CollectRefs() {
  refs_.assign(m_.func_types.size(), false);
  auto mark = [this](const ConstExpr& e) {
    for (const ConstInstr& ci : e.instrs) {
      if (ci.op == Opcode::kRefFunc && ci.imm < refs_.size())
        refs_[ci.imm] = true;
    }
  };
  for (const Global& g : m_.globals) mark(g.init);
  for (const ElemSegment& seg : m_.elems) {
    for (const ConstExpr& e : seg.items) mark(e);
  }
  for (const Export& ex : m_.exports) {
    if (ex.kind == ExternKind::kFunc && ex.index < refs_.size()) {
      refs_[ex.index] = true;
    }
  }
}

// Constant expressions (Wasm 3.0, spec 3.3.11): t.const, ref.null,
// ref.func, global.get of an immutable global among the first
// `visible_globals` (a global's initializer sees the imported globals and
// those defined before it; segments see all), and the extended-constant
// i32/i64 add, sub and mul; the sequence must leave exactly one value of
// the expected type.
absl::Status ModuleValidator::CheckConstExpr(const ConstExpr& e,
                                             ValType expected,
                                             absl::string_view where,
                                             uint64_t visible_globals) {
  auto fail = [&](absl::string_view what) {
    return Reader::ErrorAt(e.offset, absl::StrCat(where, ": ", what));
  };
  const_stack_.clear();
  for (const ConstInstr& ci : e.instrs) {
    switch (ci.op) {
      case Opcode::kI32Const:
        const_stack_.push_back(ValType::kI32);
        break;
      case Opcode::kI64Const:
        const_stack_.push_back(ValType::kI64);
        break;
      case Opcode::kF32Const:
        const_stack_.push_back(ValType::kF32);
        break;
      case Opcode::kF64Const:
        const_stack_.push_back(ValType::kF64);
        break;
      case Opcode::kV128Const:
        const_stack_.push_back(ValType::kV128);
        break;
      case Opcode::kRefNull: {
        ValType t = static_cast<ValType>(ci.imm);
        if (ci.imm > 0xFF || !IsRefType(t))
          return fail("malformed reference type");
        const_stack_.push_back(t);
        break;
      }
      case Opcode::kRefFunc:
        if (ci.imm >= m_.func_types.size()) {
          return fail(absl::StrCat("unknown function ", ci.imm));
        }
        const_stack_.push_back(ValType::kFuncRef);
        break;
      case Opcode::kGlobalGet: {
        if (ci.imm >= visible_globals) {
          return fail(absl::StrCat("unknown global ", ci.imm));
        }
        const GlobalType& g = m_.global_types[ci.imm];
        if (g.mutable_) {
          return fail("constant expression required (global is mutable)");
        }
        const_stack_.push_back(g.type);
        break;
      }
      case Opcode::kI32Add: case Opcode::kI32Sub: case Opcode::kI32Mul:
      case Opcode::kI64Add: case Opcode::kI64Sub: case Opcode::kI64Mul: {
        const ValType t = GetOpcodeInfo(ci.op).sig[0] == 'i' ? ValType::kI32
                                                              : ValType::kI64;
        for (int operand = 0; operand < 2; ++operand) {
          if (const_stack_.empty() || const_stack_.back() != t) {
            return fail(absl::StrCat("type mismatch: ",
                                     AbslView(GetOpcodeInfo(ci.op).text),
                                     " needs two ",
                                     AbslView(ValTypeName(t)), " operands"));
          }
          const_stack_.pop_back();
        }
        const_stack_.push_back(t);
        break;
      }
      default:
        return fail(absl::StrCat("constant expression required, found ",
                                 AbslView(GetOpcodeInfo(ci.op).text)));
    }
  }
  if (const_stack_.size() != 1 || const_stack_[0] != expected) {
    return fail(
        absl::StrCat("type mismatch: constant expression must produce one ",
                     AbslView(ValTypeName(expected))));
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::CheckGlobals() {
  for (size_t i = 0; i < m_.globals.size(); ++i) {
    const Global& g = m_.globals[i];
    WSBX_RETURN_IF_ERROR(
        CheckConstExpr(g.init, g.type.type,
                       absl::StrCat("global ", m_.num_imported_globals + i),
                       m_.num_imported_globals + i));
  }
  return absl::OkStatus();
}

// Element segments (spec 3.4.6): items of the segment's type; an active
// segment names a table of the same type and has an i32 offset.
absl::Status ModuleValidator::CheckElems() {
  for (size_t i = 0; i < m_.elems.size(); ++i) {
    const ElemSegment& seg = m_.elems[i];
    std::string where = absl::StrCat("elem segment ", i);
    if (!IsRefType(seg.type)) return Invalid(where, "malformed reference type");
    for (const ConstExpr& item : seg.items) {
      WSBX_RETURN_IF_ERROR(CheckConstExpr(item, seg.type, where));
    }
    if (seg.mode != SegmentMode::kActive) continue;
    if (seg.table >= m_.tables.size()) {
      return Reader::ErrorAt(
          seg.offset.offset,
          absl::StrCat(where, ": unknown table ", seg.table));
    }
    if (m_.tables[seg.table].elem != seg.type) {
      return Reader::ErrorAt(
          seg.offset.offset,
          absl::StrCat(where, ": type mismatch: segment of ",
                       AbslView(ValTypeName(seg.type)), " for a table of ",
                       AbslView(ValTypeName(m_.tables[seg.table].elem))));
    }
    WSBX_RETURN_IF_ERROR(CheckConstExpr(
        seg.offset,
        m_.tables[seg.table].limits.is64 ? ValType::kI64 : ValType::kI32,
        where));
  }
  return absl::OkStatus();
}

// Data segments (spec 3.4.7): an active segment names an existing memory
// and has an i32 offset.
absl::Status ModuleValidator::CheckDatas() {
  for (size_t i = 0; i < m_.datas.size(); ++i) {
    const DataSegment& seg = m_.datas[i];
    std::string where = absl::StrCat("data segment ", i);
    if (seg.mode == SegmentMode::kDeclarative) {
      return Invalid(where, "data segments cannot be declarative");
    }
    if (seg.mode != SegmentMode::kActive) continue;
    if (seg.memory >= m_.memories.size()) {
      return Reader::ErrorAt(
          seg.offset.offset,
          absl::StrCat(where, ": unknown memory ", seg.memory));
    }
    WSBX_RETURN_IF_ERROR(CheckConstExpr(
        seg.offset,
        m_.memories[seg.memory].limits.is64 ? ValType::kI64 : ValType::kI32,
        where));
  }
  return absl::OkStatus();
}

// Exports (spec 3.4.8-3.4.10): a valid index and a name used once.
absl::Status ModuleValidator::CheckExports() {
  absl::flat_hash_set<std::string_view> names;
  names.reserve(m_.exports.size());
  for (size_t i = 0; i < m_.exports.size(); ++i) {
    const Export& ex = m_.exports[i];
    std::string where = absl::StrFormat("export %u (\"%s\")", i, ex.name);
    size_t count = 0;
    switch (ex.kind) {
      case ExternKind::kFunc:
        count = m_.func_types.size();
        break;
      case ExternKind::kTable:
        count = m_.tables.size();
        break;
      case ExternKind::kMemory:
        count = m_.memories.size();
        break;
      case ExternKind::kGlobal:
        count = m_.global_types.size();
        break;
    }
    if (ex.index >= count) {
      absl::string_view kind = ex.kind == ExternKind::kFunc
                                   ? "function"
                                   : AbslView(ExternKindName(ex.kind));
      return Invalid(where, absl::StrCat("unknown ", kind, " ", ex.index));
    }
    if (!names.insert(ex.name).second) {
      return Invalid(where, "duplicate export name");
    }
  }
  return absl::OkStatus();
}

// The start function (spec 3.4.9) takes and returns nothing.
absl::Status ModuleValidator::CheckStart() {
  if (!m_.start.has_value()) return absl::OkStatus();
  uint32_t x = *m_.start;
  if (x >= m_.func_types.size()) {
    return Invalid("start", absl::StrCat("unknown function ", x));
  }
  const FuncType& t = m_.FuncTypeOf(x);
  if (!t.params.empty() || !t.results.empty()) {
    return Invalid("start", absl::StrCat("start function ", x,
                                         " must have type [] -> []"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateModule(const Module& module, const Limits& limits) {
  return ModuleValidator(module, limits, nullptr).Run();
}

absl::Status ValidateModule(const Module& module, const Limits& limits,
                            ValidBodyFn on_body) {
  return ModuleValidator(module, limits, &on_body).Run();
}

}  // namespace wsbx
